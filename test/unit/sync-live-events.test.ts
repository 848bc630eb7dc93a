/**
 * The live-event stream's own rules: hints are validated before anything is fetched [P5],
 * and a stream that opens and closes at once backs off like a failed pass instead of
 * reconnecting (and triggering a catch-up sync) every second or two [T3].
 */
import { describe, expect, it } from 'vitest';
import { parseServerEvent } from '../../sync/api/http-client';
import type { ApiFailure, MemosApi, ServerEvent } from '../../sync/api/types';
import { startLiveEvents } from '../../sync/live/sse-client';

describe('live-event hints', () => {
  const valid = 'memos/0b5e7c1e-6a0f-4c7e-9f4e-3a8d2b1c4d5e';
  it.each([
    ['a memo name', `{"type":"memo.updated","name":"${valid}"}`, valid],
    ['a path escape', '{"type":"memo.updated","name":"memos/../users/1"}', undefined],
    ['an encoded slash', '{"type":"memo.updated","name":"memos/a%2F..%2Fb"}', undefined],
    ['a comment name', '{"type":"memo.updated","name":"memos/abc/comments/def"}', undefined],
    ['another resource', '{"type":"memo.updated","name":"users/1"}', undefined],
    ['a query', '{"type":"memo.updated","name":"memos/abc?x=1"}', undefined],
    ['an over-long id', `{"type":"memo.updated","name":"memos/${'a'.repeat(37)}"}`, undefined],
    ['not JSON', 'memos/abc', undefined],
  ])('[P5] %s', (_case, data, expected) => {
    const event = parseServerEvent(data);
    expect(event && 'name' in event ? event.name : undefined).toBe(expected);
  });
});

/** An event endpoint that opens and closes at once, `times` times, then stays open. */
function flappingApi(
  options: { deliverEvent?: boolean; openFor?: (attempt: number) => number },
  clock: { now: number },
) {
  let attempts = 0;
  const api = {
    async events(
      onEvent: (event: ServerEvent) => void,
      signal: AbortSignal,
    ): Promise<ApiFailure | { kind: 'closed' }> {
      attempts++;
      onEvent({ type: 'connected' });
      if (options.deliverEvent) onEvent({ type: 'memo.updated', name: 'memos/abc' as never });
      clock.now += options.openFor?.(attempts) ?? 0;
      if (signal.aborted) return { kind: 'closed' };
      return { kind: 'closed' };
    },
  } as unknown as MemosApi;
  return { api, attempts: () => attempts };
}

function run(options: Parameters<typeof flappingApi>[0], reconnects: number) {
  const clock = { now: 0 };
  const { api } = flappingApi(options, clock);
  const delays: number[] = [];
  let pending: (() => void) | undefined;
  let connected = 0;
  const live = startLiveEvents({
    api,
    onHint: () => undefined,
    onConnected: () => connected++,
    now: () => clock.now,
    random: () => 0.5,
    setTimeout: (callback, ms) => {
      delays.push(ms);
      pending = callback;
      return delays.length;
    },
    clearTimeout: () => undefined,
  });
  return (async () => {
    for (let i = 0; i < reconnects; i++) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      const next = pending;
      pending = undefined;
      clock.now += delays[delays.length - 1] ?? 0;
      next?.();
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    live.stop();
    return { delays, connected };
  })();
}

describe('live-event stream', () => {
  it('[T3] a stream that opens and closes at once backs off exponentially (and so do the catch-up passes)', async () => {
    const { delays, connected } = await run({}, 6);
    expect(delays).toEqual([1_500, 3_000, 6_000, 12_000, 24_000, 48_000, 96_000]);
    expect(connected).toBe(7);
  });

  it('[T3] a stream that stayed open 30 s, or delivered an event, counts as healthy: the next reconnect is quick', async () => {
    const healthy = await run({ openFor: () => 30_000 }, 3);
    expect(healthy.delays).toEqual([1_500, 1_500, 1_500, 1_500]);
    const lively = await run({ deliverEvent: true }, 3);
    expect(lively.delays).toEqual([1_500, 1_500, 1_500, 1_500]);
  });
});
