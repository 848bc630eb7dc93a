/**
 * A LoadedModel whose session runs on WebGPU in its own worker (gpu-session.worker.ts),
 * with the tokenizer here. Disposing it ends that worker (and frees its GPU memory).
 * Browser-only.
 */
import * as Comlink from 'comlink';
import type { ModelProgressListener } from './api';
import type { GpuSessionApi } from './gpu-session.worker';
import { type LoadedModel, loadTokenizer, type ModelDtype } from './model-loader';
import { originSource } from './origin-source';

export async function loadGpuModel(
  name: string,
  dtype: ModelDtype,
  onProgress?: ModelProgressListener,
): Promise<LoadedModel> {
  const worker = new Worker(new URL('./gpu-session.worker.ts', import.meta.url), {
    type: 'module',
    name: 'embed-webgpu',
  });
  const remote = Comlink.wrap<GpuSessionApi>(worker);
  const stop = () => {
    remote[Comlink.releaseProxy]();
    worker.terminate();
  };
  try {
    const [tokenizer] = await Promise.all([
      loadTokenizer({ name, dtype, source: originSource() }),
      remote.load(name, dtype, onProgress ? Comlink.proxy(onProgress) : undefined),
    ]);
    return {
      ...tokenizer,
      device: 'webgpu',
      run: (inputIds, attentionMask, batch, sequence) => remote.run(inputIds, attentionMask, batch, sequence),
      async dispose() {
        stop();
      },
    };
  } catch (error) {
    stop();
    throw error;
  }
}
