/**
 * [S3] The guard against a server that lost memos. A server restored from an old backup,
 * reinstalled at the same URL or given the wrong database looks exactly like deletion, and
 * this device is often the last copy. Invariants (pure: no I/O, no clock):
 *  - One reconciliation that would remove at least `min(10, 20 % of the notebook)` memos
 *    asks the user first; below that, removals go ahead (into the Trash, never destroyed).
 *  - The count is cumulative since the user last answered, measured against the notebook
 *    as it was then (`reference`), so a drip of a few removals per pass cannot get past it.
 *    While no removal has happened since the last answer, the reference follows the
 *    notebook's size (a growing notebook is not judged by its old size).
 *  - Removals the user approved are made without asking again, until a settled full pass.
 *  - A standing question lists only the memos the current reconciliation would remove.
 */
import type { MemoName } from './ids';

export const REMOVAL_ASK_COUNT = 10;
export const REMOVAL_ASK_RATIO = 0.2;

export interface RemovalLedger {
  /** Notebook size when the user last answered (or when counting began). */
  reference: number;
  /** Memos removed by reconciliations since then. */
  removedSince: number;
  /** The standing question: removals held back until the user answers. */
  held?: { names: MemoName[]; localCount: number };
  /** Names the user agreed to remove; used by the next full reconciliation. */
  approved: MemoName[];
}

export const EMPTY_LEDGER: RemovalLedger = { reference: 0, removedSince: 0, approved: [] };

/** How many removals since the last answer make the app ask (never less than one). */
export function askThreshold(reference: number): number {
  return Math.max(1, Math.min(REMOVAL_ASK_COUNT, reference * REMOVAL_ASK_RATIO));
}

export interface RemovalDecision {
  /** Remove these now (they go to the Trash). */
  remove: MemoName[];
  ledger: RemovalLedger;
}

/**
 * Decides what one complete reconciliation may remove. `candidates` are memos this device
 * synced, has not changed since, and the server confirmed gone (404); `localCount` is the
 * notebook's size before this reconciliation. Approvals are spent here: the ledger returned
 * never carries them on.
 */
export function decideRemovals(
  candidates: readonly MemoName[],
  localCount: number,
  ledger: RemovalLedger,
): RemovalDecision {
  const approved = new Set(ledger.approved);
  const agreed = candidates.filter((name) => approved.has(name));
  const unasked = candidates.filter((name) => !approved.has(name));
  const answered = ledger.approved.length > 0;
  const fresh = answered || (ledger.removedSince === 0 && !ledger.held);
  // After an answer, or before any removal, count from the notebook as it is now.
  const reference = fresh ? localCount - agreed.length : ledger.reference;
  const removedSince = fresh ? 0 : ledger.removedSince;
  if (unasked.length > 0 && removedSince + unasked.length >= askThreshold(reference)) {
    return {
      remove: agreed,
      ledger: { reference, removedSince, approved: [], held: { names: [...unasked], localCount } },
    };
  }
  return {
    remove: [...agreed, ...unasked],
    ledger: { reference, removedSince: removedSince + unasked.length, approved: [] },
  };
}

/** The user answered the standing question with "delete them here too". */
export function approveHeld(ledger: RemovalLedger): RemovalLedger {
  const names = ledger.held?.names ?? [];
  return {
    reference: ledger.reference,
    removedSince: ledger.removedSince,
    approved: [...new Set([...ledger.approved, ...names])],
  };
}

/** The user kept the held memos (they are uploaded again): counting starts over. */
export function keepHeld(localCount: number): RemovalLedger {
  return { reference: localCount, removedSince: 0, approved: [] };
}

/**
 * A pass decided `next` from the ledger as it was when the pass began (`started`); if the
 * user answered the question meanwhile (`current` has no standing question any more), the
 * answer wins: an approval is kept for the next reconciliation, a "keep them" reset stands.
 */
export function reconcileLedger(
  current: RemovalLedger,
  started: RemovalLedger,
  next: RemovalLedger,
): RemovalLedger {
  const answeredMeanwhile = started.held !== undefined && current.held === undefined;
  if (!answeredMeanwhile) return next;
  if (current.approved.length === 0) return current;
  return { reference: next.reference, removedSince: next.removedSince, approved: current.approved };
}
