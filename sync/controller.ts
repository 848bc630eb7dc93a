/**
 * The thin I/O shell that runs sync in the app: it holds the connection, becomes the
 * syncing tab through the Web Lock, wires the engine to the scheduler, the live event
 * stream and the triggers, and writes the status every tab shows. All platform services
 * (fetch, locks, timers, clock, randomness, online state) are injected.
 */
import { checkVersion, exchangePasswordForToken } from './api/auth';
import { createHttpMemosApi, type FetchLike } from './api/http-client';
import { type ApiFailure, type ApiResult, describeFailure, fail, type MemosApi, ok } from './api/types';
import type { MemoName } from './core/ids';
import type { SyncNotice } from './core/plan';
import type { ChangeFeed } from './db/change-feed';
import { type Connection, createMetaStore, type MetaStore } from './db/meta';
import type { MemosDatabase } from './db/schema';
import { createSyncEngine } from './engine/engine';
import { createSyncStore, type SyncStore } from './engine/sync-store';
import { startLiveEvents } from './live/sse-client';
import { type LockManagerLike, whileLeader } from './live/tab-leader';
import { resetForNewServer } from './reset';
import {
  createScheduler,
  type RunOutcome,
  type Scheduler,
  type SyncRequest,
  type TriggerReason,
} from './scheduler';

export type ConnectInput =
  | { serverUrl: string; token: string }
  | { serverUrl: string; username: string; password: string };

export interface SyncControllerDeps {
  db: MemosDatabase;
  feed: ChangeFeed;
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
  isOnline(): boolean;
  fetch?: FetchLike;
  locks?: LockManagerLike;
  deviceLabel: string;
  onNotice(notice: SyncNotice): void;
  /** Builds the API for a connection (tests substitute a faulty transport). */
  createApi?: (connection: { serverUrl: string; token: string }) => MemosApi;
}

export interface SyncController {
  start(): Promise<void>;
  connect(input: ConnectInput): Promise<ApiResult<Connection>>;
  disconnect(options: { clearData: boolean }): Promise<void>;
  trigger(reason: TriggerReason, options?: { full?: boolean }): void;
  approveHeldDeletions(): Promise<void>;
  keepHeldMemos(): Promise<void>;
  dispose(): void;
}

function userMessage(failure: ApiFailure): string {
  if (failure.kind === 'unauthorized') return 'the access token was refused; connect again in Settings';
  return describeFailure(failure);
}

export function createSyncController(deps: SyncControllerDeps): SyncController {
  const meta: MetaStore = createMetaStore(deps.db, deps.feed);
  const store: SyncStore = createSyncStore(deps.db, deps.feed, deps.now);
  const buildApi =
    deps.createApi ??
    ((c: { serverUrl: string; token: string }) =>
      createHttpMemosApi({
        baseUrl: c.serverUrl,
        token: c.token,
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      }));
  let leadership: { release(): void } | undefined;
  let scheduler: Scheduler | undefined;
  let approved = new Set<MemoName>();

  async function runPass(api: MemosApi, request: SyncRequest): Promise<RunOutcome> {
    const previous = await meta.status();
    if (!deps.isOnline()) {
      await meta.setStatus({ ...previous, phase: 'offline', message: 'this device is offline' });
      return { ok: false, retry: false };
    }
    await meta.setStatus({ ...previous, phase: 'syncing' });
    const engine = createSyncEngine({
      api,
      store,
      now: deps.now,
      cursor: { load: meta.cursor, save: meta.setCursor },
    });
    const report = await engine.syncOnce({
      mode: request.full ? 'full' : 'delta',
      hints: request.hints,
      approvedDeletions: approved,
    });
    for (const notice of report.notices) deps.onNotice(notice);
    // [S3] A held question stands until the user answers it or a full pass no longer finds
    // those deletions: delta passes (which never delete from a listing) and failures keep it.
    const settled = report.ok && report.mode === 'full';
    const standing = settled ? undefined : (await meta.status()).heldDeletions;
    const held = report.heldDeletions ?? standing;
    if (report.ok) {
      if (settled && !report.heldDeletions) approved = new Set();
      await meta.setStatus({
        phase: 'idle',
        lastSyncAt: deps.now(),
        ...(held ? { heldDeletions: held } : {}),
      });
      return { ok: true };
    }
    const failure = report.error ?? { kind: 'server', message: 'sync failed' };
    const phase = failure.kind === 'offline' && !deps.isOnline() ? 'offline' : 'error';
    await meta.setStatus({
      phase,
      message: userMessage(failure),
      ...(previous.lastSyncAt !== undefined ? { lastSyncAt: previous.lastSyncAt } : {}),
      ...(held ? { heldDeletions: held } : {}),
    });
    return { ok: false, retry: failure.kind !== 'unauthorized' && failure.kind !== 'unsupported-version' };
  }

  function lead(connection: Connection): () => void {
    const api = buildApi(connection);
    const sched = createScheduler({
      run: (request) => runPass(api, request),
      now: deps.now,
      setTimeout: deps.setTimeout,
      clearTimeout: deps.clearTimeout,
      random: deps.random,
    });
    scheduler = sched;
    const live = startLiveEvents({
      api,
      onHint: (name) => sched.request('live-event', { hints: [name] }),
      onConnected: () => sched.request('live-event'),
      setTimeout: deps.setTimeout,
      clearTimeout: deps.clearTimeout,
      random: deps.random,
    });
    const unsubscribe = deps.feed.subscribe((change) => {
      if (change.type === 'outbox' && change.origin === 'local') sched.request('local-change');
    });
    sched.start();
    sched.request('start', { full: true });
    return () => {
      unsubscribe();
      live.stop();
      sched.stop();
      if (scheduler === sched) scheduler = undefined;
    };
  }

  async function becomeLeader(): Promise<void> {
    leadership?.release();
    const connection = await meta.connection();
    if (!connection) {
      leadership = undefined;
      return;
    }
    leadership = whileLeader(deps.locks, () => lead(connection));
  }

  return {
    start: becomeLeader,
    async connect(input) {
      let token = 'token' in input ? input.token.trim() : '';
      const serverUrl = input.serverUrl.trim().replace(/\/+$/, '');
      if ('username' in input) {
        const exchanged = await exchangePasswordForToken(
          { baseUrl: serverUrl, deviceLabel: deps.deviceLabel, ...(deps.fetch ? { fetch: deps.fetch } : {}) },
          input.username,
          input.password,
        );
        if (!exchanged.ok) return exchanged;
        token = exchanged.value;
      }
      if (token === '')
        return fail({ kind: 'invalid', message: 'enter an access token, or a username and password' });
      const api = buildApi({ serverUrl, token });
      const profile = await api.profile();
      if (!profile.ok) return profile;
      const version = checkVersion(profile.value);
      if (!version.ok) return version;
      const me = await api.me();
      if (!me.ok) return me;
      const previous = await meta.identity();
      if (previous && (previous.serverUrl !== serverUrl || previous.user !== me.value.name)) {
        await resetForNewServer(deps.db, deps.feed, deps.now);
      }
      await meta.setIdentity({ serverUrl, user: me.value.name });
      const connection: Connection = {
        serverUrl,
        token,
        user: me.value.name,
        displayName: me.value.displayName,
        connectedAt: deps.now(),
      };
      await meta.setConnection(connection);
      await meta.setStatus({ phase: 'idle' });
      await becomeLeader();
      return ok(connection);
    },
    async disconnect({ clearData }) {
      leadership?.release();
      leadership = undefined;
      await meta.setConnection(undefined);
      await meta.setStatus({ phase: 'idle' });
      if (clearData) {
        await deps.db.transaction(
          'rw',
          [deps.db.memos, deps.db.outbox, deps.db.bases, deps.db.conflicts, deps.db.meta],
          async () => {
            await Promise.all([
              deps.db.memos.clear(),
              deps.db.outbox.clear(),
              deps.db.bases.clear(),
              deps.db.conflicts.clear(),
            ]);
            await deps.db.meta.delete('sync.cursor');
          },
        );
        deps.feed.publish({ type: 'reset' });
      }
    },
    trigger(reason, options) {
      scheduler?.request(reason, options);
    },
    async approveHeldDeletions() {
      const status = await meta.status();
      approved = new Set((status.heldDeletions?.names ?? []) as MemoName[]);
      scheduler?.request('manual', { full: true });
    },
    async keepHeldMemos() {
      const status = await meta.status();
      await store.keepAsLocal((status.heldDeletions?.names ?? []) as MemoName[]);
      const { heldDeletions: _dropped, ...rest } = status;
      await meta.setStatus(rest);
      scheduler?.request('manual', { full: true });
    },
    dispose() {
      leadership?.release();
      leadership = undefined;
    },
  };
}
