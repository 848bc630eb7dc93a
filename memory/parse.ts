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
const MAX_KEY_CHARS = 60;
const MAX_KEY_WORDS = 6;
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

// ---------------------------------------------------------------------------------------------
// Lines

interface SourceLine {
  index: number;
  text: string;
  /** inside a fenced code block, or a fence delimiter itself */
  fenced: boolean;
}

const FENCE = /^\s{0,3}(```|~~~)/;

function scanLines(content: string): SourceLine[] {
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

const TAGS_ONLY = /^\s*(?:#[^\s#]+\s*)+$/u;
const LEADING_TAGS = /^(?:#[^\s#]+\s+)+/u;
const BULLET = /^\s*(?:[-*+•]\s+|\d{1,4}[.)]\s+)?/u;
const EMPHASIS = ['**', '__', '*', '_', '`'] as const;

function stripEmphasis(text: string): string {
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
function plainText(line: string): string {
  if (TAGS_ONLY.test(line)) return '';
  const rest = line.slice(BULLET.exec(line)?.[0].length ?? 0);
  return rest.replace(LEADING_TAGS, '').trim();
}

// ---------------------------------------------------------------------------------------------
// Key/value lines

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

// ---------------------------------------------------------------------------------------------
// Learned

export interface LearnedItem {
  text: string;
  memo: string;
  line: number;
  time: number;
}

export function learnedItems(memo: MemoryMemo): LearnedItem[] {
  const items: LearnedItem[] = [];
  for (const line of scanLines(memo.content)) {
    if (line.fenced) continue;
    const text = plainText(line.text);
    if (text !== '') {
      items.push({
        text: text.slice(0, MAX_LINE_CHARS),
        memo: memo.name,
        line: line.index,
        time: memo.createTime,
      });
    }
  }
  return items;
}

/** The lines of the `#learned` memos: newest memo first, each memo's lines in order. */
export function collectLearned(
  memos: readonly MemoryMemo[],
  itemsOf: (memo: MemoryMemo) => LearnedItem[] = learnedItems,
): LearnedItem[] {
  const learned = memos.filter((memo) => hasMemoryTag(memo.tags, 'learned'));
  learned.sort((a, b) => b.createTime - a.createTime || (a.name < b.name ? -1 : 1));
  return learned.flatMap((memo) => itemsOf(memo));
}

// ---------------------------------------------------------------------------------------------
// Conversations

export type SpeakerRole = 'user' | 'assistant' | 'other';

export interface Turn {
  /** undefined for text before the first speaker (or a memo without speakers) */
  speaker: string | undefined;
  role: SpeakerRole;
  text: string;
}

const USER_NAMES = new Set('user me human i you q question'.split(' '));
const ASSISTANT_NAMES = new Set(
  'ai assistant bot model agent llm gpt chatgpt claude gemini llama mistral a answer'.split(' '),
);

export function roleOf(speaker: string | undefined): SpeakerRole {
  if (speaker === undefined) return 'other';
  const name = speaker.toLowerCase();
  if (USER_NAMES.has(name)) return 'user';
  if (ASSISTANT_NAMES.has(name)) return 'assistant';
  return 'other';
}

const EMPHASIZED_SPEAKER = /^(\*\*|__|\*|_)([^*_:\n]{1,40}?)\s*(?:\1\s*:|:\s*\1)(?=\s|$)\s*(.*)$/u;
const PLAIN_SPEAKER = /^([\p{L}][\p{L}\p{N} .'-]{0,39}?)\s*:(?=\s|$)\s*(.*)$/u;
const SPEAKER_BULLET = /^\s*(?:[-*+]\s+)?/u;

interface SpeakerLine {
  speaker: string;
  text: string;
  emphasized: boolean;
}

function speakerLine(line: string): SpeakerLine | undefined {
  const rest = line.slice(SPEAKER_BULLET.exec(line)?.[0].length ?? 0);
  const emphasized = EMPHASIZED_SPEAKER.exec(rest);
  if (emphasized?.[2]) {
    return { speaker: emphasized[2].trim(), text: emphasized[3] ?? '', emphasized: true };
  }
  const plain = PLAIN_SPEAKER.exec(rest);
  const name = plain?.[1]?.trim();
  if (name && name.split(/\s+/).length <= 3)
    return { speaker: name, text: plain?.[2] ?? '', emphasized: false };
  return undefined;
}

/**
 * The turns of a conversation memo. When any speaker is emphasized (`**User**:`), only
 * emphasized names and the usual role names (`User:`, `AI:`) start turns, so `Note: …` inside
 * an answer stays text. Lines without a
 * speaker continue the previous turn; text before the first speaker is a turn of its own.
 */
export function parseTurns(content: string): Turn[] {
  const lines = scanLines(content).filter((line) => line.fenced || !TAGS_ONLY.test(line.text));
  const speakers = lines.map((line) => (line.fenced ? undefined : speakerLine(line.text)));
  const emphasizedOnly = speakers.some((s) => s?.emphasized === true);
  const turns: Array<{ speaker: string | undefined; lines: string[] }> = [];
  lines.forEach((line, i) => {
    const speaker = speakers[i];
    if (speaker && (!emphasizedOnly || speaker.emphasized || roleOf(speaker.speaker) !== 'other')) {
      turns.push({ speaker: speaker.speaker, lines: [speaker.text] });
      return;
    }
    const last = turns[turns.length - 1];
    if (last) last.lines.push(line.text);
    else turns.push({ speaker: undefined, lines: [line.text] });
  });
  return turns
    .map((turn) => ({
      speaker: turn.speaker,
      role: roleOf(turn.speaker),
      text: turn.lines.join('\n').trim(),
    }))
    .filter((turn) => turn.text !== '' || turn.speaker !== undefined);
}

const DAY_TAG = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The first `#YYYY-MM-DD` tag naming a real calendar day. */
export function dayTagOf(tags: readonly string[]): string | undefined {
  for (const tag of tags) {
    const match = DAY_TAG.exec(tag);
    if (!match) continue;
    const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(y, m - 1, d));
    if (date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d) return tag;
  }
  return undefined;
}

export interface Conversation {
  memo: string;
  day: string;
  time: number;
  turns: Turn[];
}

export interface ConversationDay {
  day: string;
  /** oldest first (reading order) */
  conversations: Conversation[];
}

/** `#conversation` memos grouped by day (the date tag, else `dayOf(createTime)`), newest day first. */
export function groupConversations(
  memos: readonly MemoryMemo[],
  dayOf: (time: number) => string,
  turnsOf: (memo: MemoryMemo) => Turn[] = (memo) => parseTurns(memo.content),
): ConversationDay[] {
  const days = new Map<string, Conversation[]>();
  for (const memo of memos) {
    if (!hasMemoryTag(memo.tags, 'conversation')) continue;
    const day = dayTagOf(memo.tags) ?? dayOf(memo.createTime);
    const conversation = { memo: memo.name, day, time: memo.createTime, turns: turnsOf(memo) };
    const list = days.get(day);
    if (list) list.push(conversation);
    else days.set(day, [conversation]);
  }
  return [...days.entries()]
    .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
    .map(([day, conversations]) => ({
      day,
      conversations: conversations.sort((a, b) => a.time - b.time || (a.memo < b.memo ? -1 : 1)),
    }));
}

// ---------------------------------------------------------------------------------------------
// System

export interface Service {
  name: string;
  url: string;
  line: number;
}

export interface SystemNote {
  memo: string;
  time: number;
  services: Service[];
  /** the other lines, as text */
  notes: string[];
}

const URL_IN_TEXT = /\b(?:https?|wss?|mqtts?|rtsp|tcp|udp|smb|sftp|ftp):\/\/[^\s<>()[\]"'`]+/iu;

export function systemNote(memo: MemoryMemo): SystemNote {
  const note: SystemNote = { memo: memo.name, time: memo.createTime, services: [], notes: [] };
  for (const line of scanLines(memo.content)) {
    if (line.fenced) continue;
    const parsed = parseKeyValueLine(line.text);
    const url = parsed ? URL_IN_TEXT.exec(parsed.value)?.[0] : undefined;
    if (parsed && url) {
      note.services.push({ name: parsed.key, url: url.replace(/[.,;:!?]+$/, ''), line: line.index });
      continue;
    }
    const text = plainText(line.text);
    if (text !== '') note.notes.push(text.slice(0, MAX_LINE_CHARS));
  }
  return note;
}

/** The `#system` memos, newest first. */
export function collectSystem(
  memos: readonly MemoryMemo[],
  noteOf: (memo: MemoryMemo) => SystemNote = systemNote,
): SystemNote[] {
  return memos
    .filter((memo) => hasMemoryTag(memo.tags, 'system'))
    .sort((a, b) => b.createTime - a.createTime || (a.name < b.name ? -1 : 1))
    .map((memo) => noteOf(memo));
}
