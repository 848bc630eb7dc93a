/**
 * The thin I/O shell that runs sync in the app: it holds the connection, becomes the
 * syncing tab through the Web Lock, wires the one composition of a sync pass
 * (engine/sync-pass.ts) to the scheduler, the live event stream and the triggers, and
 * handles connecting and disconnecting. All platform services (fetch, locks, timers,
 * clock, randomness, uid generation, online state) are injected.
 * Invariants:
 *  - A memo of one account never reaches another account without the user's answer [A1]:
 *    connecting a different server or account while local memos exist asks first.
 *  - Disconnect revokes only a token this app minted from a password [V3], and checks that
 *    the server stopped accepting it (engine/revoke-token.ts).
 */
import { exchangePasswordForToken } from './api/auth';
import { createHttpMemosApi, type FetchLike } from './api/http-client';
import { type ApiFailure, type ApiResult, fail, type MemosApi, ok } from './api/types';
import type { AttachmentName } from './core/attachments';
import { type MemoUid, newMemoUid } from './core/ids';
import type { SyncNotice } from './core/plan';
import type { ChangeFeed } from './db/change-feed';
import { type Connection, createMetaStore, type MetaStore, type ServerIdentity } from './db/meta';
import type { MemosDatabase } from './db/schema';
import { enforceBudget, openOriginal } from './engine/media';
import { revokeAndConfirm } from './engine/revoke-token';
import {
  approveHeldRemovals,
  keepHeldRemovals,
  recordServer,
  retryAfterMs,
  runSyncPass,
  shouldRetry,
} from './engine/sync-pass';
import { createSyncStore, type SyncStore } from './engine/sync-store';
import { startLiveEvents } from './live/sse-client';
import { type LockManagerLike, whileLeader } from './live/tab-leader';
import { clearNotebook, leaveAccount, resetForNewServer } from './reset';
import {
  createScheduler,
  type RunOutcome,
  type Scheduler,
  type SyncRequest,
  type TriggerReason,
} from './scheduler';

/** A credential already exchanged and verified (a token, and whether this app minted it). */
export interface VerifiedCredential {
  serverUrl: string;
  token: string;
  /** The PAT's resource name when this app minted the token from a password. */
  mintedToken?: string;
}

export type ConnectInput =
  | { serverUrl: string; token: string; mintedToken?: string }
  | { serverUrl: string; username: string; password: string };

/** What to do with the memos on this device when connecting to another server or account. */
export type ExistingMemosChoice = 'upload' | 'start-fresh';

export type ConnectFailure =
  | ApiFailure
  /**
   * [A1] Local memos exist and this is another server or account than the notebook's: the
   * user must choose. `credential` lets the app finish (or cancel) without signing in again.
   */
  | {
      kind: 'account-switch';
      message: string;
      localCount: number;
      from: ServerIdentity;
      to: ServerIdentity;
      credential: VerifiedCredential;
    };

export type ConnectResult = { ok: true; value: Connection } | { ok: false; error: ConnectFailure };

export interface SyncControllerDeps {
  db: MemosDatabase;
  feed: ChangeFeed;
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
  isOnline(): boolean;
  newUid?: () => MemoUid;
  fetch?: FetchLike;
  locks?: LockManagerLike;
  deviceLabel: string;
  onNotice(notice: SyncNotice): void;
  /** Builds the API for a connection (tests substitute a faulty transport). */
  createApi?: (connection: { serverUrl: string; token: string }) => MemosApi;
}

export interface SyncController {
  start(): Promise<void>;
  connect(input: ConnectInput, options?: { existingMemos?: ExistingMemosChoice }): Promise<ConnectResult>;
  /** The user cancelled the account question: a token minted for it is revoked. */
  cancelConnect(credential: VerifiedCredential): Promise<void>;
  /** Resolves with a sentence when a minted token could not be revoked (server unreachable). */
  disconnect(options: { clearData: boolean }): Promise<{ revokeProblem?: string }>;
  trigger(reason: TriggerReason, options?: { full?: boolean }): void;
  approveHeldDeletions(): Promise<void>;
  keepHeldMemos(): Promise<void>;
  /**
   * [F5] An attachment's original: from this device, or downloaded from the connected server
   * (then kept within the offline budget). Fails clearly when neither is possible.
   */
  openAttachment(name: AttachmentName): Promise<ApiResult<Blob>>;
  /** [F5] Sets the offline budget for originals and evicts what no longer fits. */
  setOfflineBudget(bytes: number): Promise<void>;
  dispose(): void;
}

export function createSyncController(deps: SyncControllerDeps): SyncController {
  const meta: MetaStore = createMetaStore(deps.db, deps.feed);
  const store: SyncStore = createSyncStore(deps.db, deps.feed, deps.now);
  const newUid = deps.newUid ?? (() => newMemoUid());
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

  async function runPass(api: MemosApi, connection: Connection, request: SyncRequest): Promise<RunOutcome> {
    const report = await runSyncPass(
      { api, store, meta, now: deps.now, newUid, isOnline: deps.isOnline, expectedUser: connection.user },
      { mode: request.full ? 'full' : 'delta', hints: request.hints },
    );
    for (const notice of report.notices) deps.onNotice(notice);
    if (report.ok) return { ok: true };
    // An offline device does not spin: the `online` event triggers the next pass [T2].
    const retry = report.error !== undefined && deps.isOnline() && shouldRetry(report.error);
    // [T4] A server that asked to slow down is not asked again before it said.
    const wait = report.error ? retryAfterMs(report.error) : undefined;
    return { ok: false, retry, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
  }

  function lead(connection: Connection): () => void {
    const api = buildApi(connection);
    const sched = createScheduler({
      run: (request) => runPass(api, connection, request),
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
      now: deps.now,
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

  async function verify(input: ConnectInput): Promise<ApiResult<VerifiedCredential>> {
    const serverUrl = input.serverUrl.trim().replace(/\/+$/, '');
    if ('username' in input) {
      const exchanged = await exchangePasswordForToken(
        { baseUrl: serverUrl, deviceLabel: deps.deviceLabel, ...(deps.fetch ? { fetch: deps.fetch } : {}) },
        input.username,
        input.password,
      );
      if (!exchanged.ok) return exchanged;
      return ok({ serverUrl, token: exchanged.value.token, mintedToken: exchanged.value.name });
    }
    const token = input.token.trim();
    if (token === '')
      return fail({ kind: 'invalid', message: 'enter an access token, or a username and password' });
    return ok({ serverUrl, token, ...(input.mintedToken ? { mintedToken: input.mintedToken } : {}) });
  }

  const pause = (ms: number) => new Promise<void>((resolve) => deps.setTimeout(resolve, ms));

  async function revoke(credential: VerifiedCredential): Promise<ApiResult<void>> {
    if (!credential.mintedToken) return ok(undefined);
    return revokeAndConfirm(buildApi(credential), credential.mintedToken, pause);
  }

  return {
    start: becomeLeader,
    async connect(input, options = {}) {
      const verified = await verify(input);
      if (!verified.ok) return verified;
      const credential = verified.value;
      const api = buildApi(credential);
      // [V1] Memos 0.29 or newer; the version also decides the request shapes from here on.
      const server = await api.checkServer();
      if (!server.ok) return server;
      const me = await api.me();
      if (!me.ok) return me;
      const target: ServerIdentity = { serverUrl: credential.serverUrl, user: me.value.name };
      const previous = await meta.identity();
      const switching =
        previous !== undefined && (previous.serverUrl !== target.serverUrl || previous.user !== target.user);
      if (switching) {
        const localCount = await deps.db.memos.count();
        const choice = options.existingMemos;
        if (localCount > 0 && choice === undefined) {
          return {
            ok: false,
            error: {
              kind: 'account-switch',
              message: `${localCount} memo${localCount === 1 ? '' : 's'} on this device belong to ${previous.user} on ${previous.serverUrl || 'this app’s server'}`,
              localCount,
              from: previous,
              to: target,
              credential,
            },
          };
        }
        if (choice === 'start-fresh') await leaveAccount(deps.db, deps.feed, deps.now);
        else await resetForNewServer(deps.db, deps.feed, deps.now, newUid);
      }
      await meta.setIdentity(target);
      await meta.setServer(undefined);
      await recordServer(meta, server.value, deps.now());
      const connection: Connection = {
        serverUrl: credential.serverUrl,
        token: credential.token,
        user: me.value.name,
        displayName: me.value.displayName,
        connectedAt: deps.now(),
        ...(credential.mintedToken ? { mintedToken: credential.mintedToken } : {}),
      };
      await meta.setConnection(connection);
      await meta.setStatus({ phase: 'idle' });
      await becomeLeader();
      return ok(connection);
    },
    async cancelConnect(credential) {
      await revoke(credential);
    },
    async disconnect({ clearData }) {
      const connection = await meta.connection();
      leadership?.release();
      leadership = undefined;
      await meta.setConnection(undefined);
      await meta.setStatus({ phase: 'idle' });
      if (clearData) await clearNotebook(deps.db, deps.feed);
      if (!connection?.mintedToken) return {};
      const revoked = await revoke(connection);
      if (revoked.ok || revoked.error.kind === 'not-found') return {};
      return {
        revokeProblem: `The access token this app created could not be revoked (${revoked.error.message}); remove “Memos Offline” under Access Tokens in Memos' settings.`,
      };
    },
    trigger(reason, options) {
      scheduler?.request(reason, options);
    },
    async approveHeldDeletions() {
      await approveHeldRemovals(meta);
      scheduler?.request('manual', { full: true });
    },
    async keepHeldMemos() {
      await keepHeldRemovals(meta, store);
      scheduler?.request('manual', { full: true });
    },
    async openAttachment(name) {
      const connection = await meta.connection();
      return openOriginal(connection ? buildApi(connection) : undefined, store.attachments, name, {
        now: deps.now(),
        budget: await meta.offlineBudget(),
      });
    },
    async setOfflineBudget(bytes) {
      await meta.setOfflineBudget(bytes);
      await enforceBudget(store.attachments, await meta.offlineBudget());
    },
    dispose() {
      leadership?.release();
      leadership = undefined;
    },
  };
}
