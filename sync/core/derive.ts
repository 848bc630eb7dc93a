/**
 * Derives a memo's tags, snippet and property flags from its Markdown content with the
 * same rules as the Memos v0.30 server (internal/markdown: a goldmark inline parser
 * triggered by every unescaped `#`), so a memo captured offline is tagged exactly as the
 * server will tag it:
 *  - `#` followed by 1–100 runes that are letters, digits, symbols (emoji), marks, ZWJ,
 *    or `_ - / &`; `##x` and `# x` do not start a tag at the first `#`;
 *  - not inside code spans, code blocks, HTML blocks, link or image text, or URLs;
 *  - tags keep their case, duplicates are removed keeping the first occurrence.
 * The golden corpus recorded from a real server (test/fixtures/memos/tags-golden.json) pins
 * this behaviour. Pure: no I/O.
 */
import { Lexer, type Token, type Tokens } from 'marked';
import type { DerivedMemoData, MemoProperty } from './memo';

const MAX_TAG_RUNES = 100;
const SNIPPET_MAX_RUNES = 64;
const TAG_RUNE = /^(?:[\p{L}\p{N}\p{S}\p{M}_\-/&]|\u200D)$/u;

/** Scans plain inline text for tags, mirroring the server's tag parser on each `#`. */
export function scanTags(text: string, into: string[]): void {
  let index = text.indexOf('#');
  while (index !== -1) {
    const next = text[index + 1];
    if (next === undefined || next === '#' || next === ' ') {
      index = text.indexOf('#', index + 1);
      continue;
    }
    let end = index + 1;
    let runes = 0;
    for (const char of text.slice(index + 1)) {
      if (!TAG_RUNE.test(char) || runes >= MAX_TAG_RUNES) break;
      runes++;
      end += char.length;
    }
    if (end > index + 1) into.push(text.slice(index + 1, end));
    index = text.indexOf('#', Math.max(end, index + 1));
  }
}

interface Walk {
  tags: string[];
  snippetParts: string[];
  property: MemoProperty;
}

function childTokens(token: Token): Token[] {
  const withTokens = token as { tokens?: Token[] };
  return withTokens.tokens ?? [];
}

function walkInline(tokens: Token[], walk: Walk, inLink: boolean): void {
  for (const token of tokens) {
    switch (token.type) {
      case 'text': {
        const nested = childTokens(token);
        if (nested.length > 0) {
          walkInline(nested, walk, inLink);
        } else {
          const text = (token as Tokens.Text).text;
          if (!inLink) scanTags(text, walk.tags);
          walk.snippetParts.push(text.replace(/\n/g, ' '));
        }
        break;
      }
      case 'escape':
        walk.snippetParts.push((token as Tokens.Escape).text);
        break;
      case 'codespan':
        walk.property.hasCode = true;
        walk.snippetParts.push((token as Tokens.Codespan).text);
        break;
      case 'link': {
        const link = token as Tokens.Link;
        if (link.raw.startsWith('[')) walk.property.hasLink = true;
        walkInline(childTokens(token), walk, true);
        break;
      }
      case 'image':
        walk.snippetParts.push((token as Tokens.Image).text);
        break;
      case 'checkbox':
      case 'html':
      case 'br':
        break;
      default:
        walkInline(childTokens(token), walk, inLink);
    }
  }
}

function walkBlocks(tokens: Token[], walk: Walk, isDocumentLevel: boolean): void {
  let first = isDocumentLevel;
  for (const token of tokens) {
    if (token.type === 'space') continue;
    if (first) {
      first = false;
      if (token.type === 'heading' && (token as Tokens.Heading).depth === 1) {
        walk.property.title = headingText(childTokens(token));
      }
    }
    switch (token.type) {
      case 'code':
        walk.property.hasCode = true;
        break;
      case 'html':
      case 'hr':
      case 'def':
        break;
      case 'heading':
      case 'paragraph':
        walk.snippetParts.push(' ');
        walkInline(childTokens(token), walk, false);
        break;
      case 'blockquote':
        walkBlocks(childTokens(token), walk, false);
        break;
      case 'list':
        for (const item of (token as Tokens.List).items) {
          if (item.task) {
            walk.property.hasTaskList = true;
            if (!item.checked) walk.property.hasIncompleteTasks = true;
          }
          walk.snippetParts.push(' ');
          walkListItem(item.tokens, walk);
        }
        break;
      case 'table': {
        const table = token as Tokens.Table;
        for (const cell of [...table.header, ...table.rows.flat()]) {
          walk.snippetParts.push(' ');
          walkInline(cell.tokens, walk, false);
        }
        break;
      }
      case 'text':
        walk.snippetParts.push(' ');
        walkInline(childTokens(token).length > 0 ? childTokens(token) : [token], walk, false);
        break;
      default:
        walkBlocks(childTokens(token), walk, false);
    }
  }
}

function walkListItem(tokens: Token[], walk: Walk): void {
  for (const token of tokens) {
    if (token.type === 'text')
      walkInline(childTokens(token).length > 0 ? childTokens(token) : [token], walk, false);
    else if (token.type === 'checkbox') continue;
    else walkBlocks([token], walk, false);
  }
}

function headingText(tokens: Token[]): string {
  let text = '';
  for (const token of tokens) {
    if (token.type === 'text' && childTokens(token).length === 0) {
      // The server keeps only plain text segments of the heading; `#tags` are dropped.
      const raw = (token as Tokens.Text).text;
      const withoutTags: string[] = [];
      scanTags(raw, withoutTags);
      let stripped = raw;
      for (const tag of withoutTags) stripped = stripped.replace(`#${tag}`, '');
      text += stripped;
    } else if (token.type === 'escape') {
      text += (token as Tokens.Escape).text;
    } else {
      text += headingText(childTokens(token));
    }
  }
  return text;
}

function truncateAtWord(text: string, maxRunes: number): string {
  const runes = Array.from(text);
  if (runes.length <= maxRunes) return text;
  let truncated = runes.slice(0, maxRunes).join('');
  const lastSpace = Math.max(truncated.lastIndexOf(' '), truncated.lastIndexOf('\t'));
  if (lastSpace > 0) truncated = truncated.slice(0, lastSpace);
  return `${truncated} ...`;
}

function uniqueInOrder(values: string[]): string[] {
  return [...new Set(values)];
}

const lexer = () => new Lexer({ gfm: true, breaks: false });

/** Tags, snippet and property flags of `content`, as the Memos server would compute them. */
export function deriveMemoData(content: string): DerivedMemoData {
  const walk: Walk = {
    tags: [],
    snippetParts: [],
    property: { hasLink: false, hasTaskList: false, hasCode: false, hasIncompleteTasks: false, title: '' },
  };
  walkBlocks(lexer().lex(content), walk, true);
  const snippet = truncateAtWord(
    walk.snippetParts.join('').replace(/\s+/g, ' ').trim(),
    SNIPPET_MAX_RUNES,
  ).trim();
  return { tags: uniqueInOrder(walk.tags), snippet, property: walk.property };
}

/** Tags only (same rules as deriveMemoData). */
export function extractTags(content: string): string[] {
  return deriveMemoData(content).tags;
}
