/**
 * Messages between the embedding pool (embed-pool.ts) and its threads (embed-thread.ts).
 * Discriminated unions; vectors travel as transferred Float32Arrays.
 */
import type { ModelDtype } from '../workers/embed/model-id';

/** One variant of the model on disk and the id its vectors carry. */
export interface ModelVariant {
  name: string;
  dtype: ModelDtype;
  dim: number;
  /** `sha256:…` of its files (server/embed-identity.ts) */
  filesDigest: string;
  modelId: string;
}

export interface ThreadConfig {
  /** folder holding `<name>/config.json`, … */
  modelsDir: string;
  /** onnxruntime intra-op threads of this thread's session */
  intraOpThreads: number;
}

export type ToThread = { type: 'embed'; id: number; variant: ModelVariant; texts: string[] };

export type FromThread =
  | {
      type: 'embedded';
      id: number;
      vectors: Float32Array;
      chunkCounts: number[];
      truncated: boolean[];
    }
  /** `model`: the model could not be loaded (missing or damaged files); `embed`: this batch failed */
  | { type: 'failed'; id: number; reason: 'model' | 'embed'; message: string };
