/**
 * `#conversation` memos: turns by speaker (emphasized names, the usual role names), the day
 * of a conversation (its `#YYYY-MM-DD` tag, else its create time through the caller's
 * `dayOf`), and conversations grouped by day. Pure.
 */
import { hasMemoryTag, type MemoryMemo, scanLines, TAGS_ONLY } from './parse-lines';

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
