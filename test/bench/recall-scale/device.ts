/**
 * One fresh device of the recall-scale benchmark: a new Chromium profile on the production
 * app, connected to Memos through the app's origin with a token, and what can be read from
 * outside while it works: its notebook and embedding counts (from its IndexedDB), whether
 * indexing is idle (the progress line is hidden), and the CPU seconds of its whole Chromium
 * process tree (renderer and workers included).
 */
import type { Page } from 'playwright-core';
import { launchPersistent, type PersistentBrowser } from '../../helpers/chromium';
import { findProcess, treeCpuSeconds } from './proc';

export interface DeviceCounts {
  memos: number;
  /** memos with stored vectors */
  docs: number;
  synced: boolean;
  /** the progress line (download, indexing) is hidden */
  idle: boolean;
}

export interface BenchDevice {
  page: Page;
  /** warnings and errors the page and its workers printed (diagnostics) */
  console: string[];
  cpuSeconds(): number;
  counts(): Promise<DeviceCounts>;
  /** where the stored vectors came from (a full pass over the rows: call at the end) */
  sources(): Promise<{ device: number; server: number }>;
  dispose(): Promise<void>;
}

export async function openDevice(url: string): Promise<BenchDevice> {
  const browser: PersistentBrowser = await launchPersistent();
  const pid = findProcess(`--user-data-dir=${browser.userDataDir}`);
  if (pid === undefined) throw new Error('could not find the Chromium process of the profile');
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const messages: string[] = [];
  const keep = (type: string, text: string) => {
    if ((type === 'warning' || type === 'error') && messages.length < 50) messages.push(text.slice(0, 300));
  };
  page.on('console', (message) => keep(message.type(), message.text()));
  page.on('worker', (worker) => worker.on('console', (message) => keep(message.type(), message.text())));
  await page.goto(url);
  await page.getByRole('textbox', { name: 'New memo' }).waitFor({ timeout: 120_000 });
  return {
    page,
    console: messages,
    cpuSeconds: () => treeCpuSeconds(pid),
    async counts() {
      const [stored, synced, busy] = await Promise.all([
        page.evaluate(
          () =>
            new Promise<{ memos: number; docs: number }>((resolve, reject) => {
              const open = indexedDB.open('memos-offline');
              open.onerror = () => reject(open.error);
              open.onsuccess = () => {
                const db = open.result;
                const names = ['memos', 'recallDocs'].filter((n) => db.objectStoreNames.contains(n));
                if (names.length < 2) {
                  db.close();
                  resolve({ memos: 0, docs: 0 });
                  return;
                }
                const tx = db.transaction(names, 'readonly');
                const memos = tx.objectStore('memos').count();
                const docs = tx.objectStore('recallDocs').count();
                tx.oncomplete = () => {
                  db.close();
                  resolve({ memos: memos.result, docs: docs.result });
                };
                tx.onerror = () => reject(tx.error);
              };
            }),
        ),
        page
          .getByRole('status', { name: 'Sync status' })
          .textContent()
          .then((text) => text?.startsWith('Synced') === true),
        page.locator('.recall-progress').count(),
      ]);
      return { ...stored, synced, idle: busy === 0 };
    },
    sources: () =>
      page.evaluate(
        () =>
          new Promise<{ device: number; server: number }>((resolve, reject) => {
            const open = indexedDB.open('memos-offline');
            open.onerror = () => reject(open.error);
            open.onsuccess = () => {
              const counts = { device: 0, server: 0 };
              const tx = open.result.transaction('recallDocs', 'readonly');
              const cursor = tx.objectStore('recallDocs').openCursor();
              cursor.onsuccess = () => {
                const row = cursor.result;
                if (!row) return;
                counts[(row.value as { source?: 'device' | 'server' }).source ?? 'device']++;
                row.continue();
              };
              tx.oncomplete = () => {
                open.result.close();
                resolve(counts);
              };
              tx.onerror = () => reject(tx.error);
            };
          }),
      ),
    dispose: () => browser.dispose(),
  };
}

/** Settings → Memos server: the token, Connect (Server URL empty: this app's origin). */
export async function connect(page: Page, token: string): Promise<void> {
  await page.getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('textbox', { name: 'Access token' }).fill(token);
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByText(/Signed in as/).waitFor({ timeout: 60_000 });
  await page.getByRole('link', { name: 'Timeline' }).click();
}
