/**
 * Benchmark plumbing: build harness pages under test/bench/pages with Vite into a temp
 * directory, serve them on loopback, and collect `window.__benchResult` in Chromium.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sirv from 'sirv';
import { build } from 'vite';

export const BENCH_DIR = import.meta.dirname;

export interface HarnessSite {
  url: string;
  close(): Promise<void>;
}

export async function serveHarnessPages(pages: string[]): Promise<HarnessSite> {
  const outDir = mkdtempSync(join(tmpdir(), 'memos-offline-bench-'));
  await build({
    configFile: false,
    root: join(BENCH_DIR, 'pages'),
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      rollupOptions: {
        input: Object.fromEntries(pages.map((p) => [p, join(BENCH_DIR, 'pages', `${p}.html`)])),
      },
    },
  });
  const serve = sirv(outDir, { dev: true });
  const server: Server = createServer((req, res) =>
    serve(req, res, () => {
      res.writeHead(404).end();
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://localhost:${port}`,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

export async function pageResult<T>(page: Page, timeoutMs = 600_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const result = await page.evaluate(
      () => (window as unknown as { __benchResult?: unknown }).__benchResult,
    );
    if (result !== undefined) return result as T;
    await page.waitForTimeout(200);
  }
  throw new Error('the benchmark page did not finish in time');
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
