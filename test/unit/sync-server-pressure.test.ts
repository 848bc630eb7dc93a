/**
 * What the app does when a newer Memos pushes back, with the fake server's 0.31 profile:
 * a rate limit (429 RESOURCE_EXHAUSTED with Retry-After) is waited out quietly [T4], and a
 * live stream the server drops for being slow reconnects and catches up [P5]. Timers are
 * virtual; nothing here sleeps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpMemosApi } from '../../sync/api/http-client';
import { createSyncController } from '../../sync/controller';
import { createChangeFeed } from '../../sync/db/change-feed';
import { createMetaStore } from '../../sync/db/meta';
import { createNotebook } from '../../sync/db/notebook';
import { MemosDatabase } from '../../sync/db/schema';
import { startLiveEvents } from '../../sync/live/sse-client';
import { createScheduler, type RunOutcome, type SyncRequest } from '../../sync/scheduler';
import { FAKE_PROFILES } from '../fakes/fake-memos-profiles';
import { FakeMemosServer } from '../fakes/fake-memos-server';
import { createVirtualTimers } from '../integration/helpers/app-device';

const T0 = Date.UTC(2026, 9, 1, 9, 0, 0);
const disposers: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0).reverse()) await dispose();
});

async function until(check: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('[T4] a server that asks to slow down', () => {
  it('the scheduler starts no pass before Retry-After, whatever triggers meanwhile, then runs them together', async () => {
    const timers = createVirtualTimers(T0);
    disposers.push(() => timers.dispose());
    const runs: Array<{ at: number; request: SyncRequest }> = [];
    const outcomes: RunOutcome[] = [{ ok: false, retry: true, retryAfterMs: 30_000 }, { ok: true }];
    const scheduler = createScheduler({
      run: async (request) => {
        runs.push({ at: timers.now() - T0, request });
        return outcomes.shift() ?? { ok: true };
      },
      now: timers.now,
      setTimeout: timers.setTimeout,
      clearTimeout: timers.clearTimeout,
      random: () => 0.5,
    });
    disposers.push(() => scheduler.stop());
    scheduler.start();
    scheduler.request('manual', { full: true });
    await until(() => runs.length === 1, 'the first pass');
    await scheduler.idle();
    timers.advance(1_000);
    scheduler.request('local-change');
    scheduler.request('manual');
    timers.advance(5_000);
    await scheduler.idle();
    expect(runs).toHaveLength(1);
    timers.advance(24_000);
    await until(() => runs.length === 2, 'the pass after Retry-After');
    expect(runs[1]?.at).toBe(30_000);
    expect(runs[1]?.request.reasons.sort()).toEqual(['local-change', 'manual', 'retry']);
  });

  it('the controller shows a rate-limited pass as waiting (not an error) and syncs everything after the window', async () => {
    const server = new FakeMemosServer({ startTime: T0, profile: '0.31' });
    server.profile = { ...FAKE_PROFILES['0.31'], rateLimit: { requests: 9, windowSeconds: 30 } };
    server.accounts.createUser('alice', 'pw');
    const token = server.accounts.createAccessToken('alice').token;
    const timers = createVirtualTimers(T0);
    const db = new MemosDatabase(`pressure-${Math.random().toString(36).slice(2)}`);
    const feed = createChangeFeed(db.name, undefined);
    const meta = createMetaStore(db, feed);
    const notebook = createNotebook({ db, feed, now: timers.now });
    for (let i = 0; i < 8; i++) await notebook.create({ content: `offline ${i}`, visibility: 'PRIVATE' });
    const controller = createSyncController({
      db,
      feed,
      now: timers.now,
      setTimeout: timers.setTimeout,
      clearTimeout: timers.clearTimeout,
      random: () => 0.5,
      isOnline: () => true,
      deviceLabel: 'unit test',
      onNotice: () => undefined,
      createApi: (c) =>
        createHttpMemosApi({
          baseUrl: c.serverUrl,
          token: c.token,
          fetch: server.fetch,
          now: server.clock.now,
        }),
    });
    disposers.push(async () => {
      controller.dispose();
      timers.dispose();
      feed.close();
      db.close();
      await MemosDatabase.delete(db.name);
    });
    const connected = await controller.connect({ serverUrl: 'http://memos.test', token });
    expect(connected.ok).toBe(true);
    await until(async () => (await meta.status()).phase === 'waiting', 'the waiting status');
    const status = await meta.status();
    expect(status.message).toMatch(/^the server asked to slow down; trying again in \d+ s$/);
    expect(server.memos().length).toBeLessThan(8);
    // Nothing reaches the server before the window ends, not even a pass a new edit asks for.
    const asked = server.requests.length;
    await notebook.create({ content: 'made while waiting', visibility: 'PRIVATE' });
    server.clock.advance(10_000);
    timers.advance(10_000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.requests.length).toBe(asked);
    server.clock.advance(20_000);
    timers.advance(20_000);
    // Each window lets a few creates through: the passes go on, window after window.
    const settled = async () => {
      const phase = (await meta.status()).phase;
      return phase === 'idle' || phase === 'waiting';
    };
    for (let window = 0; window < 5; window++) {
      const before = server.requests.length;
      await until(
        async () => server.requests.length > before && (await settled()),
        'a pass after the window',
      );
      const done = server.memos().length === 9 && (await db.outbox.count()) === 0;
      if (done && (await meta.status()).phase === 'idle') break;
      if ((await meta.status()).phase === 'waiting') {
        server.clock.advance(30_000);
        timers.advance(30_000);
      }
    }
    // A pass the last window let through may still be finishing: wait for it, not a snapshot.
    await until(async () => (await meta.status()).phase === 'idle', 'the last pass to end');
    expect(await meta.status()).toMatchObject({ phase: 'idle' });
    expect(server.memos()).toHaveLength(9);
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('[P5] Memos 0.31 drops a slow live client', () => {
  it('the client reconnects after the drop and asks for a catch-up pass', async () => {
    const server = new FakeMemosServer({ startTime: T0, profile: '0.31' });
    server.accounts.createUser('alice', 'pw');
    const token = server.accounts.createAccessToken('alice').token;
    const timers = createVirtualTimers(T0);
    const api = createHttpMemosApi({ baseUrl: 'http://memos.test', token, fetch: server.fetch });
    let connects = 0;
    const hints: string[] = [];
    const live = startLiveEvents({
      api,
      onHint: (name) => hints.push(name),
      onConnected: () => connects++,
      now: timers.now,
      setTimeout: timers.setTimeout,
      clearTimeout: timers.clearTimeout,
      random: () => 0.5,
    });
    disposers.push(() => {
      live.stop();
      timers.dispose();
    });
    await until(() => connects === 1 && server.sse.subscriberCount === 1, 'the first connection');
    const web = server.webUi('alice');
    // 40 events at once: more than the 32 the server buffers for one subscriber.
    for (let i = 0; i < 40; i++) web.create(`burst ${i}`);
    expect(server.sse.overflowDisconnects).toBe(1);
    expect(server.sse.subscriberCount).toBe(0);
    await until(() => timers.pending().length > 0, 'the reconnect timer');
    timers.advance(Math.max(...timers.pending()));
    await until(() => connects === 2, 'the reconnect');
    expect(hints.length).toBeLessThan(40);
  });
});
