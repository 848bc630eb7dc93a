/**
 * The browser's side of the LLM proxy (app/memory/llm-client.ts): every way an answer can fail
 * is classified once (offline, not configured, sign in first, turned off, unreachable, an LLM
 * error, interrupted, stalled, cancelled), the stream is read across chunk boundaries, and it
 * always settles. A scripted fetch stands in for the proxy (the real proxy is tested in
 * test/unit/server/llm-proxy.test.ts and end to end in test/e2e/ask.test.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  type AskFailure,
  describeAskFailure,
  type StreamOutcome,
  streamAnswer,
} from '../../app/memory/llm-client';

const encoder = new TextEncoder();

function sse(parts: string[], options: { hangAfter?: boolean } = {}): Response {
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      for (const part of parts) {
        controller.enqueue(encoder.encode(part));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      if (!options.hangAfter) controller.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

const delta = (content: string) =>
  `data: {"choices":[{"index":0,"delta":{"content":${JSON.stringify(content)}}}]}\n\n`;
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

async function run(
  respond: (init: RequestInit | undefined) => Promise<Response>,
  options: { online?: boolean; watchdogMs?: number; signal?: AbortSignal; token?: string } = {},
): Promise<{ outcome: StreamOutcome; text: string; init: RequestInit | undefined }> {
  let text = '';
  let seen: RequestInit | undefined;
  const outcome = await streamAnswer({
    messages: [{ role: 'user', content: 'q' }],
    token: options.token,
    signal: options.signal ?? new AbortController().signal,
    onText: (piece) => {
      text += piece;
    },
    fetch: async (_url, init) => {
      seen = init;
      return respond(init);
    },
    isOnline: () => options.online ?? true,
    watchdogMs: options.watchdogMs ?? 5_000,
  });
  return { outcome, text, init: seen };
}

const failure = (outcome: StreamOutcome): AskFailure | undefined =>
  outcome.ok ? undefined : outcome.failure;

describe('llm client', () => {
  it('reads a streamed answer split anywhere, sends the token, and reports how it finished', async () => {
    const wire = `${delta('Oil changed ')}${delta('in March [1].')}data: {"choices":[{"index":0,"delta":{},"finish_reason":"length"}]}\n\ndata: [DONE]\n\n`;
    const parts = wire.match(/[\s\S]{1,5}/g) ?? [];
    const { outcome, text, init } = await run(async () => sse(parts), { token: 'memos-token' });
    expect(outcome).toEqual({ ok: true, finishReason: 'length' });
    expect(text).toBe('Oil changed in March [1].');
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer memos-token');
    expect(JSON.parse(String(init?.body))).toEqual({ messages: [{ role: 'user', content: 'q' }] });
  });

  const errors: Array<[string, Response, AskFailure]> = [
    [
      'not configured',
      json(404, { code: 5, error: 'llm-not-configured', message: 'x' }),
      { kind: 'not-configured' },
    ],
    [
      'no token',
      json(401, { error: 'llm-forbidden', message: 'sign in to Memos first' }),
      { kind: 'sign-in', message: 'sign in to Memos first' },
    ],
    [
      'turned off',
      json(403, { error: 'llm-forbidden', message: 'it is turned off' }),
      { kind: 'turned-off', message: 'it is turned off' },
    ],
    [
      'down',
      json(502, { error: 'llm-unreachable', message: 'LLM server unreachable: ECONNREFUSED' }),
      { kind: 'unreachable', message: 'ECONNREFUSED' },
    ],
    [
      'slow',
      json(504, { error: 'llm-timeout', message: 'LLM server unreachable: no answer began within 120 s' }),
      { kind: 'unreachable', message: 'no answer began within 120 s' },
    ],
    [
      'refused',
      json(502, { error: 'llm-error', message: 'the LLM server answered HTTP 400: too long' }),
      { kind: 'llm-error', message: 'the LLM server answered HTTP 400: too long' },
    ],
    ['no proxy (a plain 404)', new Response('Not found', { status: 404 }), { kind: 'not-configured' }],
    [
      'a static server answering HTML',
      new Response('<html>', { status: 200, headers: { 'Content-Type': 'text/html' } }),
      { kind: 'not-configured' },
    ],
    ['an odd status', new Response('', { status: 500 }), { kind: 'unreachable', message: 'HTTP 500' }],
  ];
  it.each(errors)('classifies %s', async (_name, response, expected) => {
    expect(failure((await run(async () => response)).outcome)).toEqual(expected);
  });

  it('tells offline from an unreachable server when fetch fails', async () => {
    const refuse = async (): Promise<Response> => {
      throw new TypeError('Failed to fetch');
    };
    expect(failure((await run(refuse, { online: false })).outcome)).toEqual({ kind: 'offline' });
    expect(failure((await run(refuse, { online: true })).outcome)).toMatchObject({ kind: 'unreachable' });
  });

  it('keeps what arrived when the stream breaks, ends early or goes silent', async () => {
    const broken = await run(async () =>
      sse([delta('half '), 'data: {"error":{"message":"the LLM server closed the stream","type":"x"}}\n\n']),
    );
    expect(broken.text).toBe('half ');
    expect(failure(broken.outcome)).toEqual({
      kind: 'interrupted',
      message: 'the LLM server closed the stream',
    });
    const ended = await run(async () => sse([delta('no done')]));
    expect(ended.text).toBe('no done');
    expect(failure(ended.outcome)).toMatchObject({ kind: 'interrupted' });
    const silent = await run(async () => sse([delta('then nothing')], { hangAfter: true }), {
      watchdogMs: 100,
    });
    expect(failure(silent.outcome)).toEqual({ kind: 'stalled', seconds: 0 });
  });

  it('stops when cancelled, and reads an upstream that ignored stream: true', async () => {
    const controller = new AbortController();
    const cancelled = run(
      async (init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
      { signal: controller.signal },
    );
    controller.abort();
    expect(failure((await cancelled).outcome)).toEqual({ kind: 'cancelled' });
    const whole = await run(async () =>
      json(200, {
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: 'all at once' } }],
      }),
    );
    expect(whole).toMatchObject({ outcome: { ok: true }, text: 'all at once' });
  });

  it('says in one line why there is no answer', () => {
    expect(describeAskFailure({ kind: 'offline' })).toMatch(/^No answer: this device is offline\./);
    expect(describeAskFailure({ kind: 'unreachable', message: 'ECONNREFUSED' })).toBe(
      'No answer: the LLM server is unreachable (ECONNREFUSED).',
    );
    expect(describeAskFailure({ kind: 'not-configured' })).not.toContain('\n');
  });
});
