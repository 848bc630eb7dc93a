/**
 * The embedding worker: exposes EmbedWorkerApi (api.ts) over comlink. The model loads on
 * the first `load` (or `describe`) call, never at start-up, so creating the worker costs
 * nothing. Its options (a forced backend, for benchmarks and tests) come in its name
 * (client.ts); the app's worker has none.
 */
import * as Comlink from 'comlink';
import { assertWorkerScope } from '../protocol';
import type { EmbedWorkerApi } from './api';
import { browserEmbedderConfig } from './browser-config';
import { createEmbedder } from './embedder';
import { parseWorkerName } from './worker-options';

assertWorkerScope('workers/embed/embed.worker.ts');

const embedder = createEmbedder(browserEmbedderConfig(parseWorkerName(self.name)));

const api: EmbedWorkerApi = {
  describe: () => embedder.describe(),
  load: (onProgress) => embedder.load(onProgress),
  embedDocuments: async (texts, options, onProgress) => {
    const result = await embedder.embedDocuments(texts, options, onProgress);
    return Comlink.transfer(result, [result.vectors.buffer]);
  },
  embedQuery: async (text) => {
    const vector = await embedder.embedQuery(text);
    return Comlink.transfer(vector, [vector.buffer]);
  },
  tokenize: (text) => embedder.tokenize(text),
  stats: () => embedder.stats(),
  pauseDocuments: (ms) => embedder.pauseDocuments(ms),
};

Comlink.expose(api);
