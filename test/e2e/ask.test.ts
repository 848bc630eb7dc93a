/**
 * Issue 14 end to end with a real Memos v0.30.0 behind the app's server and the
 * OpenAI-compatible fake as the user's LLM (with an API key): the LLM proxy serves only tokens
 * Memos accepts; a preference edited on the Memory page syncs to Memos; asking online streams
 * the answer in with citation links to the memos used; "Save as memo" stores the exchange as a
 * #conversation memo that reaches Memos; the API key is in no response the browser receives.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDay } from '../../app/memory/day';
import { type FakeOpenAi, startFakeOpenAi } from '../fakes/fake-openai-server';
import { captureMemo, startTestApp, type TestApp } from '../helpers/app-harness';
import { launchPersistent, type PersistentBrowser } from '../helpers/chromium';
import { type MemosInstance, startMemos } from '../helpers/memos-instance';
import { until } from '../helpers/until-value';

const API_KEY = 'sk-home-box-3f9c1e7a5b2d4c6e8f0a';

let memos: MemosInstance;
let llm: FakeOpenAi;
let app: TestApp;
let browser: PersistentBrowser;
let page: Page;
const responses: Array<{ url: string; text: Promise<string> }> = [];

interface ServerMemo {
  name: string;
  content: string;
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${memos.baseUrl}/api/v1/${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${memos.admin.token}`, 'Content-Type': 'application/json' },
  });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function serverMemos(): Promise<ServerMemo[]> {
  const filter = encodeURIComponent(`creator == "users/${memos.admin.username}"`);
  return (await api<{ memos: ServerMemo[] }>(`memos?filter=${filter}&pageSize=1000`)).memos;
}

async function synced(): Promise<void> {
  const status = page.getByRole('status', { name: 'Sync status' });
  await until(
    () => status.textContent(),
    (text) => text?.startsWith('Synced') === true,
  );
}

async function ask(question: string) {
  await page.getByRole('textbox', { name: 'Ask your notes' }).fill(question);
  await page.getByRole('button', { name: 'Ask', exact: true }).click();
  const answer = page.getByRole('region', { name: 'Answer' });
  await answer.waitFor();
  return answer;
}

beforeAll(async () => {
  memos = await startMemos();
  llm = await startFakeOpenAi({ apiKey: API_KEY });
  app = await startTestApp({
    memosUrl: memos.baseUrl,
    llm: { url: llm.url, model: llm.model, apiKey: API_KEY },
  });
  browser = await launchPersistent();
  page = await browser.context.newPage();
  // Every body the browser receives, to check the API key never reaches it.
  browser.context.on('response', (response) => {
    // (Memos' live event stream never ends; it comes from Memos, which never sees the key.)
    if (new URL(response.url()).pathname === '/api/v1/sse') return;
    responses.push({
      url: response.url(),
      text: response
        .body()
        .then((body) => `${JSON.stringify(response.headers())}\n${body.toString('latin1')}`)
        .catch((error: unknown) => `unreadable: ${String(error)}`),
    });
  });
});
afterAll(async () => {
  await browser?.dispose();
  await app?.close();
  await llm?.close();
  await memos?.stop();
});

describe('Ask your notes with a real Memos server', () => {
  it('serves only users Memos accepts: before connecting, asking says to connect and shows the sources', async () => {
    await page.goto(app.url);
    await captureMemo(page, 'Changed the oil of the car at 120,000 km #car');
    await page.getByRole('link', { name: 'Memory' }).click();
    const answer = await ask('When did I change the oil?');
    const note = answer.getByRole('note');
    await note.waitFor();
    expect(await note.textContent()).toContain('connect to your Memos server in Settings first');
    await answer.getByRole('link', { name: /Changed the oil of the car/ }).waitFor();
    expect(llm.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(0);
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByText('Configured, but not for you yet').waitFor();
  });

  it('edits a preference on the Memory page and the edit syncs to Memos like any edit', async () => {
    const created = await api<ServerMemo>('memos', {
      method: 'POST',
      body: JSON.stringify({
        content: '#preferences\n- Language: English\n- Timezone: Europe/Madrid',
        visibility: 'PRIVATE',
      }),
    });
    await page.getByRole('textbox', { name: 'Access token' }).fill(memos.admin.token);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText(/Signed in as/).waitFor();
    await synced();
    await page.getByText('Configured and reachable.').waitFor();
    await page.getByText('fake-llm-1').waitFor();

    await page.getByRole('link', { name: 'Memory' }).click();
    const row = page.getByRole('region', { name: 'Preferences' }).getByRole('row', { name: /^Language / });
    await row.getByRole('button', { name: 'Edit' }).click();
    await row.getByRole('textbox', { name: 'Value of Language' }).fill('Catalan');
    await row.getByRole('button', { name: 'Save' }).click();
    await until(serverMemos, (list) =>
      list.some(
        (m) =>
          m.name === created.name &&
          m.content === '#preferences\n- Language: Catalan\n- Timezone: Europe/Madrid',
      ),
    );
  });

  it('asks online: the answer streams in with working citation links, and Save as memo stores the exchange in Memos', async () => {
    await synced();
    const oil = (await serverMemos()).find((m) => m.content.startsWith('Changed the oil'));
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    llm.reply({
      kind: 'stream',
      chunks: ['You changed the oil ', 'at 120,000 km [1]. ', `Nothing else to add (${API_KEY}).`],
      holdLast: held,
    });
    const chatRequests: Array<string | undefined> = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/llm/v1/chat/completions'))
        chatRequests.push(request.headers().authorization);
    });
    const answer = await ask('When did I change the oil?');
    // Streaming: the first words are shown while the LLM is still writing.
    await expect.poll(() => answer.locator('.answer-body').textContent()).toContain('at 120,000 km');
    expect(await answer.getAttribute('aria-busy')).toBe('true');
    expect(await answer.getByRole('button', { name: 'Save as memo' }).isDisabled()).toBe(true);
    release();
    await expect.poll(() => answer.locator('.answer-body').textContent()).toContain('Nothing else to add');
    expect(await answer.locator('.answer-body').textContent()).toContain('([redacted])');
    expect(await answer.getAttribute('aria-busy')).toBe('false');
    expect(await answer.getByRole('note').count()).toBe(0);

    const citation = answer.getByRole('link', { name: '[1]' });
    expect(await citation.getAttribute('href')).toBe(`/${oil?.name.replace('memos/', 'memo/')}`);
    const prompt = llm.requests.filter((r) => r.path === '/v1/chat/completions').pop();
    expect(prompt?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(prompt?.body?.model).toBe('fake-llm-1');
    expect(prompt?.body?.messages?.[0]?.content).toContain('- Language: Catalan');
    expect(prompt?.body?.messages?.[1]?.content).toContain('[1] (');
    expect(chatRequests).toEqual([`Bearer ${memos.admin.token}`]);

    await answer.getByRole('button', { name: 'Save as memo' }).click();
    await answer.getByRole('status').getByText('Saved as a #conversation memo.').waitFor();
    const day = localDay(Date.now());
    const exchange = `#conversation #${day}\n**User**: When did I change the oil?\n**AI**: You changed the oil at 120,000 km [1]. Nothing else to add ([redacted]).`;
    await until(serverMemos, (list) => list.some((m) => m.content === exchange));
    const today = page.getByRole('region', { name: 'Conversations' }).getByRole('region', { name: day });
    expect(await today.locator('.bubble.user').textContent()).toBe('UserWhen did I change the oil?');

    await citation.click();
    await page.getByRole('article').filter({ hasText: 'Changed the oil of the car' }).waitFor();

    const bodies = await Promise.all(
      responses.map(({ url, text }) =>
        Promise.race([
          text.then((body) => ({ url, body })),
          new Promise<{ url: string; body: string }>((resolve) =>
            setTimeout(() => resolve({ url, body: 'not finished' }), 10_000),
          ),
        ]),
      ),
    );
    expect(bodies.filter((r) => r.body === 'not finished').map((r) => r.url)).toEqual([]);
    expect(bodies.some((r) => r.body.includes('Nothing else to add'))).toBe(true);
    expect(bodies.filter((r) => r.body.includes(API_KEY)).map((r) => r.url)).toEqual([]);
  });
});
