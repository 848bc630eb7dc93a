/**
 * The index worker: exposes IndexWorkerApi (api.ts) over comlink. It opens its own
 * connection to the app database (to read the embedding cache) and hnswlib's IDBFS
 * files; nothing is loaded until `open`.
 */
import * as Comlink from 'comlink';
import { MemosDatabase } from '../../sync';
import { assertWorkerScope } from '../protocol';
import type { IndexWorkerApi } from './api';
import { hnswFiles } from './hnsw-files';
import { createSemanticIndex } from './semantic-index';

assertWorkerScope('workers/index/index.worker.ts');

let index: IndexWorkerApi | undefined;
let db: MemosDatabase | undefined;

function opened(): IndexWorkerApi {
  if (!index) throw new Error('the index worker is not open yet');
  return index;
}

const api: IndexWorkerApi = {
  async open(options, onEvent) {
    await index?.close();
    db?.close();
    db = new MemosDatabase(options.dbName);
    index = createSemanticIndex({
      db,
      files: await hnswFiles(),
      fileBase: `recall-${options.dbName}`,
      now: () => Date.now(),
      random: Math.random,
      timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as number) },
    });
    return index.open(options, onEvent);
  },
  sync: (names) => opened().sync(names),
  search: (query, options) => opened().search(query, options),
  related: (name, options) => opened().related(name, options),
  setPersist: (persist) => opened().setPersist(persist),
  flush: () => opened().flush(),
  stats: () => opened().stats(),
  async close() {
    await index?.flush();
    await index?.close();
    db?.close();
    index = undefined;
  },
};

Comlink.expose(api);
