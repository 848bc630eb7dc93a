/**
 * Fetches the model files and the ONNX runtime's wasm from the app's own origin, counting
 * bytes for a download progress bar, and hands transformers.js a `fetch` that serves those
 * bytes from memory and refuses every other origin. Owns no cache: the service worker
 * caches these URLs (vite.config.ts runtimeCaching), so the second load is offline.
 * Invariants: no request leaves `origin`; a 404 becomes ModelFileMissingError naming the
 * file; progress never reports loaded > total.
 */
import type { ModelLoadProgress } from './api';
import { CrossOriginRequestError, ModelFileMissingError } from './failure';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;
type Bytes = Uint8Array<ArrayBuffer>;

export function absoluteUrl(url: string, origin: string): URL {
  return new URL(url, `${origin}/`);
}

function assertSameOrigin(url: string, origin: string): string {
  const absolute = absoluteUrl(url, origin);
  if (absolute.origin !== origin) throw new CrossOriginRequestError(absolute.href);
  return absolute.href;
}

/** Downloads `urls` (same origin only) in parallel; returns their bytes by absolute URL. */
export async function downloadFiles(
  urls: readonly string[],
  options: { origin: string; fetch: FetchLike; onProgress?: (progress: ModelLoadProgress) => void },
): Promise<Map<string, Bytes>> {
  const absolute = urls.map((url) => assertSameOrigin(url, options.origin));
  const responses = await Promise.all(
    absolute.map(async (url) => {
      const response = await options.fetch(url);
      if (response.status === 404) throw new ModelFileMissingError(new URL(url).pathname);
      if (!response.ok) throw new Error(`fetching ${new URL(url).pathname} failed: HTTP ${response.status}`);
      return response;
    }),
  );
  // With a content-encoding, content-length counts compressed bytes: use it for the bar only.
  const sizes = responses.map((r) => Number(r.headers.get('content-length') ?? '') || 0);
  const exact = responses.map((r) => !r.headers.get('content-encoding'));
  let total = sizes.reduce((sum, size) => sum + size, 0);
  let loaded = 0;
  const report = () => {
    total = Math.max(total, loaded);
    options.onProgress?.({ loaded, total });
  };
  report();
  const files = await Promise.all(
    responses.map(async (response, i) => {
      const parts: Bytes[] = [];
      let size = 0;
      const reader = response.body?.getReader();
      if (!reader) {
        const bytes = new Uint8Array(await response.arrayBuffer());
        loaded += bytes.length;
        report();
        return bytes;
      }
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parts.push(value);
        size += value.length;
        loaded += value.length;
        report();
      }
      if (exact[i] && sizes[i] && sizes[i] !== size) {
        throw new Error(`${absolute[i]} was cut short (${size} of ${sizes[i]} bytes)`);
      }
      if (parts.length === 1 && parts[0]) return parts[0];
      const bytes = new Uint8Array(size);
      let offset = 0;
      for (const part of parts) {
        bytes.set(part, offset);
        offset += part.length;
      }
      return bytes;
    }),
  );
  return new Map(absolute.map((url, i) => [url, files[i] ?? new Uint8Array()]));
}

/**
 * The `fetch` given to transformers.js: files already downloaded are served from memory
 * (the caller clears `files` once loading is over), other same-origin URLs go to the
 * network (optional files such as generation_config.json may 404), anything else throws.
 */
export function originOnlyFetch(files: Map<string, Bytes>, origin: string, base: FetchLike): FetchLike {
  return async (input, init) => {
    const url = assertSameOrigin(String(input), origin);
    const bytes = files.get(url);
    if (bytes && (init?.method ?? 'GET') === 'GET') {
      return new Response(bytes, { status: 200, headers: { 'content-length': String(bytes.length) } });
    }
    return base(url, init);
  };
}
