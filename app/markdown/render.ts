/**
 * Memo Markdown → safe HTML. Two independent defences:
 *  1. marked (GFM) renders with raw HTML ESCAPED: `<script>`, `<img onerror>`, `<svg>` and
 *     any other tag a memo contains is shown as text, never parsed as markup;
 *  2. DOMPurify then sanitises what marked produced (HTML profile only: no SVG/MathML,
 *     no inline styles, no forms; only http(s)/mailto/tel/relative link targets).
 * Tags become `button.memo-tag[data-tag]` (they filter the timeline) and task-list
 * checkboxes become enabled `input[data-task-index]` in source order, matching
 * sync/core/tasks.ts; each is named by its line's text and its list item gets the class
 * `task-item` (the whole line toggles it). Links open in a new tab without a referrer.
 */
import DOMPurify from 'dompurify';
import { Marked, type Tokens } from 'marked';

const TAG_BODY = /^#((?:[\p{L}\p{N}\p{S}\p{M}_\-/&]|\u200D){1,100})/u;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

let taskCounter = 0;

type AnyToken = { type: string; raw: string; text?: string; tokens?: AnyToken[] };

/** Tags inside link text or image alt are not tags (same rule as the server): make them text. */
function untagLinkText(tokens: AnyToken[] | undefined): void {
  if (!tokens) return;
  tokens.forEach((token, index) => {
    if (token.type === 'memoTag') tokens[index] = { type: 'text', raw: token.raw, text: token.raw };
    else untagLinkText(token.tokens);
  });
}

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    html(token: Tokens.HTML | Tokens.Tag) {
      return escapeHtml(token.text);
    },
    checkbox(token: Tokens.Checkbox) {
      const index = taskCounter++;
      return `<input type="checkbox" class="memo-task" data-task-index="${index}"${token.checked ? ' checked' : ''}> `;
    },
  },
  walkTokens(token) {
    if (token.type === 'link' || token.type === 'image') untagLinkText((token as AnyToken).tokens);
  },
  extensions: [
    {
      name: 'memoTag',
      level: 'inline',
      start(src: string) {
        const index = src.indexOf('#');
        return index === -1 ? undefined : index;
      },
      tokenizer(src: string) {
        if (src[1] === '#' || src[1] === ' ') return undefined;
        const match = TAG_BODY.exec(src);
        if (!match?.[1]) return undefined;
        return { type: 'memoTag', raw: match[0], tag: match[1] };
      },
      renderer(token) {
        const tag = String(token.tag);
        return `<button type="button" class="memo-tag" data-tag="${escapeHtml(tag)}">#${escapeHtml(tag)}</button>`;
      },
    },
  ],
});

let hooksInstalled = false;

/** The text of a task line: what follows the checkbox, up to a nested list. */
function taskLineText(box: Element): string {
  let text = '';
  for (let node = box.nextSibling; node; node = node.nextSibling) {
    if (node.nodeName === 'UL' || node.nodeName === 'OL') break;
    text += node.textContent ?? '';
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, 120);
}

function markTaskLine(box: Element): void {
  const parent = box.parentElement;
  const item = parent?.tagName === 'P' ? parent.parentElement : parent;
  if (item?.tagName === 'LI') item.classList.add('task-item');
  const text = taskLineText(box);
  if (text) box.setAttribute('aria-label', text);
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    if (node.tagName === 'A' && node.hasAttribute('href')) {
      node.setAttribute('target', '_blank');
      node.setAttribute('rel', 'noopener noreferrer nofollow');
    }
    if (node.tagName === 'IMG') {
      node.setAttribute('loading', 'lazy');
      node.setAttribute('referrerpolicy', 'no-referrer');
    }
    if (node.tagName === 'INPUT' && node.getAttribute('type') !== 'checkbox') node.remove();
    else if (node.tagName === 'INPUT' && node.classList.contains('memo-task')) markTaskLine(node);
  });
}

const PURIFY_CONFIG = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'form', 'iframe', 'object', 'embed', 'textarea', 'select', 'option', 'dialog'],
  FORBID_ATTR: ['style', 'srcset', 'formaction', 'action', 'id', 'name'],
  ALLOWED_URI_REGEXP: /^(?:(?:https?|mailto|tel):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i,
};

/** Renders memo Markdown to sanitised HTML (a string safe to assign to innerHTML). */
export function renderMemoHtml(content: string): string {
  installHooks();
  taskCounter = 0;
  const html = marked.parse(content) as string;
  return DOMPurify.sanitize(html, PURIFY_CONFIG) as string;
}
