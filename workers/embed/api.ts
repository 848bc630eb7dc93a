/**
 * The typed interface of the embedding worker (workers/embed/embed.worker.ts), shared by
 * the worker, its client and in-process implementations used by tests. Everything crosses
 * threads by structured clone; vectors come back as one transferred Float32Array.
 * Invariants: vectors are L2-normalized rows of `dim` floats; `chunkCounts[i]` rows belong
 * to texts[i], in order; a text always has at least one chunk.
 */
import type { ChunkedText } from './chunker';

/** Bytes of model files (and the ONNX runtime's wasm) fetched so far. */
export interface ModelLoadProgress {
  loaded: number;
  total: number;
}

export type ModelFailureReason = 'model-missing' | 'model-corrupt' | 'no-wasm' | 'failed';

export interface ModelFailure {
  reason: ModelFailureReason;
  /** one sentence for the user */
  message: string;
}

export interface ModelInfo {
  /** cache key of the vectors: model, dtype and chunking policy (changes invalidate embeddings) */
  modelId: string;
  dim: number;
  windowTokens: number;
  maxChunks: number;
  maxChars: number;
}

export type LoadOutcome = { ok: true; info: ModelInfo } | { ok: false; failure: ModelFailure };

export interface EmbeddedDocuments {
  /** rows of `dim` floats: all chunks of text 0, then of text 1, ... */
  vectors: Float32Array;
  chunkCounts: number[];
  truncated: boolean[];
  dim: number;
}

export interface EmbedOptions {
  /**
   * Benchmarks: runs of exactly this many windows (sorted by length, padded to the longest).
   * Default: run-plan.ts's policy for the backend.
   */
  batchSize?: number;
}

export interface EmbedStats {
  /** embedDocuments calls */
  documentCalls: number;
  documents: number;
  chunks: number;
  queries: number;
  /** model invocations (batches) */
  runs: number;
  /** the longest model run so far, ms (what a search query may have to wait for) */
  longestRunMs: number;
  /** the longest a search query waited for the model to be free, ms */
  longestQueryWaitMs: number;
  /** where the model runs (once loaded) and why (backend-choice.ts) */
  backend?: 'wasm' | 'webgpu';
  backendReason?: string;
}

export type ModelProgressListener = (progress: ModelLoadProgress) => void;

/** Chunks embedded so far in one embedDocuments call (after each model run). */
export type EmbedProgressListener = (progress: { done: number; total: number }) => void;

export interface EmbedWorkerApi {
  /**
   * What vectors this embedder makes. Where the backend decides the model file (browser),
   * this waits for that choice, which loads the model (start `load` first for progress).
   */
  describe(): Promise<ModelInfo>;
  /** Loads tokenizer and model once; later calls return the same outcome. */
  load(onProgress?: ModelProgressListener): Promise<LoadOutcome>;
  embedDocuments(
    texts: string[],
    options?: EmbedOptions,
    onProgress?: EmbedProgressListener,
  ): Promise<EmbeddedDocuments>;
  /** A search query: one window (longer queries are cut), one vector. */
  embedQuery(text: string): Promise<Float32Array>;
  /** The token windows a text is embedded as (diagnostics and benchmarks). */
  tokenize(text: string): Promise<ChunkedText>;
  stats(): Promise<EmbedStats>;
  /** No document run starts for `ms` from now (the user is active); queries still run. */
  pauseDocuments(ms: number): Promise<void>;
}
