/**
 * Derives a memo's tags, snippet and property flags from its Markdown content with the
 * same results as the Memos v0.30 server (internal/markdown, goldmark), so a memo captured
 * offline is tagged and summarised exactly as the server will do it. The server's tag
 * parser runs at every unescaped `#` of inline text BEFORE other inline syntax, so a tag
 * can swallow what follows it (`#a\`b\`` → tag a`b`, `~~#x~~` → tag x~~): tags are
 * therefore scanned over each block's inline SOURCE text, starting only at a `#` that
 * marked (GFM) sees as plain text (not in code, links, URLs, HTML or escapes). Rules:
 *  - 1–100 runes of letters, digits, symbols (emoji), marks, ZWJ or `_ - / &`;
 *    `##x` and `# x` do not start a tag at the first `#`;
 *  - case kept, duplicates removed keeping the first occurrence.
 * The golden corpus recorded from a real server (test/fixtures/memos/tags-golden.json)
 * pins tags, snippet and properties. Pure: no I/O.
 */
import { Lexer, type Token, type Tokens } from 'marked';
import type { DerivedMemoData, MemoProperty } from './memo';

const MAX_TAG_RUNES = 100;
const SNIPPET_MAX_RUNES = 64;
const TAG_RUNE = /^(?:[\p{L}\p{N}\p{S}\p{M}_\-/&]|\u200D)$/u;

/** End (exclusive) of a tag whose `#` is at `hash` in `source`, or undefined if none starts there. */
export function tagEnd(source: string, hash: number): number | undefined {
  const next = source[hash + 1];
  if (next === undefined || next === '#' || next === ' ') return undefined;
  let end = hash + 1;
  let runes = 0;
  for (const char of source.slice(hash + 1)) {
    if (runes >= MAX_TAG_RUNES || !TAG_RUNE.test(char)) break;
    runes++;
    end += char.length;
  }
  return end > hash + 1 ? end : undefined;
}

/** Tags in plain text (every `#` eligible). */
export function scanTags(text: string, into: string[]): void {
  let index = text.indexOf('#');
  while (index !== -1) {
    const end = tagEnd(text, index);
    if (end !== undefined) into.push(text.slice(index + 1, end));
    index = text.indexOf('#', end ?? index + 1);
  }
}

type LeafKind = 'text' | 'escape' | 'codespan' | 'link-text' | 'autolink' | 'html' | 'br' | 'other';

interface Leaf {
  kind: LeafKind;
  start: number;
  end: number;
  /** What the server's snippet shows for it. */
  display: string;
}

interface Inline {
  leaves: Leaf[];
  /** Source ranges of container delimiters (`**`, `~~`, `[`, `](url)`), which a tag may swallow. */
  delimiters: Array<[number, number]>;
  tags: Array<[number, number]>;
  source: string;
  /** False when token offsets could not be matched to the source (then tags are scanned per token). */
  exact: boolean;
}

function children(token: Token): Token[] {
  return (token as { tokens?: Token[] }).tokens ?? [];
}

/** Maps inline tokens onto source offsets; returns false if the raws do not line up. */
function flatten(tokens: Token[], start: number, inline: Inline, inLink: boolean): boolean {
  let offset = start;
  for (const token of tokens) {
    if (inline.source.slice(offset, offset + token.raw.length) !== token.raw) return false;
    const end = offset + token.raw.length;
    const nested = children(token);
    const leaf = (kind: LeafKind, display: string) =>
      inline.leaves.push({ kind, start: offset, end, display });
    switch (token.type) {
      case 'text':
        if (nested.length > 0) {
          if (!flatten(nested, offset, inline, inLink)) return false;
        } else {
          leaf(inLink ? 'link-text' : 'text', (token as Tokens.Text).text.replace(/\n/g, ' '));
        }
        break;
      case 'escape':
        leaf('escape', token.raw);
        break;
      case 'codespan':
        leaf('codespan', (token as Tokens.Codespan).text);
        break;
      case 'html':
        leaf('html', '');
        break;
      case 'br':
        leaf('br', '');
        break;
      case 'link':
      case 'image': {
        const explicit = token.raw.startsWith('[') || token.raw.startsWith('!');
        if (!explicit) {
          leaf('autolink', (token as Tokens.Link).href);
          break;
        }
        const inner = nested.map((t) => t.raw).join('');
        const at = token.raw.indexOf(inner);
        if (at < 0 || !flatten(nested, offset + at, inline, true)) return false;
        inline.delimiters.push([offset, offset + at], [offset + at + inner.length, end]);
        break;
      }
      default: {
        if (nested.length === 0) {
          leaf('other', '');
          break;
        }
        const inner = nested.map((t) => t.raw).join('');
        const at = token.raw.indexOf(inner);
        if (at < 0 || !flatten(nested, offset + at, inline, inLink)) return false;
        inline.delimiters.push([offset, offset + at], [offset + at + inner.length, end]);
      }
    }
    offset = end;
  }
  return true;
}

function analyseInline(tokens: Token[], source: string): Inline {
  const inline: Inline = { leaves: [], delimiters: [], tags: [], source, exact: true };
  if (!flatten(tokens, 0, inline, false)) {
    // Fallback: scan each plain text token on its own (cannot see tags swallowing syntax).
    inline.exact = false;
    inline.leaves = [];
    inline.delimiters = [];
    collectLoose(tokens, inline, false);
    return inline;
  }
  let consumed = 0;
  for (const leaf of inline.leaves) {
    if (leaf.kind !== 'text') continue;
    for (let i = source.indexOf('#', Math.max(leaf.start, consumed)); i !== -1 && i < leaf.end; ) {
      const end = tagEnd(source, i);
      if (end !== undefined) {
        inline.tags.push([i, end]);
        consumed = end;
      }
      i = source.indexOf('#', end ?? i + 1);
    }
  }
  return inline;
}

function collectLoose(tokens: Token[], inline: Inline, inLink: boolean): void {
  for (const token of tokens) {
    const nested = children(token);
    if (token.type === 'text' && nested.length === 0) {
      const text = (token as Tokens.Text).text;
      const start = inline.source.length;
      inline.source += text;
      inline.leaves.push({
        kind: inLink ? 'link-text' : 'text',
        start,
        end: inline.source.length,
        display: text.replace(/\n/g, ' '),
      });
      if (!inLink) {
        for (let i = text.indexOf('#'); i !== -1; ) {
          const end = tagEnd(text, i);
          if (end !== undefined) inline.tags.push([start + i, start + end]);
          i = text.indexOf('#', end ?? i + 1);
        }
      }
    } else if (token.type === 'codespan') {
      inline.leaves.push({
        kind: 'codespan',
        start: inline.source.length,
        end: inline.source.length,
        display: (token as Tokens.Codespan).text,
      });
    } else if (token.type === 'link' || token.type === 'image') {
      const explicit = token.raw.startsWith('[') || token.raw.startsWith('!');
      if (explicit) collectLoose(nested, inline, true);
      else inline.leaves.push({ kind: 'autolink', start: 0, end: 0, display: (token as Tokens.Link).href });
    } else if (token.type === 'escape') {
      inline.leaves.push({ kind: 'escape', start: 0, end: 0, display: token.raw });
    } else {
      collectLoose(nested, inline, inLink);
    }
  }
}

const insideTag = (inline: Inline, position: number) =>
  inline.tags.some(([s, e]) => position > s && position < e);
const overlapsTag = (inline: Inline, [start, end]: [number, number]) =>
  inline.tags.some(([s, e]) => start < e && end > s);

/** The snippet text of an inline run, as the server renders it. */
function inlineDisplay(inline: Inline): string {
  const swallowed =
    inline.exact &&
    (inline.delimiters.some((d) => overlapsTag(inline, d)) ||
      inline.leaves.some((l) => l.kind !== 'text' && overlapsTag(inline, [l.start, l.end])));
  // A tag that ate syntax turns that syntax into text: show the source as it was written.
  if (swallowed) return inline.source.replace(/\n/g, ' ');
  return inline.leaves.map((leaf) => leaf.display).join('');
}

function inlineTitle(inline: Inline): string {
  let text = '';
  for (const leaf of inline.leaves) {
    if (leaf.kind === 'text') {
      let part = '';
      for (let i = leaf.start; i < leaf.end; i++) {
        if (!inline.tags.some(([s, e]) => i >= s && i < e)) part += inline.source[i] ?? '';
      }
      text += inline.exact ? part : leaf.display;
    } else if (leaf.kind === 'escape' || leaf.kind === 'codespan' || leaf.kind === 'link-text') {
      text += leaf.display;
    }
  }
  return text;
}

type BlockKind = 'paragraph' | 'heading' | 'listitem' | 'tablecell' | 'tablerow' | 'tableheader' | 'other';
const SNIPPET_BLOCKS = new Set<BlockKind>([
  'paragraph',
  'heading',
  'listitem',
  'tablecell',
  'tablerow',
  'tableheader',
]);

class Walker {
  tags: string[] = [];
  property: MemoProperty = {
    hasLink: false,
    hasTaskList: false,
    hasCode: false,
    hasIncompleteTasks: false,
    title: '',
  };
  private snippet = '';
  private lastWasBlock = false;

  get snippetText(): string {
    return this.snippet;
  }

  private enter(kind: BlockKind): void {
    if (SNIPPET_BLOCKS.has(kind) && this.snippet.length > 0 && this.lastWasBlock) this.snippet += ' ';
    this.lastWasBlock = false;
  }

  private exit(kind: BlockKind): void {
    if (SNIPPET_BLOCKS.has(kind)) this.lastWasBlock = true;
  }

  inline(tokens: Token[], source: string): Inline {
    const inline = analyseInline(tokens, source);
    for (const [start, end] of inline.tags) this.tags.push(inline.source.slice(start + 1, end));
    for (const leaf of inline.leaves) {
      if (leaf.kind === 'codespan' && !(inline.exact && insideTag(inline, leaf.start)))
        this.property.hasCode = true;
    }
    this.markLinks(tokens);
    this.snippet += inlineDisplay(inline);
    return inline;
  }

  private markLinks(tokens: Token[]): void {
    for (const token of tokens) {
      if (token.type === 'link' && token.raw.startsWith('[')) this.property.hasLink = true;
      this.markLinks(children(token));
    }
  }

  block(kind: BlockKind, tokens: Token[], source: string): Inline {
    this.enter(kind);
    const inline = this.inline(tokens, source);
    this.exit(kind);
    return inline;
  }

  blocks(tokens: Token[], documentLevel: boolean): void {
    let first = documentLevel;
    for (const token of tokens) {
      if (token.type === 'space' || token.type === 'def') continue;
      const isFirst = first;
      first = false;
      switch (token.type) {
        case 'code':
          this.property.hasCode = true;
          break;
        case 'paragraph':
          this.block('paragraph', children(token), (token as Tokens.Paragraph).text);
          break;
        case 'heading': {
          const heading = token as Tokens.Heading;
          const inline = this.block('heading', children(token), heading.text);
          if (isFirst && heading.depth === 1) this.property.title = inlineTitle(inline);
          break;
        }
        case 'text': {
          this.enter('other');
          const nested = children(token);
          this.inline(nested.length > 0 ? nested : [token], (token as Tokens.Text).text);
          break;
        }
        case 'list':
          this.enter('other');
          for (const item of (token as Tokens.List).items) this.listItem(item);
          break;
        case 'table':
          this.table(token as Tokens.Table);
          break;
        default:
          this.enter('other');
          this.blocks(children(token), false);
      }
    }
  }

  private listItem(item: Tokens.ListItem): void {
    if (item.task) {
      this.property.hasTaskList = true;
      if (!item.checked) this.property.hasIncompleteTasks = true;
    }
    this.enter('listitem');
    this.blocks(
      item.tokens.filter((t) => t.type !== 'checkbox'),
      false,
    );
    this.exit('listitem');
  }

  private table(table: Tokens.Table): void {
    this.enter('other');
    this.enter('tableheader');
    for (const cell of table.header) this.block('tablecell', cell.tokens, cell.text);
    this.exit('tableheader');
    for (const row of table.rows) {
      this.enter('tablerow');
      for (const cell of row) this.block('tablecell', cell.tokens, cell.text);
      this.exit('tablerow');
    }
  }
}

function truncateSnippet(text: string): string {
  // The server compares the BYTE length with the limit, then cuts by runes at a word boundary.
  if (new TextEncoder().encode(text).length <= SNIPPET_MAX_RUNES) return text;
  const runes = Array.from(text);
  if (runes.length <= SNIPPET_MAX_RUNES) return text;
  let truncated = runes.slice(0, SNIPPET_MAX_RUNES).join('');
  const lastSpace = Math.max(...[' ', '\t', '\n', '\r'].map((c) => truncated.lastIndexOf(c)));
  if (lastSpace > 0) truncated = truncated.slice(0, lastSpace);
  return `${truncated} ...`;
}

/** Tags, snippet and property flags of `content`, as the Memos server would compute them. */
export function deriveMemoData(content: string): DerivedMemoData {
  const walker = new Walker();
  walker.blocks(new Lexer({ gfm: true, breaks: false }).lex(content), true);
  return {
    tags: [...new Set(walker.tags)],
    snippet: truncateSnippet(walker.snippetText).trim(),
    property: walker.property,
  };
}

/** Tags only (same rules as deriveMemoData). */
export function extractTags(content: string): string[] {
  return deriveMemoData(content).tags;
}
