/**
 * The pure planner of a pull [P1–P5, D1, S3, S4]: from what the server listed (complete or
 * delta), what live hints found, and this device's memos, bases and pending set, decide
 * which server copies to take, which synced memos may have been removed on the server
 * (to be confirmed one by one), and where the delta cursor moves. No I/O, no clock.
 * Invariants:
 *  - A memo with pending local changes is never touched by a pull [P2].
 *  - Removal candidates come only from a complete listing (a synced, clean memo the listing
 *    lacks) or from a live hint answered 404; each listing candidate must still be
 *    confirmed by its own 404 [S4] and passes the mass-removal guard [S3]; hint removals
 *    are already confirmed and are never held.
 *  - The cursor is the newest server update time seen, but never later than the server's
 *    own clock, so one memo stamped in the future cannot blind later delta pulls; a
 *    complete listing recomputes it from scratch.
 */
import type { MemoName } from './ids';
import type { LocalMemo } from './memo';
import { planClean } from './plan';
import type { RemoteMemo } from './remote';

export interface PullFacts {
  /** The listing was complete (a full reconciliation), not a delta. */
  complete: boolean;
  /** Own memos the server reported: the listing plus memos fetched for live hints. */
  remote: ReadonlyMap<MemoName, RemoteMemo>;
  /** Live hints the server answered with 404. */
  hintsGone: ReadonlySet<MemoName>;
  /** Memos with pending local changes. */
  pending: ReadonlySet<MemoName>;
  locals: ReadonlyMap<MemoName, LocalMemo>;
  /** Every base this device keeps (for a complete listing) or at least those of `remote`. */
  bases: ReadonlyMap<MemoName, RemoteMemo>;
  /** The cursor before this pull (epoch ms), if any. */
  cursor: number | undefined;
  /** The server's clock when it answered the listing (epoch ms), if it said. */
  serverTime: number | undefined;
}

export interface PullPlan {
  /** [P1] Clean memos that take the server's copy. */
  apply: RemoteMemo[];
  /** [D1, S4] Synced, clean memos a complete listing lacks: confirm each with a GET. */
  confirm: MemoName[];
  /** [P5, D1] Synced, clean memos a live hint found gone (404): remove, never held. */
  removeNow: MemoName[];
  /** [P3] The delta cursor after this pull. */
  cursor: number | undefined;
}

/** [P3] The newest update time, capped by the server's clock when known. */
export function nextCursor(
  complete: boolean,
  previous: number | undefined,
  remote: Iterable<RemoteMemo>,
  serverTime: number | undefined,
): number | undefined {
  let newest: number | undefined = complete ? 0 : previous;
  for (const memo of remote) {
    const seen = serverTime === undefined ? memo.updateTime : Math.min(memo.updateTime, serverTime);
    newest = Math.max(newest ?? 0, seen);
  }
  if (newest !== undefined && serverTime !== undefined && newest > serverTime) newest = serverTime;
  return newest;
}

export function planPull(facts: PullFacts): PullPlan {
  const apply: RemoteMemo[] = [];
  for (const memo of facts.remote.values()) {
    if (facts.pending.has(memo.name)) continue; // [P2]
    const plan = planClean(facts.locals.get(memo.name), facts.bases.get(memo.name), memo);
    if (plan.kind === 'apply-remote') apply.push(plan.remote);
  }
  const removable = (name: MemoName) => !facts.pending.has(name) && facts.bases.has(name);
  const removeNow = [...facts.hintsGone].filter(removable);
  const hinted = new Set(removeNow);
  const confirm = facts.complete
    ? [...facts.bases.keys()].filter(
        (name) => !facts.remote.has(name) && !hinted.has(name) && removable(name),
      )
    : [];
  return {
    apply,
    confirm,
    removeNow,
    cursor: nextCursor(facts.complete, facts.cursor, facts.remote.values(), facts.serverTime),
  };
}
