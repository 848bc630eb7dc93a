/**
 * The semantic index of one database: an HNSW graph mirroring the embedding cache, kept
 * in step by `sync(names)`, persisted with debounced saves, rebuilt from stored embeddings
 * when the saved copy is missing or wrong, compacted by rebuild when more than
 * `compactRatio` of its labels are deleted.
 * Invariants:
 *  - mutations (open, sync, save, the compaction swap) run one at a time, in call order;
 *  - searches never wait: they read the current graph, possibly a partially rebuilt one,
 *    and a long insert gives way to them every INSERT_BUDGET_MS;
 *  - the catalog holds exactly the memos in the current graph, with their state and tags;
 *  - a compaction builds a new graph off to the side; every memo synced meanwhile is
 *    re-synced into the new graph before it replaces the old one, so no change is lost;
 *  - only an instance with `persist` (the leading tab) writes to storage.
 */
import type { MemoName, RecallDocRow } from '../../sync';
import { createBudget } from '../event-loop';
import { describeError, isQuotaError } from '../protocol';
import type {
  IndexEvent,
  IndexEventListener,
  IndexOpenOptions,
  IndexOpenReport,
  IndexStats,
  IndexWorkerApi,
} from './api';
import { DocCatalog } from './doc-catalog';
import { IndexSaveError } from './hnsw-files';
import { HnswInstance, type HnswParams } from './hnsw-instance';
import {
  type Expected,
  loadSaved,
  type PersistenceDeps,
  readSavedRow,
  saveInstance,
} from './index-persistence';
import type { DocMeta } from './memo-search';
import { DEFAULT_HNSW_PARAMS } from './params';
import { createSaveScheduler, type Timers } from './save-scheduler';
import { parseSavedIndex, type Slot } from './saved-index';
import { readDocs, readDocsByName, readVectors } from './store-reader';

export type { Timers } from './save-scheduler';

export interface SemanticIndexDeps extends PersistenceDeps {
  /** drives the debounced saves */
  timers: Timers;
  saveDelayMs?: number;
  maxSaveDelayMs?: number;
  compactRatio?: number;
  compactMinLabels?: number;
  sliceSize?: number;
  /** how a long insert gives way to searches (default: one trip through the event loop) */
  yieldNow?: () => Promise<void>;
}

/**
 * Inserting a batch of vectors runs for at most about this long before a waiting search is
 * answered: a batch of 64 memos from the home server is ~150 inserts, well over 100 ms on a
 * busy phone, and a search waited for all of it.
 */
const INSERT_BUDGET_MS = 8;

export function createSemanticIndex(deps: SemanticIndexDeps): IndexWorkerApi {
  const { db, timers } = deps;
  const sliceSize = deps.sliceSize ?? 256;
  const catalog = new DocCatalog();
  let expected: Expected | undefined;
  let current: HnswInstance | undefined;
  let slot: Slot | undefined;
  let listener: IndexEventListener | undefined;
  let building: { dirty: Set<MemoName> } | undefined;
  let source: IndexStats['source'] = 'closed';
  let saves = 0;
  let compactions = 0;
  let generation = 0;
  let queue: Promise<unknown> = Promise.resolve();

  const emit = (event: IndexEvent) => listener?.(event);
  function serial<T>(job: () => Promise<T>): Promise<T> {
    const next = queue.then(job, job);
    queue = next.catch(() => undefined);
    return next;
  }

  const setMeta = (name: MemoName, next: DocMeta | undefined) => catalog.set(name, next);
  const metaOf = (doc: RecallDocRow): DocMeta => ({ state: doc.state, tags: doc.tags, chunks: doc.chunks });

  /** Makes `instance` match the store for `names`; updates `meta` when `track`. */
  async function syncInto(instance: HnswInstance, names: readonly MemoName[], track: boolean): Promise<void> {
    if (!expected || names.length === 0) return;
    const docs = await readDocsByName(db, names, expected.modelId);
    const stale = [...docs.values()].filter(
      (d) => instance.labels.doc(d.name)?.contentHash !== d.contentHash,
    );
    const vectors = await readVectors(db, stale, expected.dim);
    const budget = createBudget(INSERT_BUDGET_MS, deps.now, deps.yieldNow);
    for (const name of names) {
      await budget.maybeYield();
      const doc = docs.get(name);
      const fresh = doc && instance.labels.doc(name)?.contentHash === doc.contentHash;
      const vector = vectors.get(name);
      if (doc && !fresh && vector) instance.put(name, doc.contentHash, vector);
      const indexed = doc && (fresh || vector);
      if (!indexed) instance.remove(name);
      if (track) setMeta(name, indexed ? metaOf(doc) : undefined);
    }
  }

  /** Adds every doc to `instance` in slices, reporting progress; returns memos added. */
  async function fill(instance: HnswInstance, docs: RecallDocRow[], track: boolean, report: boolean) {
    if (!expected) return;
    for (let start = 0; start < docs.length; start += sliceSize) {
      const slice = docs.slice(start, start + sliceSize);
      const vectors = await readVectors(db, slice, expected.dim);
      instance.reserve(slice.reduce((sum, doc) => sum + doc.chunks, 0));
      const budget = createBudget(INSERT_BUDGET_MS, deps.now, deps.yieldNow);
      for (const doc of slice) {
        await budget.maybeYield();
        const vector = vectors.get(doc.name);
        if (!vector) continue;
        instance.put(doc.name, doc.contentHash, vector);
        if (track) setMeta(doc.name, metaOf(doc));
      }
      if (report)
        emit({ type: 'build-progress', done: Math.min(start + sliceSize, docs.length), total: docs.length });
    }
  }

  const saving = createSaveScheduler({
    timers,
    now: deps.now,
    delayMs: deps.saveDelayMs ?? 2_000,
    maxDelayMs: deps.maxSaveDelayMs ?? 15_000,
    save: () => void save(),
  });
  const markDirty = () => saving.markDirty();

  function save(): Promise<void> {
    return serial(async () => {
      if (!current || !expected || !saving.enabled) return;
      const claim = saving.take();
      if (!claim) return;
      const started = deps.now();
      try {
        slot = await saveInstance(deps, current, catalog, expected, slot);
        saving.done(deps.now() - started);
        saves++;
        emit({ type: 'saved', chunks: current.labels.live, ms: deps.now() - started });
      } catch (error) {
        claim.undo();
        const full = isQuotaError(error) || error instanceof IndexSaveError;
        emit({
          type: 'save-failed',
          reason: full ? 'storage-full' : 'failed',
          message: full
            ? 'The semantic search index could not be saved because this device has no storage space left for the app. Search keeps working until the app is closed; free up space so the index survives a restart.'
            : `The semantic search index could not be saved (${describeError(error)}).`,
        });
      }
    });
  }

  function maybeCompact(): void {
    const ratio = deps.compactRatio ?? 0.2;
    if (building || !current || !expected) return;
    if (current.labels.total < (deps.compactMinLabels ?? 64) || current.deletedRatio <= ratio) return;
    const before = current.labels.total;
    const mine = generation;
    const setup = expected;
    building = { dirty: new Set() };
    const fresh = HnswInstance.create(
      deps.files.lib,
      setup.dim,
      setup.params,
      Math.ceil(current.labels.live * 1.25),
    );
    void (async () => {
      try {
        const docs = [...(await readDocs(db, setup.modelId)).values()];
        await fill(fresh, docs, false, false);
        await serial(async () => {
          if (mine !== generation || !building) throw new Error('index closed during compaction');
          await syncInto(fresh, [...building.dirty], false);
          current?.dispose();
          current = fresh;
          compactions++;
          emit({ type: 'compacted', before, after: fresh.labels.total });
          markDirty();
        });
      } catch {
        fresh.dispose();
      } finally {
        if (mine === generation) building = undefined;
      }
    })();
  }

  function reset(): void {
    generation++;
    saving.reset();
    current?.dispose();
    current = undefined;
    catalog.clear();
    building = undefined;
    source = 'closed';
  }

  /** After a load: re-syncs memos whose stored embeddings or filters changed since the save. */
  async function catchUp(): Promise<void> {
    const instance = current;
    if (!instance || !expected) return;
    const docs = await readDocs(db, expected.modelId);
    const drift = [...docs.values()]
      .filter((doc) => {
        const meta = catalog.get(doc.name);
        const tags = meta?.tags.join('\u001f') !== doc.tags.join('\u001f');
        return (
          instance.labels.doc(doc.name)?.contentHash !== doc.contentHash || meta?.state !== doc.state || tags
        );
      })
      .map((doc) => doc.name);
    for (const name of instance.labels.names()) if (!docs.has(name)) drift.push(name);
    for (let start = 0; start < drift.length; start += sliceSize) {
      await syncInto(instance, drift.slice(start, start + sliceSize), true);
      if (drift.length > sliceSize) {
        emit({
          type: 'build-progress',
          done: Math.min(start + sliceSize, drift.length),
          total: drift.length,
        });
      }
    }
    if (drift.length === 0) return;
    emit({ type: 'caught-up', memos: drift.length });
    markDirty();
    maybeCompact();
  }

  async function open(options: IndexOpenOptions, onEvent?: IndexEventListener): Promise<IndexOpenReport> {
    const started = deps.now();
    reset();
    listener = onEvent;
    saving.setEnabled(options.persist);
    const params: HnswParams = options.params ?? DEFAULT_HNSW_PARAMS;
    expected = { modelId: options.modelId, dim: options.dim, params };
    const phases: Record<string, number> = {};
    const timed = async <T>(name: string, work: Promise<T>): Promise<T> => {
      const value = await work;
      phases[name] = deps.now() - started;
      return value;
    };
    // Independent reads, in parallel: hnswlib's files and the saved label map.
    const [, row] = await Promise.all([
      timed('disk', deps.files.syncFromDisk()),
      timed('row', readSavedRow(deps)),
    ]);
    const loaded = await loadSaved(deps, expected, row, phases);
    const reason = loaded.ok ? undefined : loaded.reason;
    if (loaded.ok) {
      current = loaded.instance;
      slot = loaded.slot;
      catalog.adopt(loaded.catalog);
      void serial(catchUp);
    } else {
      slot = parseSavedIndex(row?.value)?.saved.slot;
      const rows = [...(await readDocs(db, options.modelId)).values()];
      const chunks = rows.reduce((sum, doc) => sum + doc.chunks, 0);
      current = HnswInstance.create(deps.files.lib, options.dim, params, Math.ceil(chunks * 1.25));
      await fill(current, rows, true, true);
      markDirty();
    }
    source = reason === undefined ? 'loaded' : 'rebuilt';
    return {
      source,
      ...(reason === undefined ? {} : { reason }),
      memos: current.labels.memoCount,
      chunks: current.labels.live,
      ms: deps.now() - started,
      phases,
    };
  }

  return {
    open: (options, onEvent) => serial(() => open(options, onEvent)),
    sync: (names) =>
      serial(async () => {
        if (!current) return;
        for (const name of names) building?.dirty.add(name);
        await syncInto(current, names, true);
        markDirty();
        maybeCompact();
      }),
    search: async (vector, options) => (current ? catalog.search(current, vector, options) : []),
    related: async (name, options) => (current ? catalog.related(current, name, options) : []),
    setPersist: async (value) => saving.setEnabled(value),
    flush: () => {
      saving.cancel();
      return save();
    },
    stats: async () => ({
      memos: current?.labels.memoCount ?? 0,
      chunks: current?.labels.live ?? 0,
      deleted: current?.labels.deleted ?? 0,
      capacity: current?.capacity ?? 0,
      params: expected?.params ?? DEFAULT_HNSW_PARAMS,
      source,
      saves,
      compactions,
    }),
    close: () => serial(async () => reset()),
  };
}
