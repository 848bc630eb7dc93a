/**
 * Semantic recall in real Chromium with the REAL model (public/models, all-MiniLM-L6-v2
 * int8) and the real workers (recall → embed + index, nested), built by Vite with the
 * project's vite.config.ts (so the service worker and its runtime caches are the real
 * ones) around a small harness page, served by the real app server (server/app-server.ts:
 * its CSP and headers apply). Asserts, on test/fixtures/recall/corpus.json:
 *  - each paraphrased query, sharing no keyword with its target memo, ranks it first;
 *  - archived memos only come back when asked for;
 *  - a reload reuses the persisted index and embeds nothing (calls are counted);
 *  - a memo captured later is found by meaning;
 *  - with the server gone, a reload still searches (service worker caches);
 *  - no request, from the page or any worker, goes to another origin.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPersistent, type PersistentBrowser } from '../helpers/chromium';
import { type HarnessSite, serveHarness } from '../helpers/harness-site';

const REPO = join(import.meta.dirname, '..', '..');

interface Corpus {
  memos: Array<{ id: string; content: string; state: 'NORMAL' | 'ARCHIVED' }>;
  paraphrases: Array<{ query: string; target: string }>;
}
const corpus = JSON.parse(readFileSync(join(REPO, 'test/fixtures/recall/corpus.json'), 'utf8')) as Corpus;

const HARNESS = `
import { describeSnapshot, recallClient } from '${REPO}/workers/recall/client';
import { createChangeFeed } from '${REPO}/sync/db/change-feed';
import { createNotebook } from '${REPO}/sync/db/notebook';
import { MemosDatabase } from '${REPO}/sync/db/schema';

const db = new MemosDatabase();
const feed = createChangeFeed('memos-offline-changes');
let clock = Date.now();
const notebook = createNotebook({ db, feed, now: () => clock++ });
const recall = recallClient();
const snapshots = [];
void recall.subscribe((s) => { snapshots.push(s); document.title = describeSnapshot(s); });
async function addMemos(memos) {
  const names = {};
  for (const m of memos) {
    const memo = await notebook.create({ content: m.content, visibility: 'PRIVATE' });
    if (m.state === 'ARCHIVED') await notebook.update(memo.name, { state: 'ARCHIVED' });
    names[m.id] = memo.name;
  }
  return names;
}
Object.assign(window, { harness: { recall, snapshots, addMemos, db } });
void navigator.serviceWorker.register('/sw.js');
`;

const STOP = new Set(
  'the a an and or of to for in on at is are was my our your her his what how when which do does we she with from'.split(
    ' ',
  ),
);
const words = (text: string) =>
  (text.toLowerCase().match(/\p{L}+/gu) ?? []).filter((w) => w.length >= 3 && !STOP.has(w));

let site: HarnessSite | undefined;
let browser: PersistentBrowser | undefined;
let page: Page;
let origin = '';
const requests: string[] = [];
let names: Record<string, string> = {};

async function evaluate<T>(fn: string): Promise<T> {
  return page.evaluate(fn) as Promise<T>;
}

/** Polls `probe` in the page until it returns true (waitForFunction does not await async predicates). */
async function until(probe: string, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await evaluate<boolean>(probe))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Waits until recall is ready and idle with `memos` indexed; fails at once if unavailable. */
async function settled(memos: number): Promise<void> {
  await until(
    `Promise.all([harness.recall.status(), harness.recall.stats()]).then(([{ status, progress }, stats]) => {
      if (status.kind === 'unavailable') throw new Error(JSON.stringify(status));
      return status.kind === 'ready' && progress.kind === 'idle' && stats.memos === ${memos};
    })`,
    170_000,
    `${memos} memos indexed`,
  );
}

beforeAll(async () => {
  site = await serveHarness({ name: 'recall-e2e', harnessJs: HARNESS });
  origin = site.origin;
  browser = await launchPersistent();
  // Every request of the profile: pages, dedicated (and nested) workers, service worker.
  browser.context.on('request', (request: Request) => requests.push(request.url()));
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
});

afterAll(async () => {
  await browser?.dispose();
  await site?.dispose();
});

describe('semantic recall in Chromium with the real model', () => {
  it('ranks every paraphrase first, keeps archived memos apart, and persists across a reload', async () => {
    for (const pair of corpus.paraphrases) {
      const target = corpus.memos.find((m) => m.id === pair.target);
      expect(target, pair.target).toBeDefined();
      const own = words(target?.content ?? '');
      const shared = words(pair.query).filter((q) => own.some((t) => t.slice(0, 4) === q.slice(0, 4)));
      expect(shared, `"${pair.query}" shares keywords with its target`).toEqual([]);
    }
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => 'harness' in window);
    names = await page.evaluate(
      (memos) =>
        (
          window as unknown as { harness: { addMemos(m: unknown): Promise<Record<string, string>> } }
        ).harness.addMemos(memos),
      corpus.memos,
    );
    await settled(corpus.memos.length);

    for (const pair of corpus.paraphrases) {
      const hits = await evaluate<Array<{ name: string; score: number }>>(
        `harness.recall.search(${JSON.stringify(pair.query)}, { k: 5 })`,
      );
      expect(hits[0]?.name, `"${pair.query}" → ${pair.target}`).toBe(names[pair.target]);
    }
    const archived = corpus.memos.filter((m) => m.state === 'ARCHIVED').map((m) => names[m.id]);
    const normal = await evaluate<Array<{ name: string }>>(
      `harness.recall.search('old router password', { k: 20 })`,
    );
    expect(normal.map((h) => h.name).filter((n) => archived.includes(n))).toEqual([]);
    const fromArchive = await evaluate<Array<{ name: string }>>(
      `harness.recall.search('old router password', { k: 3, state: 'ARCHIVED' })`,
    );
    expect(fromArchive.length).toBeGreaterThan(0);
    expect(fromArchive.every((h) => archived.includes(h.name))).toBe(true);
    expect(await evaluate('harness.recall.search("   ", { k: 5 })')).toEqual([]);

    const before = await evaluate<{ embeddedChunks: number; leader: boolean }>('harness.recall.stats()');
    expect(before.embeddedChunks).toBeGreaterThanOrEqual(corpus.memos.length);
    expect(before.leader).toBe(true);
    await until('harness.recall.stats().then((s) => s.indexSaves > 0)', 60_000, 'the index to be saved');

    await page.reload();
    await page.waitForFunction(() => 'harness' in window);
    await settled(corpus.memos.length);
    const after = await evaluate<{ embeddedChunks: number; indexSource: string }>('harness.recall.stats()');
    expect(after).toMatchObject({ embeddedChunks: 0, indexSource: 'loaded' });
    const again = await evaluate<Array<{ name: string }>>(
      `harness.recall.search('secret for the wireless internet', { k: 1 })`,
    );
    expect(again[0]?.name).toBe(names.wifi);

    const captured = await evaluate<Record<string, string>>(
      `harness.addMemos([{ id: 'new', content: 'Bring the blue folder with the lease contract to the notary on Friday', state: 'NORMAL' }])`,
    );
    await until(
      `harness.recall.search('paperwork for the apartment rental', { k: 1 }).then((h) => h[0]?.name === ${JSON.stringify(captured.new)})`,
      30_000,
      'the captured memo to be found by meaning',
    );
    const final = await evaluate<{ embeddedChunks: number }>('harness.recall.stats()');
    expect(final.embeddedChunks).toBe(1);
  });

  it('still searches by meaning after the server is gone (service worker caches)', async () => {
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, {
      timeout: 30_000,
    });
    await site?.stop();
    await page.reload();
    await page.waitForFunction(() => 'harness' in window);
    await settled(corpus.memos.length + 1);
    const hits = await evaluate<Array<{ name: string }>>(
      `harness.recall.search('when is my tooth check-up', { k: 1 })`,
    );
    expect(hits[0]?.name).toBe(names.dentist);
    expect(await evaluate<{ embeddedChunks: number }>('harness.recall.stats()')).toMatchObject({
      embeddedChunks: 0,
    });
  });

  it('made no request to any origin but the app’s, from the page or its workers', () => {
    const fetched = requests.filter((url) => !url.startsWith('data:') && !url.startsWith('blob:'));
    expect(
      fetched.some((url) => url.includes('/models/Xenova/all-MiniLM-L6-v2/onnx/model_quantized.onnx')),
    ).toBe(true);
    expect(fetched.some((url) => /\/assets\/ort-wasm-simd-threaded\.asyncify-[^/]+\.wasm$/.test(url))).toBe(
      true,
    );
    expect(fetched.filter((url) => new URL(url).origin !== origin)).toEqual([]);
  });
});
