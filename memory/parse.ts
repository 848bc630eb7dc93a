/**
 * The home-AI memory conventions, read from memo text: `#preferences` memos of `Key: value`
 * lines, `#learned` lines, `#conversation` turns (`**User**: …`, `**AI**: …`) grouped by day,
 * and `#system` notes with `name: URL` service lines. The one place these conventions live.
 * Invariants:
 * - Pure: no DOM, no clock, no storage. The caller passes `dayOf` (time zone is its business),
 *   so the Memory page and a future memory service on the server read memos alike.
 * - Tolerant: `-`, `*`, `+`, `1.` or no bullet; any key case (`Language` = `language` =
 *   `LANGUAGE`, `_`/`-`/spaces alike); `Key: value` or `Key = value`; extra spaces; Markdown
 *   emphasis around keys and speaker names (`**User**:`, `**User:**`, `_AI_:`).
 * - Never throws, linear in the text; fenced code is never read as key/value or speaker lines;
 *   a line longer than MAX_LINE_CHARS is never a key/value line.
 * - Positions are 0-based line numbers of the memo's content split on `\n`, so an edit can
 *   rewrite exactly the line it was read from (setPreferenceValue checks it still says so).
 */

export * from './parse-conversations';
export * from './parse-learned';
export * from './parse-lines';
export * from './parse-preferences';
export * from './parse-system';
