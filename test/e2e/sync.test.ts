/**
 * Issue 3 end to end: Chromium, the production build behind our server's same-origin
 * proxy, and a real Memos v0.30.0. Connect with a token; capture offline and see the memo
 * land on the server with its original create time; server-side edits and deletes reach
 * the open app live (SSE) without a reload; a concurrent edit ends as a merge or a visible
 * conflict, never a silent loss.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureMemo, startTestApp, type TestApp } from '../helpers/app-harness';
import { launchPersistent, type PersistentBrowser } from '../helpers/chromium';
import { memosVersionUnderTest } from '../helpers/memos-binary';
import { type MemosInstance, startMemos } from '../helpers/memos-instance';
import { memoAction } from '../helpers/notebook-seed';
import { until } from '../helpers/until-value';

let memos: MemosInstance;
let app: TestApp;
let browser: PersistentBrowser;

interface ServerMemo {
  name: string;
  content: string;
  createTime: string;
  updateTime: string;
  pinned: boolean;
}

async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${memos.baseUrl}/api/v1/${path}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${memos.admin.token}`,
      'Content-Type': 'application/json',
      ...(init.headers ?? {}),
    },
  });
  if (!response.ok)
    throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function serverMemos(): Promise<ServerMemo[]> {
  const filter = encodeURIComponent(`creator == "users/${memos.admin.username}"`);
  const normal = await api<{ memos: ServerMemo[] }>(`memos?filter=${filter}&pageSize=1000`);
  const archived = await api<{ memos: ServerMemo[] }>(`memos?filter=${filter}&pageSize=1000&state=ARCHIVED`);
  return [...normal.memos, ...archived.memos];
}

beforeAll(async () => {
  memos = await startMemos();
  app = await startTestApp({ memosUrl: memos.baseUrl });
  browser = await launchPersistent();
});
afterAll(async () => {
  await browser?.dispose();
  await app?.close();
  await memos?.stop();
});

describe('sync with a real Memos server, in Chromium', () => {
  it('connects with a token, pushes an offline capture with its original create time, and follows server edits live', async () => {
    await api('memos?memoId=from-the-server-1', {
      method: 'POST',
      body: JSON.stringify({ content: 'written in the Memos web UI #inbox', visibility: 'PRIVATE' }),
    });
    const page = await browser.context.newPage();
    await page.goto(app.url);
    const status = page.getByRole('status', { name: 'Sync status' });
    expect(await status.textContent()).toContain('Local only');

    await page.getByRole('link', { name: 'Settings' }).click();
    // The password is a real password input (never a text box with a CSS mask).
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('type')).toBe('password');
    await page.getByRole('textbox', { name: 'Access token' }).fill(memos.admin.token);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText(/Signed in as/).waitFor();
    // [V4] The server's version, and that this app was tested against it.
    await page.getByText(`Memos ${memosVersionUnderTest()}: tested with Memos 0.29.1 and 0.30.0.`).waitFor();
    await until(
      () => status.textContent(),
      (text) => text?.startsWith('Synced') === true,
    );
    await page.getByRole('link', { name: 'Timeline' }).click();
    await page.getByRole('article').filter({ hasText: 'written in the Memos web UI' }).waitFor();

    // Offline capture: queued, shown as pending, pushed when the network returns.
    await browser.context.setOffline(true);
    const before = Date.now();
    await captureMemo(page, 'captured on the train #offline');
    // The online state and the outbox count reach the status separately: wait for both.
    await until(
      () => status.textContent(),
      (text) => text?.startsWith('Offline') === true && text.includes('1 pending'),
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await browser.context.setOffline(false);
    const pushed = await until(serverMemos, (list) =>
      list.some((m) => m.content.startsWith('captured on the train')),
    );
    const offlineMemo = pushed.find((m) => m.content.startsWith('captured on the train'));
    const created = Date.parse(offlineMemo?.createTime ?? '');
    expect(created).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(created).toBeLessThan(Date.parse(offlineMemo?.updateTime ?? '') + 1);
    expect(Date.parse(offlineMemo?.updateTime ?? '') - created).toBeGreaterThanOrEqual(1000);
    await until(
      () => status.textContent(),
      (text) => text?.startsWith('Synced') === true,
    );

    // A server-side edit reaches the open page without a reload (live events).
    await api('memos/from-the-server-1?updateMask=content,update_time', {
      method: 'PATCH',
      body: JSON.stringify({ content: 'edited on the server while the app was open #inbox' }),
    });
    await page
      .getByRole('article')
      .filter({ hasText: 'edited on the server while the app was open' })
      .waitFor({ timeout: 5_000 });

    // A pin made in the web UI (no update_time bump) arrives too.
    await api('memos/from-the-server-1?updateMask=pinned', {
      method: 'PATCH',
      body: JSON.stringify({ pinned: true }),
    });
    await page.getByRole('heading', { name: 'Pinned' }).waitFor({ timeout: 5_000 });
    expect(await page.getByRole('article').first().textContent()).toContain('edited on the server');

    // A server-side delete disappears.
    await api('memos/from-the-server-1', { method: 'DELETE' });
    await until(
      () => page.getByRole('article').filter({ hasText: 'edited on the server' }).count(),
      (count) => count === 0,
      5_000,
    );
    expect(await serverMemos()).toHaveLength(1);
  });

  it('ends a concurrent edit as a clean merge or a visible conflict, never a silent loss', async () => {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(app.url);
    const status = page.getByRole('status', { name: 'Sync status' });
    await captureMemo(page, 'shopping list\nmilk\nbread');
    await until(serverMemos, (list) => list.some((m) => m.content === 'shopping list\nmilk\nbread'));
    const shared = (await serverMemos()).find((m) => m.content === 'shopping list\nmilk\nbread');
    const uid = shared?.name.slice('memos/'.length) ?? '';
    await until(
      () => status.textContent(),
      (text) => text?.startsWith('Synced') === true,
    );

    // Non-overlapping edits: the server adds a line at the end, the app changes the first line.
    await browser.context.setOffline(true);
    const article = page.getByRole('article').filter({ hasText: 'shopping list' });
    await memoAction(page, article, 'Edit');
    await article.getByRole('textbox', { name: 'Edit memo' }).fill('SHOPPING LIST\nmilk\nbread');
    await article.getByRole('button', { name: 'Save' }).click();
    await api(`memos/${uid}?updateMask=content,update_time`, {
      method: 'PATCH',
      body: JSON.stringify({ content: 'shopping list\nmilk\nbread\neggs' }),
    });
    await browser.context.setOffline(false);
    await until(serverMemos, (list) => list.some((m) => m.content === 'SHOPPING LIST\nmilk\nbread\neggs'));
    await page.getByRole('article').filter({ hasText: 'eggs' }).waitFor();

    // Overlapping edits: both rewrite the same line. The server keeps its text; ours is a conflict.
    await until(
      () => status.textContent(),
      (text) => text?.startsWith('Synced') === true,
    );
    await browser.context.setOffline(true);
    const merged = page.getByRole('article').filter({ hasText: 'SHOPPING LIST' });
    await memoAction(page, merged, 'Edit');
    await merged.getByRole('textbox', { name: 'Edit memo' }).fill('GROCERIES FOR SATURDAY');
    await merged.getByRole('button', { name: 'Save' }).click();
    await api(`memos/${uid}?updateMask=content,update_time`, {
      method: 'PATCH',
      body: JSON.stringify({ content: 'errands for sunday' }),
    });
    await browser.context.setOffline(false);
    const conflicts = page.getByRole('link', { name: /Conflicts \(1\)/ });
    await conflicts.waitFor({ timeout: 20_000 });
    expect((await serverMemos()).filter((m) => m.name === `memos/${uid}`).map((m) => m.content)).toEqual([
      'errands for sunday',
    ]);
    await conflicts.click();
    await page.getByRole('region', { name: 'Your version' }).getByText('GROCERIES FOR SATURDAY').waitFor();
    await page.getByRole('region', { name: 'Server version' }).getByText('errands for sunday').waitFor();
    await page.getByRole('button', { name: 'Keep mine' }).click();
    await until(serverMemos, (list) => list.some((m) => m.content === 'GROCERIES FOR SATURDAY'));
    const all = await serverMemos();
    expect(all.filter((m) => m.content.includes('errands') || m.content.includes('GROCERIES'))).toHaveLength(
      1,
    );
  });

  it('Background Sync: changes made offline reach the server after every tab of the app is closed', async () => {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(app.url);
    const status = page.getByRole('status', { name: 'Sync status' });
    await until(
      () => status.textContent(),
      (text) => text?.startsWith('Synced') === true,
    );
    await browser.context.setOffline(true);
    await captureMemo(page, 'written offline, then the tab was closed');
    await until(
      () => status.textContent(),
      (text) => text?.includes('1 pending') === true,
    );

    // Leave the app: no window of its origin remains, so the service worker must sync alone.
    await page.goto('about:blank');
    await browser.context.setOffline(false);
    const cdp = await browser.context.newCDPSession(page);
    const registrations: Array<{ registrationId: string; scopeURL: string; isDeleted: boolean }> = [];
    cdp.on('ServiceWorker.workerRegistrationUpdated', (event: { registrations: typeof registrations }) => {
      registrations.push(...event.registrations);
    });
    await cdp.send('ServiceWorker.enable');
    const registration = await until(
      async () => registrations.find((r) => r.scopeURL === `${app.url}/` && !r.isDeleted),
      (found) => found !== undefined,
    );
    await cdp.send('ServiceWorker.dispatchSyncEvent', {
      origin: app.url,
      registrationId: registration?.registrationId ?? '',
      tag: 'memos-offline-sync',
      lastChance: false,
    });
    await until(serverMemos, (list) =>
      list.some((m) => m.content === 'written offline, then the tab was closed'),
    );
  });
});
