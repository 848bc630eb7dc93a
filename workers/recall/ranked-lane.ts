/**
 * The indexer's background lane: memo names kept in indexing order (embedding-cache.ts,
 * byIndexingOrder: cheap work, pinned, then newest first, archived last) across everything
 * queued, whatever order it arrived in; a full pull lists memos oldest first, possibly page
 * by page, and must still be embedded newest first. Names queued without their need go
 * after every ranked one, in arrival order. Pure (no I/O).
 * Invariants: `take` returns names in lane order; equal ranks keep arrival order.
 */
import type { MemoName } from '../../sync';
import { byIndexingOrder, type MemoNeed } from './embedding-cache';

export interface LaneEntry {
  name: MemoName;
  need?: MemoNeed;
}

function byRank(a: LaneEntry, b: LaneEntry): number {
  if (a.need && b.need) return byIndexingOrder(a.need, b.need);
  return a.need ? -1 : b.need ? 1 : 0;
}

export class RankedLane {
  private entries: LaneEntry[] = [];

  get length(): number {
    return this.entries.length;
  }

  /** Merges `incoming` into the lane (a sort of the newcomers plus one merge pass). */
  add(incoming: readonly LaneEntry[]): void {
    if (incoming.length === 0) return;
    const fresh = [...incoming].sort(byRank);
    const lane = this.entries;
    const out: LaneEntry[] = [];
    let i = 0;
    let j = 0;
    while (i < lane.length || j < fresh.length) {
      const a = lane[i];
      const b = fresh[j];
      if (a && (!b || byRank(a, b) <= 0)) {
        out.push(a);
        i++;
      } else if (b) {
        out.push(b);
        j++;
      }
    }
    this.entries = out;
  }

  /** Puts entries back at the front, in their order (a batch that has to wait for a source). */
  putBack(entries: readonly LaneEntry[]): void {
    this.entries = [...entries, ...this.entries];
  }

  /** Removes up to `count` names from the front; skips (and drops) those `accept` refuses. */
  take(count: number, accept: (name: MemoName) => boolean): MemoName[] {
    const names: MemoName[] = [];
    let taken = 0;
    while (names.length < count && taken < this.entries.length) {
      const entry = this.entries[taken++];
      if (entry && accept(entry.name)) names.push(entry.name);
    }
    this.entries = this.entries.slice(taken);
    return names;
  }
}
