/**
 * The pure pull planner and the mass-removal guard, as tables: what a pull takes from the
 * server, which synced memos become removal candidates, where the cursor goes [P1–P5, D1,
 * S3, S4]. Each row is named after the SPEC rule it checks.
 */
import { describe, expect, it } from 'vitest';
import type { MemoName } from '../../sync/core/ids';
import type { MemoFields } from '../../sync/core/memo';
import { nextCursor, type PullFacts, planPull } from '../../sync/core/pull-plan';
import { localFromRemote, type RemoteMemo } from '../../sync/core/remote';
import {
  approveHeld,
  askThreshold,
  decideRemovals,
  EMPTY_LEDGER,
  keepHeld,
  type RemovalLedger,
  reconcileLedger,
} from '../../sync/core/removals';
import { buildLocalMemo } from '../../sync/db/notebook';

const name = (n: number) => `memos/00000000-0000-4000-8000-${String(n).padStart(12, '0')}` as MemoName;

function remote(
  n: number,
  content = `memo ${n}`,
  updateTime = 10_000,
  extra: Partial<MemoFields> = {},
): RemoteMemo {
  const fields: MemoFields = {
    content,
    visibility: 'PRIVATE',
    state: 'NORMAL',
    pinned: false,
    attachments: [],
    ...extra,
  };
  return {
    ...buildLocalMemo(name(n), fields, { createTime: 1_000, updateTime }),
    creator: 'users/me',
    files: [],
  };
}

/** A device that synced memos `synced` (local = base = remote copy), with `pending` dirty. */
function facts(
  options: {
    complete?: boolean;
    synced?: number[];
    listed?: RemoteMemo[];
    hintsGone?: number[];
    pending?: number[];
    cursor?: number;
    serverTime?: number;
  } = {},
): PullFacts {
  const synced = (options.synced ?? []).map((n) => remote(n));
  return {
    complete: options.complete ?? true,
    remote: new Map((options.listed ?? []).map((m) => [m.name, m])),
    hintsGone: new Set((options.hintsGone ?? []).map(name)),
    pending: new Set((options.pending ?? []).map(name)),
    locals: new Map(synced.map((m) => [m.name, localFromRemote(m)])),
    bases: new Map(synced.map((m) => [m.name, m])),
    cursor: options.cursor,
    serverTime: options.serverTime,
  };
}

describe('pull planner', () => {
  it('[P1] a clean memo follows the server; an unchanged one is left alone', () => {
    const plan = planPull(facts({ synced: [1, 2], listed: [remote(1, 'edited', 20_000), remote(2)] }));
    expect(plan.apply.map((m) => m.name)).toEqual([name(1)]);
    expect(plan.confirm).toEqual([]);
  });

  it('[P2] a memo with pending changes is never touched, not even as a removal candidate', () => {
    const plan = planPull(facts({ synced: [1, 2], listed: [remote(1, 'edited', 20_000)], pending: [1, 2] }));
    expect(plan.apply).toEqual([]);
    expect(plan.confirm).toEqual([]);
  });

  it('[D1][S4] a complete listing that lacks a synced clean memo makes it a candidate to confirm', () => {
    const plan = planPull(facts({ synced: [1, 2, 3], listed: [remote(2)] }));
    expect(plan.confirm).toEqual([name(1), name(3)]);
    expect(plan.removeNow).toEqual([]);
  });

  it('[P3] a delta listing never makes removal candidates', () => {
    const plan = planPull(facts({ complete: false, synced: [1, 2, 3], listed: [remote(2)], cursor: 5_000 }));
    expect(plan.confirm).toEqual([]);
  });

  it('[P5][D1] a live hint answered 404 removes a synced clean memo at once (never held); unknown ones are ignored', () => {
    const plan = planPull(
      facts({ complete: false, synced: [1, 2], listed: [], hintsGone: [1, 9], cursor: 5_000 }),
    );
    expect(plan.removeNow).toEqual([name(1)]);
    const full = planPull(facts({ synced: [1, 2], listed: [remote(2)], hintsGone: [1] }));
    expect(full.removeNow).toEqual([name(1)]);
    expect(full.confirm).toEqual([]);
  });

  it('[P3] the cursor is the newest update time seen; a complete listing recomputes it from scratch', () => {
    expect(planPull(facts({ complete: false, listed: [remote(1, 'a', 7_000)], cursor: 5_000 })).cursor).toBe(
      7_000,
    );
    expect(planPull(facts({ complete: false, listed: [], cursor: 5_000 })).cursor).toBe(5_000);
    expect(planPull(facts({ complete: true, listed: [remote(1, 'a', 7_000)], cursor: 9_000 })).cursor).toBe(
      7_000,
    );
    expect(planPull(facts({ complete: true, listed: [] })).cursor).toBe(0);
  });

  it('[P3] a memo stamped in the future cannot move the cursor past the server clock', () => {
    const future = remote(1, 'from a skewed clock', 10_000_000);
    expect(planPull(facts({ complete: true, listed: [future, remote(2)], serverTime: 50_000 })).cursor).toBe(
      50_000,
    );
    // A cursor already blinded by an earlier pull heals at the next delta.
    expect(nextCursor(false, 10_000_000, [remote(2)], 50_000)).toBe(50_000);
    // Without a server clock, the old behaviour (no cap) stays.
    expect(nextCursor(true, undefined, [future], undefined)).toBe(10_000_000);
  });
});

describe('mass-removal guard', () => {
  const names = (...ns: number[]) => ns.map(name);
  const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

  it('[S3] asks at min(10, 20 % of the notebook), never below one memo', () => {
    expect(askThreshold(6)).toBeCloseTo(1.2);
    expect(askThreshold(20)).toBe(4);
    expect(askThreshold(100)).toBe(10);
    expect(askThreshold(10_000)).toBe(10);
    expect(askThreshold(0)).toBe(1);
  });

  const table: Array<[string, number, number, boolean]> = [
    // [case, notebook size, removed in one reconciliation, asks?]
    ['all 6 of 6', 6, 6, true],
    ['1 of 6 (17 %)', 6, 1, false],
    ['2 of 6', 6, 2, true],
    ['all 10 of 10', 10, 10, true],
    ['3 of 20', 20, 3, false],
    ['4 of 20 (20 %)', 20, 4, true],
    ['9 of 100', 100, 9, false],
    ['10 of 100', 100, 10, true],
    ['20 of 100', 100, 20, true],
  ];
  it.each(table)('[S3] %s: asks = %s', (_case, size, removed, asks) => {
    const decision = decideRemovals(names(...range(1, removed)), size, EMPTY_LEDGER);
    expect(decision.ledger.held !== undefined).toBe(asks);
    expect(decision.remove).toHaveLength(asks ? 0 : removed);
  });

  it('[S3] a drip is counted since the last answer against the notebook as it was then', () => {
    // 100 memos, a server that loses 3 per pass: the fourth pass asks (12 ≥ 10).
    let ledger: RemovalLedger = EMPTY_LEDGER;
    let size = 100;
    const outcomes: string[] = [];
    for (let pass = 0; pass < 4; pass++) {
      const decision = decideRemovals(names(...range(pass * 3 + 1, 3)), size, ledger);
      ledger = decision.ledger;
      size -= decision.remove.length;
      outcomes.push(ledger.held ? 'asked' : `removed ${decision.remove.length}`);
    }
    expect(outcomes).toEqual(['removed 3', 'removed 3', 'removed 3', 'asked']);
    expect(ledger.reference).toBe(100);
    expect(ledger.removedSince).toBe(9);
  });

  it('[S3] a notebook that grows before any removal is judged by its new size', () => {
    const grown = decideRemovals([], 500, { reference: 20, removedSince: 0, approved: [] });
    expect(grown.ledger.reference).toBe(500);
    expect(decideRemovals(names(...range(1, 9)), 500, grown.ledger).remove).toHaveLength(9);
  });

  it('[S3] approved removals are made and counting restarts from the notebook after them', () => {
    const held = decideRemovals(names(1, 2, 3, 4, 5), 20, EMPTY_LEDGER).ledger;
    expect(held.held?.names).toHaveLength(5);
    const approved = approveHeld(held);
    expect(approved.held).toBeUndefined();
    const after = decideRemovals(names(1, 2, 3, 4, 5), 20, approved);
    expect(after.remove).toHaveLength(5);
    expect(after.ledger).toEqual({ reference: 15, removedSince: 0, approved: [] });
  });

  it('[S3] a full reconciliation that no longer finds the held removals drops the question', () => {
    const held = decideRemovals(names(1, 2, 3, 4, 5), 20, EMPTY_LEDGER).ledger;
    expect(decideRemovals([], 20, held).ledger.held).toBeUndefined();
  });

  it('[S3] "keep them" resets the count; an answer given while a pass ran wins over its decision', () => {
    expect(keepHeld(42)).toEqual({ reference: 42, removedSince: 0, approved: [] });
    const started = decideRemovals(names(1, 2, 3, 4, 5), 20, EMPTY_LEDGER).ledger;
    const decided = decideRemovals(names(1, 2, 3, 4, 5), 20, started).ledger;
    const userApproved = approveHeld(started);
    expect(reconcileLedger(userApproved, started, decided).approved).toHaveLength(5);
    expect(reconcileLedger(userApproved, started, decided).held).toBeUndefined();
    expect(reconcileLedger(keepHeld(20), started, decided)).toEqual(keepHeld(20));
    expect(reconcileLedger(started, started, decided)).toBe(decided);
  });
});
