/**
 * The very first visit makes the app offline-capable by itself: once the service worker
 * has installed it controls the open page (clientsClaim), so pages never opened yet load
 * their code from the precache with the network off, a reload offline works, and the
 * search model's files are in their runtime caches, all without a reload or another visit.
 * The model's download progress shows only while it downloads, with the real total; a
 * later start loads it from the cache and shows none.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST_DIR, startTestApp, type TestApp } from '../helpers/app-harness';
import { launchPersistent } from '../helpers/chromium';

/** Every line search by meaning showed (recorded from before the app's first script). */
/**
 * Records, from the page itself, every line the progress shows and where the search box and
 * the tag rail sit while it is visible: on a quiet machine the download is over in half a
 * second, faster than a test polling from outside can see it.
 */
const RECORD_RECALL_LINES = `
  window.__recallLines = [];
  window.__busyTops = [];
  const top = (selector) => document.querySelector(selector)?.getBoundingClientRect().y;
  new MutationObserver(() => {
    const line = document.querySelector('.recall-line')?.textContent;
    if (line && window.__recallLines.at(-1) !== line) window.__recallLines.push(line);
    const progress = document.querySelector('.recall-progress');
    if (progress?.checkVisibility())
      window.__busyTops.push({ search: top('.search-box'), rail: top('.rail-tags') });
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
`;

async function recallLines(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __recallLines: string[] }).__recallLines);
}

/** Where the search box and the tag rail sat while the progress showed (see above). */
async function busyTops(page: Page): Promise<Array<{ search?: number; rail?: number }>> {
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { __busyTops: unknown[] }).__busyTops.length), {
      timeout: 60_000,
    })
    .toBeGreaterThan(0);
  return page.evaluate(
    () => (window as unknown as { __busyTops: Array<{ search?: number; rail?: number }> }).__busyTops,
  );
}

/** Waits until search by meaning is ready and idle (its progress line is gone). */
async function recallSettled(page: Page): Promise<void> {
  await page.locator('.app[data-notebook-ready="true"]').waitFor();
  await expect
    .poll(async () => (await recallLines(page)).length, { timeout: 60_000, interval: 500 })
    .toBeGreaterThan(0);
  await page.locator('.recall-progress').waitFor({ state: 'detached', timeout: 300_000 });
}

/** Bytes a first visit downloads: the model's files and onnxruntime's wasm and loader. */
function firstVisitBytes(): number {
  const model = join(DIST_DIR, 'models', 'Xenova', 'all-MiniLM-L6-v2');
  const files = [
    ...['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx'].map((f) =>
      join(model, f),
    ),
    ...readdirSync(join(DIST_DIR, 'assets'))
      .filter((f) => /^ort-wasm-simd-threaded\.asyncify-.*\.(wasm|mjs)$/.test(f))
      .map((f) => join(DIST_DIR, 'assets', f)),
  ];
  return files.reduce((sum, file) => sum + statSync(file).size, 0);
}

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

describe('the first visit', () => {
  it('is offline-capable once the service worker installed, with no reload and no other navigation', async () => {
    const browser = await launchPersistent();
    try {
      const page = await browser.context.newPage();
      await page.goto(app.url);
      await page.getByRole('textbox', { name: 'New memo' }).waitFor();
      await page.evaluate(async () => {
        await navigator.serviceWorker.ready;
      });
      await expect
        .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 20_000 })
        .toBe(true);

      // The search model's files were cached by that same visit (they are not precached).
      await expect
        .poll(
          () =>
            page.evaluate(async () => {
              const names = await Promise.all(
                ['model-v1', 'ort-wasm-v1'].map(async (name) =>
                  (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname),
                ),
              );
              return names.flat().sort();
            }),
          { timeout: 180_000, interval: 1_000 },
        )
        .toEqual(
          expect.arrayContaining([
            expect.stringMatching(/model_quantized\.onnx$/),
            expect.stringMatching(/tokenizer\.json$/),
            expect.stringMatching(/ort-wasm-[^/]*\.wasm$/),
          ]),
        );

      await browser.context.setOffline(true);
      // Pages not opened yet: their code is split out and must come from the precache.
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('heading', { name: 'Memos server' }).waitFor({ timeout: 10_000 });
      await page.getByRole('link', { name: 'Trash' }).click();
      await page.getByText('The Trash is empty.').waitFor({ timeout: 10_000 });
      await page.reload();
      await page.getByText('The Trash is empty.').waitFor({ timeout: 10_000 });
      await page.getByRole('link', { name: 'Timeline' }).click();
      await page.getByRole('textbox', { name: 'New memo' }).waitFor({ timeout: 10_000 });
    } finally {
      await browser.dispose();
    }
  });

  it('shows the model download only while it downloads, with its real total; a later start shows none; nothing moves', async () => {
    const browser = await launchPersistent();
    try {
      await browser.context.addInitScript(RECORD_RECALL_LINES);
      const page = await browser.context.newPage();
      // Where things sit while the progress shows, and after it has gone: the same place.
      const top = async (selector: string) => (await page.locator(selector).boundingBox())?.y;
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(app.url);
      const busy = await busyTops(page);
      await recallSettled(page);
      const searchAfter = await top('.search-box');
      for (const seen of busy) expect(seen.search).toBe(searchAfter);
      const first = await recallLines(page);
      const downloads = first.filter((line) => line.startsWith('Downloading the search model'));
      expect(downloads.length).toBeGreaterThan(0);
      const total = `${(firstVisitBytes() / 1e6).toFixed(1)} MB`;
      for (const line of downloads) expect(line).toMatch(new RegExp(`of ${total.replace('.', '\\.')}$`));

      await page.setViewportSize({ width: 1280, height: 800 });
      await page.reload();
      const busyAgain = await busyTops(page);
      await recallSettled(page);
      const railAfter = await top('.rail-tags');
      const contentAfter = await top('.search-box');
      for (const seen of busyAgain) {
        expect(seen.rail).toBe(railAfter);
        expect(seen.search).toBe(contentAfter);
      }
      const later = await recallLines(page);
      expect(later.filter((line) => line.startsWith('Downloading'))).toEqual([]);
    } finally {
      await browser.dispose();
    }
  });
});
