/**
 * The cache names the embedding worker warms (workers/embed/model-cache.ts) must be the
 * ones the service worker reads with CacheFirst (vite.config.ts runtimeCaching), and
 * each self-hosted file must map to its cache; nothing else is cached by the worker.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cacheNameFor, MODEL_CACHE, ORT_WASM_CACHE } from '../../workers/embed/model-cache';

describe('runtime cache names', () => {
  it('match vite.config.ts', () => {
    const config = readFileSync(new URL('../../vite.config.ts', import.meta.url), 'utf8');
    expect(config).toContain(`cacheName: '${MODEL_CACHE}'`);
    expect(config).toContain(`cacheName: '${ORT_WASM_CACHE}'`);
  });

  it('map model files and the ONNX runtime to their caches', () => {
    const origin = 'https://notes.example';
    expect(cacheNameFor(`${origin}/models/Xenova/all-MiniLM-L6-v2/onnx/model_quantized.onnx`)).toBe(
      MODEL_CACHE,
    );
    expect(cacheNameFor(`${origin}/assets/ort-wasm-simd-threaded.asyncify-AbC123.wasm`)).toBe(ORT_WASM_CACHE);
    expect(cacheNameFor(`${origin}/assets/ort-wasm-simd-threaded.asyncify-AbC123.mjs`)).toBe(ORT_WASM_CACHE);
    expect(cacheNameFor(`${origin}/assets/index-AbC123.js`)).toBeUndefined();
  });
});
