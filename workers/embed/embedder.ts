/**
 * The embedding engine behind EmbedWorkerApi: chunks texts by tokens (chunker.ts), groups
 * the windows into model runs of similar length (run-plan.ts), runs the model through the
 * run queue (run-queue.ts), mean-pools and normalizes (pooling.ts). Runs in the embedding
 * worker, and in-process in Node tests and benchmarks.
 * Invariants: one model load per instance (concurrent `load` calls share it); the model
 * runs one batch at a time and a search query goes before any waiting document run (it
 * waits for at most the run in progress, never for a whole embedDocuments call); results
 * never depend on batch composition beyond float rounding.
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
import type { Selected, Selection } from './backend-select';
import { type ChunkingPolicy, chunkText, DEFAULT_CHUNKING, validatePolicy } from './chunker';
import { classifyLoadError, noWasmFailure } from './failure';
import { vectorModelId } from './model-id';
import { type LoadedModel, loadModel, type ModelDtype, type ModelSpec } from './model-loader';
import { meanPoolNormalize } from './pooling';
import { planRuns, RUN_POLICIES, type RunPolicy } from './run-plan';
import { createRunQueue, type Lane } from './run-queue';

export interface EmbedderConfig extends ModelSpec {
  /** the model's output width; loading fails if the model disagrees */
  dim: number;
  chunking?: ChunkingPolicy;
  /** how windows are grouped into model runs; default: run-plan.ts's policy for the backend */
  runs?: RunPolicy;
  /** clock for the run statistics (performance.now where it exists) */
  now?: () => number;
  /**
   * Browser: chooses the backend and with it the model file (backend-select.ts); `dtype`
   * is then only the default. Without it the model is `dtype` on the default device.
   */
  backends?: BackendSelector;
  /** digest of each dtype's model files (model-id.ts): part of the model id of its vectors */
  filesDigests?: Partial<Record<ModelDtype, string>>;
}

export interface BackendSelector {
  select(onProgress?: ModelProgressListener): Selection;
  /** after a failed run: another way to run the SAME model file, or undefined */
  fallback(current: Selected, error: unknown): Promise<Selected | undefined>;
}

interface Window {
  doc: number;
  chunk: number;
  ids: number[];
}

export function createEmbedder(config: EmbedderConfig): EmbedWorkerApi {
  const policy = config.chunking ?? DEFAULT_CHUNKING;
  validatePolicy(policy);
  const now = config.now ?? (() => performance.now());
  const stats: EmbedStats = {
    documentCalls: 0,
    documents: 0,
    chunks: 0,
    queries: 0,
    runs: 0,
    longestRunMs: 0,
    longestQueryWaitMs: 0,
  };
  const runQueue = createRunQueue({ now });
  let loading: Promise<LoadOutcome> | undefined;
  let selecting: Selection | undefined;
  let progressListener: ModelProgressListener | undefined;
  let current: Selected | undefined;
  const dim = config.dim;
  const infoFor = (dtype: ModelDtype): ModelInfo => ({
    modelId: vectorModelId({
      name: config.name,
      dtype,
      chunking: policy,
      filesDigest: config.filesDigests?.[dtype],
    }),
    dim,
    windowTokens: policy.windowTokens,
    maxChunks: policy.maxChunks,
    maxChars: policy.maxChars,
  });

  /** The model and how it runs: chosen once (the backend decides the file, hence the vectors). */
  function select(): Selection {
    if (!selecting) {
      const forward: ModelProgressListener = (progress) => progressListener?.(progress);
      if (config.backends) selecting = config.backends.select(forward);
      else {
        const selected = loadModel(config, forward).then((model) => ({
          model,
          choice: { backend: 'wasm' as const, dtype: config.dtype, reason: 'the default device' },
        }));
        selecting = { dtype: Promise.resolve(config.dtype), selected };
      }
    }
    return selecting;
  }

  const runPolicy = (): RunPolicy => config.runs ?? RUN_POLICIES[current?.choice.backend ?? 'wasm'];

  async function ready(): Promise<LoadedModel> {
    const outcome = await (loading ?? load());
    if (!outcome.ok || !current) throw new Error(outcome.ok ? 'model not loaded' : outcome.failure.message);
    return current.model;
  }

  /** Runs the current model; after a failure, once more on the fallback (same file) if any. */
  async function runModel(ids: BigInt64Array, mask: BigInt64Array, batch: number, sequence: number) {
    const running = current;
    if (!running) throw new Error('model not loaded');
    try {
      return await running.model.run(ids, mask, batch, sequence);
    } catch (error) {
      const next = await config.backends?.fallback(running, error);
      if (!next) throw error;
      current = next;
      stats.backend = next.choice.backend;
      stats.backendReason = next.choice.reason;
      return next.model.run(ids, mask, batch, sequence);
    }
  }

  /** One model run over `windows` (padded to the longest), in `lane` of the run queue. */
  async function runBatch(
    loaded: Pick<LoadedModel, 'prefix' | 'suffix' | 'padId'>,
    lane: Lane,
    windows: Window[],
    out: Float32Array,
    offsets: number[],
  ): Promise<void> {
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
    const queued = now();
    const hidden = await runQueue.run(lane, async () => {
      const started = now();
      if (lane === 'query') stats.longestQueryWaitMs = Math.max(stats.longestQueryWaitMs, started - queued);
      const result = await runModel(ids, mask, windows.length, sequence);
      stats.longestRunMs = Math.max(stats.longestRunMs, now() - started);
      return result;
    });
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
    lane: Lane,
    perDoc: number[][][],
    policy: RunPolicy,
    onProgress?: EmbedProgressListener,
  ): Promise<Float32Array> {
    const offsets: number[] = [];
    let total = 0;
    for (const windows of perDoc) {
      offsets.push(total);
      total += windows.length;
    }
    const all: Window[] = perDoc.flatMap((windows, doc) =>
      windows.map((ids, chunk) => ({ doc, chunk, ids })),
    );
    const extra = loaded.prefix.length + loaded.suffix.length;
    const runs = planRuns(
      all.map((w) => w.ids.length + extra),
      policy,
    );
    const out = new Float32Array(total * dim);
    let done = 0;
    for (const run of runs) {
      const windows = run.map((i) => all[i]).filter((w): w is Window => w !== undefined);
      await runBatch(loaded, lane, windows, out, offsets);
      done += windows.length;
      onProgress?.({ done, total: all.length });
    }
    return out;
  }

  function load(onProgress?: ModelProgressListener): Promise<LoadOutcome> {
    if (onProgress) progressListener = onProgress;
    loading ??= (async (): Promise<LoadOutcome> => {
      if (typeof WebAssembly !== 'object' && config.source.kind === 'origin') {
        return { ok: false, failure: noWasmFailure() };
      }
      try {
        const selected = await select().selected;
        const loaded = selected.model;
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
        current = selected;
        stats.backend = selected.choice.backend;
        stats.backendReason = selected.choice.reason;
        return { ok: true, info: infoFor(selected.choice.dtype) };
      } catch (error) {
        current = undefined;
        return { ok: false, failure: classifyLoadError(error) };
      } finally {
        progressListener = undefined;
      }
    })();
    return loading;
  }

  return {
    /** Waits for the backend choice when there is one to make (it decides the model file). */
    async describe() {
      if (!config.backends) return infoFor(config.dtype);
      void load();
      return infoFor(await select().dtype.catch(() => config.dtype));
    },
    load,
    async embedDocuments(texts: string[], options?: EmbedOptions, onProgress?: EmbedProgressListener) {
      const loaded = await ready();
      const chunked = texts.map((text) => chunkText(text, loaded.tokenize, policy));
      // A fixed batch size (benchmarks) means runs of that many windows, sorted, padded as needed.
      const batch = options?.batchSize;
      const plan: RunPolicy =
        batch === undefined
          ? runPolicy()
          : {
              maxBatch: Math.max(1, batch),
              maxRunTokens: Number.POSITIVE_INFINITY,
              maxPadding: Number.POSITIVE_INFINITY,
            };
      const vectors = await embedWindows(
        loaded,
        'documents',
        chunked.map((c) => c.windows),
        plan,
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
    },
    async embedQuery(text: string): Promise<Float32Array> {
      const loaded = await ready();
      const ids = chunkText(text, loaded.tokenize, { ...policy, maxChunks: 1 }).windows[0] ?? [];
      stats.queries++;
      return embedWindows(loaded, 'query', [[ids]], runPolicy());
    },
    async tokenize(text: string) {
      const loaded = await ready();
      return chunkText(text, loaded.tokenize, policy);
    },
    async stats() {
      return { ...stats };
    },
    async pauseDocuments(ms: number) {
      runQueue.holdDocuments(now() + ms);
    },
  };
}
