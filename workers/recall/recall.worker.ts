/**
 * The recall worker: runs the recall service (recall-service.ts) for this tab and exposes
 * RecallApi over comlink. It starts the embedding and index workers (nested workers, so
 * model inference and graph searches never block each other or the UI), opens the app
 * database, listens to the change feed, and competes for recall leadership with other tabs.
 * Start-up begins at once when the worker is created; the UI creates it lazily.
 */
import * as Comlink from 'comlink';
import {
  CHANGE_CHANNEL,
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
};

Comlink.expose(api);
