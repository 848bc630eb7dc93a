/**
 * Pulling [P1–P5, D1, S2–S4]: a delta (memos updated since the cursor, with overlap) or a
 * full listing, plus single memos named by live-event hints. Clean memos take the
 * server's state; memos with pending local changes are left to the push [P2]. Deletions
 * come only from a complete listing or a 404, each confirmed by a GET, and a large batch
 * waits for the user's approval.
 */

import type { ApiFailure, MemosApi } from '../api/types';
import type { MemoName } from '../core/ids';
import { planMemo } from '../core/plan';
import type { RemoteMemo } from '../core/remote';
import { type ListingStats, listAllStates } from './listing';
import type { SyncStore } from './sync-store';

/** Seconds of overlap on delta pulls: writes committed late within a second are not missed. */
export const DELTA_OVERLAP_MS = 5_000;
/** [S3] Ask before one reconciliation deletes more than this share of local memos… */
export const MASS_DELETE_RATIO = 0.2;
/** …and more than this many. */
export const MASS_DELETE_MIN = 10;

export interface PullOptions {
  user: string;
  mode: 'delta' | 'full';
  /** epoch ms of the newest server update seen so far; undefined forces a full listing */
  cursor: number | undefined;
  hints: readonly MemoName[];
  /** Deletions the user has approved after a [S3] question. */
  approvedDeletions: ReadonlySet<MemoName>;
}

export interface PullResult {
  applied: number;
  deleted: number;
  cursor: number | undefined;
  stats: ListingStats;
  /** [S3] Deletions held back for the user's approval. */
  heldDeletions?: { names: MemoName[]; localCount: number };
  error?: ApiFailure;
}

export async function pull(api: MemosApi, store: SyncStore, options: PullOptions): Promise<PullResult> {
  const stats: ListingStats = { requests: 0, bytes: 0 };
  const full = options.mode === 'full' || options.cursor === undefined;
  const result: PullResult = { applied: 0, deleted: 0, cursor: options.cursor, stats };

  const listing = await listAllStates(
    api,
    full
      ? { user: options.user, by: 'create' }
      : { user: options.user, by: 'update', since: (options.cursor ?? 0) - DELTA_OVERLAP_MS },
    stats,
  );
  if (!listing.ok) return { ...result, error: listing.error };
  const remote = listing.value;

  // [P5] Hints: fetch each named memo; a 404 makes it a deletion candidate.
  const missing = new Set<MemoName>();
  for (const name of options.hints) {
    if (remote.has(name)) continue;
    stats.requests++;
    const got = await api.get(name);
    // Events also name other users' PUBLIC/PROTECTED memos: those are not ours to mirror,
    // nor is one made PRIVATE since the event (403; our own memos are always readable).
    if (got.ok) {
      if (got.value.creator === options.user) remote.set(name, got.value);
    } else if (got.error.kind === 'not-found') missing.add(name);
    else if (got.error.kind !== 'forbidden') return { ...result, error: got.error };
  }

  const pending = new Set((await store.pending()).map((p) => p.name));
  const names = [...remote.keys()];
  const locals = await store.locals(names);
  const bases = await store.bases(names);
  const toApply: RemoteMemo[] = [];
  for (const memo of remote.values()) {
    result.cursor = Math.max(result.cursor ?? 0, memo.updateTime);
    if (pending.has(memo.name)) continue; // [P2]
    const plan = planMemo({
      name: memo.name,
      local: locals.get(memo.name),
      pending: undefined,
      base: bases.get(memo.name),
      remote: { present: true, memo },
    });
    if (plan.kind === 'apply-remote') toApply.push(memo);
  }
  result.applied = (await store.applyRemote(toApply)).length;
  // [P3] An empty complete listing still starts the delta cursor (at the epoch), so the next
  // passes are deltas instead of full listings forever.
  if (full && result.cursor === undefined) result.cursor = 0;

  // Deletion candidates: synced memos absent from a complete listing, or 404 on a hint [D1].
  // A set: a hinted memo that 404s is also absent from the full listing (counted once).
  const candidates = new Set<MemoName>(missing);
  if (full) {
    for (const name of (await store.bases()).keys()) if (!remote.has(name)) candidates.add(name);
  }
  const clean = [...candidates].filter((name) => !pending.has(name));
  const allBases = await store.bases(clean);
  const deletable = clean.filter((name) => allBases.has(name));
  if (deletable.length === 0) return result;

  const localCount = await store.localCount();
  const unapproved = deletable.filter((name) => !options.approvedDeletions.has(name));
  if (unapproved.length > MASS_DELETE_MIN && unapproved.length > localCount * MASS_DELETE_RATIO) {
    result.heldDeletions = { names: deletable, localCount }; // [S3]
    return result;
  }
  // [S4] Confirm each deletion with the server itself before deleting anything locally.
  const confirmed: MemoName[] = [];
  for (const name of deletable) {
    if (missing.has(name)) {
      confirmed.push(name);
      continue;
    }
    stats.requests++;
    const got = await api.get(name);
    if (got.ok) {
      result.applied += (await store.applyRemote([got.value])).length;
    } else if (got.error.kind === 'not-found') {
      confirmed.push(name);
    } else {
      return { ...result, error: got.error };
    }
  }
  if (confirmed.length > 0) {
    // [S1, S4] A token revoked mid-pass turns reads anonymous, and Memos answers 404 to an
    // anonymous read of an archived memo: verify the credential again before deleting.
    stats.requests++;
    const me = await api.me();
    if (!me.ok) return { ...result, error: me.error };
  }
  result.deleted = (await store.deleteLocal(confirmed)).length;
  return result;
}
