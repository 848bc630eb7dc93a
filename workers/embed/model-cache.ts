/**
 * Puts the model files and the ONNX runtime's wasm into the service worker's runtime
 * caches right after they were downloaded. Why: the service worker caches them itself
 * (CacheFirst, vite.config.ts) only for pages it controls, and on the very first visit it
 * controls nothing yet; without this, semantic search would need a second online visit
 * before it works offline. Best effort: a full disk or a missing Cache API is ignored.
 * Invariant: the cache names equal those in vite.config.ts (test/unit/recall-cache.test.ts).
 */

export const MODEL_CACHE = 'model-v1';
export const ORT_WASM_CACHE = 'ort-wasm-v1';

export function cacheNameFor(url: string): string | undefined {
  const { pathname } = new URL(url);
  if (pathname.includes('/models/')) return MODEL_CACHE;
  if (/\/ort-wasm-[^/]*\.(?:wasm|mjs)$/.test(pathname)) return ORT_WASM_CACHE;
  return undefined;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  json: 'application/json',
  onnx: 'application/octet-stream',
  wasm: 'application/wasm',
  mjs: 'text/javascript',
};

/** True when `url` is already in its runtime cache (false without a Cache API). */
export async function isCached(url: string, origin: string): Promise<boolean> {
  const absolute = new URL(url, `${origin}/`).href;
  const name = cacheNameFor(absolute);
  if (typeof caches === 'undefined' || !name) return false;
  try {
    return (await (await caches.open(name)).match(absolute)) !== undefined;
  } catch {
    return false;
  }
}

export async function warmCaches(files: ReadonlyMap<string, Uint8Array<ArrayBuffer>>): Promise<void> {
  if (typeof caches === 'undefined') return;
  await Promise.all(
    [...files].map(async ([url, bytes]) => {
      const name = cacheNameFor(url);
      if (!name) return;
      try {
        const cache = await caches.open(name);
        if (await cache.match(url)) return;
        const extension = new URL(url).pathname.split('.').pop() ?? '';
        const headers = {
          'content-length': String(bytes.length),
          'content-type': CONTENT_TYPES[extension] ?? '',
        };
        await cache.put(url, new Response(bytes, { status: 200, headers }));
      } catch {
        // Not cached now: the service worker caches it on a later online visit.
      }
    }),
  );
}
