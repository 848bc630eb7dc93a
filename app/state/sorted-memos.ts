/**
 * An in-memory, always-sorted collection of memos in timeline order (pinned first, then
 * newest). Inserts and removals are binary searches, so one capture costs O(log n) to
 * locate plus one array splice, instead of re-sorting 10,000 memos.
 * Invariant: `list` is sorted by compareTimeline and holds exactly the values of `byName`.
 */
import { compareTimeline, type LocalMemo, type MemoName } from '../../sync';

export class SortedMemos {
  private readonly byName = new Map<MemoName, LocalMemo>();
  private list: LocalMemo[] = [];

  get size(): number {
    return this.list.length;
  }

  get(name: MemoName): LocalMemo | undefined {
    return this.byName.get(name);
  }

  /** The sorted memos. The array is replaced (never mutated) on change, so it can be held. */
  items(): readonly LocalMemo[] {
    return this.list;
  }

  /** Replaces everything at once (initial load). */
  reset(memos: readonly LocalMemo[]): void {
    this.byName.clear();
    for (const memo of memos) this.byName.set(memo.name, memo);
    this.list = [...this.byName.values()].sort(compareTimeline);
  }

  upsert(memo: LocalMemo): void {
    const next = [...this.list];
    const previous = this.byName.get(memo.name);
    if (previous) next.splice(this.indexOf(next, previous), 1);
    next.splice(this.insertionPoint(next, memo), 0, memo);
    this.byName.set(memo.name, memo);
    this.list = next;
  }

  remove(name: MemoName): void {
    const previous = this.byName.get(name);
    if (!previous) return;
    const next = [...this.list];
    next.splice(this.indexOf(next, previous), 1);
    this.byName.delete(name);
    this.list = next;
  }

  private insertionPoint(list: readonly LocalMemo[], memo: LocalMemo): number {
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const probe = list[mid];
      if (probe && compareTimeline(probe, memo) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private indexOf(list: readonly LocalMemo[], memo: LocalMemo): number {
    const index = this.insertionPoint(list, memo);
    if (list[index]?.name === memo.name) return index;
    // Defensive fallback: never lose track of an entry even if ordering data was odd.
    return list.findIndex((m) => m.name === memo.name);
  }
}
