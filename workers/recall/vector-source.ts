/**
 * Where a batch of memos gets its vectors: the home server (stored vectors by content hash
 * first, then the texts it lacks) or this device's embedder. Decides per batch from the
 * server link and the "Index on this device" setting:
 *   urgent (captures, edits, small pulls) → this device, at once (the server if indexing on
 *     this device is off);
 *   bulk (first embedding, large pulls) → the server when it is usable, else this device;
 *   neither allowed (indexing on this device off, server unusable) → the memos wait.
 * Invariants:
 *  - every memo comes back exactly once: with vectors (and their source) or as waiting;
 *  - a memo whose vectors the server delivered is never embedded on the device, and the device
 *    embeds each remaining memo once, even when the server fails halfway (it continues at once);
 *  - server vectors are checked (content hash asked for, width, unit length, finite) before
 *    use; a bad item is embedded on the device instead.
 */
import type { LocalMemo } from '../../sync';
import type { EmbedWorkerApi } from '../embed/api';
import type { EmbeddedMemo } from './embedding-cache';
import type { EmbedServerClient, ServerFailure } from './server-client';
import type { ServerLink } from './server-link';
import type { WireItem } from './vector-wire';

export type VectorOrigin = 'device' | 'server';
export type Lane = 'urgent' | 'bulk';

export interface EmbedRequest {
  memo: LocalMemo;
  hash: string;
}

export interface SourcedMemo extends EmbeddedMemo {
  source: VectorOrigin;
}

export interface SourceResult {
  items: SourcedMemo[];
  /** memos nobody may embed now (indexing on this device is off and the server is unusable) */
  waiting: EmbedRequest[];
}

export interface BulkPlan {
  /** batches in flight at once */
  parallel: number;
  memos: number;
}

export interface VectorSource {
  plan(): BulkPlan;
  vectorsFor(requests: readonly EmbedRequest[], lane: Lane): Promise<SourceResult>;
}

export interface VectorSourceDeps {
  embedder: Pick<EmbedWorkerApi, 'embedDocuments'>;
  server: EmbedServerClient | undefined;
  link: ServerLink;
  modelId: string;
  dim: number;
  localIndexing(): boolean;
  /** memos per device batch */
  deviceBatch: number;
}

/** Server requests: memos per batch, batches in flight, and caps per embed request. */
const SERVER_BATCH = 64;
const SERVER_PARALLEL = 3;
const EMBED_REQUEST_TEXTS = 32;
const EMBED_REQUEST_CHARS = 1_000_000;
/** a text this long is embedded on the device (it would not fit a request) */
const SERVER_TEXT_MAX_CHARS = 500_000;

function unitRows(vectors: Float32Array, dim: number): boolean {
  if (vectors.length === 0 || vectors.length % dim !== 0) return false;
  for (let row = 0; row < vectors.length; row += dim) {
    let sum = 0;
    for (let d = 0; d < dim; d++) {
      const value = vectors[row + d] ?? Number.NaN;
      if (!Number.isFinite(value)) return false;
      sum += value * value;
    }
    if (Math.abs(sum - 1) > 1e-3) return false;
  }
  return true;
}

/** Cuts texts into embed requests of at most EMBED_REQUEST_TEXTS texts and about EMBED_REQUEST_CHARS. */
function requestGroups(requests: readonly EmbedRequest[]): EmbedRequest[][] {
  const groups: EmbedRequest[][] = [];
  let group: EmbedRequest[] = [];
  let chars = 0;
  for (const request of requests) {
    const size = request.memo.content.length;
    if (group.length > 0 && (group.length >= EMBED_REQUEST_TEXTS || chars + size > EMBED_REQUEST_CHARS)) {
      groups.push(group);
      group = [];
      chars = 0;
    }
    group.push(request);
    chars += size;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

export function createVectorSource(deps: VectorSourceDeps): VectorSource {
  async function onDevice(requests: readonly EmbedRequest[]): Promise<SourcedMemo[]> {
    if (requests.length === 0) return [];
    const result = await deps.embedder.embedDocuments(requests.map((r) => r.memo.content));
    let row = 0;
    return requests.map((request, i) => {
      const chunks = result.chunkCounts[i] ?? 0;
      const vectors = result.vectors.subarray(row * deps.dim, (row + chunks) * deps.dim);
      row += chunks;
      return { ...request, vectors, truncated: result.truncated[i] ?? false, source: 'device' };
    });
  }

  /** What the server delivers for `requests`; the rest is for the fallback. Never throws. */
  async function fromServer(
    server: EmbedServerClient,
    requests: readonly EmbedRequest[],
  ): Promise<{ items: SourcedMemo[]; rest: EmbedRequest[] }> {
    const items: SourcedMemo[] = [];
    let open = requests.filter((r) => r.memo.content.length <= SERVER_TEXT_MAX_CHARS);
    const tooLong = requests.filter((r) => r.memo.content.length > SERVER_TEXT_MAX_CHARS);
    const take = (answer: readonly WireItem[], asked: readonly EmbedRequest[]) => {
      const byHash = new Map(answer.map((item) => [item.hash, item]));
      const left: EmbedRequest[] = [];
      for (const request of asked) {
        const item = byHash.get(request.hash);
        if (item && unitRows(item.vectors, deps.dim) && item.vectors.length === item.chunks * deps.dim) {
          items.push({ ...request, vectors: item.vectors, truncated: item.truncated, source: 'server' });
        } else {
          left.push(request);
        }
      }
      return left;
    };
    const failed = (failure: ServerFailure) => {
      deps.link.report(failure);
      return { items, rest: [...open, ...tooLong] };
    };
    const found = await server.lookup(
      deps.modelId,
      open.map((r) => r.hash),
    );
    if (!found.ok) return failed(found.failure);
    open = take(found.value.items, open);
    const missing = open;
    for (const group of requestGroups(missing)) {
      if (!deps.link.usable()) break;
      const answer = await server.embed(
        deps.modelId,
        group.map((r) => r.memo.content),
      );
      if (!answer.ok) return failed(answer.failure);
      const left = take(answer.value.items, group);
      open = open.filter((r) => !group.includes(r)).concat(left);
    }
    return { items, rest: [...open, ...tooLong] };
  }

  return {
    plan: () =>
      deps.server && deps.link.usable()
        ? { parallel: SERVER_PARALLEL, memos: SERVER_BATCH }
        : { parallel: 1, memos: deps.deviceBatch },
    async vectorsFor(requests, lane) {
      const local = deps.localIndexing();
      const useServer = deps.server !== undefined && deps.link.usable() && (lane === 'bulk' || !local);
      let items: SourcedMemo[] = [];
      let rest: EmbedRequest[] = [...requests];
      if (useServer && deps.server) ({ items, rest } = await fromServer(deps.server, requests));
      if (rest.length === 0) return { items, waiting: [] };
      if (!local) return { items, waiting: rest };
      return { items: [...items, ...(await onDevice(rest))], waiting: [] };
    },
  };
}
