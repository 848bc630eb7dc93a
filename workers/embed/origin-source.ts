/**
 * Where the browser loads the model from: the app's own origin (`<BASE_URL>models/`) and the
 * self-hosted ONNX runtime. Shared by the embedding worker and its WebGPU session worker.
 * Browser-only (reads `self.location` and Vite's BASE_URL).
 */
import type { ModelSource } from './model-loader';
import { ortMjsUrl, ortWasmUrl } from './ort-assets';

export { MODEL_NAME } from './model-choice';

export function originSource(): ModelSource & { kind: 'origin' } {
  return {
    kind: 'origin',
    origin: self.location.origin,
    modelBaseUrl: `${import.meta.env.BASE_URL}models/`,
    ortWasmUrl: new URL(ortWasmUrl, self.location.href).href,
    ortMjsUrl: new URL(ortMjsUrl, self.location.href).href,
    fetch: (input, init) => fetch(input, init),
  };
}
