/**
 * The device's view of the home server: how the client classifies every answer
 * (workers/recall/server-client.ts) and how the link goes down, waits and checks again
 * (workers/recall/server-link.ts). A scripted fetch and manual timers make it exact; the same
 * paths run against the real server in recall-home-server.test.ts.
 */
import { describe, expect, it } from 'vitest';
import {
  createEmbedServerClient,
  type EmbedServerClient,
  type ServerResult,
} from '../../workers/recall/server-client';
import { createServerLink } from '../../workers/recall/server-link';
import { encodeVectors } from '../../workers/recall/vector-wire';

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function clientAnswering(answer: () => Response | Promise<Response>) {
  const seen: Array<{ url: string; auth: string | null; body: unknown }> = [];
  const client = createEmbedServerClient({
    origin: 'https://notes.test',
    token: async () => 'memos_pat_x',
    fetch: async (input, init) => {
      seen.push({
        url: input,
        auth: new Headers(init?.headers).get('authorization'),
        body: init?.body ? JSON.parse(String(init.body)) : undefined,
      });
      return answer();
    },
  });
  return { client, seen };
}

describe('embedding server client', () => {
  it('classifies every failure once: status, reason, network, malformed body', async () => {
    const cases: Array<[() => Response | Promise<Response>, string]> = [
      [
        () => json(401, { code: 16, message: 'the Memos server refused this token', reason: 'unauthorized' }),
        'unauthorized',
      ],
      [() => json(403, { code: 7, message: 'turned off', reason: 'off' }), 'off'],
      [() => json(404, { code: 5, message: 'no such endpoint' }), 'off'],
      [() => json(503, { code: 14, message: 'disk full', reason: 'service-off' }), 'off'],
      [() => json(503, { code: 14, message: 'cannot load model', reason: 'model-unavailable' }), 'off'],
      [
        () => json(503, { code: 14, message: 'Memos unreachable', reason: 'memos-unreachable' }),
        'unreachable',
      ],
      [() => json(502, { code: 14, message: 'bad gateway' }), 'unreachable'],
      [() => new Response('<html>proxy error</html>', { status: 500 }), 'unreachable'],
      [
        () => json(409, { code: 9, message: 'other model', reason: 'model-mismatch', models: ['m2'] }),
        'model-mismatch',
      ],
      [() => json(413, { code: 8, message: 'too many', reason: 'too-large' }), 'invalid'],
      [() => new Response('not vectors', { status: 200 }), 'invalid'],
      [() => Promise.reject(new TypeError('fetch failed')), 'unreachable'],
    ];
    for (const [answer, kind] of cases) {
      const { client } = clientAnswering(answer);
      const result = await client.lookup('m1', ['h']);
      expect(result, kind).toMatchObject({ ok: false, failure: { kind } });
    }
    const { client } = clientAnswering(() =>
      json(409, { message: 'x', reason: 'model-mismatch', models: ['m2'] }),
    );
    expect(await client.embed('m1', ['t'])).toEqual({
      ok: false,
      failure: { kind: 'model-mismatch', message: 'x', serverModels: ['m2'] },
    });
  });

  it('sends the token and the model, and refuses vectors of another model than asked', async () => {
    const body = encodeVectors({
      modelId: 'm2',
      dim: 1,
      items: [{ hash: 'h', chunks: 1, truncated: false, vectors: Float32Array.of(1) }],
    });
    const { client, seen } = clientAnswering(() => new Response(body, { status: 200 }));
    expect(await client.lookup('m1', ['h'])).toMatchObject({
      ok: false,
      failure: { kind: 'model-mismatch' },
    });
    expect(seen).toEqual([
      {
        url: 'https://notes.test/embed/v1/vectors',
        auth: 'Bearer memos_pat_x',
        body: { modelId: 'm1', hashes: ['h'] },
      },
    ]);
  });
});

function scriptedClient(
  answers: Array<ServerResult<{ models: string[]; threads: number }>>,
): EmbedServerClient {
  const unused = async (): Promise<never> => {
    throw new Error('not used');
  };
  return {
    info: async () =>
      answers.shift() ?? { ok: false, failure: { kind: 'unreachable', message: 'script ended' } },
    lookup: unused,
    embed: unused,
    warmup: unused,
  };
}

function timers() {
  const pending: Array<{ fn: () => void; ms: number }> = [];
  return {
    setTimeout(fn: () => void, ms: number) {
      const entry = { fn, ms };
      pending.push(entry);
      return entry;
    },
    clearTimeout(handle: unknown) {
      const i = pending.indexOf(handle as { fn: () => void; ms: number });
      if (i >= 0) pending.splice(i, 1);
    },
    pending,
    async fire() {
      const next = pending.shift();
      next?.fn();
      await new Promise((resolve) => setTimeout(resolve, 0));
      return next?.ms;
    },
  };
}

describe('server link', () => {
  const down = { ok: false as const, failure: { kind: 'unreachable' as const, message: 'not reachable' } };
  const ready = { ok: true as const, value: { models: ['m1'], threads: 2 } };

  it('checks again after 5 s, doubling to 60 s while the server is away, and is usable once it answers', async () => {
    const clock = timers();
    const link = createServerLink({
      client: scriptedClient([down, down, down, down, down, down, ready]),
      modelId: 'm1',
      timers: clock,
    });
    await link.check();
    expect(link.state()).toEqual({ kind: 'unreachable', message: 'not reachable' });
    expect(link.usable()).toBe(false);
    const waits = [];
    for (let i = 0; i < 6; i++) waits.push(await clock.fire());
    expect(waits).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
    expect(link.state()).toEqual({ kind: 'ready', threads: 2 });
    expect(link.usable()).toBe(true);
    expect(clock.pending).toEqual([]);
  });

  it('goes down on the first failed request only, and refuses a server without this model for 5 minutes', async () => {
    const clock = timers();
    const seen: string[] = [];
    const link = createServerLink({
      client: scriptedClient([ready, { ok: true, value: { models: ['m9'], threads: 1 } }]),
      modelId: 'm1',
      timers: clock,
    });
    link.subscribe((state) => seen.push(state.kind));
    await link.check();
    link.report({ kind: 'unauthorized', message: 'revoked' });
    link.report({ kind: 'unreachable', message: 'a second batch failing too' });
    expect(link.state()).toEqual({ kind: 'refused', reason: 'unauthorized', message: 'revoked' });
    expect(clock.pending.map((t) => t.ms)).toEqual([300_000]);
    await clock.fire();
    expect(link.state()).toMatchObject({ kind: 'refused', reason: 'model-mismatch', serverModels: ['m9'] });
    expect(seen).toEqual(['ready', 'refused', 'refused']);
    link.close();
    expect(clock.pending).toEqual([]);
  });
});
