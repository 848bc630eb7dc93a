/**
 * Issue 12 end to end, in Chromium against the production build: density (memos per
 * screen at phone and desktop sizes), the "More" menu, notices with "Undo" that go through
 * the normal edit path, folding of long memos, focus going back where it came from, the
 * tag tree's counts matching its filter, task lines, opening a memo by its text, and the
 * messages that used to be wrong.
 */
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, storedMemos, type TestApp } from '../helpers/app-harness';
import { launchBrowser } from '../helpers/chromium';
import { memoAction, type SeedMemo, seedNotebook } from '../helpers/notebook-seed';

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };

let app: TestApp;
let browser: Browser;
beforeAll(async () => {
  app = await startTestApp();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function withPage<T>(
  viewport: { width: number; height: number },
  work: (page: Page, context: BrowserContext) => Promise<T>,
): Promise<T> {
  const context = await browser.newContext({ viewport });
  try {
    return await work(await context.newPage(), context);
  } finally {
    await context.close();
  }
}

const article = (page: Page, text: string): Locator => page.getByRole('article').filter({ hasText: text });
const status = (page: Page) => page.locator('.toast-region[role="status"]');

/** Articles whose box lies entirely inside the viewport. */
async function articlesOnScreen(page: Page): Promise<number> {
  return page.evaluate(() => {
    const height = window.innerHeight;
    const width = window.innerWidth;
    return [...document.querySelectorAll('article')].filter((element) => {
      const box = element.getBoundingClientRect();
      return box.height > 0 && box.top >= 0 && box.left >= 0 && box.bottom <= height && box.right <= width;
    }).length;
  });
}

async function readyTimeline(page: Page): Promise<void> {
  await page.goto(app.url);
  await page.locator('.app[data-notebook-ready="true"]').waitFor();
  await page.getByRole('article').first().waitFor();
}

const shortMemos = (count: number): SeedMemo[] =>
  Array.from({ length: count }, (_, i) => ({ content: `Short memo number ${i + 1}`, ageMinutes: 10 + i }));

describe('density', () => {
  it('shows at least 5 short memos on a 390×844 screen and at least 7 at 1280×800', async () => {
    const figures: Record<string, number> = {};
    for (const [size, viewport, minimum] of [
      ['phone', PHONE, 5],
      ['desktop', DESKTOP, 7],
    ] as const) {
      await withPage(viewport, async (page) => {
        await seedNotebook(page, app.url, shortMemos(20));
        await readyTimeline(page);
        await page.waitForTimeout(300); // fonts and the first layout of every card
        figures[size] = await articlesOnScreen(page);
        expect(figures[size]).toBeGreaterThanOrEqual(minimum);
      });
    }
    console.log(`[density] short memos fully on the first screen: ${JSON.stringify(figures)}`);
  });

  it('on a phone: a slim header with the name and sync status, no keyboard hints, 44 px tap targets, no visibility while local only', async () => {
    await withPage(PHONE, async (page) => {
      await seedNotebook(page, app.url);
      await readyTimeline(page);
      const header = await page.locator('header.app-header').boundingBox();
      expect(header?.height ?? 999).toBeLessThanOrEqual(60);
      expect(await page.locator('header.app-header').textContent()).toContain('Memos Offline');
      expect(await page.getByRole('status', { name: 'Sync status' }).isVisible()).toBe(true);
      const first = await page.getByRole('article').first().boundingBox();
      expect((first?.y ?? 999) + (first?.height ?? 0)).toBeLessThan(PHONE.height);
      for (const name of ['New memo']) {
        const placeholder = await page.getByRole('textbox', { name }).getAttribute('placeholder');
        expect(placeholder).not.toMatch(/Ctrl|\( \/ \)/);
      }
      expect(await page.getByRole('searchbox', { name: 'Search' }).getAttribute('placeholder')).not.toMatch(
        /\//,
      );
      const small = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('button, a[href], input, select, textarea')]
          // Visually hidden controls (the file input behind "Attach") are not tap targets.
          .filter(
            (element) =>
              element.closest('.memo-body') === null && !element.matches('.skip-link, .visually-hidden'),
          )
          .filter((element) => {
            const box = element.getBoundingClientRect();
            const style = getComputedStyle(element);
            return box.width > 0 && style.visibility !== 'hidden' && box.bottom > 0 && box.top < innerHeight;
          })
          .filter((element) => {
            const box = element.getBoundingClientRect();
            return box.height < 44 || box.width < 44;
          })
          .map((element) => `${element.tagName} ${element.textContent?.trim().slice(0, 20)}`),
      );
      expect(small).toEqual([]);
      expect(await page.getByRole('combobox', { name: 'Visibility' }).count()).toBe(0);
      await page.getByRole('textbox', { name: 'New memo' }).click();
      expect(await page.getByRole('combobox', { name: 'Visibility' }).count()).toBe(0);
      expect(await page.locator('article .badge').filter({ hasText: 'Private' }).count()).toBe(0);
    });
  });

  it('groups memos under "Pinned" and one heading per day; the capture box grows while used', async () => {
    await withPage(DESKTOP, async (page) => {
      await seedNotebook(page, app.url);
      await readyTimeline(page);
      const headings = await page.locator('.memo-list h3').allTextContents();
      expect(headings.slice(0, 3)).toEqual(['Pinned', 'Today', 'Yesterday']);
      const capture = page.getByRole('textbox', { name: 'New memo' });
      const collapsed = (await capture.boundingBox())?.height ?? 0;
      await capture.click();
      await capture.fill('one\ntwo\nthree\nfour\nfive\nsix');
      const grown = (await capture.boundingBox())?.height ?? 0;
      expect(grown).toBeGreaterThan(collapsed * 2);
    });
  });
});

describe('feedback and undo', () => {
  it('reports Archive, Pin, Delete, a task tick and an edit with "Undo", which reverses each through the normal edit path', async () => {
    await withPage(DESKTOP, async (page) => {
      await seedNotebook(page, app.url);
      await readyTimeline(page);
      const undo = () => status(page).getByRole('button', { name: 'Undo' });

      // Archive, then Undo: back in the timeline, stored as NORMAL.
      await memoAction(page, article(page, 'Book club'), 'Archive');
      await status(page).getByText('Archived.').waitFor();
      await article(page, 'Book club').waitFor({ state: 'detached' });
      await undo().click();
      await article(page, 'Book club').waitFor();
      await status(page).getByText('Undone.').waitFor();
      expect((await storedMemos(page)).find((m) => m.content.startsWith('Book club'))?.state).toBe('NORMAL');

      // Pin, then Undo.
      await memoAction(page, article(page, 'Buy oat milk'), 'Pin');
      await status(page).getByText('Pinned.').waitFor();
      await undo().click();
      await expect
        .poll(async () => (await storedMemos(page)).find((m) => m.content.startsWith('Buy oat milk'))?.pinned)
        .toBe(false);

      // Delete: the dialog, then the Trash, then Undo restores it from the Trash.
      await memoAction(page, article(page, 'Idea: a small shelf'), 'Delete');
      await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
      await status(page)
        .getByText(/Moved to the Trash/)
        .waitFor();
      await article(page, 'Idea: a small shelf').waitFor({ state: 'detached' });
      // Undo stays offered for at least 5 seconds.
      await page.waitForTimeout(5_200);
      expect(await undo().isVisible()).toBe(true);
      await undo().click();
      await article(page, 'Idea: a small shelf').waitFor();
      await page.getByRole('link', { name: 'Trash' }).click();
      await page.getByText('The Trash is empty.').waitFor();
      await page.getByRole('link', { name: 'Timeline' }).click();

      // A task tick (by its line's text), then Undo.
      await article(page, 'renew car insurance')
        .getByText('renew car insurance')
        .click({ position: { x: 40, y: 8 } });
      await status(page).getByText('Task done.').waitFor();
      await expect
        .poll(async () => (await storedMemos(page)).some((m) => m.content.startsWith('- [x] renew car')))
        .toBe(true);
      await undo().click();
      await expect
        .poll(async () => (await storedMemos(page)).some((m) => m.content.startsWith('- [ ] renew car')))
        .toBe(true);

      // An edit, then Undo: the previous text comes back as a new edit.
      await memoAction(page, article(page, 'Buy oat milk'), 'Edit');
      await page.getByRole('textbox', { name: 'Edit memo' }).fill('Buy oat milk and bread #groceries');
      await article(page, 'Buy oat milk').getByRole('button', { name: 'Save' }).click();
      await status(page).getByText('Saved.').waitFor();
      await undo().click();
      await article(page, 'Buy oat milk, eggs and coffee').waitFor();
      expect((await storedMemos(page)).map((m) => m.content)).toContain(
        'Buy oat milk, eggs and coffee #groceries',
      );
    });
  });

  it('shows one notice at a time: a new one replaces the last', async () => {
    await withPage(DESKTOP, async (page) => {
      await seedNotebook(page, app.url);
      await readyTimeline(page);
      await memoAction(page, article(page, 'Book club'), 'Pin');
      await status(page).getByText('Pinned.').waitFor();
      await memoAction(page, article(page, 'Passport renewal'), 'Archive');
      await status(page).getByText('Archived.').waitFor();
      expect(await status(page).locator('.toast').count()).toBe(1);
      expect(await status(page).textContent()).not.toContain('Pinned.');
    });
  });
});

describe('folding', () => {
  it('folds a long memo after about ten lines with "Show more", then "Show less"; short memos do not fold', async () => {
    await withPage(DESKTOP, async (page) => {
      const long = Array.from({ length: 30 }, (_, i) => `line ${i + 1} of a long memo`).join('\n');
      await seedNotebook(page, app.url, [
        { content: long, ageMinutes: 5 },
        { content: 'A short memo', ageMinutes: 6 },
      ]);
      await readyTimeline(page);
      const memo = article(page, 'line 1 of a long memo');
      const body = memo.locator('.memo-body');
      const more = memo.getByRole('button', { name: 'Show more' });
      await more.waitFor();
      const folded = (await body.boundingBox())?.height ?? 0;
      const lineHeight = await body.evaluate((element) =>
        Number.parseFloat(getComputedStyle(element).lineHeight),
      );
      expect(folded).toBeGreaterThan(lineHeight * 8);
      expect(folded).toBeLessThan(lineHeight * 13);
      expect(await memo.getByText('line 30 of a long memo').isVisible()).toBe(true); // in the DOM, clipped
      await more.click();
      const less = memo.getByRole('button', { name: 'Show less' });
      await less.waitFor();
      expect((await body.boundingBox())?.height ?? 0).toBeGreaterThan(lineHeight * 28);
      await less.click();
      await memo.getByRole('button', { name: 'Show more' }).waitFor();
      expect((await body.boundingBox())?.height ?? 0).toBeLessThan(lineHeight * 13);
      expect(
        await article(page, 'A short memo')
          .getByRole('button', { name: /Show (more|less)/ })
          .count(),
      ).toBe(0);
    });
  });

  it('keeps headings inside memos no larger than the page titles', async () => {
    await withPage(DESKTOP, async (page) => {
      await seedNotebook(page, app.url, [{ content: '# A very big heading\ntext', ageMinutes: 5 }]);
      await page.goto(`${app.url}/settings`);
      const title = await page
        .getByRole('heading', { name: 'Settings' })
        .evaluate((element) => Number.parseFloat(getComputedStyle(element).fontSize));
      await readyTimeline(page);
      const heading = await page
        .locator('article .memo-body h1')
        .evaluate((element) => Number.parseFloat(getComputedStyle(element).fontSize));
      expect(heading).toBeLessThanOrEqual(title);
    });
  });
});

describe('focus', () => {
  it('goes back to "More" when its menu, the editor or the delete dialog closes', async () => {
    await withPage(DESKTOP, async (page) => {
      await seedNotebook(page, app.url);
      await readyTimeline(page);
      const memo = article(page, 'Buy oat milk');
      const more = memo.getByRole('button', { name: 'More', exact: true });
      const focusedIsMore = () =>
        more.evaluate((element) => element === document.activeElement && element.textContent === 'More');

      await more.click();
      await page.getByRole('menu').waitFor();
      await page.keyboard.press('Escape');
      await expect.poll(focusedIsMore).toBe(true);

      await memoAction(page, memo, 'Edit');
      await memo.getByRole('textbox', { name: 'Edit memo' }).press('Escape');
      await expect.poll(focusedIsMore).toBe(true);

      await memoAction(page, memo, 'Delete');
      await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(focusedIsMore).toBe(true);

      // Keyboard only: Enter opens the menu, arrows move, Enter chooses.
      await page.keyboard.press('Enter');
      await page.getByRole('menu').waitFor();
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await status(page).getByText('Pinned.').waitFor();
    });
  });

  it('starts with "Skip to content", and reaches Search and "New memo" before the tags', async () => {
    await withPage(DESKTOP, async (page) => {
      await seedNotebook(page, app.url);
      await readyTimeline(page);
      const order: string[] = [];
      for (let i = 0; i < 200; i++) {
        await page.keyboard.press('Tab');
        const name = await page.evaluate(() => {
          const active = document.activeElement as HTMLElement | null;
          const label = active?.getAttribute('aria-label') ?? active?.textContent?.trim() ?? '';
          return active?.closest('nav[aria-label="Tags"]') ? `tag:${label}` : label;
        });
        order.push(name);
        if (name.startsWith('tag:')) break;
      }
      expect(order[0]).toBe('Skip to content');
      const firstTag = order.findIndex((name) => name.startsWith('tag:'));
      expect(firstTag).toBeGreaterThan(0);
      expect(order.indexOf('Search')).toBeGreaterThan(0);
      expect(order.indexOf('Search')).toBeLessThan(firstTag);
      expect(order.indexOf('New memo')).toBeGreaterThan(order.indexOf('Search'));
      expect(order.indexOf('New memo')).toBeLessThan(firstTag);
    });
  });
});

describe('tags', () => {
  it('shows #home with garden under it, counted as its filter shows them; dates apart; a Tags page', async () => {
    await withPage(DESKTOP, async (page) => {
      await seedNotebook(page, app.url, [
        { content: 'Fix the gate #home', ageMinutes: 1 },
        { content: 'Paint the fence #home', ageMinutes: 2 },
        { content: 'Water the tomatoes #home/garden', ageMinutes: 3 },
        { content: 'Prune the roses #home/garden #home', ageMinutes: 4 },
        { content: 'Standup notes #2024-01-15', ageMinutes: 5 },
      ]);
      await readyTimeline(page);
      const tags = page.getByRole('navigation', { name: 'Tags' });
      const countOf = async (tag: string) =>
        Number(
          await tags
            .getByRole('link', { name: tag, exact: true })
            .locator('xpath=following-sibling::*[contains(@class, "count")]')
            .textContent(),
        );
      expect(await countOf('#home')).toBe(4);
      expect(await countOf('#home/garden')).toBe(2);
      expect(await tags.getByRole('link', { name: '#home/garden', exact: true }).textContent()).toBe(
        'garden',
      );
      expect(await tags.getByRole('heading', { name: 'Dates' }).isVisible()).toBe(true);
      expect(await countOf('#2024-01-15')).toBe(1);

      await tags.getByRole('link', { name: '#home', exact: true }).click();
      await expect.poll(() => page.getByRole('article').count()).toBe(4);
      await page.getByText('Showing #home').waitFor();
      await tags.getByRole('link', { name: '#home/garden', exact: true }).click();
      await expect.poll(() => page.getByRole('article').count()).toBe(2);

      await tags.getByRole('link', { name: 'All tags' }).click();
      await page.getByRole('heading', { name: 'Tags', exact: true }).waitFor();
      const main = page.getByRole('main');
      expect(await main.getByRole('link', { name: '#home', exact: true }).isVisible()).toBe(true);
      expect(await main.getByRole('heading', { name: 'Dates' }).isVisible()).toBe(true);
    });
  });

  it('suggests existing tags after # in the capture box', async () => {
    await withPage(DESKTOP, async (page) => {
      await seedNotebook(page, app.url);
      await readyTimeline(page);
      const capture = page.getByRole('textbox', { name: 'New memo' });
      await capture.click();
      await page.keyboard.type('Plant bulbs #ho');
      const list = page.getByRole('listbox', { name: 'Tag suggestions' });
      await list.getByRole('option', { name: '#home', exact: true }).waitFor();
      await page.keyboard.press('Enter');
      expect(await capture.inputValue()).toBe('Plant bulbs #home ');
      expect(await list.count()).toBe(0);
    });
  });
});

describe('memos and their page', () => {
  it('ticks a task by its whole line and strikes it through; opens a memo by its text', async () => {
    await withPage(PHONE, async (page) => {
      await seedNotebook(page, app.url);
      await readyTimeline(page);
      const tasks = article(page, 'renew car insurance');
      const box = tasks.getByRole('checkbox', { name: 'renew car insurance' });
      expect(await box.isChecked()).toBe(false);
      await tasks.getByText('renew car insurance').click({ position: { x: 40, y: 8 } });
      await expect.poll(() => box.isChecked()).toBe(true);
      // The tick is saved, then the memo re-renders with the line struck through.
      await expect
        .poll(() =>
          box.evaluate((element) => getComputedStyle(element.closest('li') ?? element).textDecorationLine),
        )
        .toContain('line-through');
      expect(page.url()).toBe(`${app.url}/`);

      await article(page, 'Water the tomatoes')
        .getByText('Water the tomatoes')
        .click({ position: { x: 8, y: 8 } });
      await page.waitForURL(/\/memo\//);
      await page.getByRole('link', { name: 'Back' }).waitFor();
      expect(await page.locator('.memo-dates').textContent()).toMatch(/\d{4}/);
      await page.getByRole('link', { name: 'Back' }).click();
      await page.waitForURL(`${app.url}/`);
    });
  });
});

describe('messages', () => {
  it('words a malformed import as an import problem, without parser text', async () => {
    await withPage(DESKTOP, async (page) => {
      await page.goto(`${app.url}/settings`);
      const chooser = page.waitForEvent('filechooser');
      await page.getByRole('button', { name: 'Import' }).click();
      await (await chooser).setFiles({
        name: 'bad1.json',
        mimeType: 'application/json',
        buffer: Buffer.from('{"memos": [oops'),
      });
      const alert = page.getByRole('alert').filter({ hasText: 'Nothing was imported' });
      await alert.waitFor();
      const text = (await alert.textContent()) ?? '';
      expect(text).toContain('bad1.json is not a Memos Offline export');
      expect(text).not.toMatch(/could not be saved|draft|JSON\.parse|Unexpected|position|\.\./);
    });
  });

  it('says the app was started without a Memos server when Server URL is empty and MEMOS_URL is not set', async () => {
    await withPage(DESKTOP, async (page) => {
      await page.goto(`${app.url}/settings`);
      await page.getByRole('textbox', { name: 'Access token' }).fill('memos_pat_example');
      await page.getByRole('button', { name: 'Connect' }).click();
      const alert = page.getByRole('alert').filter({ hasText: 'Memos server' });
      await alert.waitFor();
      const text = (await alert.textContent()) ?? '';
      expect(text).toContain('started without a Memos server');
      expect(text).toContain('MEMOS_URL');
      expect(text).not.toContain('unsupported Memos version');
    });
  });
});

describe('Settings', () => {
  it('has sections with headings and a theme choice applied to the page and kept across reloads', async () => {
    await withPage(DESKTOP, async (page) => {
      await page.goto(`${app.url}/settings`);
      for (const name of ['Memos server', 'Search by meaning', 'Storage', 'Backup', 'Appearance', 'About'])
        expect(await page.getByRole('region', { name }).isVisible()).toBe(true);
      expect(await page.getByRole('region', { name: 'About' }).textContent()).toMatch(/\d+\.\d+\.\d+/);
      await page.getByRole('radio', { name: 'Dark' }).check();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      const background = () =>
        page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
      const dark = await background();
      await page.reload();
      await page.getByRole('heading', { name: 'Appearance' }).waitFor();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      expect(await background()).toBe(dark);
      await page.getByRole('radio', { name: 'Light' }).check();
      expect(await background()).not.toBe(dark);
      await page.getByRole('radio', { name: 'System' }).check();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined();
    });
  });
});
