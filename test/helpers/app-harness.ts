/**
 * Starts the real app server (server/app-server.ts, as `npm start` does) on a free
 * loopback port over the production build, optionally proxying a Memos server, and
 * opens Chromium profiles against it. Plain HTTP on localhost is a secure context, so the
 * service worker, IndexedDB and persistent storage behave as in production.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { type AppServerOptions, type RunningAppServer, startAppServer } from '../../server/app-server';
import type { LlmUpstreamConfig } from '../../server/llm-proxy';
import { silentLogger } from '../../server/logger';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const DIST_DIR = join(REPO_ROOT, 'dist');

export interface TestApp {
  /** http://localhost:<port> */
  url: string;
  server: RunningAppServer;
  /** The directory being served (a private copy when `copyDist` was set). */
  distDir: string;
  close(): Promise<void>;
}

export async function startTestApp(
  options: {
    memosUrl?: string;
    copyDist?: boolean;
    distDir?: string;
    port?: number;
    /** The LLM for "Ask your notes" and, without Memos, whether it is open (LLM_SERVICE). */
    llm?: LlmUpstreamConfig;
    llmService?: 'on' | 'off';
    /** the embedding service (default: as `npm start`, on only with a Memos server) */
    embed?: AppServerOptions['embed'];
    dataDir?: string;
  } = {},
): Promise<TestApp> {
  const root = mkdtempSync(join(tmpdir(), 'memos-offline-app-'));
  let distDir = options.distDir ?? DIST_DIR;
  if (options.copyDist) {
    distDir = join(root, 'dist');
    cpSync(DIST_DIR, distDir, { recursive: true });
  }
  const server = await startAppServer({
    distDir,
    host: '127.0.0.1',
    port: options.port ?? 0,
    tls: 'off',
    dataDir: options.dataDir ?? join(root, 'data'),
    logger: silentLogger,
    ...(options.memosUrl ? { memosUrl: options.memosUrl } : {}),
    ...(options.llm ? { llm: options.llm } : {}),
    ...(options.llmService ? { llmService: options.llmService } : {}),
    ...(options.embed ? { embed: options.embed } : {}),
  });
  return {
    url: `http://localhost:${server.port}`,
    server,
    distDir,
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Waits until a service worker controls the page (reloading once if needed). */
export async function waitForServiceWorkerControl(page: Page): Promise<void> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) {
    await page.reload();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  }
}

/** Types a memo into the capture box and saves it; resolves once it is stored and shown. */
export async function captureMemo(page: Page, content: string): Promise<void> {
  const before = await page.getByRole('article').count();
  await page.getByRole('textbox', { name: 'New memo' }).fill(content);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  // (page.waitForFunction would need 'unsafe-eval', which the app's CSP rightly forbids.)
  for (let attempt = 0; attempt < 300; attempt++) {
    if ((await page.getByRole('article').count()) > before) return;
    await page.waitForTimeout(50);
  }
  throw new Error(`the memo did not appear: ${content.slice(0, 60)}`);
}

/** Every memo row as stored in the page's IndexedDB (what survives a reload). */
export async function storedMemos(
  page: Page,
): Promise<Array<{ name: string; content: string; state: string; pinned: boolean }>> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('memos-offline');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const request = open.result.transaction('memos').objectStore('memos').getAll();
          request.onsuccess = () => {
            resolve(request.result);
            open.result.close();
          };
          request.onerror = () => reject(request.error);
        };
      }),
  );
}
