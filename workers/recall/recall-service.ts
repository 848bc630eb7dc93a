/**
 * The recall service: owns keeping the semantic index in step with the notebook by
 * itself, and answers the RecallApi. On start it loads the model and opens the index
 * (loaded from storage or rebuilt from stored embeddings) in parallel, and asks the home
 * server whether it can supply vectors (vector-supply.ts); once it leads, it scans the
 * notebook and gets vectors for every memo whose (content hash, model id) has none cached
 * (so work resumes after a reload), from the home server or this device, then follows the
 * change feed.
 * Invariants:
 *  - status is `ready` only while the model is loaded and nothing made search unusable;
 *  - search never embeds memos and never waits for background work beyond one model run
 *    (the embedder puts queries first, workers/embed/run-queue.ts);
 *  - background work (a scan, a large change such as an initial pull) is embedded newest
 *    first (indexer.ts); a small change (a capture, a small pull) jumps ahead of it;
 *  - listeners get snapshots at most every `notifyIntervalMs`, always the latest one.
 */
import type { MemoName, MemosDatabase, StoreChange } from '../../sync';
import type { EmbedWorkerApi, ModelInfo } from '../embed/api';
import type { IndexEvent, IndexOpenReport, IndexWorkerApi } from '../index/api';
import type { Timers } from '../index/semantic-index';
import { describeError } from '../protocol';
import type {
  IndexingProgress,
  RecallApi,
  RecallListener,
  RecallSnapshot,
  RecallStats,
  RecallStatus,
} from './api';
import { contentHash } from './content-hash';
import { clearEmbeddings, countBySource, needsOf, scanNeeds } from './embedding-cache';
import { createIndexer, type Indexer } from './indexer';
import type { Peers } from './peers';
import type { EmbedServerClient } from './server-client';
import { createVectorSupply, type VectorSupply } from './vector-supply';

export interface RecallServiceDeps {
  db: MemosDatabase;
  embedder: EmbedWorkerApi;
  index: IndexWorkerApi;
  dbName: string;
  subscribeChanges(listener: (change: StoreChange) => void): () => void;
  peers: Peers;
  /** calls `lead` once this worker may embed in the background and save the index */
  leadership(lead: () => void): void;
  timers: Timers;
  now: () => number;
  batchMemos?: number;
  notifyIntervalMs?: number;
  /** the home server's embedding service (absent: this device embeds everything) */
  server?: EmbedServerClient;
  /** tells other tabs and workers about a change this service made (a setting) */
  announce?: (change: StoreChange) => void;
}

export interface RecallService extends RecallApi {
  start(): Promise<void>;
  /** Resolves once start-up, the scan and all queued indexing are done. */
  whenIdle(): Promise<void>;
  close(): Promise<void>;
}

/** changes of at most this many memos are embedded before background work */
const PROMPT_CHANGE_MAX = 32;
/** a scan that finds this many memos without vectors asks the home server to warm up */
const WARMUP_MIN_MEMOS = 100;

/** how long background embedding stays paused after the user's last input */
export const USER_ACTIVE_PAUSE_MS = 500;

const STORAGE_FULL =
  'Semantic search is off: this device has no storage space left for its index. Keyword search still works; free up space and reopen the app.';

export function createRecallService(deps: RecallServiceDeps): RecallService {
  let status: RecallStatus = { kind: 'loading', loaded: 0, total: 0 };
  let indexing: IndexingProgress = { kind: 'idle' };
  let rebuilding: IndexingProgress = { kind: 'idle' };
  let info: ModelInfo | undefined;
  let opened: IndexOpenReport | undefined;
  let indexer: Indexer | undefined;
  let supply: VectorSupply | undefined;
  let leader = false;
  let modelLoadMs = 0;
  const bootPhases: Record<string, number> = {};
  let started: Promise<void> | undefined;
  let scanning: Promise<void> = Promise.resolve();
  let peerSyncs: Promise<void> = Promise.resolve();
  let lastNotified = Number.NEGATIVE_INFINITY;
  let notifyTimer: unknown;
  let nextId = 1;
  const listeners = new Map<number, RecallListener>();
  const cleanups: Array<() => void> = [];

  const snapshot = (): RecallSnapshot => ({
    status,
    progress:
      rebuilding.kind !== 'idle'
        ? rebuilding
        : indexer?.paused && indexing.kind === 'indexing'
          ? { ...indexing, kind: 'paused' }
          : indexing,
    server: supply?.server() ?? { kind: 'none' },
    localIndexing: supply?.localIndexing() ?? true,
  });

  function flushNotify(): void {
    notifyTimer = undefined;
    lastNotified = deps.now();
    const current = snapshot();
    for (const listener of [...listeners.values()]) {
      Promise.resolve(listener(current)).catch(() => undefined);
    }
  }
  function notify(): void {
    if (notifyTimer !== undefined) return;
    const wait = lastNotified + (deps.notifyIntervalMs ?? 100) - deps.now();
    if (wait <= 0) flushNotify();
    else notifyTimer = deps.timers.setTimeout(flushNotify, wait);
  }
  function setStatus(next: RecallStatus): void {
    status = next;
    notify();
  }

  function onIndexEvent(event: IndexEvent): void {
    if (event.type === 'build-progress') {
      rebuilding = event.done < event.total ? { kind: 'rebuilding', ...event } : { kind: 'idle' };
      notify();
    } else if (event.type === 'save-failed' && event.reason === 'storage-full') {
      setStatus({ kind: 'unavailable', reason: 'storage-full', message: STORAGE_FULL });
    } else if (event.type === 'saved' && status.kind === 'unavailable' && status.reason === 'storage-full') {
      setStatus({ kind: 'ready' });
      indexer?.resume();
    }
  }

  async function scan(): Promise<void> {
    if (!indexer || !info) return;
    const needs = await scanNeeds(deps.db, info.modelId);
    if (needs.filter((need) => need.kind === 'embed').length >= WARMUP_MIN_MEMOS) supply?.wantWarmup();
    void indexer.enqueueInOrder(needs);
  }

  /** A large change (an initial pull, an import) is background work, newest first. */
  async function enqueueLarge(names: readonly MemoName[]): Promise<void> {
    if (!indexer || !info) return;
    void indexer.enqueueInOrder(await needsOf(deps.db, names, info.modelId));
  }

  function onChange(change: StoreChange): void {
    if (!leader || !indexer) return;
    // A few names are the user's own edits or a small pull: they jump the queue of a first
    // embedding (which can take many minutes), so a fresh capture is findable at once.
    if (change.type === 'memos') {
      if (change.names.length <= PROMPT_CHANGE_MAX) void indexer.enqueue(change.names, true);
      else
        scanning = scanning
          .catch(() => undefined)
          .then(() => enqueueLarge(change.names))
          .catch(() => undefined);
    } else if (change.type === 'reset') scanning = scan();
  }

  function startIndexer(model: ModelInfo, vectors: VectorSupply): Indexer {
    const batchMemos = deps.batchMemos ?? 8;
    return createIndexer({
      db: deps.db,
      source: vectors.source(deps.embedder, model.dim, batchMemos),
      index: deps.index,
      modelId: model.modelId,
      dim: model.dim,
      batchMemos,
      onProgress(done, total) {
        indexing = total > 0 ? { kind: 'indexing', done, total } : { kind: 'idle' };
        notify();
      },
      onStored: (names) => deps.peers.publish({ type: 'stored', names }),
      onError(error, quota) {
        if (quota) setStatus({ kind: 'unavailable', reason: 'storage-full', message: STORAGE_FULL });
        else console.warn(`[recall] indexing a batch failed: ${describeError(error)}`);
      },
      onPaused: () => notify(),
    });
  }

  /** The server link or the setting changed: tell the UI, and go on if memos were waiting. */
  function onSupplyChange(): void {
    notify();
    if (indexer && status.kind === 'ready') indexer.resume();
  }

  async function boot(): Promise<void> {
    notify();
    const bootStarted = deps.now();
    const mark = (name: string) => {
      bootPhases[name] = deps.now() - bootStarted;
    };
    // Loading starts first: in the browser, describe waits for the backend choice, which
    // may download a model file, and the download bar comes from load's progress.
    const loadStarted = deps.now();
    const loading = deps.embedder
      .load((progress) => {
        if (status.kind === 'loading') setStatus({ kind: 'loading', ...progress });
      })
      .finally(() => {
        modelLoadMs = deps.now() - loadStarted;
        mark('model');
      });
    const model = await deps.embedder.describe();
    mark('describe');
    info = model;
    const vectors = createVectorSupply({
      db: deps.db,
      modelId: model.modelId,
      server: deps.server,
      timers: deps.timers,
      onChange: onSupplyChange,
      ...(deps.announce ? { announce: deps.announce } : {}),
    });
    supply = vectors;
    // From the start, not once the model has loaded: the user may connect (a new token for
    // the server) or flip the switch while the model still downloads.
    cleanups.push(
      () => vectors.close(),
      deps.subscribeChanges((change) => vectors.onStoreChange(change)),
    );
    const supplyStarted = vectors.start();
    try {
      opened = await deps.index.open(
        { dbName: deps.dbName, modelId: model.modelId, dim: model.dim, persist: false },
        onIndexEvent,
      );
    } catch (error) {
      setStatus({
        kind: 'unavailable',
        reason: 'failed',
        message: `Semantic search is unavailable: its index could not be opened (${describeError(error)}). Keyword search still works.`,
      });
      return;
    }
    mark('index');
    cleanups.push(
      deps.peers.subscribe((message) => {
        if (message.type === 'rescan') {
          if (leader) scanning = scanning.then(scan);
          return;
        }
        peerSyncs = peerSyncs.then(() => deps.index.sync(message.names)).catch(() => undefined);
      }),
    );
    const outcome = await loading;
    if (!outcome.ok) {
      setStatus({ kind: 'unavailable', reason: outcome.failure.reason, message: outcome.failure.message });
      return;
    }
    await supplyStarted;
    indexer = startIndexer(model, vectors);
    if (status.kind === 'loading') setStatus({ kind: 'ready' });
    cleanups.push(deps.subscribeChanges(onChange));
    deps.leadership(() => {
      leader = true;
      scanning = deps.index.setPersist(true).then(scan);
    });
  }

  const usable = () => status.kind === 'ready' && indexer !== undefined;

  return {
    start() {
      started ??= boot();
      return started;
    },
    async whenIdle() {
      await started;
      await scanning;
      await indexer?.idle();
      await peerSyncs;
    },
    async close() {
      for (const cleanup of cleanups.splice(0)) cleanup();
      if (notifyTimer !== undefined) deps.timers.clearTimeout(notifyTimer);
      listeners.clear();
      await deps.index.close();
    },
    async index(memo) {
      if (!usable() || !indexer || !info) return 'unavailable';
      const ok = await indexer.enqueue([memo.name], true);
      if (!ok) return 'unavailable';
      const [stored, doc] = await Promise.all([
        deps.db.memos.get(memo.name),
        deps.db.recallDocs.get(memo.name),
      ]);
      return stored && doc?.contentHash === contentHash(stored.content) ? 'indexed' : 'removed';
    },
    async search(query, options) {
      if (query.trim() === '' || options.k < 1 || !usable()) return [];
      const vector = await deps.embedder.embedQuery(query);
      return deps.index.search(vector, options);
    },
    async related(name: MemoName, k, options = {}) {
      if (!opened || k < 1) return [];
      return deps.index.related(name, { ...options, k });
    },
    status: async () => snapshot(),
    async setLocalIndexing(on) {
      await started;
      await supply?.setLocalIndexing(on);
    },
    async reindex() {
      await started;
      const names = await clearEmbeddings(deps.db);
      await deps.index.sync(names);
      deps.peers.publish({ type: 'stored', names });
      if (leader) scanning = scanning.then(scan);
      else deps.peers.publish({ type: 'rescan' });
    },
    async sources() {
      return info ? countBySource(deps.db, info.modelId) : { device: 0, server: 0 };
    },
    async userActive() {
      await deps.embedder.pauseDocuments(USER_ACTIVE_PAUSE_MS);
    },
    async subscribe(listener) {
      const id = nextId++;
      listeners.set(id, listener);
      Promise.resolve(listener(snapshot())).catch(() => undefined);
      return id;
    },
    async unsubscribe(id) {
      listeners.delete(id);
    },
    async stats(): Promise<RecallStats> {
      const [embed, index, truncatedMemos] = await Promise.all([
        deps.embedder.stats(),
        deps.index.stats().catch(() => undefined),
        deps.db.recallDocs.filter((doc) => doc.truncated).count(),
      ]);
      return {
        memos: index?.memos ?? 0,
        chunks: index?.chunks ?? 0,
        truncatedMemos,
        embedRuns: embed.runs,
        embeddedChunks: embed.chunks,
        queries: embed.queries,
        indexSource: index?.source ?? 'closed',
        indexSaves: index?.saves ?? 0,
        indexOpenMs: opened?.ms ?? 0,
        modelLoadMs,
        bootPhases: { ...bootPhases },
        indexOpenPhases: opened?.phases ?? {},
        ...(opened?.reason === undefined ? {} : { indexReason: opened.reason }),
        leader,
      };
    },
  };
}
