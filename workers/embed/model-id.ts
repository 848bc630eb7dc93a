/**
 * The identity of the vectors an embedder makes, shared by the app's embedder (browser,
 * wasm) and the home server's (Node, native), so both name the same vectors the same way:
 * the model folder, its dtype, the chunking policy and a digest of the model's files.
 * Pure. Invariant: equal ids mean the same files, windows and pooling, so the vectors are
 * interchangeable; changing any model file or the chunking changes the id, and a device
 * never mixes vectors of two ids (its cache and the server's store are keyed by it).
 */
import { type ChunkingPolicy, chunkingTag } from './chunker';

/** `q8`: onnx/model_quantized.onnx (23 MB); `fp32`: onnx/model.onnx (90 MB). */
export type ModelDtype = 'q8' | 'fp32';

export function modelFileName(dtype: ModelDtype): string {
  return dtype === 'q8' ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx';
}

/** The files of a model folder that decide its vectors, relative to `<models>/<name>/`. */
export function modelFiles(dtype: ModelDtype): string[] {
  return ['config.json', 'tokenizer.json', 'tokenizer_config.json', modelFileName(dtype)];
}

export interface ModelIdParts {
  name: string;
  dtype: ModelDtype;
  chunking: ChunkingPolicy;
  /** `sha256:<16 hex>` over modelFiles(dtype); absent only for test models */
  filesDigest?: string | undefined;
}

export function vectorModelId(parts: ModelIdParts): string {
  const base = `${parts.name}@${parts.dtype}#${chunkingTag(parts.chunking)}`;
  return parts.filesDigest ? `${base}#${parts.filesDigest}` : base;
}
