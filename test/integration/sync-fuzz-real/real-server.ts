/**
 * The server side of a fuzz world on a REAL Memos 0.29 or 0.30 (a ServerHandle, see
 * test/unit/sync-fuzz/server-handle.ts). Each world gets fresh users on the shared instance
 * (alice, whose notebook the devices mirror, and bob) and its own uid prefix, so seeds never
 * see each other's memos or uids. The devices' faults and interleavings stay in the
 * simulator (seeded); the wire faults (dropped request or response, duplicate delivery, 500,
 * truncated body) are then performed on real sockets by a loopback proxy in front of Memos
 * (fault-proxy.ts), timeouts and device kills in each device's fetch.
 *
 * What is real and what is emulated (and why):
 *  - REST: real. Page-size caps (a seed's `maxPageSize` < 1000) are emulated by lowering the
 *    `pageSize` the device asks for, so the real server pages (and its page tokens) are used.
 *  - Token revocation: real. The devices' PAT is deleted through the API; restoring access
 *    mints a new PAT (the user reconnects), which the transport sends from then on. The web
 *    UI and the observer use alice's own, separate PAT (the web UI's session is not revoked).
 *    Device PATs are minted and revoked with a session token, and each change is checked
 *    until it holds: Memos 0.29 rewrites a user's whole token list after every use of one of
 *    them (to stamp its last use), so a token minted or revoked meanwhile can vanish or come
 *    back (0.30 serializes those writes).
 *  - Live events: emulated. The real stream's arrival timing is not deterministic, so a
 *    FakeSseHub (same frames, routing, buffer and injected faults as the fake's) is fed with
 *    the memo writes that really reached the server: devices' 200 answers seen below their
 *    fault layer, and the web UI's writes. A revoked token gets the real stream's 401.
 *  - Clock: the world clock moves only device clocks and simulator timers; the server's
 *    clock is real time (it cannot be jumped), so update times follow real seconds.
 *  - Public instance: not available (the instance has no --instance-url): refused.
 *  - Final state: alice's memos listed (NORMAL and ARCHIVED) with alice's own PAT: an admin
 *    PAT does not list another user's PRIVATE or ARCHIVED memos on v0.29 and v0.30.
 */
import type { FetchLike } from '../../../sync/api/http-client';
import type { Visibility } from '../../../sync/core/memo';
import { ManualClock } from '../../fakes/fake-memos-server';
import { FakeSseHub, type SseEvent } from '../../fakes/fake-memos-sse';
import type { MemosInstance } from '../../helpers/memos-instance';
import type { ServerFactory, ServerHandle, ServerMemo, WebUi } from '../../unit/sync-fuzz/server-handle';
import { startFaultProxy, WIRE_FAULTS } from './fault-proxy';
import { listAll, mintToken, type Rest, rest, signIn, tokenNames, webCalls } from './rest';

/** The world clock's start (device clocks are offset from it); the server keeps real time. */
const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);
/** Routing ids for the emulated live-event hub (not the server's user ids). */
const ALICE = 1;
const BOB = 2;

/** `memos/{uid}` from a device's REST path, or undefined. */
function memoUid(pathname: string): string | undefined {
  const match = /^\/api\/v1\/memos\/([^/:]+)$/.exec(pathname);
  return match?.[1] === undefined ? undefined : decodeURIComponent(match[1]);
}

/** A memo's creation-token number (`memo new-N`, its first line): an order stable across runs. */
function creationOrder(memo: ServerMemo): number {
  const match = /\bnew-(\d+)\b/.exec(memo.content);
  return match?.[1] === undefined ? Number.MAX_SAFE_INTEGER : Number(match[1]);
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Minting and revoking the devices' PAT so that the change holds: made with a session token
 * (no PAT use of its own), then checked twice, 150 ms apart, and made again if a token-list
 * rewrite of Memos 0.29 undid it.
 */
async function deviceTokens(baseUrl: string, username: string, password: string) {
  const manage = rest(baseUrl, await signIn(baseUrl, username, password));
  const holds = async (check: (names: Set<string>) => boolean) => {
    for (let i = 0; i < 2; i++) {
      await pause(150);
      if (!check(await tokenNames(manage, username))) return false;
    }
    return true;
  };
  return {
    async mint(): Promise<{ name: string; token: string }> {
      for (let attempt = 0; attempt < 10; attempt++) {
        const minted = await mintToken(manage, username);
        if (await holds((names) => names.has(minted.name))) return minted;
      }
      throw new Error(`a new token of ${username} keeps vanishing`);
    },
    async revoke(name: string): Promise<void> {
      for (let attempt = 0; attempt < 10; attempt++) {
        if ((await tokenNames(manage, username)).has(name)) await manage.call('DELETE', name);
        if (await holds((names) => !names.has(name))) return;
      }
      throw new Error(`${name} keeps coming back after being revoked`);
    },
  };
}

/** One server handle per world; worlds on the same instance get distinct users and uid prefixes. */
/** `wireFaults` receives the count of faults the proxies performed on real sockets, by kind. */
export function realServerFactory(
  instance: () => MemosInstance,
  wireFaults: Record<string, number> = {},
): ServerFactory {
  let worlds = 0;
  return async (options) => {
    if (options.publicInstance) throw new Error('the real instance is private (no --instance-url)');
    worlds++;
    return createRealServer(instance(), worlds, options.maxPageSize, wireFaults);
  };
}

async function createRealServer(
  instance: MemosInstance,
  n: number,
  maxPageSize: number,
  wireFaults: Record<string, number>,
): Promise<ServerHandle> {
  const { baseUrl } = instance;
  const aliceUser = await instance.createUser(`alice-${n}`, `alice-pass-${n}`);
  const bobUser = await instance.createUser(`bob-${n}`, `bob-pass-${n}`);
  const aliceWeb = rest(baseUrl, aliceUser.token);
  const bobWeb = rest(baseUrl, bobUser.token);
  const tokens = await deviceTokens(baseUrl, aliceUser.username, `alice-pass-${n}`);
  let device = await tokens.mint();
  let revoked = false;
  const sse = new FakeSseHub();
  let writes = 0;
  const churn = new Map<string, number>();

  const wrote = (type: SseEvent['type'], uid: string, creatorId: number, visibility: Visibility) => {
    writes++;
    if (type !== 'memo.updated') churn.set(uid, writes);
    sse.broadcast({ type, name: `memos/${uid}`, creatorId, visibility });
  };

  const liveStream = (init: RequestInit | undefined): Response => {
    if (revoked) {
      return new Response('{"error":"authentication required"}', {
        status: 401,
        headers: { 'Content-Type': 'application/json' },
      });
    }
    const client = new Headers(init?.headers).get('User-Agent');
    const stream = sse.open(
      { userId: ALICE, username: aliceUser.username, admin: false, ...(client === null ? {} : { client }) },
      init?.signal ?? undefined,
    );
    return new Response(stream, {
      status: 200,
      headers: {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-cache',
        'X-Accel-Buffering': 'no',
      },
    });
  };

  // Writes Memos really applied (whatever the device saw): what its live stream would announce.
  const proxy = await startFaultProxy({
    upstream: baseUrl,
    injected: wireFaults,
    onApplied(method, target) {
      if (!target.pathname.startsWith('/api/v1/memos')) return;
      const uid =
        method === 'POST' ? (target.searchParams.get('memoId') ?? undefined) : memoUid(target.pathname);
      if (uid === undefined) return;
      if (method === 'POST') wrote('memo.created', uid, ALICE, 'PRIVATE');
      else if (method === 'PATCH') wrote('memo.updated', uid, ALICE, 'PRIVATE');
      else if (method === 'DELETE') wrote('memo.deleted', uid, ALICE, 'PRIVATE');
    },
  });

  const fetchFn: FetchLike = async (url, init) => {
    const asked = new URL(url, baseUrl);
    if (asked.pathname === '/api/v1/sse') return liveStream(init);
    const target = new URL(`${asked.pathname}${asked.search}`, proxy.url);
    const pageSize = Number(target.searchParams.get('pageSize') ?? 'NaN');
    if (pageSize > maxPageSize) target.searchParams.set('pageSize', String(maxPageSize));
    const headers = new Headers(init?.headers);
    if (headers.has('Authorization')) headers.set('Authorization', `Bearer ${device.token}`);
    return fetch(target, { ...init, headers });
  };

  const webUi = (api: Rest, creatorId: number): WebUi => {
    const patch = async (uid: string, mask: string, body: Record<string, unknown>) => {
      await webCalls.patch(api, uid, mask, body);
      wrote('memo.updated', uid, creatorId, 'PRIVATE');
    };
    return {
      async create(content, visibility = 'PRIVATE') {
        const memo = await webCalls.create(api, content, visibility);
        wrote('memo.created', memo.uid, creatorId, memo.visibility);
        return memo;
      },
      editContent: (uid, content) => patch(uid, 'content,update_time', { content }),
      setPinned: (uid, pinned) => patch(uid, 'pinned', { pinned }),
      setState: (uid, state) => patch(uid, 'state', { state }),
      setVisibility: (uid, visibility) => patch(uid, 'visibility', { visibility }),
      // The server's clock is not ours: "the past" is measured from the memo's own update time.
      setOldUpdateTime: (memo, secondsBack) =>
        patch(memo.uid, 'update_time', {
          updateTime: new Date((memo.updatedTs - secondsBack) * 1000).toISOString(),
        }),
      async remove(uid) {
        await webCalls.remove(api, uid);
        wrote('memo.deleted', uid, creatorId, 'PRIVATE');
      },
    };
  };

  return {
    kind: 'real',
    baseUrl,
    fetch: fetchFn,
    wireFaults: WIRE_FAULTS,
    deviceToken: device.token,
    deviceUser: `users/${aliceUser.username}`,
    uidPrefix: n.toString(16).padStart(8, '0'),
    clock: new ManualClock(T0),
    sse,
    alice: webUi(aliceWeb, ALICE),
    bob: webUi(bobWeb, BOB),
    async memos() {
      const all = [
        ...(await listAll(aliceWeb, aliceUser.username, 'NORMAL')),
        ...(await listAll(aliceWeb, aliceUser.username, 'ARCHIVED')),
      ];
      return all.sort((a, b) => creationOrder(a) - creationOrder(b) || (a.uid < b.uid ? -1 : 1));
    },
    writeSeq: () => writes,
    churnSeq: (uid) => churn.get(uid) ?? -1,
    async setTokenRevoked(next) {
      if (next === revoked) return;
      if (next) await tokens.revoke(device.name);
      else device = await tokens.mint();
      revoked = next;
    },
    async dispose() {
      sse.disconnectAll();
      await proxy.close();
    },
  };
}
