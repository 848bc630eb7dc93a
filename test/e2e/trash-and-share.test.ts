/**
 * Issue 9 end to end, in Debian's Chromium against the production build: the Trash [R1–R3]
 * (the delete dialog says where a memo goes; "Trash" lists it with "Restore" and "Delete
 * forever"; "Empty trash" asks in a dialog) and the share target, which only fills the
 * capture box: nothing is saved unasked, so a web page linking to /share cannot add memos.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureMemo, startTestApp, storedMemos, type TestApp } from '../helpers/app-harness';
import { launchPersistent, type PersistentBrowser } from '../helpers/chromium';
import { memoAction } from '../helpers/notebook-seed';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app.close();
});

async function withBrowser<T>(work: (browser: PersistentBrowser) => Promise<T>): Promise<T> {
  const browser = await launchPersistent({});
  try {
    return await work(browser);
  } finally {
    await browser.close();
  }
}

describe('the Trash', () => {
  it('[R1][R2][R3] a deleted memo waits in the Trash: Restore brings it back; Delete forever and Empty trash destroy', async () => {
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      await page.goto(app.url);
      await captureMemo(page, 'Keep the receipt for the boiler');
      await captureMemo(page, 'Old parking ticket');
      await captureMemo(page, 'Draft that goes for good');

      for (const text of ['Keep the receipt', 'Old parking ticket', 'Draft that goes']) {
        const memo = page.getByRole('article').filter({ hasText: text });
        await memoAction(page, memo, 'Delete');
        const dialog = page.getByRole('dialog');
        expect(await dialog.textContent()).toContain('Trash');
        await dialog.getByRole('button', { name: 'Delete' }).click();
        await memo.waitFor({ state: 'detached' });
      }
      expect(await page.getByRole('article').count()).toBe(0);

      await page.getByRole('link', { name: 'Trash' }).click();
      await expect.poll(() => page.getByRole('article').count()).toBe(3);
      const receipt = page.getByRole('article').filter({ hasText: 'Keep the receipt' });
      await receipt.getByRole('button', { name: 'Restore' }).click();
      await receipt.waitFor({ state: 'detached' });
      const draft = page.getByRole('article').filter({ hasText: 'Draft that goes' });
      await draft.getByRole('button', { name: 'Delete forever' }).click();
      await expect.poll(() => page.getByRole('article').count()).toBe(1);

      await page.getByRole('button', { name: 'Empty trash' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('button', { name: 'Cancel' }).click();
      expect(await page.getByRole('article').count()).toBe(1);
      await page.getByRole('button', { name: 'Empty trash' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Empty trash' }).click();
      await expect.poll(() => page.getByRole('article').count()).toBe(0);
      await page.getByText('The Trash is empty.').waitFor();

      await page.getByRole('link', { name: 'Timeline' }).click();
      await page.getByRole('article').filter({ hasText: 'Keep the receipt for the boiler' }).waitFor();
      expect((await storedMemos(page)).map((m) => m.content)).toEqual(['Keep the receipt for the boiler']);
    });
  });
});

describe('the share target', () => {
  it('fills the capture box and saves nothing until the user presses Save; a draft is kept', async () => {
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      await page.goto(app.url);
      await page.getByRole('textbox', { name: 'New memo' }).fill('my unfinished draft');
      const query = new URLSearchParams({
        title: 'Recipe',
        text: 'Shared from another app',
        url: 'https://example.com/pasta',
      });
      // As a link on any web page would: a top-level navigation to /share.
      await page.goto(`${app.url}/share?${query.toString()}`);
      const capture = page.getByRole('textbox', { name: 'New memo' });
      await expect.poll(() => capture.inputValue()).toContain('Shared from another app');
      expect(new URL(page.url()).pathname).toBe('/');
      const text = await capture.inputValue();
      expect(text.startsWith('my unfinished draft')).toBe(true);
      expect(text).toContain('https://example.com/pasta');
      expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('New memo');
      expect(await storedMemos(page)).toEqual([]);
      expect(await page.getByRole('article').count()).toBe(0);

      await page.reload();
      await expect.poll(() => capture.inputValue()).toContain('Shared from another app');
      expect(await storedMemos(page)).toEqual([]);

      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const memo = page.getByRole('article').filter({ hasText: 'Shared from another app' });
      await memo.waitFor();
      expect(await page.getByRole('article').count()).toBe(1);
      expect(await capture.inputValue()).toBe('');
    });
  });
});
