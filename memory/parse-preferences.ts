/**
 * `#preferences` memos: `Key: value` lines (and their tolerated variants), the preferences of
 * a notebook with the newest value of each key first and the older ones as its history, and
 * the rewrite of one value in place (checked against the line it was read from). Pure.
 */
import {
  BULLET,
  EMPHASIS,
  hasMemoryTag,
  MAX_KEY_CHARS,
  MAX_KEY_WORDS,
  MAX_LINE_CHARS,
  MAX_VALUE_CHARS,
  type MemoryMemo,
  scanLines,
  stripEmphasis,
} from './parse-lines';

export interface KeyValueLine {
  key: string;
  /** the key compared across memos: lower case, `_`/`-`/spaces folded to one space */
  keyId: string;
  value: string;
  /** where the value sits in the line (for rewriting it) */
  valueStart: number;
  valueEnd: number;
}

export function keyIdOf(key: string): string {
  return key
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const KEY_START = /^[\p{L}\p{N}]/u;
const KEY_FORBIDDEN = /[#[\]<>|{}\\/`]|:\/\//u;

/** The separator position in `rest`: the first `:` or `=` that is not part of a URL, a time or an operator. */
function separatorIndex(rest: string): number {
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i];
    if (c === ':') {
      if (rest[i + 1] === '/' || (isDigit(rest[i - 1]) && isDigit(rest[i + 1]))) continue;
      return i;
    }
    if (c === '=') {
      if ('=<>!'.includes(rest[i + 1] ?? ' ') || '=<>!'.includes(rest[i - 1] ?? ' ')) continue;
      return i;
    }
  }
  return -1;
}

/** Parses `- Key: value` (and its tolerated variants); undefined when the line is not one. */
export function parseKeyValueLine(line: string): KeyValueLine | undefined {
  if (line.length > MAX_LINE_CHARS) return undefined;
  const start = BULLET.exec(line)?.[0].length ?? 0;
  const rest = line.slice(start);
  if (/^(?:\[[ xX]\]|#|>|\|)/.test(rest)) return undefined; // task, heading or tags, quote, table
  const sep = separatorIndex(rest);
  if (sep <= 0) return undefined;
  let rawKey = rest.slice(0, sep);
  let valueStart = start + sep + 1;
  // `**Key:** value`: the closing emphasis comes after the separator.
  const opening = EMPHASIS.find((mark) => rawKey.startsWith(mark));
  if (opening && !rawKey.trimEnd().endsWith(opening) && line.startsWith(opening, valueStart)) {
    rawKey = rawKey.slice(opening.length);
    valueStart += opening.length;
  }
  const key = stripEmphasis(rawKey);
  if (
    key === '' ||
    key.length > MAX_KEY_CHARS ||
    !KEY_START.test(key) ||
    KEY_FORBIDDEN.test(key) ||
    key.split(/\s+/).length > MAX_KEY_WORDS
  )
    return undefined;
  while (valueStart < line.length && /\s/.test(line[valueStart] ?? '')) valueStart++;
  let valueEnd = line.length;
  while (valueEnd > valueStart && /\s/.test(line[valueEnd - 1] ?? '')) valueEnd--;
  const value = line.slice(valueStart, valueEnd);
  if (value === '' || value.length > MAX_VALUE_CHARS) return undefined;
  return { key, keyId: keyIdOf(key), value, valueStart, valueEnd };
}

// ---------------------------------------------------------------------------------------------
// Preferences

export interface PreferenceEntry {
  key: string;
  keyId: string;
  value: string;
  memo: string;
  line: number;
  time: number;
}

export interface Preference {
  /** spelled as in the newest entry */
  key: string;
  keyId: string;
  current: PreferenceEntry;
  /** older values, newest first */
  history: PreferenceEntry[];
}

export function preferenceEntries(memo: MemoryMemo): PreferenceEntry[] {
  const entries: PreferenceEntry[] = [];
  for (const line of scanLines(memo.content)) {
    if (line.fenced) continue;
    const parsed = parseKeyValueLine(line.text);
    if (parsed) {
      entries.push({
        key: parsed.key,
        keyId: parsed.keyId,
        value: parsed.value,
        memo: memo.name,
        line: line.index,
        time: memo.createTime,
      });
    }
  }
  return entries;
}

/** Newer first: the later memo, then (one memo setting a key twice) the later line. */
function newerFirst(a: PreferenceEntry, b: PreferenceEntry): number {
  return b.time - a.time || (a.memo === b.memo ? b.line - a.line : a.memo < b.memo ? 1 : -1);
}

/**
 * Every key set by the `#preferences` memos among `memos`: the newest value wins, the older
 * ones are its history. Sorted by key.
 */
export function collectPreferences(
  memos: readonly MemoryMemo[],
  entriesOf: (memo: MemoryMemo) => PreferenceEntry[] = preferenceEntries,
): Preference[] {
  const byKey = new Map<string, PreferenceEntry[]>();
  for (const memo of memos) {
    if (!hasMemoryTag(memo.tags, 'preferences')) continue;
    for (const entry of entriesOf(memo)) {
      const list = byKey.get(entry.keyId);
      if (list) list.push(entry);
      else byKey.set(entry.keyId, [entry]);
    }
  }
  const preferences: Preference[] = [];
  for (const [keyId, entries] of byKey) {
    entries.sort(newerFirst);
    const [current, ...history] = entries;
    if (current) preferences.push({ key: current.key, keyId, current, history });
  }
  return preferences.sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : 0));
}

export type PreferenceEdit =
  | { ok: true; content: string }
  | { ok: false; reason: 'line-changed' | 'empty-value' | 'too-long' };

/**
 * Rewrites the value of the preference on line `line` of `content`, keeping its bullet, key,
 * separator and spacing. Refuses when that line no longer sets `keyId` (the memo changed).
 * A multi-line value is joined into one line.
 */
export function setPreferenceValue(
  content: string,
  line: number,
  keyId: string,
  value: string,
): PreferenceEdit {
  const next = value.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  if (next === '') return { ok: false, reason: 'empty-value' };
  if (next.length > MAX_VALUE_CHARS) return { ok: false, reason: 'too-long' };
  const lines = content.split('\n');
  const target = lines[line];
  const fenced = scanLines(content)[line]?.fenced ?? true;
  const parsed = target === undefined || fenced ? undefined : parseKeyValueLine(target);
  if (target === undefined || !parsed || parsed.keyId !== keyId) return { ok: false, reason: 'line-changed' };
  lines[line] = `${target.slice(0, parsed.valueStart)}${next}${target.slice(parsed.valueEnd)}`;
  return { ok: true, content: lines.join('\n') };
}
