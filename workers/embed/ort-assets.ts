/**
 * The ONNX runtime's WebAssembly binary and its loader, self-hosted through Vite (`?url`
 * emits them under /assets/ with content hashes). Browser-only: importing this module in
 * Node fails, which is intended. The service worker caches them at run time in
 * `ort-wasm-v1` (vite.config.ts); they are never precached (27 MB).
 * The variant is the one transformers.js 4.3.1's web build uses: simd-threaded asyncify.
 */
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';

export { ortMjsUrl, ortWasmUrl };
