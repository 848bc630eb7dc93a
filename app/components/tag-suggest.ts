/**
 * Tag suggestions while typing: the `#partial` right before the caret, the known tags
 * that match it (prefix matches first, then the most used), and the text with the chosen
 * tag put in its place. Pure string functions.
 */

export interface TagQuery {
  /** index of the `#` */
  start: number;
  /** what follows the `#` up to the caret */
  query: string;
}

const TAG_BEFORE_CARET = /(?:^|[\s([{])#((?:[\p{L}\p{N}\p{S}\p{M}_\-/&]|\u200D){0,100})$/u;

export function tagQueryAt(text: string, caret: number): TagQuery | undefined {
  const match = TAG_BEFORE_CARET.exec(text.slice(0, caret));
  const query = match?.[1];
  if (query === undefined) return undefined;
  return { start: caret - query.length - 1, query };
}

export function suggestTags(
  tags: ReadonlyArray<{ tag: string; count: number }>,
  query: string,
  limit = 6,
): string[] {
  const needle = query.toLowerCase();
  const scored = tags
    .filter(({ tag }) => tag !== query && tag.toLowerCase().includes(needle))
    .map(({ tag, count }) => ({
      tag,
      count,
      prefix: tag.toLowerCase().startsWith(needle) || tag.toLowerCase().includes(`/${needle}`),
    }));
  scored.sort(
    (a, b) => Number(b.prefix) - Number(a.prefix) || b.count - a.count || a.tag.localeCompare(b.tag),
  );
  return scored.slice(0, limit).map((s) => s.tag);
}

/** Replaces the `#partial` at `at` (up to `caret`) with `#tag ` and says where the caret goes. */
export function insertTag(
  text: string,
  at: TagQuery,
  caret: number,
  tag: string,
): { text: string; caret: number } {
  const after = text.slice(caret);
  const space = after.startsWith(' ') ? '' : ' ';
  const inserted = `#${tag}${space}`;
  return {
    text: `${text.slice(0, at.start)}${inserted}${after}`,
    caret: at.start + inserted.length + (space === '' ? 1 : 0),
  };
}
