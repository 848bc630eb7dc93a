/**
 * Build: SolidJS app + PWA. The service worker (Workbox generateSW) precaches the app
 * shell (HTML, JS, CSS, icons, manifest) so the app opens with the network off. Model
 * weights and the ONNX runtime's wasm are large and are NOT precached; they are cached at
 * run time in their own versioned caches (see issue 4). Updates wait for the user
 * ("Reload to update"): registerType 'prompt', no automatic skipWaiting. The first
 * install claims the open page (clientsClaim), so it is offline-capable at once: later
 * lazy-loaded pages come from the precache without a reload or another visit.
 */
import { readFileSync } from 'node:fs';
import { build, defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import solid from 'vite-plugin-solid';
import { modelDigestsModule } from './workers/embed/model-digests-plugin.js';
import { hnswlibWithoutEval } from './workers/index/hnswlib-csp-plugin.js';

/**
 * Builds workers/background-sync/entry.ts as a classic script `sw-background-sync.js`
 * next to sw.js, which imports it (workbox `importScripts`): the service worker's
 * Background Sync handler (sync even with every tab closed).
 */
function backgroundSyncScript(): Plugin {
  let outDir = 'dist';
  return {
    name: 'memos-offline-background-sync',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    async closeBundle() {
      await build({
        configFile: false,
        logLevel: 'warn',
        build: {
          outDir,
          emptyOutDir: false,
          copyPublicDir: false,
          target: 'es2022',
          lib: {
            entry: 'workers/background-sync/entry.ts',
            formats: ['iife'],
            name: 'MemosOfflineBackgroundSync',
            fileName: () => 'sw-background-sync.js',
          },
        },
      });
    },
  };
}

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default defineConfig({
  // Settings → About shows it.
  define: { __APP_VERSION__: JSON.stringify(version) },
  plugins: [
    solid(),
    modelDigestsModule(),
    backgroundSyncScript(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      strategies: 'generateSW',
      filename: 'sw.js',
      includeAssets: ['icons/icon.svg', 'icons/apple-touch-icon-180.png'],
      manifest: {
        id: '/',
        name: 'Memos Offline',
        short_name: 'Memos',
        description:
          'Offline-first notebook for your self-hosted Memos server, with on-device search by meaning.',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'any',
        background_color: '#f6f5f2',
        theme_color: '#2f6f5e',
        categories: ['productivity'],
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-192.png', sizes: '192x192', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
          { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
        ],
        // One share target: a multipart POST the service worker receives (offline too) with
        // text, links and files (workers/share-target/receive.ts).
        share_target: {
          action: '/share',
          method: 'POST',
          enctype: 'multipart/form-data',
          params: { title: 'title', text: 'text', url: 'url', files: [{ name: 'files', accept: ['*/*'] }] },
        },
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest,ico}'],
        // Model weights (23 MB) and the ONNX runtime's wasm (27 MB) are never precached: the
        // app shell must install fast. They are cached on first use by runtimeCaching below.
        globIgnores: ['models/**', '**/*.wasm', '**/ort-wasm-*'],
        runtimeCaching: [
          {
            // Semantic recall's model files (workers/embed): immutable per cache version;
            // bump the name when public/models changes.
            urlPattern: ({ url, sameOrigin }) => sameOrigin && url.pathname.startsWith('/models/'),
            handler: 'CacheFirst',
            options: {
              cacheName: 'model-v1',
              cacheableResponse: { statuses: [200] },
              expiration: { maxEntries: 16 },
            },
          },
          {
            // onnxruntime-web's wasm and its loader (content-hashed names under /assets/).
            urlPattern: ({ url, sameOrigin }) =>
              sameOrigin && /\/ort-wasm-[^/]*\.(?:wasm|mjs)$/.test(url.pathname),
            handler: 'CacheFirst',
            options: {
              cacheName: 'ort-wasm-v1',
              cacheableResponse: { statuses: [200] },
              expiration: { maxEntries: 4 },
            },
          },
        ],
        importScripts: ['/sw-background-sync.js'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [
          /^\/api\//,
          /^\/file\//,
          /^\/llm\//,
          /^\/embed\//,
          /^\/ca\.crt$/,
          /^\/trust/,
          /^\/app-config\.json$/,
        ],
        cleanupOutdatedCaches: true,
        clientsClaim: true,
        skipWaiting: false,
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
      },
    }),
  ],
  build: {
    target: 'es2022',
    sourcemap: false,
  },
  worker: {
    format: 'es',
    // hnswlib-wasm's embind glue uses `new Function`, which the app's CSP forbids.
    plugins: () => [hnswlibWithoutEval(), modelDigestsModule()],
  },
  // Semantic recall's workers import these; pre-bundling them up front avoids a reload
  // of the page by the dev server's dependency optimizer on first use.
  optimizeDeps: {
    include: ['@huggingface/transformers', 'hnswlib-wasm/dist/hnswlib.js', 'comlink'],
  },
});
