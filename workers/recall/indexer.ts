/**
 * The background indexer: a queue of memo names whose embeddings may be out of date,
 * drained in small batches: decide what each memo needs (embedding-cache.ts), embed the
 * new or changed ones, store the vectors, then let the index mirror them.
 * Invariants:
 *  - one batch at a time (so a search query waits for at most one batch in the embedder);
 *  - priority names (an explicit `index(memo)`, a small change from the feed) go before
 *    background work such as a start-up scan;
 *  - background work is taken in indexing order across everything queued, whatever order
 *    it arrived in (ranked-lane.ts: newest first, even for a pull listed oldest first);
 *  - a name is queued at most once; a name changed while in flight is queued again;
 *  - progress counts distinct memos since the queue was last empty ("Indexing n of N"):
 *    a memo queued again while waiting or in flight is not counted twice, and n never
 *    exceeds N;
 *  - after a storage-quota failure the queue halts (nothing is dropped) until `resume`.
 */
import type { MemoName, MemosDatabase } from '../../sync';
import type { EmbedWorkerApi } from '../embed/api';
import type { IndexWorkerApi } from '../index/api';
import { isQuotaError } from '../protocol';
import {
  type EmbeddedMemo,
  type MemoNeed,
  needsOf,
  removeEmbeddings,
  storeEmbeddings,
  updateMeta,
} from './embedding-cache';
import { type LaneEntry, RankedLane } from './ranked-lane';

export interface IndexerDeps {
  db: MemosDatabase;
  embedder: Pick<EmbedWorkerApi, 'embedDocuments'>;
  index: Pick<IndexWorkerApi, 'sync'>;
  modelId: string;
  dim: number;
  /** memos per embedding call */
  batchMemos: number;
  onProgress(done: number, total: number): void;
  /** names whose cache rows changed (other tabs re-sync their index from them) */
  onStored(names: MemoName[]): void;
  /** a batch failed; `quota` halts the queue */
  onError(error: unknown, quota: boolean): void;
}

export interface Indexer {
  /** Resolves true once every name was processed, false if its batch failed. */
  enqueue(names: readonly MemoName[], priority?: boolean): Promise<boolean>;
  /** Background work in indexing order (see the header); resolves like `enqueue`. */
  enqueueInOrder(needs: readonly MemoNeed[]): Promise<boolean>;
  resume(): void;
  /** Resolves when the queue is empty and no batch is running (or the queue halted). */
  idle(): Promise<void>;
  readonly pending: number;
}

export function createIndexer(deps: IndexerDeps): Indexer {
  const queued = new Set<MemoName>();
  const priority: MemoName[] = [];
  const background = new RankedLane();
  const waiters = new Map<MemoName, Array<(ok: boolean) => void>>();
  const idleWaiters: Array<() => void> = [];
  let running = false;
  let halted = false;
  /** Names queued since the queue was last empty (N), and those of them finished (n). */
  const counted = new Set<MemoName>();
  const finished = new Set<MemoName>();
  const report = () => deps.onProgress(finished.size, counted.size);

  function take(): MemoName[] {
    const batch: MemoName[] = [];
    while (batch.length < deps.batchMemos && priority.length > 0) {
      const name = priority.shift();
      if (name && queued.delete(name)) batch.push(name);
    }
    batch.push(...background.take(deps.batchMemos - batch.length, (name) => queued.delete(name)));
    return batch;
  }

  function settle(names: readonly MemoName[], ok: boolean): void {
    for (const name of names) {
      const list = waiters.get(name) ?? [];
      waiters.delete(name);
      for (const resolve of list) resolve(ok);
    }
  }

  async function process(names: MemoName[]): Promise<void> {
    const needs = await needsOf(deps.db, names, deps.modelId);
    await removeEmbeddings(
      deps.db,
      needs.flatMap((n) => (n.kind === 'remove' ? [n.name] : [])),
    );
    await updateMeta(
      deps.db,
      needs.flatMap((n) => (n.kind === 'update-meta' ? [n.memo] : [])),
    );
    const embeds = needs.flatMap((n) => (n.kind === 'embed' ? [n] : []));
    if (embeds.length > 0) {
      const result = await deps.embedder.embedDocuments(embeds.map((n) => n.memo.content));
      let row = 0;
      const items: EmbeddedMemo[] = embeds.map((need, i) => {
        const chunks = result.chunkCounts[i] ?? 0;
        const vectors = result.vectors.subarray(row * deps.dim, (row + chunks) * deps.dim);
        row += chunks;
        return { memo: need.memo, hash: need.hash, vectors, truncated: result.truncated[i] ?? false };
      });
      await storeEmbeddings(deps.db, deps.modelId, deps.dim, items);
    }
    await deps.index.sync(names);
    deps.onStored(names);
  }

  async function pump(): Promise<void> {
    if (running || halted) return;
    running = true;
    try {
      for (let batch = take(); batch.length > 0 && !halted; batch = take()) {
        try {
          await process(batch);
          for (const name of batch) if (!queued.has(name)) finished.add(name);
          settle(batch, true);
        } catch (error) {
          const quota = isQuotaError(error);
          deps.onError(error, quota);
          if (quota) {
            halted = true;
            for (const name of batch.reverse()) {
              if (!queued.has(name)) priority.unshift(name);
              queued.add(name);
            }
          } else {
            for (const name of batch) if (!queued.has(name)) finished.add(name);
            settle(batch, false);
          }
        }
        report();
      }
    } finally {
      running = false;
      if (queued.size === 0) {
        counted.clear();
        finished.clear();
        deps.onProgress(0, 0);
      }
      if (queued.size === 0 || halted) for (const resolve of idleWaiters.splice(0)) resolve();
    }
  }

  function add(entries: readonly LaneEntry[], first: boolean): Promise<boolean> {
    const promises: Promise<boolean>[] = [];
    const fresh: LaneEntry[] = [];
    for (const entry of entries) {
      const { name } = entry;
      if (!queued.has(name)) {
        queued.add(name);
        counted.add(name);
        finished.delete(name);
        if (first) priority.push(name);
        else fresh.push(entry);
      } else if (first) priority.push(name);
      promises.push(
        new Promise<boolean>((resolve) => {
          waiters.set(name, [...(waiters.get(name) ?? []), resolve]);
        }),
      );
    }
    background.add(fresh);
    report();
    void pump();
    return Promise.all(promises).then((results) => results.every(Boolean));
  }

  return {
    enqueue: (names, first = false) =>
      add(
        names.map((name) => ({ name })),
        first,
      ),
    enqueueInOrder: (needs) =>
      add(
        needs.map((need) => ({
          name: need.kind === 'embed' || need.kind === 'update-meta' ? need.memo.name : need.name,
          need,
        })),
        false,
      ),
    resume() {
      halted = false;
      void pump();
    },
    idle() {
      if (!running && (queued.size === 0 || halted)) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    get pending() {
      return queued.size;
    },
  };
}
