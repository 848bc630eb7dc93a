/**
 * The WebGPU session worker: runs the model with onnxruntime-web's WebGPU backend in its
 * own thread, for the embedding worker (gpu-session.ts). Why a thread of its own: once a
 * GPU device is lost, onnxruntime-web's runtime in that thread fails every later run, on
 * wasm too; with WebGPU here, the embedding worker's own runtime stays clean for the wasm
 * fallback, and ending this worker frees every GPU buffer.
 */
import * as Comlink from 'comlink';
import { assertWorkerScope } from '../protocol';
import type { ModelProgressListener } from './api';
import { type HiddenState, type LoadedModel, loadModel, type ModelDtype } from './model-loader';
import { originSource } from './origin-source';

assertWorkerScope('workers/embed/gpu-session.worker.ts');

let model: LoadedModel | undefined;

export interface GpuSessionApi {
  load(name: string, dtype: ModelDtype, onProgress?: ModelProgressListener): Promise<void>;
  run(
    inputIds: BigInt64Array,
    attentionMask: BigInt64Array,
    batch: number,
    sequence: number,
  ): Promise<HiddenState>;
}

const api: GpuSessionApi = {
  async load(name, dtype, onProgress) {
    model = await loadModel({ name, dtype, source: originSource(), device: 'webgpu' }, onProgress);
  },
  async run(inputIds, attentionMask, batch, sequence) {
    if (!model) throw new Error('the WebGPU session is not loaded');
    return model.run(inputIds, attentionMask, batch, sequence);
  },
};

Comlink.expose(api);
