/**
 * The shared ground of the memory parsers (parse.ts): the memory kinds and tags, and a memo's
 * lines with fenced code marked, bullets, leading tags and emphasis taken off. Pure.
 */

export const MEMORY_KINDS = ['preferences', 'learned', 'conversation', 'system'] as const;
export type MemoryKind = (typeof MEMORY_KINDS)[number];

/** What the parsers need of a memo (a LocalMemo fits). */
export interface MemoryMemo {
  name: string;
  content: string;
  tags: readonly string[];
  /** epoch ms */
  createTime: number;
}

export const MAX_LINE_CHARS = 2_000;
export const MAX_KEY_CHARS = 60;
export const MAX_KEY_WORDS = 6;
export const MAX_VALUE_CHARS = 1_000;

/** True when `tags` holds `#kind` or a sub-tag of it (`#kind/…`), in any case. */
export function hasMemoryTag(tags: readonly string[], kind: MemoryKind): boolean {
  return tags.some((tag) => {
    const lower = tag.toLowerCase();
    return lower === kind || lower.startsWith(`${kind}/`);
  });
}

const KINDS: ReadonlySet<string> = new Set(MEMORY_KINDS);

/** True when the memo carries any of the memory tags (checked for every memo of a notebook: kept cheap). */
export function isMemoryMemo(memo: Pick<MemoryMemo, 'tags'>): boolean {
  for (const tag of memo.tags) {
    const slash = tag.indexOf('/');
    if (KINDS.has((slash === -1 ? tag : tag.slice(0, slash)).toLowerCase())) return true;
  }
  return false;
}

export interface SourceLine {
  index: number;
  text: string;
  /** inside a fenced code block, or a fence delimiter itself */
  fenced: boolean;
}

const FENCE = /^\s{0,3}(```|~~~)/;

export function scanLines(content: string): SourceLine[] {
  const lines: SourceLine[] = [];
  let fence: string | undefined;
  content.split('\n').forEach((raw, index) => {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const delimiter = FENCE.exec(text)?.[1];
    if (fence === undefined && delimiter !== undefined) {
      fence = delimiter;
      lines.push({ index, text, fenced: true });
    } else if (fence !== undefined) {
      if (delimiter === fence) fence = undefined;
      lines.push({ index, text, fenced: true });
    } else {
      lines.push({ index, text, fenced: false });
    }
  });
  return lines;
}

export const TAGS_ONLY = /^\s*(?:#[^\s#]+\s*)+$/u;
const LEADING_TAGS = /^(?:#[^\s#]+\s+)+/u;
export const BULLET = /^\s*(?:[-*+•]\s+|\d{1,4}[.)]\s+)?/u;
export const EMPHASIS = ['**', '__', '*', '_', '`'] as const;

export function stripEmphasis(text: string): string {
  let current = text.trim();
  for (let changed = true; changed; ) {
    changed = false;
    for (const mark of EMPHASIS) {
      if (current.length > mark.length * 2 && current.startsWith(mark) && current.endsWith(mark)) {
        current = current.slice(mark.length, -mark.length).trim();
        changed = true;
      }
    }
  }
  return current;
}

/** A line's text without its list bullet and leading `#tags`; '' for a tags-only line. */
export function plainText(line: string): string {
  if (TAGS_ONLY.test(line)) return '';
  const rest = line.slice(BULLET.exec(line)?.[0].length ?? 0);
  return rest.replace(LEADING_TAGS, '').trim();
}
