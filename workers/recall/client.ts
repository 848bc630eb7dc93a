/**
 * The UI's entry to semantic recall. `recallClient()` returns a RecallApi whose first call
 * starts the recall worker (never at import); every call is forwarded to it over comlink.
 * Start it after the first paint (it begins downloading the model at once) and follow
 * `subscribe(listener)` (a plain function; proxied here) for the download bar,
 * "Indexing n of N" and the unavailable message; `describeSnapshot` gives the line to show.
 * Back/forward cache: when the page is frozen (`pagehide` with `persisted`), the worker is
 * stopped, because its frozen database connections would stall the next page's workers;
 * when the page is shown again it is restarted and subscriptions are renewed.
 * Guard: the worker module throws WorkerInTheMainChunkError if it is ever evaluated on
 * the main thread (i.e. bundled into the page's chunk).
 */
import * as Comlink from 'comlink';
import type { RecallApi, RecallListener, RecallSnapshot } from './api';

export type {
  RecallApi,
  RecallHit,
  RecallSnapshot,
  RecallStatus,
  SearchOptions,
  ServerLinkState,
  VectorSources,
} from './api';
/** Re-exported for callers that wrap listeners themselves (not needed: subscribe proxies). */
export { Comlink };

interface Running {
  worker: Worker;
  api: Comlink.Remote<RecallApi>;
  /** local subscription id → the worker's id */
  ids: Map<number, Promise<number>>;
}

let running: Running | undefined;
let facade: RecallApi | undefined;
const listeners = new Map<number, RecallListener>();
let nextId = 1;

function start(): Running {
  if (typeof window === 'undefined') throw new Error('recallClient() is for the page, not for workers');
  const worker = new Worker(new URL('./recall.worker.ts', import.meta.url), {
    type: 'module',
    name: 'recall',
  });
  const api = Comlink.wrap<RecallApi>(worker);
  const ids = new Map<number, Promise<number>>();
  for (const [id, listener] of listeners) ids.set(id, api.subscribe(Comlink.proxy(listener)));
  return { worker, api, ids };
}

function current(): Running {
  running ??= start();
  return running;
}

/** Stops the worker (and its embedding and index workers); the next call starts anew. */
export function stopRecall(): void {
  if (!running) return;
  running.api[Comlink.releaseProxy]();
  running.worker.terminate();
  running = undefined;
}

function watchPageLifecycle(): void {
  let restart = false;
  window.addEventListener('pagehide', (event) => {
    restart = event.persisted && running !== undefined;
    if (event.persisted) stopRecall();
  });
  window.addEventListener('pageshow', (event) => {
    if (event.persisted && restart) current();
  });
}

export function recallClient(): RecallApi {
  if (!facade) {
    watchPageLifecycle();
    facade = {
      index: (memo) => current().api.index({ name: memo.name }),
      search: (query, options) => current().api.search(query, options),
      related: (name, k, options) => current().api.related(name, k, options),
      status: () => current().api.status(),
      stats: () => current().api.stats(),
      userActive: () => (running ? running.api.userActive() : Promise.resolve()),
      setLocalIndexing: (on) => current().api.setLocalIndexing(on),
      reindex: () => current().api.reindex(),
      sources: () => current().api.sources(),
      async subscribe(listener) {
        const id = nextId++;
        listeners.set(id, listener);
        const run = current();
        run.ids.set(id, run.api.subscribe(Comlink.proxy(listener)));
        return id;
      },
      async unsubscribe(id) {
        listeners.delete(id);
        const remote = running?.ids.get(id);
        running?.ids.delete(id);
        if (remote !== undefined && running) await running.api.unsubscribe(await remote);
      },
    };
  }
  return facade;
}

/** Decimal megabytes, as file sizes are quoted elsewhere (README: "23 MB"). */
const MB = 1_000_000;

/**
 * One line for the UI, e.g. "Downloading the search model: 12.0 of 50.3 MB" while bytes
 * come over the network (files already cached are not counted: model-loader.ts), then
 * "Starting semantic search…" until the model runs.
 */
export function describeSnapshot(snapshot: RecallSnapshot): string {
  const { status, progress } = snapshot;
  if (status.kind === 'unavailable') return status.message;
  if (status.kind === 'loading') {
    return status.total > 0 && status.loaded < status.total
      ? `Downloading the search model: ${(status.loaded / MB).toFixed(1)} of ${(status.total / MB).toFixed(1)} MB`
      : 'Starting semantic search…';
  }
  if (progress.kind === 'indexing') return `Indexing ${progress.done} of ${progress.total}`;
  if (progress.kind === 'paused') {
    return `Indexing paused at ${progress.done} of ${progress.total}: waiting for the home server (indexing on this device is off)`;
  }
  if (progress.kind === 'rebuilding')
    return `Rebuilding the search index: ${progress.done} of ${progress.total}`;
  return 'Semantic search is ready';
}
