/**
 * The recall worker: runs the recall service (recall-service.ts) for this tab and exposes
 * RecallApi over comlink. It starts the embedding and index workers (nested workers, so
 * model inference and graph searches never block each other or the UI), opens the app
 * database, listens to the change feed, competes for recall leadership with other tabs, and
 * reaches the home server's embedding service on this origin with the app's Memos token.
 * Start-up begins at once when the worker is created; the UI creates it lazily.
 */
import * as Comlink from 'comlink';
import {
  CHANGE_CHANNEL,
  createChangeFeed,
  createMetaStore,
  DEFAULT_DB_NAME,
  MemosDatabase,
  parseStoreChange,
  RECALL_CHANNEL,
  type StoreChange,
} from '../../sync';
import { startEmbedWorker } from '../embed/client';
import { startIndexWorker } from '../index/client';
import { assertWorkerScope } from '../protocol';
import type { RecallApi } from './api';
import { broadcastPeers, requestLeadership } from './peers';
import { createRecallService } from './recall-service';
import { remoteEmbedder, remoteIndex } from './remote-adapters';
import { createEmbedServerClient } from './server-client';

assertWorkerScope('workers/recall/recall.worker.ts');

const db = new MemosDatabase(DEFAULT_DB_NAME);
const embed = startEmbedWorker();
const index = startIndexWorker();
const changes = new BroadcastChannel(CHANGE_CHANNEL);
const listeners = new Set<(change: StoreChange) => void>();
changes.onmessage = (event: MessageEvent) => {
  const change = parseStoreChange(event.data);
  if (change) for (const listener of [...listeners]) listener(change);
};

/** The Memos token the app holds (sync/db/meta.ts), for the home server's embedding service. */
const meta = createMetaStore(db, createChangeFeed('recall-worker-meta', undefined));
const server = createEmbedServerClient({
  origin: self.location.origin,
  token: async () => (await meta.connection())?.token,
  fetch: (input, init) => fetch(input, init),
});

const service = createRecallService({
  db,
  embedder: remoteEmbedder(embed.api),
  index: remoteIndex(index.api),
  dbName: DEFAULT_DB_NAME,
  subscribeChanges(listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  peers: broadcastPeers(new BroadcastChannel(RECALL_CHANNEL)),
  leadership: (lead) => requestLeadership(navigator.locks, lead),
  timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) },
  now: () => Date.now(),
  server,
  announce: (change) => changes.postMessage(change),
});
void service.start();

const api: RecallApi = {
  index: (memo) => service.index(memo),
  search: (query, options) => service.search(query, options),
  related: (name, k, options) => service.related(name, k, options),
  status: () => service.status(),
  subscribe: (listener) => service.subscribe(listener),
  unsubscribe: (id) => service.unsubscribe(id),
  stats: () => service.stats(),
  userActive: () => service.userActive(),
  setLocalIndexing: (on) => service.setLocalIndexing(on),
  reindex: () => service.reindex(),
  sources: () => service.sources(),
};

Comlink.expose(api);
