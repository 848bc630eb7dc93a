/**
 * Reads an OpenAI-compatible chat-completions stream (`stream: true`): server-sent events
 * whose `data:` lines carry `chat.completion.chunk` JSON, ending with `data: [DONE]`.
 * Pure and incremental: chunks may split lines anywhere. Tolerates what real servers send
 * (vLLM, Ollama, llama.cpp): comment and `event:` lines, usage-only chunks with no choices,
 * events not separated by blank lines, and an `{"error": …}` object in place of a chunk.
 * Invariant: each `data:` line yields at most one event; a malformed line is skipped and
 * counted, never thrown.
 */

export type ChatStreamEvent =
  | { kind: 'delta'; text: string }
  | { kind: 'finish'; reason: string }
  | { kind: 'error'; message: string }
  | { kind: 'done' };

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The message of an OpenAI-style error body (`{error: {message}}`, `{error: "…"}`, `{message}`, `{detail}`). */
export function errorMessageOf(body: unknown): string | undefined {
  if (!isObject(body)) return undefined;
  const error = body.error;
  if (typeof error === 'string') return error;
  if (isObject(error) && typeof error.message === 'string') return error.message;
  if (typeof body.message === 'string') return body.message;
  if (typeof body.detail === 'string') return body.detail;
  return undefined;
}

export function eventOfData(data: string): ChatStreamEvent | undefined {
  if (data.trim() === '[DONE]') return { kind: 'done' };
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (!isObject(body)) return undefined;
  const failure = body.error === undefined ? undefined : errorMessageOf(body);
  if (failure !== undefined) return { kind: 'error', message: failure };
  const choice = Array.isArray(body.choices) ? body.choices[0] : undefined;
  if (!isObject(choice)) return undefined;
  const delta = isObject(choice.delta) ? choice.delta : isObject(choice.message) ? choice.message : undefined;
  const text = delta && typeof delta.content === 'string' ? delta.content : '';
  if (text !== '') return { kind: 'delta', text };
  if (typeof choice.finish_reason === 'string') return { kind: 'finish', reason: choice.finish_reason };
  return undefined;
}

export class ChatStreamParser {
  private buffer = '';
  /** `data:` lines that were not understood */
  skipped = 0;

  push(chunk: string): ChatStreamEvent[] {
    this.buffer += chunk;
    const end = Math.max(this.buffer.lastIndexOf('\n'), this.buffer.lastIndexOf('\r'));
    if (end === -1) return [];
    const complete = this.buffer.slice(0, end);
    this.buffer = this.buffer.slice(end + 1);
    return this.lines(complete);
  }

  /** The stream ended: reads a last line that had no newline. */
  end(): ChatStreamEvent[] {
    const rest = this.buffer;
    this.buffer = '';
    return this.lines(rest);
  }

  private lines(text: string): ChatStreamEvent[] {
    const events: ChatStreamEvent[] = [];
    for (const line of text.split(/\r\n|\r|\n/)) {
      if (!line.startsWith('data:')) continue;
      const event = eventOfData(line.slice(5));
      if (event) events.push(event);
      else if (line.slice(5).trim() !== '') this.skipped++;
    }
    return events;
  }
}
