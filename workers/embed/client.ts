/**
 * Starts the embedding worker and wraps it with comlink. Callers get the typed
 * EmbedWorkerApi (every method returns a promise) and a way to stop the worker. Progress
 * callbacks must be wrapped with `Comlink.proxy` by the caller. Options travel in the
 * worker's name (`embed` alone: the app's defaults).
 */
import * as Comlink from 'comlink';
import type { EmbedWorkerApi } from './api';
import type { BrowserEmbedderOptions } from './browser-config';
import { workerName } from './worker-options';

export interface EmbedWorkerHandle {
  api: Comlink.Remote<EmbedWorkerApi>;
  terminate(): void;
}

export function startEmbedWorker(options: BrowserEmbedderOptions = {}): EmbedWorkerHandle {
  const worker = new Worker(new URL('./embed.worker.ts', import.meta.url), {
    type: 'module',
    name: workerName(options),
  });
  const api = Comlink.wrap<EmbedWorkerApi>(worker);
  return {
    api,
    terminate() {
      api[Comlink.releaseProxy]();
      worker.terminate();
    },
  };
}
