/**
 * Settings → "Search by meaning" in the production app, in Chromium with the real model, and
 * `npm start`'s server embedding for it (EMBED_SERVICE=on): a notebook imported on a fresh
 * device gets its vectors from the home server (the section says how many), search by meaning
 * works on them, "Index on this device" is kept across a reload, and "Re-index" brings every
 * vector back. A server whose model files differ from the app's is refused, and the section
 * says so while the device indexes on its own.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app-harness';
import { launchPersistent, type PersistentBrowser } from '../helpers/chromium';

interface Corpus {
  memos: Array<{ id: string; content: string; state: 'NORMAL' | 'ARCHIVED' }>;
  paraphrases: Array<{ query: string; target: string }>;
}
const corpus = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/recall/corpus.json'), 'utf8'),
) as Corpus;

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const run of cleanup.splice(0).reverse()) await run();
});

async function open(app: TestApp): Promise<{ browser: PersistentBrowser; page: Page }> {
  const browser = await launchPersistent();
  cleanup.push(() => browser.dispose());
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(app.url);
  await page.getByRole('textbox', { name: 'New memo' }).waitFor();
  return { browser, page };
}

async function importCorpus(page: Page): Promise<void> {
  const memos = corpus.memos.map((memo, i) => ({
    name: `memos/recall-${memo.id}`,
    content: memo.content,
    visibility: 'PRIVATE',
    state: memo.state,
    pinned: false,
    createTime: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  }));
  const file = Buffer.from(
    JSON.stringify({
      format: 'memos-offline-export',
      version: 1,
      exportedAt: new Date().toISOString(),
      memos,
    }),
  );
  await page.getByRole('link', { name: 'Settings' }).click();
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import' }).click();
  await (await chooser).setFiles({ name: 'corpus.json', mimeType: 'application/json', buffer: file });
  await page.getByText(/Imported corpus\.json/).waitFor();
}

/** The section's facts as { Status, Vectors from, Home server }. */
async function facts(page: Page): Promise<Record<string, string>> {
  const section = page.getByRole('region', { name: 'Search by meaning' });
  const terms = await section.locator('.setting-label').allTextContents();
  const values = await section.locator('.setting-value').allTextContents();
  return Object.fromEntries(terms.map((term, i) => [term, values[i] ?? '']));
}

async function until(page: Page, check: (f: Record<string, string>) => boolean, what: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (check(await facts(page))) return;
    await page.waitForTimeout(500);
  }
  throw new Error(`Settings never showed ${what}: ${JSON.stringify(await facts(page))}`);
}

describe('Settings → Search by meaning, with the home server', () => {
  it('shows vectors coming from the home server, keeps the switch, and re-indexes', async () => {
    const app = await startTestApp({ embed: { mode: 'on', threads: 2 } });
    cleanup.push(() => app.close());
    const { page } = await open(app);
    await importCorpus(page);
    const total = corpus.memos.length;
    await until(
      page,
      (f) =>
        f.Status === 'Ready' &&
        f['Vectors from'] === `This device: 0 memos · The home server: ${total} memos`,
      `${total} memos from the home server`,
    );
    expect((await facts(page))['Home server']).toMatch(/^Connected/);

    const pair = corpus.paraphrases[0];
    const target = corpus.memos.find((m) => m.id === pair?.target)?.content ?? '';
    await page.getByRole('link', { name: 'Timeline' }).click();
    await page.getByRole('searchbox', { name: 'Search' }).fill(pair?.query ?? '');
    const results = page.getByRole('region', { name: 'Search results' });
    await results
      .getByRole('article')
      .filter({ hasText: target.slice(0, 30) })
      .first()
      .waitFor();

    await page.getByRole('link', { name: 'Settings' }).click();
    const toggle = page.getByRole('switch', { name: 'Index on this device' });
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await toggle.uncheck();
    await page.reload();
    await expect
      .poll(() => page.getByRole('switch', { name: 'Index on this device' }).isChecked())
      .toBe(false);

    await page.getByRole('button', { name: 'Re-index' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Re-indexing/ })
      .waitFor();
    await until(
      page,
      (f) =>
        f.Status === 'Ready' &&
        f['Vectors from'] === `This device: 0 memos · The home server: ${total} memos`,
      'every memo back from the home server',
    );
  });

  it('refuses a home server with another model file, says so, and indexes on the device', async () => {
    const app = await startTestApp({ copyDist: true, embed: { mode: 'on', threads: 1 } });
    cleanup.push(() => app.close());
    // The server's copy of the model differs from the files this app was built with.
    const config = join(app.distDir, 'models', 'Xenova', 'all-MiniLM-L6-v2', 'tokenizer_config.json');
    writeFileSync(config, `${readFileSync(config, 'utf8')}\n`);
    const { page } = await open(app);
    for (const content of ['The cat needs its flea treatment next week', 'Book the dentist for Tuesday']) {
      await page.getByRole('textbox', { name: 'New memo' }).fill(content);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect.poll(() => page.getByRole('textbox', { name: 'New memo' }).inputValue()).toBe('');
    }
    await page.getByRole('link', { name: 'Settings' }).click();
    await until(
      page,
      (f) => f.Status === 'Ready' && f['Vectors from'] === 'This device: 2 memos · The home server: 0 memos',
      'two memos indexed on the device',
    );
    expect((await facts(page))['Home server']).toMatch(
      /^Refused: the home server uses another model file than this app/,
    );
  });
});
