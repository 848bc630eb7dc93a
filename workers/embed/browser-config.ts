/**
 * The embedder configuration used in the app: the real all-MiniLM-L6-v2 (int8, `q8`) from
 * `<BASE_URL>models/` on this origin, the self-hosted ONNX runtime, the default chunking.
 * Browser-only (reads `self.location` and Vite's BASE_URL).
 */
import type { EmbedderConfig } from './embedder';
import { ortMjsUrl, ortWasmUrl } from './ort-assets';

export const MODEL_NAME = 'Xenova/all-MiniLM-L6-v2';

export function browserEmbedderConfig(): EmbedderConfig {
  const origin = self.location.origin;
  return {
    name: MODEL_NAME,
    dtype: 'q8',
    dim: 384,
    source: {
      kind: 'origin',
      origin,
      modelBaseUrl: `${import.meta.env.BASE_URL}models/`,
      ortWasmUrl: new URL(ortWasmUrl, self.location.href).href,
      ortMjsUrl: new URL(ortMjsUrl, self.location.href).href,
      fetch: (input, init) => fetch(input, init),
    },
  };
}
