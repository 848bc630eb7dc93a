/**
 * The one composition of a sync pass, run by every caller: the page's controller, the
 * service worker's Background Sync and the tests' devices and fuzz. It builds the engine
 * over the notebook's own stores, runs one pass, and writes the status every tab shows.
 * Invariants:
 *  - The status is written only here, and never carries sync decisions: the [S3] question
 *    lives in the removal guard (meta `sync.removals`), which only the pull and the user's
 *    answer change, so no status write can clear it.
 *  - An offline device does not try; a failed pass keeps the last successful sync time.
 *  - Whether a failure is worth retrying is decided once, here (`shouldRetry`), and how
 *    long the server asked to be left alone (`retryAfterMs`) [T4]; a rate-limited pass is
 *    "waiting", never an error.
 *  - What the pass's server check found is kept for Settings (`recordServer`) [V4]: the
 *    version, what the app knows of it, and a version change seen while connected.
 */
import { describeSupport } from '../api/capabilities';
import { formatVersion } from '../api/server-version';
import { describeFailure, type MemosApi, type ServerInfo } from '../api/types';
import type { MemoName, MemoUid } from '../core/ids';
import { assertNever } from '../core/never';
import { approveHeld, keepHeld } from '../core/removals';
import type { MetaStore, SyncStatusRecord } from '../db/meta';
import { createSyncEngine, type SyncFailure, type SyncReport } from './engine';
import type { SyncStore } from './sync-store';

export interface SyncPassDeps {
  api: MemosApi;
  store: SyncStore;
  meta: MetaStore;
  now: () => number;
  newUid: () => MemoUid;
  isOnline: () => boolean;
  /** The connected account (`users/<name>`) [S5]. */
  expectedUser: string;
}

export interface SyncPassRequest {
  mode: 'delta' | 'full';
  hints?: readonly MemoName[];
}

/** One sentence for the status line. */
export function describeSyncFailure(failure: SyncFailure): string {
  switch (failure.kind) {
    case 'offline':
      return failure.timedOut ? 'the server did not answer in time' : 'server unreachable';
    case 'unauthorized':
      return 'the access token was refused; connect again in Settings';
    case 'forbidden':
      return 'the server refused access';
    case 'account-changed':
      return `${failure.message}; connect again in Settings`;
    case 'rate-limited':
      return describeFailure(failure);
    case 'not-found':
    case 'already-exists':
    case 'invalid':
    case 'precondition':
    case 'not-mirrored':
    case 'server':
    case 'unsupported-version':
      return failure.message;
    default:
      return assertNever(failure, 'sync failure');
  }
}

/** [T2] Failures only the user can fix wait for them; the rest back off and retry. */
export function shouldRetry(failure: SyncFailure): boolean {
  switch (failure.kind) {
    case 'unauthorized':
    case 'unsupported-version':
    case 'account-changed':
      return false;
    case 'offline':
    case 'forbidden':
    case 'not-found':
    case 'already-exists':
    case 'invalid':
    case 'precondition':
    case 'not-mirrored':
    case 'rate-limited':
    case 'server':
      return true;
    default:
      return assertNever(failure, 'sync failure');
  }
}

/** [T4] How long the server asked not to be called again, if it did. */
export function retryAfterMs(failure: SyncFailure): number | undefined {
  return failure.kind === 'rate-limited' ? failure.retryAfterMs : undefined;
}

/** [V1, V4] Keeps what a server check found for Settings; notes a version change (an upgrade). */
export async function recordServer(meta: MetaStore, info: ServerInfo, now: number): Promise<void> {
  const caps = info.capabilities;
  const version = formatVersion(caps.version);
  const previous = await meta.server();
  if (previous && previous.version === version && previous.support === caps.support) return;
  const changedFrom = previous && previous.version !== version ? previous.version : previous?.changedFrom;
  await meta.setServer({
    version,
    support: caps.support,
    description: describeSupport(caps),
    checkedAt: now,
    ...(changedFrom !== undefined ? { changedFrom } : {}),
  });
}

const OFFLINE: SyncFailure = { kind: 'offline', message: 'this device is offline' };

export async function runSyncPass(deps: SyncPassDeps, request: SyncPassRequest): Promise<SyncReport> {
  const { meta } = deps;
  const previous = await meta.status();
  const keepLast = previous.lastSyncAt !== undefined ? { lastSyncAt: previous.lastSyncAt } : {};
  if (!deps.isOnline()) {
    await meta.setStatus({ phase: 'offline', message: 'this device is offline', ...keepLast });
    return {
      ok: false,
      error: OFFLINE,
      mode: request.mode,
      pulled: 0,
      deleted: 0,
      pushed: 0,
      rejected: 0,
      requests: 0,
      bytes: 0,
      notices: [],
    };
  }
  await meta.setStatus({ phase: 'syncing', ...keepLast });
  const engine = createSyncEngine({
    api: deps.api,
    store: deps.store,
    now: deps.now,
    newUid: deps.newUid,
    expectedUser: deps.expectedUser,
    cursor: { load: meta.cursor, save: meta.setCursor },
    removals: { load: meta.removals, update: meta.updateRemovals },
  });
  const report = await engine.syncOnce({
    mode: request.mode,
    ...(request.hints ? { hints: request.hints } : {}),
  });
  if (report.server) await recordServer(meta, report.server, deps.now());
  await meta.setStatus(statusAfter(report, previous, deps));
  return report;
}

function statusAfter(report: SyncReport, previous: SyncStatusRecord, deps: SyncPassDeps): SyncStatusRecord {
  if (report.ok) return { phase: 'idle', lastSyncAt: deps.now() };
  const failure = report.error ?? { kind: 'server', message: 'sync failed' };
  // [T4] A server that asks to slow down is waited for quietly: not an error.
  const phase =
    failure.kind === 'rate-limited'
      ? 'waiting'
      : failure.kind === 'offline' && !deps.isOnline()
        ? 'offline'
        : 'error';
  return {
    phase,
    message: describeSyncFailure(failure),
    ...(previous.lastSyncAt !== undefined ? { lastSyncAt: previous.lastSyncAt } : {}),
    ...(failure.kind === 'account-changed'
      ? { accountChanged: { expected: failure.expected, actual: failure.actual } }
      : {}),
  };
}

/** [S3] The user's answer "Delete them here too": the next full reconciliation removes them. */
export async function approveHeldRemovals(meta: MetaStore): Promise<void> {
  await meta.updateRemovals(approveHeld);
}

/** [S3] The user's answer "Keep them": they are uploaded again, and counting starts over. */
export async function keepHeldRemovals(meta: MetaStore, store: SyncStore): Promise<void> {
  const held = (await meta.removals()).held?.names ?? [];
  await store.keepAsLocal(held);
  const localCount = await store.localCount();
  await meta.updateRemovals(() => keepHeld(localCount));
}
