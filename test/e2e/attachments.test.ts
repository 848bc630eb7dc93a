/**
 * Issue 11 end to end in Debian's Chromium against the production build: a photo attached
 * with the network off is stored with its memo and still there after a reload [F1]; the
 * editor lists it with "Remove attachment {filename}"; a non-image file shows as a link named
 * by its file name; a file larger than the limit is refused before anything is written and
 * the draft is kept; and a file shared from another app (the share target's multipart POST,
 * received by the service worker) lands in the capture box, saved only when the user says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, storedMemos, type TestApp, waitForServiceWorkerControl } from '../helpers/app-harness';
import { launchPersistent, type PersistentBrowser } from '../helpers/chromium';

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

/** A real 2×2 PNG (decodable, so the app makes a thumbnail of it). */
const PNG_2x2 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==',
  'base64',
);

describe('attachments', () => {
  it('[F1] a photo attached with the network off is stored with its memo and survives a reload', async () => {
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      await page.goto(app.url);
      await waitForServiceWorkerControl(page);
      await context.setOffline(true);
      await page.getByRole('textbox', { name: 'New memo' }).fill('Receipt for the boiler #home');
      await page.getByLabel('Attach files').setInputFiles([
        { name: 'receipt.png', mimeType: 'image/png', buffer: PNG_2x2 },
        { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('plain notes') },
      ]);
      await page.getByRole('button', { name: 'Remove attachment receipt.png' }).waitFor();
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const memo = page.getByRole('article').filter({ hasText: 'Receipt for the boiler' });
      await memo.getByRole('img', { name: 'receipt.png' }).waitFor();
      await memo.getByRole('link', { name: 'notes.txt' }).waitFor();

      await page.reload();
      const reloaded = page.getByRole('article').filter({ hasText: 'Receipt for the boiler' });
      await reloaded.getByRole('img', { name: 'receipt.png' }).waitFor();
      const [stored] = await storedMemos(page);
      expect((stored as unknown as { attachments: string[] }).attachments).toHaveLength(2);

      // The editor lists them; removing one and saving leaves the other.
      await reloaded.getByRole('button', { name: 'More' }).first().click();
      await page.getByRole('menuitem', { name: 'Edit' }).click();
      await reloaded.getByRole('button', { name: 'Remove attachment notes.txt' }).click();
      await reloaded.getByRole('button', { name: 'Save', exact: true }).click();
      await reloaded.getByRole('link', { name: 'notes.txt' }).waitFor({ state: 'detached' });
      await reloaded.getByRole('img', { name: 'receipt.png' }).waitFor();
      await context.setOffline(false);
    });
  });

  it('[F1] a photo alone is a memo; a file over the limit is refused before anything is written, the draft kept', async () => {
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      await page.goto(app.url);
      await page.getByLabel('Attach files').setInputFiles([
        { name: 'whiteboard.png', mimeType: 'image/png', buffer: PNG_2x2 },
        // A corrupt image cannot be pictured: it is kept, shown as a file link.
        { name: 'broken.png', mimeType: 'image/png', buffer: Buffer.from('not really a png') },
      ]);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('article').getByRole('img', { name: 'whiteboard.png' }).waitFor();
      await page.getByRole('article').getByRole('link', { name: 'broken.png' }).waitFor();

      await page.getByRole('textbox', { name: 'New memo' }).fill('the big video');
      await page
        .getByLabel('Attach files')
        .setInputFiles([
          { name: 'video.mov', mimeType: 'video/quicktime', buffer: Buffer.alloc(31 * 1024 * 1024) },
        ]);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      expect(await alert.textContent()).toMatch(/video\.mov.*Memos accepts files up to/);
      expect(await page.getByRole('textbox', { name: 'New memo' }).inputValue()).toBe('the big video');
      expect(await storedMemos(page)).toHaveLength(1);
    });
  });

  it('[F1] takes a pasted image in the capture box and a dropped file in the editor; a text paste stays text', async () => {
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      await page.goto(app.url);
      const capture = page.getByRole('textbox', { name: 'New memo' });
      await capture.fill('Whiteboard ');
      // What the browser hands the page for a paste or a drop of files.
      const send = (kind: 'paste' | 'drop', target: string, name: string, type: string, base64: string) =>
        page.evaluate(
          ({ kind, target, name, type, base64 }) => {
            const transfer = new DataTransfer();
            transfer.items.add(
              new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }),
            );
            const element = document.querySelector(`[aria-label="${target}"]`);
            const event =
              kind === 'paste'
                ? new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true })
                : new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true });
            element?.dispatchEvent(event);
            return event.defaultPrevented;
          },
          { kind, target, name, type, base64 },
        );
      expect(await send('paste', 'New memo', 'board.png', 'image/png', PNG_2x2.toString('base64'))).toBe(
        true,
      );
      await page.getByRole('button', { name: 'Remove attachment board.png' }).waitFor();
      // A paste of text only is the textarea's business.
      const textOnly = await capture.evaluate((element) => {
        const transfer = new DataTransfer();
        transfer.setData('text/plain', 'plain words');
        const event = new ClipboardEvent('paste', {
          clipboardData: transfer,
          bubbles: true,
          cancelable: true,
        });
        element.dispatchEvent(event);
        return event.defaultPrevented;
      });
      expect(textOnly).toBe(false);
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      const memo = page.getByRole('article').filter({ hasText: 'Whiteboard' });
      await memo.getByRole('img', { name: 'board.png' }).waitFor();

      await memo.getByRole('button', { name: 'More' }).first().click();
      await page.getByRole('menuitem', { name: 'Edit' }).click();
      await memo.getByRole('textbox', { name: 'Edit memo' }).waitFor();
      const notes = Buffer.from('agenda').toString('base64');
      expect(await send('drop', 'Edit memo', 'agenda.txt', 'text/plain', notes)).toBe(true);
      await memo.getByRole('button', { name: 'Remove attachment agenda.txt' }).waitFor();
      await memo.getByRole('button', { name: 'Save', exact: true }).click();
      await memo.getByRole('link', { name: 'agenda.txt' }).waitFor();
      await memo.getByRole('img', { name: 'board.png' }).waitFor();
      const [stored] = await storedMemos(page);
      expect((stored as unknown as { attachments: string[] }).attachments).toHaveLength(2);

      // [F5] The budget for originals reads as the README says: 500 MB by default.
      await page.getByRole('link', { name: 'Settings' }).click();
      const budget = page.getByRole('spinbutton', { name: /Keep originals offline/ });
      await expect.poll(() => budget.inputValue()).toBe('500');
    });
  });

  it('a file shared from another app lands in the capture box and is saved only when the user says so', async () => {
    await withBrowser(async ({ context }) => {
      const page = await context.newPage();
      await page.goto(app.url);
      await waitForServiceWorkerControl(page);
      // What the OS does for a share: a multipart POST navigation to the share target.
      await page.evaluate((base64) => {
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const transfer = new DataTransfer();
        transfer.items.add(new File([bytes], 'parcel-label.png', { type: 'image/png' }));
        const form = document.createElement('form');
        form.method = 'POST';
        form.action = '/share';
        form.enctype = 'multipart/form-data';
        const title = document.createElement('input');
        title.name = 'title';
        title.value = 'Parcel';
        const files = document.createElement('input');
        files.type = 'file';
        files.name = 'files';
        files.files = transfer.files;
        form.append(title, files);
        document.body.append(form);
        form.submit();
      }, PNG_2x2.toString('base64'));
      await page.waitForURL((url) => url.pathname === '/');
      await page.getByRole('button', { name: 'Remove attachment parcel-label.png' }).waitFor();
      expect(await page.getByRole('textbox', { name: 'New memo' }).inputValue()).toContain('Parcel');
      expect(await storedMemos(page)).toEqual([]);

      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('article').getByRole('img', { name: 'parcel-label.png' }).waitFor();
      expect(await storedMemos(page)).toHaveLength(1);
    });
  });
});
