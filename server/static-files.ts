/**
 * Serves the Vite build (`dist/`) with sirv. Invariants:
 * - `index.html` must exist at start (otherwise a StartupError says to run the build).
 * - Navigations to paths without a file extension (`/settings`, `/share?text=…`) get
 *   index.html (SPA fallback); a missing path WITH an extension is a real 404.
 * - Caching: `/assets/*` (content-hashed by Vite) is `public, max-age=31536000, immutable`;
 *   everything else (index.html, sw.js, manifest, workbox, models, icons) is `no-cache`
 *   (revalidated with the ETag), so a new deploy is picked up by the service worker.
 * - Content types fixed where mrmime is silent or wrong for us: `.onnx` octet-stream,
 *   `.wasm` application/wasm, `.webmanifest` application/manifest+json, `.mjs` text/javascript.
 * The file list is read once at start (sirv production mode): files are never read from
 * outside `distDir`, whatever the request path. `scriptPathsOf` names where the build's
 * scripts live (for the CSP): `/assets/` and each top-level `.js`/`.mjs` file.
 */
import { existsSync, readdirSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import sirv from 'sirv';
import { StartupError } from './errors';
import { sendText } from './http-util';

const IMMUTABLE = 'public, max-age=31536000, immutable';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.onnx': 'application/octet-stream',
  '.wasm': 'application/wasm',
  '.webmanifest': 'application/manifest+json',
  '.mjs': 'text/javascript; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

export type StaticHandler = (req: IncomingMessage, res: ServerResponse) => void;

export function cacheControlFor(pathname: string): string {
  return pathname.startsWith('/assets/') && extname(pathname) !== '' ? IMMUTABLE : 'no-cache';
}

/** `/assets/` plus every top-level script of the build (sw.js, workbox-*.js, …), sorted. */
export function scriptPathsOf(distDir: string): string[] {
  const topLevel = readdirSync(resolve(distDir), { withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.m?js$/.test(entry.name) && /^[\w.-]+$/.test(entry.name))
    .map((entry) => `/${entry.name}`)
    .sort();
  return ['/assets/', ...topLevel];
}

export function createStaticHandler(distDir: string): StaticHandler {
  const root = resolve(distDir);
  if (!existsSync(join(root, 'index.html'))) {
    throw new StartupError(
      `No app build found (${join(root, 'index.html')} is missing): run npm run build first.`,
    );
  }
  const serve = sirv(root, {
    dev: false,
    etag: true,
    single: true,
    dotfiles: false,
    setHeaders(res, pathname) {
      const type = CONTENT_TYPES[extname(pathname).toLowerCase()];
      if (type !== undefined) res.setHeader('Content-Type', type);
    },
    onNoMatch(_req, res) {
      sendText(res, 404, 'Not found\n', { 'Cache-Control': 'no-cache' });
    },
  });
  return (req, res) => {
    // Set before sirv runs so that 304 responses carry it too (sirv keeps preset headers).
    // For an SPA fallback the path has no extension, so index.html gets `no-cache`.
    const pathname = new URL(req.url ?? '/', 'http://static.invalid').pathname;
    res.setHeader('Cache-Control', cacheControlFor(pathname));
    serve(req, res);
  };
}
