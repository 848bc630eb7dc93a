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
  /** model runs over at most this many chunks at once (default 16) */
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
}

export type ModelProgressListener = (progress: ModelLoadProgress) => void;

/** Chunks embedded so far in one embedDocuments call (after each model run). */
export type EmbedProgressListener = (progress: { done: number; total: number }) => void;

export interface EmbedWorkerApi {
  /** What vectors this embedder makes (from its configuration; loads nothing). */
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
}
