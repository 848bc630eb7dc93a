/**
 * Issue 4 end to end through the UI, with the real all-MiniLM-L6-v2 served by the app's own
 * origin: a corpus of 200+ varied memos imported through Settings, then paraphrased queries
 * (sharing no keyword with their target) typed into "Search" rank their target first; an
 * open memo shows a "Related" region; a memo captured with the network off is findable by
 * meaning within 2 s; and not a single request leaves the app's origin the whole time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp, waitForServiceWorkerControl } from '../helpers/app-harness';
import { launchPersistent, type PersistentBrowser } from '../helpers/chromium';

interface Corpus {
  memos: Array<{ id: string; content: string; state: 'NORMAL' | 'ARCHIVED' }>;
  paraphrases: Array<{ query: string; target: string }>;
}

const corpus = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/recall/corpus.json'), 'utf8'),
) as Corpus;
let app: TestApp;
let browser: PersistentBrowser;
let page: Page;
const foreign: string[] = [];

function exportFile(): Buffer {
  const memos = corpus.memos.map((memo, i) => ({
    name: `memos/recall-${memo.id}`,
    content: memo.content,
    visibility: 'PRIVATE',
    state: memo.state,
    pinned: false,
    createTime: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  }));
  return Buffer.from(
    JSON.stringify({
      format: 'memos-offline-export',
      version: 1,
      exportedAt: new Date().toISOString(),
      memos,
    }),
  );
}

/**
 * Waits until semantic search is ready (search results carry no "unavailable/starting" note)
 * and idle (its progress line is hidden: see RecallProgress).
 */
async function waitForSemanticIdle(target: Page): Promise<void> {
  await target.getByRole('searchbox', { name: 'Search' }).fill('ready?');
  let quiet = 0;
  for (let i = 0; i < 1800 && quiet < 3; i++) {
    const busy = (await target.locator('.recall-progress, .semantic-note').count()) > 0;
    quiet = busy ? 0 : quiet + 1;
    await target.waitForTimeout(500);
  }
  await target.getByRole('searchbox', { name: 'Search' }).fill('');
  if (quiet < 3) throw new Error('semantic indexing did not finish');
}

async function topResult(target: Page, query: string): Promise<string> {
  await target.getByRole('searchbox', { name: 'Search' }).fill(query);
  const region = target.getByRole('region', { name: 'Search results' });
  for (let i = 0; i < 100; i++) {
    const first = region.getByRole('article').first();
    if (
      (await region.getByRole('article').count()) > 0 &&
      (await target.locator('.semantic-note').count()) === 0
    ) {
      await target.waitForTimeout(400); // let the debounced semantic half land
      return (await first.textContent()) ?? '';
    }
    await target.waitForTimeout(100);
  }
  return '';
}

beforeAll(async () => {
  app = await startTestApp();
  browser = await launchPersistent();
  browser.context.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(app.url) && !url.startsWith('data:') && !url.startsWith('blob:')) foreign.push(url);
  });
  page = await browser.context.newPage();
  await page.goto(app.url);
  await waitForServiceWorkerControl(page);
  await page.getByRole('link', { name: 'Settings' }).click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import' }).click();
  await (await chooser).setFiles({ name: 'corpus.json', mimeType: 'application/json', buffer: exportFile() });
  await page.getByText(/Imported corpus\.json/).waitFor();
  await page.getByRole('link', { name: 'Timeline' }).click();
  await waitForSemanticIdle(page);
}, 900_000);

afterAll(async () => {
  await browser?.dispose();
  await app?.close();
});

describe('search by meaning, in Chromium with the real model', () => {
  it(`ranks the target first for every paraphrased query (${corpus.paraphrases.length} queries, ${corpus.memos.length} memos)`, async () => {
    expect(corpus.memos.length).toBeGreaterThanOrEqual(200);
    const misses: string[] = [];
    for (const { query, target } of corpus.paraphrases) {
      const expected = corpus.memos.find((m) => m.id === target)?.content ?? '';
      const top = await topResult(page, query);
      if (!top.includes(expected.slice(0, 30))) misses.push(`${query} → ${top.slice(0, 80)}`);
    }
    expect(misses).toEqual([]);
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
  });

  it('shows a "Related" region on an open memo', async () => {
    const groceries = corpus.memos.find((m) => m.id === 'groceries')?.content ?? '';
    await page.getByRole('searchbox', { name: 'Search' }).fill('Groceries wholegrain');
    await page
      .getByRole('region', { name: 'Search results' })
      .getByRole('article')
      .first()
      .locator('a.memo-open')
      .click();
    const related = page.getByRole('region', { name: 'Related' });
    await expect.poll(() => related.getByRole('article').count()).toBe(5);
    expect(await page.getByRole('article').first().textContent()).toContain(groceries.slice(0, 20));
    await page.getByRole('link', { name: 'Timeline' }).click();
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
  });

  it('says "Searching…", never "No memos match", while results by meaning are on their way', async () => {
    // A query sharing no word with any memo: only search by meaning can answer it.
    const { query, target } = corpus.paraphrases.find((p) => p.target === 'car') ?? { query: '', target: '' };
    expect(query).toBe('vehicle maintenance mileage');
    const expected = corpus.memos.find((m) => m.id === target)?.content ?? '';
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __summaries: string[] }).__summaries = seen;
      new MutationObserver(() => {
        const text = document.querySelector('.results-summary')?.textContent;
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByRole('searchbox', { name: 'Search' }).fill(query);
    const region = page.getByRole('region', { name: 'Search results' });
    await region
      .getByRole('article')
      .filter({ hasText: expected.slice(0, 30) })
      .first()
      .waitFor();
    const summaries = await page.evaluate(() => (window as unknown as { __summaries: string[] }).__summaries);
    expect(summaries[0], summaries.join(' | ')).toBe(`Searching for “${query}”…`);
    expect(summaries.filter((text) => text.startsWith('No memos match'))).toEqual([]);
    await page.getByRole('searchbox', { name: 'Search' }).fill('');
  });

  it('finds a memo captured with the network off by meaning within 2 s', async () => {
    await browser.context.setOffline(true);
    await page
      .getByRole('textbox', { name: 'New memo' })
      .fill('The cat needs its flea and worm treatment next week');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'New memo' }).inputValue()).toBe('');
    await page.getByRole('searchbox', { name: 'Search' }).fill('parasite medicine for my pet');
    const region = page.getByRole('region', { name: 'Search results' });
    await region
      .getByRole('article')
      .filter({ hasText: 'flea and worm treatment' })
      .first()
      .waitFor({ timeout: 2_000 });
    await browser.context.setOffline(false);
  });

  it('sent no request to any origin other than the app', () => {
    expect(foreign).toEqual([]);
  });
});
