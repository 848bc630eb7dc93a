/**
 * Starts the index worker and wraps it with comlink (typed IndexWorkerApi). Query vectors
 * should be sent with `Comlink.transfer(vector, [vector.buffer])`.
 */
import * as Comlink from 'comlink';
import type { IndexWorkerApi } from './api';

export interface IndexWorkerHandle {
  api: Comlink.Remote<IndexWorkerApi>;
  terminate(): void;
}

export function startIndexWorker(): IndexWorkerHandle {
  const worker = new Worker(new URL('./index.worker.ts', import.meta.url), { type: 'module', name: 'index' });
  const api = Comlink.wrap<IndexWorkerApi>(worker);
  return {
    api,
    terminate() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
