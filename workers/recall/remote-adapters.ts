/**
 * Adapts comlink remotes of the embedding and index workers to their plain API types, so
 * the recall service can be given either real workers or in-process objects (tests).
 * Here callbacks are wrapped with `Comlink.proxy`, and query vectors are transferred.
 */
import * as Comlink from 'comlink';
import type { EmbedWorkerApi } from '../embed/api';
import type { IndexWorkerApi } from '../index/api';

export function remoteEmbedder(remote: Comlink.Remote<EmbedWorkerApi>): EmbedWorkerApi {
  return {
    describe: () => remote.describe(),
    load: (onProgress) => remote.load(onProgress ? Comlink.proxy(onProgress) : undefined),
    embedDocuments: (texts, options, onProgress) =>
      remote.embedDocuments(texts, options, onProgress ? Comlink.proxy(onProgress) : undefined),
    embedQuery: (text) => remote.embedQuery(text),
    tokenize: (text) => remote.tokenize(text),
    stats: () => remote.stats(),
    pauseDocuments: (ms) => remote.pauseDocuments(ms),
  };
}

export function remoteIndex(remote: Comlink.Remote<IndexWorkerApi>): IndexWorkerApi {
  return {
    open: (options, onEvent) => remote.open(options, onEvent ? Comlink.proxy(onEvent) : undefined),
    sync: (names) => remote.sync(names),
    search: (query, options) => remote.search(Comlink.transfer(query, [query.buffer]), options),
    related: (name, options) => remote.related(name, options),
    setPersist: (persist) => remote.setPersist(persist),
    flush: () => remote.flush(),
    stats: () => remote.stats(),
    close: () => remote.close(),
  };
}
