/**
 * Issue 2 end to end, in Debian's Chromium against the production build served by our
 * own server: the accessible-name contract, offline capture, reload offline from the
 * service worker, a browser restart with the same profile, hostile Markdown, the 8 KiB
 * limit, export/import, and the "Reload to update" prompt.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  captureMemo,
  startTestApp,
  storedMemos,
  type TestApp,
  waitForServiceWorkerControl,
} from '../helpers/app-harness';
import { launchPersistent, type PersistentBrowser } from '../helpers/chromium';
import { memoAction } from '../helpers/notebook-seed';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

async function withBrowser<T>(
  work: (browser: PersistentBrowser) => Promise<T>,
  userDataDir?: string,
): Promise<T> {
  const browser = await launchPersistent(userDataDir ? { userDataDir } : {});
  try {
    return await work(browser);
  } finally {
    await browser.close();
  }
}

/**
 * Another connection holds the memos store in a read-write transaction (as a long sync write
 * would): the app's writes queue behind it until `releaseMemosStore`.
 */
async function holdMemosStore(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('memos-offline');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('memos', 'readwrite');
          const store = tx.objectStore('memos');
          const w = window as unknown as { releaseWrite?: boolean };
          w.releaseWrite = false;
          const spin = () => {
            if (w.releaseWrite) return;
            store.get('memos/none').onsuccess = spin;
          };
          spin();
          tx.oncomplete = () => open.result.close();
          resolve();
        };
      }),
  );
}

async function releaseMemosStore(page: Page): Promise<void> {
  await page.evaluate(() => {
    (window as unknown as { releaseWrite: boolean }).releaseWrite = true;
  });
}

describe('offline notebook in Chromium', () => {
  it('honours the accessible-name contract for capture, edit, pin, archive, delete, tags and search', async () => {
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      await page.goto(app.url);
      await expect(page.getByRole('status', { name: 'Sync status' }).textContent()).resolves.toContain(
        'Local only',
      );
      const save = page.getByRole('button', { name: 'Save', exact: true });
      expect(await save.isDisabled()).toBe(true);

      await captureMemo(page, 'Buy oat milk #groceries');
      await captureMemo(page, 'Call the plumber about the #home/kitchen sink');
      const milk = page.getByRole('article').filter({ hasText: 'Buy oat milk' });

      await memoAction(page, milk, 'Edit');
      await milk.getByRole('textbox', { name: 'Edit memo' }).fill('Buy oat milk and eggs #groceries');
      await milk.getByRole('button', { name: 'Save' }).click();
      const edited = page.getByRole('article').filter({ hasText: 'Buy oat milk and eggs' });
      await edited.waitFor();

      await memoAction(page, edited, 'Pin');
      await page.getByRole('heading', { name: 'Pinned' }).waitFor();
      await edited.getByRole('button', { name: 'More', exact: true }).click();
      await page.getByRole('menuitem', { name: 'Unpin' }).waitFor();
      await page.keyboard.press('Escape');
      expect(await page.getByRole('article').first().textContent()).toContain('Buy oat milk and eggs');

      await page.getByRole('link', { name: '#home/kitchen' }).click();
      await expect.poll(() => page.getByRole('article').count()).toBe(1);
      await page.getByRole('link', { name: 'Timeline' }).click();

      await page.getByRole('searchbox', { name: 'Search' }).fill('plumbr');
      const results = page.getByRole('region', { name: 'Search results' });
      await expect.poll(() => results.getByRole('article').count()).toBe(1);
      expect(await results.getByRole('article').textContent()).toContain('plumber');
      await page.getByRole('searchbox', { name: 'Search' }).fill('');

      await memoAction(page, edited, 'Archive');
      await expect.poll(() => page.getByRole('article').count()).toBe(1);
      await page.getByRole('link', { name: 'Archived' }).click();
      const archived = page.getByRole('article').filter({ hasText: 'Buy oat milk and eggs' });
      await memoAction(page, archived, 'Restore');
      await expect.poll(() => page.getByRole('article').count()).toBe(0);
      await page.getByRole('link', { name: 'Timeline' }).click();

      const plumber = page.getByRole('article').filter({ hasText: 'plumber' });
      await memoAction(page, plumber, 'Delete');
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await expect.poll(() => page.getByRole('article').count()).toBe(1);

      // `/` focuses search; Ctrl+Enter saves.
      await page.locator('body').click();
      await page.keyboard.press('/');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Search');
      await page.getByRole('textbox', { name: 'New memo' }).fill('saved with the keyboard');
      await page.keyboard.press('Control+Enter');
      await page.getByRole('article').filter({ hasText: 'saved with the keyboard' }).waitFor();

      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByRole('button', { name: 'Export' }).waitFor();
      await page.getByRole('button', { name: 'Import' }).waitFor();
    });
  });

  it('captures with the network off, reloads offline from the service worker, and survives a browser restart', async () => {
    const first = await launchPersistent();
    const userDataDir = first.userDataDir;
    try {
      const page = await first.context.newPage();
      await page.goto(app.url);
      await waitForServiceWorkerControl(page);
      await first.context.setOffline(true);
      await captureMemo(page, 'written on the train with no signal');
      await page.reload();
      await page.getByRole('article').filter({ hasText: 'written on the train' }).waitFor();
      // Ticking a task checkbox updates the memo, offline too.
      await captureMemo(page, '- [ ] pack the charger');
      await page.getByRole('article').filter({ hasText: 'pack the charger' }).getByRole('checkbox').check();
      await expect
        .poll(async () => (await storedMemos(page)).some((m) => m.content === '- [x] pack the charger'))
        .toBe(true);
      await page.reload();
      expect(
        await page
          .getByRole('article')
          .filter({ hasText: 'pack the charger' })
          .getByRole('checkbox')
          .isChecked(),
      ).toBe(true);
    } finally {
      await first.close();
    }
    await app.server.close().catch(() => undefined);
    // The server is gone: the next start is served by the service worker alone.
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      await page.goto(app.url);
      await page.getByRole('article').filter({ hasText: 'written on the train' }).waitFor();
      expect(await page.getByRole('article').count()).toBe(2);
    }, userDataDir);
    app = await startTestApp();
  });

  it('never drops an open edit: merges with a change made in another tab, keeps it when the memo is deleted', async () => {
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      await page.goto(app.url);
      await captureMemo(page, 'Packing list\n\ntent\n\nstove\n\nmap');
      const other = await context.newPage();
      await other.goto(app.url);

      // Tab 1 edits the first item while tab 2 (another device, as far as this editor knows)
      // changes the last one and saves first.
      const card = page.getByRole('article').filter({ hasText: 'Packing list' });
      await memoAction(page, card, 'Edit');
      const editor = card.getByRole('textbox', { name: 'Edit memo' });
      await editor.fill('Packing list\n\ntent and pegs\n\nstove\n\nmap');
      const otherCard = other.getByRole('article').filter({ hasText: 'Packing list' });
      await memoAction(other, otherCard, 'Edit');
      await otherCard
        .getByRole('textbox', { name: 'Edit memo' })
        .fill('Packing list\n\ntent\n\nstove\n\nmap and compass');
      await otherCard.getByRole('button', { name: 'Save' }).click();
      await other.getByText('map and compass').waitFor();
      await card.getByRole('button', { name: 'Save' }).click();
      await page.getByText(/both edits were merged/).waitFor();
      await expect
        .poll(async () => (await storedMemos(page)).map((m) => m.content))
        .toEqual(['Packing list\n\ntent and pegs\n\nstove\n\nmap and compass']);

      // Tab 1 is editing when tab 2 deletes the memo: the unsaved text becomes a new memo.
      await memoAction(page, card, 'Edit');
      await editor.fill('Packing list, final: tent, stove, map, compass, headlamp');
      const doomed = other.getByRole('article').filter({ hasText: 'Packing list' });
      await memoAction(other, doomed, 'Delete');
      await other.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await page.getByText(/deleted elsewhere; your edit was saved as a new memo/).waitFor();
      await expect
        .poll(async () => (await storedMemos(page)).map((m) => m.content))
        .toEqual(['Packing list, final: tent, stove, map, compass, headlamp']);
      await other.close();
    });
  });

  it('renders 40 hostile Markdown payloads inert', async () => {
    const payloads = (
      JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/xss/payloads.json'), 'utf8')) as {
        payloads: string[];
      }
    ).payloads;
    expect(payloads.length).toBeGreaterThanOrEqual(30);
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(app.url);
      for (const payload of payloads) {
        await page.getByRole('textbox', { name: 'New memo' }).fill(payload);
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await expect.poll(() => page.getByRole('textbox', { name: 'New memo' }).inputValue()).toBe('');
      }
      await expect.poll(() => page.getByRole('article').count()).toBe(payloads.length);
      // Give event handlers, lazy images and timers a chance to fire, then hover and click links.
      await page.mouse.move(300, 300);
      await page.waitForTimeout(500);
      const report = await page.evaluate(() => {
        const bodies = [...document.querySelectorAll('article .memo-body')];
        const bad: string[] = [];
        for (const body of bodies) {
          for (const element of body.querySelectorAll('*')) {
            const tag = element.tagName.toLowerCase();
            if (
              [
                'script',
                'iframe',
                'object',
                'embed',
                'svg',
                'math',
                'style',
                'form',
                'base',
                'meta',
                'link',
                'template',
              ].includes(tag)
            )
              bad.push(`<${tag}>`);
            for (const attr of element.getAttributeNames()) {
              if (attr.startsWith('on') || attr === 'style' || attr === 'srcdoc' || attr === 'formaction')
                bad.push(`${tag}[${attr}]`);
              const value = element.getAttribute(attr) ?? '';
              if (/^\s*(javascript|vbscript|data:text)/i.test(value))
                bad.push(`${tag}[${attr}=${value.slice(0, 30)}]`);
            }
          }
        }
        return { executed: (window as unknown as { __xss?: unknown }).__xss ?? null, bad };
      });
      expect(report).toEqual({ executed: null, bad: [] });
      for (const link of await page.locator('article .memo-body a').all())
        await link.click({ modifiers: ['Alt'] }).catch(() => undefined);
      expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss ?? null)).toBeNull();
      expect(dialogs).toEqual([]);
    });
  });

  it('shows a capture at once and takes the next one while a slow write is still committing', async () => {
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      await page.goto(app.url);
      const box = page.getByRole('textbox', { name: 'New memo' });
      await box.waitFor();
      await holdMemosStore(page);
      const save = page.getByRole('button', { name: 'Save', exact: true });
      await box.fill('first while the store is busy');
      await save.click();
      await page.getByRole('article').filter({ hasText: 'first while the store is busy' }).waitFor();
      expect(await box.inputValue()).toBe('');
      await box.fill('second while the store is busy');
      expect(await save.isEnabled()).toBe(true);
      await save.click();
      await page.getByRole('article').filter({ hasText: 'second while the store is busy' }).waitFor();
      expect(await box.inputValue()).toBe('');
      await releaseMemosStore(page);
      await expect
        .poll(async () => (await storedMemos(page)).map((memo) => memo.content).sort(), { timeout: 15_000 })
        .toEqual(['first while the store is busy', 'second while the store is busy']);
      await page.reload();
      await page.getByRole('article').filter({ hasText: 'second while the store is busy' }).waitFor();
      expect(await page.getByRole('article').count()).toBe(2);
      expect(await page.getByRole('textbox', { name: 'New memo' }).inputValue()).toBe('');
    });
  });

  it('puts a capture whose write failed back in the box, ahead of the next memo typed meanwhile', async () => {
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      await page.goto(app.url);
      const box = page.getByRole('textbox', { name: 'New memo' });
      await box.waitFor();
      // Storage is full (a 1-byte quota), and the write waits behind another one.
      const cdp = await context.newCDPSession(page);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: app.url, quotaSize: 1 });
      await holdMemosStore(page);
      // Large enough that the quota refuses it (as in the storage-full test below).
      const failing = `the memo that will not fit ${'x'.repeat(6000)}`;
      await box.fill(failing);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('article').filter({ hasText: 'the memo that will not fit' }).waitFor();
      expect(await box.inputValue()).toBe('');
      await box.fill('the next thought');
      await releaseMemosStore(page);
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/run out of storage/);
      expect(await box.inputValue()).toBe(`${failing}\n\nthe next thought`);
      expect(await page.getByRole('article').count()).toBe(0);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: app.url });
    });
  });

  it('refuses a memo over 8 KiB of UTF-8 with a message naming the limit, keeping the draft', async () => {
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      await page.goto(app.url);
      const text = 'é'.repeat(4200); // 4,200 characters, 8,400 bytes
      await page.getByRole('textbox', { name: 'New memo' }).fill(text);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/8,192 bytes/);
      expect(await page.getByRole('textbox', { name: 'New memo' }).inputValue()).toBe(text);
      expect(await page.getByRole('article').count()).toBe(0);
      await page.reload();
      expect(await page.getByRole('textbox', { name: 'New memo' }).inputValue()).toBe(text);
    });
  });

  it('survives a 1 MB paste in the capture box and in search', async () => {
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      await page.goto(app.url);
      await captureMemo(page, 'a small memo about lorem');
      const huge = 'lorem ipsum dolor sit amet '.repeat(40_000); // about 1 MB
      await page.getByRole('textbox', { name: 'New memo' }).fill(huge);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      expect(await page.getByRole('alert').textContent()).toMatch(/8,192 bytes/);
      await page.getByRole('textbox', { name: 'New memo' }).fill('');
      await page.getByRole('searchbox', { name: 'Search' }).fill(huge);
      const region = page.getByRole('region', { name: 'Search results' });
      await region.waitFor();
      await expect.poll(async () => (await region.textContent()) ?? '').toMatch(/result|No memos match/);
      await page.getByRole('searchbox', { name: 'Search' }).fill('');
      expect(await page.getByRole('article').count()).toBe(1);
    });
  });

  it('says clearly when storage is full, keeps the draft, and shows storage in Settings', async () => {
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      await page.goto(app.url);
      await page.getByRole('textbox', { name: 'New memo' }).waitFor();
      // A 1-byte quota for this origin (before the app asks for persistent storage).
      const cdp = await context.newCDPSession(page);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: app.url, quotaSize: 1 });
      const draft = `a long note that does not fit ${'x'.repeat(6000)}`;
      await page.getByRole('textbox', { name: 'New memo' }).fill(draft);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/run out of storage.*draft is kept/);
      expect(await page.getByRole('textbox', { name: 'New memo' }).inputValue()).toBe(draft);
      expect(await page.getByRole('article').count()).toBe(0);
      await cdp.send('Storage.overrideQuotaForOrigin', { origin: app.url });
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect.poll(() => page.getByRole('article').count()).toBe(1);
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByText(/Used/).waitFor();
      expect(await page.getByRole('region', { name: 'Storage on this device' }).textContent()).toMatch(
        /Persistent/,
      );
    });
  });

  it('exports every memo as JSON and imports it idempotently; a malformed file changes nothing', async () => {
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      await page.goto(app.url);
      await captureMemo(page, 'first exported memo #backup');
      await captureMemo(page, 'second exported memo');
      await page.getByRole('link', { name: 'Settings' }).click();
      const downloadPromise = page.waitForEvent('download');
      await page.getByRole('button', { name: 'Export' }).click();
      const download = await downloadPromise;
      const path = await download.path();
      const exported = JSON.parse(readFileSync(path, 'utf8')) as {
        format: string;
        memos: Array<{ content: string }>;
      };
      expect(exported.format).toBe('memos-offline-export');
      expect(exported.memos.map((m) => m.content).sort()).toEqual([
        'first exported memo #backup',
        'second exported memo',
      ]);

      const importFile = async (name: string, buffer: Buffer) => {
        const chooser = page.waitForEvent('filechooser');
        await page.getByRole('button', { name: 'Import' }).click();
        await (await chooser).setFiles({ name, mimeType: 'application/json', buffer });
      };
      await importFile('backup.json', readFileSync(path));
      await page.getByText(/Imported backup\.json: 0 new, 0 updated, 2 already here/).waitFor();
      await importFile('broken.json', Buffer.from('{"memos": [{"name": "memos/x", "content": ""}]}'));
      await page.getByRole('alert').filter({ hasText: 'Nothing was imported' }).waitFor();
      await page.getByRole('link', { name: 'Timeline' }).click();
      expect(await page.getByRole('article').count()).toBe(2);
    });
  });

  it('shows "Reload to update" for a new version and keeps the draft across the reload', async () => {
    const first = await startTestApp({ copyDist: true });
    let own = first;
    try {
      await withBrowser(async ({ context }) => {
        const page = await context.newPage();
        await page.goto(own.url);
        await waitForServiceWorkerControl(page);
        await page.getByRole('textbox', { name: 'New memo' }).fill('half-written thought');
        // A new release: the files change and the server restarts (sirv caches file stats).
        const port = own.server.port;
        await own.server.close();
        appendFileSync(join(own.distDir, 'sw.js'), '\n// a new release\n');
        own = await startTestApp({ distDir: own.distDir, port });
        await page.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration();
          await registration?.update();
        });
        const reload = page.getByRole('button', { name: 'Reload to update' });
        await reload.waitFor({ timeout: 30_000 });
        await Promise.all([page.waitForEvent('load'), reload.click()]);
        await page.getByRole('textbox', { name: 'New memo' }).waitFor();
        expect(await page.getByRole('textbox', { name: 'New memo' }).inputValue()).toBe(
          'half-written thought',
        );
        expect(await page.getByRole('button', { name: 'Reload to update' }).count()).toBe(0);
      });
    } finally {
      await own.close();
      if (own !== first) await first.close().catch(() => undefined);
    }
  });
});
