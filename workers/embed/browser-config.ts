/**
 * The embedder configuration used in the app: the real all-MiniLM-L6-v2 from
 * `<BASE_URL>models/` on this origin, the self-hosted ONNX runtime, the default chunking,
 * and the backend choice (backend-select.ts): int8 on wasm unless a hardware WebGPU
 * adapter proves faster with the fp32 file. Browser-only (reads `self.location`,
 * `navigator.gpu` and Vite's BASE_URL).
 */

import digests from 'virtual:model-digests';
import type { ModelProgressListener } from './api';
import { type AdapterIdentity, type BackendPreference, indexedDbChoiceStore } from './backend-choice';
import { fallbackToWasm, type SelectDeps, selectBackend } from './backend-select';
import { DEFAULT_CHUNKING } from './chunker';
import type { EmbedderConfig } from './embedder';
import { loadGpuModel } from './gpu-session';
import { MODEL_CACHE } from './model-cache';
import { loadModel, type ModelDtype, type ModelSpec, modelFileName } from './model-loader';
import { MODEL_NAME, originSource } from './origin-source';
import { probeWorkload, timeWorkload } from './probe';
import { RUN_POLICIES } from './run-plan';

export { MODEL_NAME } from './origin-source';

/** The digest of the shipped files of this model variant (undefined if the build had none). */
export function shippedDigest(dtype: ModelDtype): string | undefined {
  return digests[`${MODEL_NAME}@${dtype}`];
}

export interface BrowserEmbedderOptions {
  /** default `auto` (the app); benchmarks and tests force a backend */
  backend?: BackendPreference;
  /** let `auto` probe a software WebGPU adapter (SwiftShader in tests) */
  probeSoftwareAdapters?: boolean;
}

/** The browser's WebGPU adapter, if any (`isFallbackAdapter` is not in TypeScript's types yet). */
export async function findWebGpuAdapter(): Promise<AdapterIdentity | undefined> {
  if (!('gpu' in navigator) || !navigator.gpu) return undefined;
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) return undefined;
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    fallback: info.isFallbackAdapter ?? false,
  };
}

export function browserEmbedderConfig(options: BrowserEmbedderOptions = {}): EmbedderConfig {
  const origin = self.location.origin;
  const spec: ModelSpec = { name: MODEL_NAME, dtype: 'q8', source: originSource() };
  let onProgress: ModelProgressListener | undefined;
  const deps: SelectDeps = {
    preference: options.backend ?? 'auto',
    probeSoftwareAdapters: options.probeSoftwareAdapters ?? false,
    findAdapter: findWebGpuAdapter,
    store: indexedDbChoiceStore(),
    // WebGPU runs in a worker of its own (gpu-session.worker.ts explains why).
    load: (dtype, device) =>
      device === 'webgpu'
        ? loadGpuModel(MODEL_NAME, dtype, onProgress)
        : loadModel({ ...spec, dtype, device }, onProgress),
    async timeProbe(model, limitMs) {
      const policy = RUN_POLICIES[model.device === 'webgpu' ? 'webgpu' : 'wasm'];
      const workload = probeWorkload(model, DEFAULT_CHUNKING, policy);
      // The warm-up compiles WebGPU's shaders: allow it four times the limit, at least 5 s.
      const timed = await timeWorkload(model, workload, () => performance.now(), {
        passes: 2,
        warmUpLimitMs: Math.max(5_000, limitMs * 4),
        passLimitMs: limitMs,
      });
      return { ...timed, windows: workload.rows.length, tokens: workload.tokens };
    },
    async forget(dtype) {
      if (typeof caches === 'undefined') return;
      const url = new URL(`${import.meta.env.BASE_URL}models/${MODEL_NAME}/${modelFileName(dtype)}`, origin);
      await (await caches.open(MODEL_CACHE)).delete(url.href).catch(() => false);
    },
    now: () => Date.now(),
  };
  return {
    ...spec,
    dim: 384,
    filesDigests: Object.fromEntries(
      (['q8', 'fp32'] as const).flatMap((dtype) => {
        const digest = shippedDigest(dtype);
        return digest ? [[dtype, digest]] : [];
      }),
    ),
    backends: {
      select(progress) {
        onProgress = progress;
        return selectBackend(deps);
      },
      fallback: (current, error) => fallbackToWasm(deps, current, error),
    },
  };
}
