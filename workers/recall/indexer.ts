/**
 * The background indexer: a queue of memo names whose embeddings may be out of date,
 * drained in batches: decide what each memo needs (embedding-cache.ts), get vectors for the
 * new or changed ones from the vector source (vector-source.ts: the home server or this
 * device), store them, then let the index mirror them.
 * Two lanes drain the queue:
 *  - urgent: priority names (an explicit `index(memo)`, a small change from the feed), one
 *    batch at a time, so a capture never waits behind a first embedding of the notebook;
 *  - bulk: everything else (a start-up scan, a large pull), taken in indexing order across
 *    everything queued, whatever order it arrived in (ranked-lane.ts: newest first, even for
 *    a pull listed oldest first), as many batches in flight as the source's plan allows
 *    (several while the server embeds, one on the device).
 * Invariants:
 *  - on the device at most two batches are in the embedder at once (one per lane); a search
 *    query still waits for at most the model run in progress (the embedder puts queries
 *    first, workers/embed/run-queue.ts);
 *  - a name is queued at most once; a name changed while in flight is queued again (storing
 *    checks the content hash, so an older result never overwrites a newer one);
 *  - progress counts distinct memos since the queue was last empty ("Indexing n of N"):
 *    a memo queued again while waiting or in flight is not counted twice, and n never
 *    exceeds N;
 *  - after a storage-quota failure the queue halts (nothing is dropped) until `resume`;
 *  - memos no source may embed now stay queued and the queue pauses until `resume`.
 */
import type { MemoName, MemosDatabase } from '../../sync';
import type { IndexWorkerApi } from '../index/api';
import { isQuotaError } from '../protocol';
import { type MemoNeed, needsOf, removeEmbeddings, storeEmbeddings, updateMeta } from './embedding-cache';
import { type LaneEntry, RankedLane } from './ranked-lane';
import type { Lane, VectorSource } from './vector-source';

export interface IndexerDeps {
  db: MemosDatabase;
  source: VectorSource;
  index: Pick<IndexWorkerApi, 'sync'>;
  modelId: string;
  dim: number;
  /** memos per urgent batch */
  batchMemos: number;
  onProgress(done: number, total: number): void;
  /** names whose cache rows changed (other tabs re-sync their index from them) */
  onStored(names: MemoName[]): void;
  /** a batch failed; `quota` halts the queue */
  onError(error: unknown, quota: boolean): void;
  /** the queue paused (memos wait for a source) or went on */
  onPaused?(paused: boolean): void;
}

export interface Indexer {
  /** Resolves true once every name was processed, false if its batch failed or it has to wait. */
  enqueue(names: readonly MemoName[], priority?: boolean): Promise<boolean>;
  /** Background work in indexing order (see the header); resolves like `enqueue`. */
  enqueueInOrder(needs: readonly MemoNeed[]): Promise<boolean>;
  /** Goes on after a quota failure or a pause. */
  resume(): void;
  /** Resolves when the queue is empty and no batch is running (or the queue halted or paused). */
  idle(): Promise<void>;
  readonly pending: number;
  /** memos are waiting for a source */
  readonly paused: boolean;
}

export function createIndexer(deps: IndexerDeps): Indexer {
  const queued = new Set<MemoName>();
  const urgent: MemoName[] = [];
  const bulk = new RankedLane();
  const waiters = new Map<MemoName, Array<(ok: boolean) => void>>();
  const idleWaiters: Array<() => void> = [];
  let urgentRunning = false;
  let bulkRunning = 0;
  let halted = false;
  let paused = false;
  /** Names queued since the queue was last empty (N), and those of them finished (n). */
  const counted = new Set<MemoName>();
  const finished = new Set<MemoName>();
  const report = () => deps.onProgress(finished.size, counted.size);
  const markFinished = (names: readonly MemoName[]) => {
    for (const name of names) if (!queued.has(name)) finished.add(name);
  };

  function take(lane: Lane): MemoName[] {
    if (lane === 'bulk') return bulk.take(deps.source.plan().memos, (name) => queued.delete(name));
    const batch: MemoName[] = [];
    while (batch.length < deps.batchMemos && urgent.length > 0) {
      const name = urgent.shift();
      if (name && queued.delete(name)) batch.push(name);
    }
    return batch;
  }

  /** Puts names back at the front of their lane (unless queued again meanwhile). */
  function requeue(names: readonly MemoName[], lane: Lane): void {
    const back = names.filter((name) => !queued.has(name));
    for (const name of names) queued.add(name);
    if (lane === 'urgent') urgent.unshift(...back);
    else bulk.putBack(back.map((name) => ({ name })));
  }

  function settle(names: readonly MemoName[], ok: boolean): void {
    for (const name of names) {
      const list = waiters.get(name) ?? [];
      waiters.delete(name);
      for (const resolve of list) resolve(ok);
    }
  }

  /** Processes one batch; returns the names that must wait for a source. */
  async function process(names: MemoName[], lane: Lane): Promise<MemoName[]> {
    const needs = await needsOf(deps.db, names, deps.modelId);
    await removeEmbeddings(
      deps.db,
      needs.flatMap((n) => (n.kind === 'remove' ? [n.name] : [])),
    );
    await updateMeta(
      deps.db,
      needs.flatMap((n) => (n.kind === 'update-meta' ? [n.memo] : [])),
    );
    const embeds = needs.flatMap((n) => (n.kind === 'embed' ? [{ memo: n.memo, hash: n.hash }] : []));
    let waiting: MemoName[] = [];
    if (embeds.length > 0) {
      const result = await deps.source.vectorsFor(embeds, lane);
      await storeEmbeddings(deps.db, deps.modelId, deps.dim, result.items);
      waiting = result.waiting.map((r) => r.memo.name);
    }
    await deps.index.sync(names);
    deps.onStored(names);
    return waiting;
  }

  function finish(): void {
    if (urgentRunning || bulkRunning > 0) return;
    if (queued.size === 0) {
      counted.clear();
      finished.clear();
      deps.onProgress(0, 0);
    }
    if (queued.size === 0 || halted || paused) for (const resolve of idleWaiters.splice(0)) resolve();
  }

  async function drain(lane: Lane): Promise<void> {
    try {
      for (let batch = take(lane); batch.length > 0; batch = take(lane)) {
        try {
          const waiting = await process(batch, lane);
          const processed = batch.filter((name) => !waiting.includes(name));
          markFinished(processed);
          settle(processed, true);
          if (waiting.length > 0) {
            requeue(waiting, lane);
            settle(waiting, false);
            if (!paused) {
              paused = true;
              deps.onPaused?.(true);
            }
          }
        } catch (error) {
          const quota = isQuotaError(error);
          deps.onError(error, quota);
          if (quota) {
            halted = true;
            requeue(batch, 'urgent');
          } else {
            markFinished(batch);
            settle(batch, false);
          }
        }
        report();
        if (halted || paused) break;
        if (lane === 'bulk' && bulkRunning > deps.source.plan().parallel) break;
      }
    } finally {
      if (lane === 'urgent') urgentRunning = false;
      else bulkRunning--;
      finish();
      pump();
    }
  }

  function pump(): void {
    if (halted || paused) return;
    if (!urgentRunning && urgent.length > 0) {
      urgentRunning = true;
      void drain('urgent');
    }
    const parallel = deps.source.plan().parallel;
    while (bulkRunning < parallel && bulk.length > 0) {
      bulkRunning++;
      void drain('bulk');
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
        if (first) urgent.push(name);
        else fresh.push(entry);
      } else if (first) urgent.push(name);
      promises.push(
        new Promise<boolean>((resolve) => {
          waiters.set(name, [...(waiters.get(name) ?? []), resolve]);
        }),
      );
    }
    bulk.add(fresh);
    report();
    if (paused)
      settle(
        entries.map((e) => e.name),
        false,
      );
    pump();
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
      if (paused) {
        paused = false;
        deps.onPaused?.(false);
      }
      pump();
    },
    idle() {
      if (!urgentRunning && bulkRunning === 0 && (queued.size === 0 || halted || paused))
        return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    get pending() {
      return queued.size;
    },
    get paused() {
      return paused;
    },
  };
}
