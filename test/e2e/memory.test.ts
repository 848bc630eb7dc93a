/**
 * Issue 14 end to end in Chromium, without a Memos server: the Memory page built from memos
 * captured offline (regions "Preferences", "Learned", "Conversations", "System"), editing a
 * preference in place offline, "Ask your notes" offline / with no LLM_URL / with the LLM down
 * (the sources are shown with a note saying why there is no answer), asking from Search, and
 * bad input (a preferences memo of thousands of lines, a conversation without speakers).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MemoName } from '../../sync/core/ids';
import { buildLocalMemo } from '../../sync/db/notebook';
import { type FakeOpenAi, startFakeOpenAi } from '../fakes/fake-openai-server';
import {
  captureMemo,
  startTestApp,
  storedMemos,
  type TestApp,
  waitForServiceWorkerControl,
} from '../helpers/app-harness';
import { launchPersistent, type PersistentBrowser } from '../helpers/chromium';
import { unusedPort } from '../unit/server/helpers';

let llm: FakeOpenAi;
let app: TestApp;
let browser: PersistentBrowser;

beforeAll(async () => {
  llm = await startFakeOpenAi();
  app = await startTestApp({ llm: { url: llm.url, model: llm.model }, llmService: 'on' });
  browser = await launchPersistent();
});
afterAll(async () => {
  await browser?.dispose();
  await app?.close();
  await llm?.close();
});

const BIG_LINES = 3_000;

/** Writes memos straight into the app's IndexedDB (as if synced from a server with a larger limit). */
async function seedMemos(page: Page, contents: string[]): Promise<void> {
  const now = Date.now() - 86_400_000;
  const rows = contents.map((content, i) =>
    buildLocalMemo(
      `memos/00000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}` as MemoName,
      { content, visibility: 'PRIVATE', state: 'NORMAL', pinned: false, attachments: [] },
      { createTime: now + i, updateTime: now + i },
    ),
  );
  await page.evaluate(
    (memos) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('memos-offline');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('memos', 'readwrite');
          for (const memo of memos) tx.objectStore('memos').put(memo);
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    rows,
  );
}

async function ask(page: Page, question: string) {
  await page.getByRole('textbox', { name: 'Ask your notes' }).fill(question);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const answer = page.getByRole('region', { name: 'Answer' });
  await answer.waitFor();
  return answer;
}

describe('the Memory page', () => {
  it('shows preferences, learned lines, conversations and services from memos captured offline, and edits a preference in place', async () => {
    const page = await browser.context.newPage();
    await page.goto(app.url);
    await waitForServiceWorkerControl(page);
    const big = Array.from(
      { length: BIG_LINES },
      (_, i) => `- Zone ${String(i).padStart(4, '0')}: sensor ${i}`,
    );
    await seedMemos(page, [`#preferences\n${big.join('\n')}`]);
    await page.reload();
    await browser.context.setOffline(true);

    await captureMemo(page, '#preferences\n- Language: Spanish\n- Units: metric');
    await captureMemo(
      page,
      '#preferences #system\n* language = English\n- Timezone: Europe/Madrid\n- **Confirmation required:** destructive actions',
    );
    await captureMemo(page, '#learned\n- Prefers short answers\n- Waters the plants on Sundays');
    await captureMemo(page, '#learned The car is a 2015 Golf');
    await captureMemo(
      page,
      "#conversation #2024-01-15\n**User**: Remind me to water the plants tomorrow\n**AI**: I've set a reminder for tomorrow at 9 AM.",
    );
    await captureMemo(page, '#conversation\nJust a transcript line without any speaker names.');
    await captureMemo(
      page,
      '#system\n- Home Assistant: http://192.168.1.20:8123\n- LLM = http://home-box:8000/v1\nBackups run nightly',
    );

    await page.getByRole('link', { name: 'Memory' }).click();
    const preferences = page.getByRole('region', { name: 'Preferences' });
    const language = preferences.getByRole('row', { name: /^language /i });
    await language.waitFor();
    expect(await language.getByRole('cell').first().textContent()).toContain('English');
    expect(await language.getByRole('list', { name: 'Earlier values of language' }).textContent()).toContain(
      'Spanish',
    );
    expect(await preferences.getByRole('row', { name: /^Confirmation required/ }).textContent()).toContain(
      'destructive actions',
    );
    expect(await preferences.getByRole('row', { name: /^Units/ }).textContent()).toContain('metric');
    // A memo of thousands of lines: the table pages instead of painting 3,000 rows at once.
    await preferences.getByRole('button', { name: /^Show more preferences/ }).waitFor();
    expect(await preferences.getByRole('row').count()).toBeLessThanOrEqual(51);

    const stored = await storedMemos(page);
    const englishMemo = stored.find((m) => m.content.includes('language = English'));
    const memoLink = language.getByRole('cell').last().getByRole('link');
    expect(await memoLink.getAttribute('href')).toBe(`/memo/${englishMemo?.name.slice('memos/'.length)}`);

    const learned = page.getByRole('region', { name: 'Learned' });
    await expect
      .poll(() => learned.getByRole('listitem').allTextContents())
      .toEqual([
        expect.stringContaining('The car is a 2015 Golf'),
        expect.stringContaining('Prefers short answers'),
        expect.stringContaining('Waters the plants on Sundays'),
      ]);

    const conversations = page.getByRole('region', { name: 'Conversations' });
    const day = conversations.getByRole('region', { name: '2024-01-15' });
    expect(await day.locator('.bubble.user').textContent()).toBe(
      'UserRemind me to water the plants tomorrow',
    );
    expect(await day.locator('.bubble.assistant').textContent()).toContain("I've set a reminder");
    expect(await conversations.getByText('Just a transcript line without any speaker names.').count()).toBe(
      1,
    );

    const system = page.getByRole('region', { name: 'System' });
    const services = system.getByRole('list', { name: 'Services' });
    expect(await services.getByRole('link', { name: 'http://192.168.1.20:8123' }).getAttribute('href')).toBe(
      'http://192.168.1.20:8123',
    );
    expect(await services.textContent()).toContain('LLM');
    expect(await system.textContent()).toContain('Backups run nightly');

    // Edit in place, offline: that line of that memo is rewritten through the normal edit path.
    await language.getByRole('button', { name: 'Edit' }).click();
    await language.getByRole('textbox', { name: 'Value of language' }).fill('Catalan');
    await language.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => language.getByRole('cell').first().textContent()).toContain('Catalan');
    const edited = (await storedMemos(page)).find((m) => m.name === englishMemo?.name);
    expect(edited?.content).toBe(
      '#preferences #system\n* language = Catalan\n- Timezone: Europe/Madrid\n- **Confirmation required:** destructive actions',
    );

    // The memo link opens that memo.
    await memoLink.click();
    await page.getByRole('article').filter({ hasText: 'Catalan' }).waitFor();
    await page.close();
  });

  it('asks offline: the retrieved memos are shown as the sources, with a note saying why there is no answer', async () => {
    const page = await browser.context.newPage();
    await page.goto(app.url); // served by the service worker: the context is still offline
    await captureMemo(page, 'Changed the oil of the car at 120,000 km #car');
    await page.getByRole('link', { name: 'Memory' }).click();
    const before = llm.requests.length;
    const answer = await ask(page, 'When did I last change the oil?');
    const note = answer.getByRole('note');
    await note.waitFor({ timeout: 10_000 });
    expect(await note.textContent()).toContain('offline');
    const source = answer.getByRole('link', { name: /Changed the oil of the car/ });
    expect(await source.getAttribute('href')).toMatch(/^\/memo\/[0-9a-f-]{36}$/);
    expect(await answer.getByRole('button', { name: 'Save as memo' }).isDisabled()).toBe(true);
    expect(llm.requests.length).toBe(before);
    await browser.context.setOffline(false);
    await page.close();
  });

  it('asks from Search, online: the answer streams in with citations linked to the memos used, HTML in it inert', async () => {
    const page = await browser.context.newPage();
    await page.goto(app.url);
    llm.reply({
      kind: 'stream',
      chunks: [
        'You changed the oil at **120,000 km** [1]. ',
        'Also see [7]. ',
        '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>',
      ],
      chunkDelayMs: 30,
    });
    await page.getByRole('searchbox', { name: 'Search' }).fill('oil');
    const textbox = page.getByRole('textbox', { name: 'Ask your notes' });
    await expect.poll(() => textbox.inputValue()).toBe('oil');
    await page.getByRole('button', { name: 'Ask', exact: true }).click();
    const answer = page.getByRole('region', { name: 'Answer' });
    await expect.poll(() => answer.locator('.answer-body').textContent()).toContain('Also see [7].');
    const citation = answer.getByRole('link', { name: '[1]' });
    const href = await citation.getAttribute('href');
    expect(href).toMatch(/^\/memo\/[0-9a-f-]{36}$/);
    expect(await answer.getByRole('link', { name: '[7]' }).count()).toBe(0);
    await expect
      .poll(() => answer.locator('.answer-body').textContent())
      .toContain('<script>window.__pwned=2</script>');
    expect(await answer.locator('.answer-body img, .answer-body script').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    const sent = llm.requests[llm.requests.length - 1]?.body?.messages?.[1]?.content ?? '';
    expect(sent).toContain('[1] (');
    expect(sent).toContain('Changed the oil of the car');
    await citation.click();
    await page.waitForURL(`${app.url}${href}`);
    await page.getByRole('article').filter({ hasText: 'Changed the oil of the car' }).waitFor();
    await page.close();
  });

  it('cuts an enormous answer at the stated limit', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${app.url}/memory`);
    llm.reply({ kind: 'stream', chunks: Array.from({ length: 300 }, (_, i) => `word${i} `.repeat(10)) });
    const answer = await ask(page, 'oil?');
    const note = answer.getByRole('note');
    await note.waitFor({ timeout: 20_000 });
    expect(await note.textContent()).toBe('The answer was cut at 8,000 characters.');
    expect((await answer.locator('.answer-body').textContent())?.length).toBeLessThanOrEqual(8_100);
    await page.close();
  });
});

describe('Ask your notes without an LLM', () => {
  it('with no LLM_URL, or the LLM unreachable, shows the sources and says why there is no answer', async () => {
    const cases: Array<[TestApp, RegExp, string]> = [
      [await startTestApp(), /no LLM server is configured/, 'Not configured'],
      [
        await startTestApp({
          llm: { url: `http://127.0.0.1:${await unusedPort()}/v1`, model: 'm' },
          llmService: 'on',
        }),
        /the LLM server is unreachable \(ECONNREFUSED\)/,
        'Configured, but unreachable: ECONNREFUSED',
      ],
    ];
    for (const [other, expected, settings] of cases) {
      try {
        const page = await browser.context.newPage();
        await page.goto(other.url);
        await captureMemo(page, 'Changed the oil of the car at 120,000 km #car');
        await page.getByRole('link', { name: 'Memory' }).click();
        const answer = await ask(page, 'When did I change the oil?');
        const note = answer.getByRole('note');
        await note.waitFor({ timeout: 10_000 });
        expect(await note.textContent()).toMatch(expected);
        await answer.getByRole('link', { name: /Changed the oil of the car/ }).waitFor();
        await page.getByRole('link', { name: 'Settings' }).click();
        await page.getByText(settings).waitFor();
        await page.close();
      } finally {
        await other.close();
      }
    }
  });
});
