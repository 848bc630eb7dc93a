/**
 * "Save as memo": one question and its answer as a `#conversation` memo in the convention
 * the Memory page reads (parse.ts):
 *
 *     #conversation #2024-01-15
 *     **User**: when did I last change the oil?
 *     **AI**: On 3 March [1].
 *
 * Pure. Invariant: the result is at most `maxBytes` UTF-8 bytes; a longer answer is cut (and
 * says so) so the memo can always be saved.
 */

export const USER_SPEAKER = 'User';
export const AI_SPEAKER = 'AI';
const CUT_NOTE = '\n\n(answer cut to fit in one memo)';

const encoder = new TextEncoder();

function bytes(text: string): number {
  return encoder.encode(text).length;
}

/** Cuts `text` to at most `max` UTF-8 bytes, never inside a surrogate pair. */
function cutToBytes(text: string, max: number): string {
  if (bytes(text) <= max) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (bytes(text.slice(0, mid)) <= max) low = mid;
    else high = mid - 1;
  }
  const code = text.charCodeAt(low - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? low - 1 : low);
}

export function formatExchange(question: string, answer: string, day: string, maxBytes: number): string {
  const head = `#conversation #${day}\n**${USER_SPEAKER}**: ${question.trim()}\n**${AI_SPEAKER}**: `;
  const body = answer.trim();
  if (bytes(head) + bytes(body) <= maxBytes) return `${head}${body}`;
  const room = maxBytes - bytes(head) - bytes(CUT_NOTE);
  if (room <= 0) return cutToBytes(`${head}…`, maxBytes);
  return `${head}${cutToBytes(body, room).trimEnd()}${CUT_NOTE}`;
}
