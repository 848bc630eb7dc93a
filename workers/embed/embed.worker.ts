/**
 * The embedding worker: exposes EmbedWorkerApi (api.ts) over comlink. The model loads on
 * the first `load` call, never at start-up, so creating the worker costs nothing.
 */
import * as Comlink from 'comlink';
import { assertWorkerScope } from '../protocol';
import type { EmbedWorkerApi } from './api';
import { browserEmbedderConfig } from './browser-config';
import { createEmbedder } from './embedder';

assertWorkerScope('workers/embed/embed.worker.ts');

const embedder = createEmbedder(browserEmbedderConfig());

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
};

Comlink.expose(api);
