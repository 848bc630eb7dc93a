/**
 * Pulling [P1–P5, D1, S2–S4], the I/O shell around the pure pull planner
 * (core/pull-plan.ts) and the removal guard (core/removals.ts): list (delta or complete),
 * fetch the memos live hints name, plan, confirm each listing removal with its own GET,
 * verify the credential again, and only then move removed memos to the Trash. Every
 * decision is made by the pure functions; this module only fetches and applies.
 */

import type { ApiFailure, MemosApi } from '../api/types';
import type { MemoName } from '../core/ids';
import { planPull } from '../core/pull-plan';
import type { RemoteMemo } from '../core/remote';
import { decideRemovals, type RemovalLedger } from '../core/removals';
import { type ListingStats, listAllStates } from './listing';
import type { SyncStore } from './sync-store';

/** Seconds of overlap on delta pulls: writes committed late within a second are not missed. */
export const DELTA_OVERLAP_MS = 5_000;

export interface PullOptions {
  user: string;
  mode: 'delta' | 'full';
  /** epoch ms of the newest server update seen so far; undefined forces a full listing */
  cursor: number | undefined;
  hints: readonly MemoName[];
  /** [S3] The removal guard's state before this pull. */
  ledger: RemovalLedger;
  /** Persists the guard's new state; called before anything is removed. */
  saveLedger(ledger: RemovalLedger): Promise<void>;
}

export interface PullResult {
  applied: number;
  /** Memos moved to the Trash because the server no longer has them. */
  trashed: MemoName[];
  cursor: number | undefined;
  stats: ListingStats;
  ledger: RemovalLedger;
  error?: ApiFailure;
}

export async function pull(api: MemosApi, store: SyncStore, options: PullOptions): Promise<PullResult> {
  const stats: ListingStats = { requests: 0, bytes: 0 };
  const complete = options.mode === 'full' || options.cursor === undefined;
  const result: PullResult = {
    applied: 0,
    trashed: [],
    cursor: options.cursor,
    stats,
    ledger: options.ledger,
  };

  const listing = await listAllStates(
    api,
    complete
      ? { user: options.user, by: 'create' }
      : { user: options.user, by: 'update', since: (options.cursor ?? 0) - DELTA_OVERLAP_MS },
    stats,
  );
  if (!listing.ok) return { ...result, error: listing.error };
  const remote = listing.value;

  // [P5] Hints: fetch each named memo. Events also name other users' PUBLIC/PROTECTED memos:
  // those are not ours to mirror, nor is one made PRIVATE since the event (403).
  const hintsGone = new Set<MemoName>();
  for (const name of options.hints) {
    if (remote.has(name)) continue;
    stats.requests++;
    const got = await api.get(name);
    // [P7] A comment is not ours to mirror either, on any version.
    if (got.ok) {
      if (got.value.creator === options.user) remote.set(name, got.value);
    } else if (got.error.kind === 'not-found') hintsGone.add(name);
    else if (got.error.kind !== 'forbidden' && got.error.kind !== 'not-mirrored')
      return { ...result, error: got.error };
  }

  const pending = new Set((await store.pending()).map((p) => p.name));
  const plan = planPull({
    complete,
    remote,
    hintsGone,
    pending,
    locals: await store.locals([...remote.keys()]),
    bases: complete ? await store.bases() : await store.bases([...remote.keys(), ...hintsGone]),
    cursor: options.cursor,
    serverTime: stats.serverTime,
  });
  result.applied = (await store.applyRemote(plan.apply)).length;
  result.cursor = plan.cursor;

  // [S4] Confirm each listing candidate with the server itself; one that is back is applied.
  const confirmed: MemoName[] = [];
  const reappeared: RemoteMemo[] = [];
  for (const name of plan.confirm) {
    stats.requests++;
    const got = await api.get(name);
    if (got.ok) {
      if (got.value.creator === options.user) reappeared.push(got.value);
    } else if (got.error.kind === 'not-found') confirmed.push(name);
    else return { ...result, error: got.error };
  }
  result.applied += (await store.applyRemote(reappeared)).length;

  if (confirmed.length > 0 || plan.removeNow.length > 0) {
    // [S1, S4] A token revoked mid-pass turns reads anonymous, and Memos answers 404 to an
    // anonymous read of an archived memo: verify the credential again before removing
    // anything, or asking the user about it.
    stats.requests++;
    const me = await api.me();
    if (!me.ok) return { ...result, error: me.error };
  }
  const decision = complete
    ? decideRemovals(confirmed, await store.localCount(), options.ledger)
    : { remove: [], ledger: options.ledger };
  const removals = [...plan.removeNow, ...decision.remove];
  await options.saveLedger(decision.ledger);
  result.ledger = decision.ledger;
  result.trashed = await store.moveToTrash(removals, 'deleted-on-server');
  return result;
}
