/**
 * The embedding engine behind EmbedWorkerApi: chunks texts by tokens (chunker.ts), runs
 * the model over length-sorted batches with padding, mean-pools and normalizes
 * (pooling.ts). Runs in the embedding worker, and in-process in Node tests and benchmarks.
 * Invariants: one model load per instance (concurrent `load` calls share it); texts are
 * embedded in submission order, one call at a time (the ONNX session is not re-entrant);
 * results never depend on batch composition beyond float rounding.
 */
import type {
  EmbedOptions,
  EmbedProgressListener,
  EmbedStats,
  EmbedWorkerApi,
  LoadOutcome,
  ModelInfo,
  ModelProgressListener,
} from './api';
import { type ChunkingPolicy, chunkingTag, chunkText, DEFAULT_CHUNKING, validatePolicy } from './chunker';
import { classifyLoadError, noWasmFailure } from './failure';
import { type LoadedModel, loadModel, type ModelSpec } from './model-loader';
import { meanPoolNormalize } from './pooling';

export interface EmbedderConfig extends ModelSpec {
  /** the model's output width; loading fails if the model disagrees */
  dim: number;
  chunking?: ChunkingPolicy;
  /** default chunks per model run */
  batchSize?: number;
}

const DEFAULT_BATCH = 16;

interface Window {
  doc: number;
  chunk: number;
  ids: number[];
}

export function createEmbedder(config: EmbedderConfig): EmbedWorkerApi {
  const policy = config.chunking ?? DEFAULT_CHUNKING;
  validatePolicy(policy);
  const stats: EmbedStats = { documentCalls: 0, documents: 0, chunks: 0, queries: 0, runs: 0 };
  let loading: Promise<LoadOutcome> | undefined;
  let model: LoadedModel | undefined;
  const dim = config.dim;
  const info: ModelInfo = {
    modelId: `${config.name}@${config.dtype}#${chunkingTag(policy)}`,
    dim,
    windowTokens: policy.windowTokens,
    maxChunks: policy.maxChunks,
    maxChars: policy.maxChars,
  };
  let queue: Promise<unknown> = Promise.resolve();

  /** Serializes model use: each job starts after the previous one settled. */
  function serial<T>(job: () => Promise<T>): Promise<T> {
    const next = queue.then(job, job);
    queue = next.catch(() => undefined);
    return next;
  }

  async function ready(): Promise<LoadedModel> {
    const outcome = await (loading ?? load());
    if (!outcome.ok || !model) throw new Error(outcome.ok ? 'model not loaded' : outcome.failure.message);
    return model;
  }

  async function runBatch(loaded: LoadedModel, windows: Window[], out: Float32Array, offsets: number[]) {
    const rows = windows.map((w) => [...loaded.prefix, ...w.ids, ...loaded.suffix]);
    const sequence = Math.max(...rows.map((r) => r.length));
    const ids = new BigInt64Array(windows.length * sequence).fill(BigInt(loaded.padId));
    const mask = new BigInt64Array(windows.length * sequence);
    rows.forEach((row, b) => {
      row.forEach((id, t) => {
        ids[b * sequence + t] = BigInt(id);
        mask[b * sequence + t] = 1n;
      });
    });
    const hidden = await loaded.run(ids, mask, windows.length, sequence);
    const width = hidden.dims[2] ?? 0;
    if (width !== dim) throw new Error(`model returned ${width}-d vectors, expected ${dim}`);
    const pooled = meanPoolNormalize(
      hidden.data,
      windows.length,
      sequence,
      dim,
      rows.map((r) => r.length),
    );
    stats.runs++;
    windows.forEach((w, b) => {
      const target = (offsets[w.doc] ?? 0) + w.chunk;
      out.set(pooled.subarray(b * dim, (b + 1) * dim), target * dim);
    });
  }

  async function embedWindows(
    loaded: LoadedModel,
    perDoc: number[][][],
    batchSize: number,
    onProgress?: EmbedProgressListener,
  ) {
    const offsets: number[] = [];
    let total = 0;
    for (const windows of perDoc) {
      offsets.push(total);
      total += windows.length;
    }
    const all: Window[] = perDoc.flatMap((windows, doc) =>
      windows.map((ids, chunk) => ({ doc, chunk, ids })),
    );
    // Longest first: similar lengths share a batch, so little compute is spent on padding.
    all.sort((a, b) => b.ids.length - a.ids.length);
    const out = new Float32Array(total * dim);
    for (let start = 0; start < all.length; start += batchSize) {
      await runBatch(loaded, all.slice(start, start + batchSize), out, offsets);
      onProgress?.({ done: Math.min(start + batchSize, all.length), total: all.length });
    }
    return out;
  }

  function load(onProgress?: ModelProgressListener): Promise<LoadOutcome> {
    loading ??= (async (): Promise<LoadOutcome> => {
      if (typeof WebAssembly !== 'object' && config.source.kind === 'origin') {
        return { ok: false, failure: noWasmFailure() };
      }
      try {
        const loaded = await loadModel(config, onProgress);
        const probe = [...loaded.prefix, ...loaded.suffix];
        const hidden = await loaded.run(
          BigInt64Array.from(probe, BigInt),
          new BigInt64Array(probe.length).fill(1n),
          1,
          probe.length,
        );
        if (hidden.dims[2] !== dim) {
          throw new Error(`invalid model: it returns ${hidden.dims[2]}-d vectors, expected ${dim}`);
        }
        model = loaded;
        return { ok: true, info };
      } catch (error) {
        model = undefined;
        return { ok: false, failure: classifyLoadError(error) };
      }
    })();
    return loading;
  }

  return {
    describe: async () => info,
    load,
    embedDocuments(texts: string[], options?: EmbedOptions, onProgress?: EmbedProgressListener) {
      return serial(async () => {
        const loaded = await ready();
        const chunked = texts.map((text) => chunkText(text, loaded.tokenize, policy));
        const vectors = await embedWindows(
          loaded,
          chunked.map((c) => c.windows),
          Math.max(1, options?.batchSize ?? config.batchSize ?? DEFAULT_BATCH),
          onProgress,
        );
        stats.documentCalls++;
        stats.documents += texts.length;
        stats.chunks += vectors.length / dim;
        return {
          vectors,
          chunkCounts: chunked.map((c) => c.windows.length),
          truncated: chunked.map((c) => c.truncated),
          dim,
        };
      });
    },
    embedQuery(text: string): Promise<Float32Array> {
      return serial(async () => {
        const loaded = await ready();
        const ids = chunkText(text, loaded.tokenize, { ...policy, maxChunks: 1 }).windows[0] ?? [];
        stats.queries++;
        return embedWindows(loaded, [[ids]], 1);
      });
    },
    async tokenize(text: string) {
      const loaded = await ready();
      return chunkText(text, loaded.tokenize, policy);
    },
    async stats() {
      return { ...stats };
    },
  };
}
