/**
 * The browser's side of the LLM proxy (server/llm-proxy.ts): posts the prompt to this app's own
 * origin (`/llm/v1/chat/completions`, so `connect-src 'self'` holds), reads the streamed answer
 * and classifies every way it can fail, once, into AskFailure. Sends the Memos token only when
 * Memos is reached through this same origin (the proxy's gate checks it with Memos).
 * Invariants: `stream` never throws and always settles: a watchdog aborts when nothing arrives
 * for `watchdogMs` (the server's own timeouts normally answer first); `onText` gets only text.
 */
import {
  type ChatStreamEvent,
  ChatStreamParser,
  errorMessageOf,
  eventOfData,
} from '../../memory/chat-stream';
import type { ChatMessage } from '../../memory/prompt';
import { assertNever } from '../../sync';

export const LLM_CHAT_URL = '/llm/v1/chat/completions';

export type AskFailure =
  | { kind: 'offline' }
  | { kind: 'not-configured' }
  | { kind: 'sign-in'; message: string }
  | { kind: 'turned-off'; message: string }
  | { kind: 'unreachable'; message: string }
  | { kind: 'llm-error'; message: string }
  | { kind: 'interrupted'; message: string }
  | { kind: 'stalled'; seconds: number }
  | { kind: 'cancelled' };

export type StreamOutcome =
  | { ok: true; finishReason: string | undefined }
  | { ok: false; failure: AskFailure };

export interface StreamRequest {
  messages: ChatMessage[];
  /** the Memos access token, when Memos is reached through this origin */
  token: string | undefined;
  signal: AbortSignal;
  onText(text: string): void;
  fetch?: typeof fetch;
  isOnline?: () => boolean;
  watchdogMs?: number;
}

/** One line for the user: why there is no (complete) answer. */
export function describeAskFailure(failure: AskFailure): string {
  switch (failure.kind) {
    case 'offline':
      return 'No answer: this device is offline. These are the notes that match your question.';
    case 'not-configured':
      return 'No answer: no LLM server is configured for this app (LLM_URL on the app server).';
    case 'sign-in':
      return `No answer: connect to your Memos server in Settings first (${failure.message}).`;
    case 'turned-off':
      return `No answer: ${failure.message}.`;
    case 'unreachable':
      return `No answer: the LLM server is unreachable (${failure.message}).`;
    case 'llm-error':
      return `No answer: ${failure.message}.`;
    case 'interrupted':
      return `The answer stopped before it was complete: ${failure.message}.`;
    case 'stalled':
      return `The answer stopped: nothing arrived for ${failure.seconds} s.`;
    case 'cancelled':
      return 'Stopped.';
    default:
      return assertNever(failure, 'ask failure');
  }
}

function bodyOf(text: string): { error?: string; message?: string } {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body !== 'object' || body === null) return {};
    const record = body as Record<string, unknown>;
    return {
      ...(typeof record.error === 'string' ? { error: record.error } : {}),
      ...(typeof record.message === 'string' ? { message: record.message } : {}),
    };
  } catch {
    return {};
  }
}

/** What a non-streaming answer of the proxy means. */
export function classifyErrorResponse(status: number, text: string): AskFailure {
  const body = bodyOf(text);
  const message = body.message ?? `HTTP ${status}`;
  switch (body.error) {
    case 'llm-not-configured':
      return { kind: 'not-configured' };
    case 'llm-forbidden':
      return status === 403 ? { kind: 'turned-off', message } : { kind: 'sign-in', message };
    case 'llm-unreachable':
    case 'llm-timeout':
      return { kind: 'unreachable', message: message.replace(/^LLM server unreachable: /, '') };
    case 'llm-error':
      return { kind: 'llm-error', message };
    default:
      return status === 404 ? { kind: 'not-configured' } : { kind: 'unreachable', message };
  }
}

export async function streamAnswer(request: StreamRequest): Promise<StreamOutcome> {
  const fetchImpl = request.fetch ?? ((input, init) => fetch(input, init));
  const isOnline = request.isOnline ?? (() => navigator.onLine);
  const watchdogMs = request.watchdogMs ?? 180_000;
  const controller = new AbortController();
  let stalled = false;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  // Aborting the fetch ends its body too, but cancel the reader as well: a pending read must
  // settle whatever stands behind the fetch.
  const cancel = () => {
    controller.abort();
    void reader?.cancel().catch(() => undefined);
  };
  const feed = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      stalled = true;
      cancel();
    }, watchdogMs);
  };
  request.signal.addEventListener('abort', cancel);
  const failed = (failure: AskFailure): StreamOutcome => ({ ok: false, failure });
  const interruption = (): StreamOutcome =>
    request.signal.aborted
      ? failed({ kind: 'cancelled' })
      : stalled
        ? failed({ kind: 'stalled', seconds: Math.round(watchdogMs / 1000) })
        : failed({ kind: 'interrupted', message: 'the connection to the app server was lost' });
  try {
    feed();
    let response: Response;
    try {
      response = await fetchImpl(LLM_CHAT_URL, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          Accept: 'text/event-stream',
          ...(request.token ? { Authorization: `Bearer ${request.token}` } : {}),
        },
        body: JSON.stringify({ messages: request.messages }),
        signal: controller.signal,
        cache: 'no-store',
      });
    } catch {
      if (request.signal.aborted || stalled) return interruption();
      return failed(
        isOnline()
          ? { kind: 'unreachable', message: 'the app server could not be reached' }
          : { kind: 'offline' },
      );
    }
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok) return failed(classifyErrorResponse(response.status, await response.text()));
    if (type.includes('text/html')) return failed({ kind: 'not-configured' });
    if (type.includes('application/json')) {
      // An upstream that ignored `stream: true`: one chat.completion object.
      const text = await response.text();
      const event = eventOfData(text);
      if (event?.kind === 'delta') request.onText(event.text);
      else
        return failed({
          kind: 'llm-error',
          message: errorMessageOf(safeJson(text)) ?? 'the answer was not understood',
        });
      return { ok: true, finishReason: undefined };
    }
    reader = response.body?.getReader();
    if (!reader) return failed({ kind: 'interrupted', message: 'the answer had no body' });
    const decoder = new TextDecoder();
    const parser = new ChatStreamParser();
    let finishReason: string | undefined;
    const apply = (events: ChatStreamEvent[]): StreamOutcome | undefined => {
      for (const event of events) {
        if (event.kind === 'delta') request.onText(event.text);
        else if (event.kind === 'finish') finishReason = event.reason;
        else if (event.kind === 'error') return failed({ kind: 'interrupted', message: event.message });
        else return { ok: true, finishReason };
      }
      return undefined;
    };
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        return interruption();
      }
      if (stalled || request.signal.aborted) return interruption();
      feed();
      const settled = chunk.done
        ? (apply(parser.push(decoder.decode())) ?? apply(parser.end()))
        : apply(parser.push(decoder.decode(chunk.value, { stream: true })));
      if (settled) {
        void reader.cancel().catch(() => undefined);
        return settled;
      }
      if (chunk.done) {
        return failed({
          kind: 'interrupted',
          message: 'the LLM server ended the answer without finishing it',
        });
      }
    }
  } finally {
    clearTimeout(watchdog);
    request.signal.removeEventListener('abort', cancel);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
