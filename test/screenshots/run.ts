/**
 * `npm run screenshots`: builds the app, serves it on loopback, seeds a realistic notebook
 * (test/helpers/notebook-seed.ts) in a fresh Chromium profile per size and theme, and
 * writes PNGs of every screen at phone (390×844) and desktop (1280×800) sizes, in light
 * and dark, to `screenshots/` (ignored by git), so anyone can look at the app as a person
 * would. `--only=trash,settings` limits the screens. Screens run in order on one profile;
 * the destructive ones come last.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT, startTestApp, type TestApp } from '../helpers/app-harness';
import { launchBrowser } from '../helpers/chromium';
import { type MemosInstance, startMemos } from '../helpers/memos-instance';
import { memoAction, seedNotebook } from '../helpers/notebook-seed';

const OUT = join(REPO_ROOT, 'screenshots');
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;
const THEMES = ['light', 'dark'] as const;

interface Screen {
  name: string;
  /** Brings the page to the screen (the notebook is already seeded). */
  show(page: Page, app: TestApp): Promise<void>;
  /** Undoes what the screen left behind that would show on the next ones. */
  after?(page: Page): Promise<void>;
}

const memo = (page: Page, text: string) => page.getByRole('article').filter({ hasText: text }).first();

/** A small photo-like picture (a gradient), made in the page so it decodes for real. */
async function attachPhoto(page: Page, content: string): Promise<void> {
  const png = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(640, 420);
    const context = canvas.getContext('2d');
    if (context) {
      const gradient = context.createLinearGradient(0, 0, 640, 420);
      gradient.addColorStop(0, '#2f6f5e');
      gradient.addColorStop(1, '#e9c46a');
      context.fillStyle = gradient;
      context.fillRect(0, 0, 640, 420);
    }
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    return [...new Uint8Array(await blob.arrayBuffer())];
  });
  await page.getByRole('textbox', { name: 'New memo' }).fill(content);
  await page.getByLabel('Attach files').setInputFiles([
    { name: 'whiteboard.png', mimeType: 'image/png', buffer: Buffer.from(png) },
    { name: 'quote-2024.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 demo') },
  ]);
}

const SCREENS: Screen[] = [
  {
    name: 'attach',
    async show(page, app) {
      await page.goto(app.url);
      await attachPhoto(page, 'Whiteboard from the planning meeting #work');
      await page.getByRole('button', { name: 'Remove attachment whiteboard.png' }).waitFor();
    },
  },
  {
    name: 'attachments',
    async show(page, app) {
      await page.goto(app.url);
      await attachPhoto(page, 'Whiteboard from the planning meeting #work');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await page.getByRole('img', { name: 'whiteboard.png' }).first().waitFor();
    },
  },
  { name: 'timeline', show: async (page, app) => void (await page.goto(app.url)) },
  {
    name: 'memo-menu',
    async show(page, app) {
      await page.goto(app.url);
      await memo(page, 'Buy oat milk').getByRole('button', { name: 'More', exact: true }).click();
      await page.getByRole('menu').waitFor();
    },
  },
  {
    name: 'capture-tags',
    async show(page, app) {
      await page.goto(app.url);
      await page.getByRole('textbox', { name: 'New memo' }).click();
      await page.keyboard.type('Plant the bulbs before the frost #ho');
      await page.getByRole('listbox', { name: 'Tag suggestions' }).waitFor();
    },
    after: (page) => page.getByRole('textbox', { name: 'New memo' }).fill(''),
  },
  {
    name: 'edit',
    async show(page, app) {
      await page.goto(app.url);
      await memoAction(page, memo(page, 'Buy oat milk'), 'Edit');
      await page.getByRole('textbox', { name: 'Edit memo' }).waitFor();
    },
  },
  {
    name: 'memo-page',
    async show(page, app) {
      await page.goto(app.url);
      await memo(page, 'Water the tomatoes')
        .getByText('Water the tomatoes')
        .click({ position: { x: 8, y: 8 } });
      await page.getByRole('region', { name: 'Related' }).waitFor();
    },
  },
  {
    name: 'memo-page-long',
    async show(page, app) {
      await page.goto(app.url);
      await memo(page, 'Boiler service').getByRole('link').first().click();
      await page.getByRole('region', { name: 'Related' }).waitFor();
    },
  },
  {
    name: 'search',
    async show(page, app) {
      await page.goto(app.url);
      await page.getByRole('searchbox', { name: 'Search' }).fill('plumber');
      await page.getByRole('region', { name: 'Search results' }).getByRole('article').first().waitFor();
    },
  },
  {
    name: 'tag-filter',
    async show(page, app) {
      await page.goto(`${app.url}/?tag=home`);
      await page.getByText('Showing #home').waitFor();
    },
  },
  {
    name: 'tags',
    async show(page, app) {
      await page.goto(`${app.url}/tags`);
      await page.getByRole('heading', { name: 'Tags' }).waitFor();
    },
  },
  {
    name: 'memory',
    async show(page, app) {
      await page.goto(`${app.url}/memory`);
      await page.getByRole('heading', { name: 'Memory' }).first().waitFor();
    },
  },
  {
    name: 'archived',
    async show(page, app) {
      await page.goto(`${app.url}/archived`);
      await page.getByRole('article').first().waitFor();
    },
  },
  {
    name: 'settings',
    async show(page, app) {
      await page.goto(`${app.url}/settings`);
      await page.getByRole('heading', { name: 'Memos server' }).waitFor();
    },
  },
  {
    name: 'settings-end',
    async show(page, app) {
      await page.goto(`${app.url}/settings`);
      await page.getByRole('heading', { name: 'About' }).scrollIntoViewIfNeeded();
    },
  },
  {
    name: 'delete-dialog',
    async show(page, app) {
      await page.goto(app.url);
      await memoAction(page, memo(page, 'Idea: a small shelf'), 'Delete');
      await page.getByRole('dialog').waitFor();
    },
  },
  {
    name: 'undo-notice',
    async show(page, app) {
      await page.goto(app.url);
      await memoAction(page, memo(page, 'Book club'), 'Archive');
      await page.getByRole('button', { name: 'Undo' }).waitFor();
    },
  },
  {
    name: 'trash',
    async show(page, app) {
      await page.goto(app.url);
      for (const text of ['Idea: a small shelf', 'Passport renewal']) {
        await memoAction(page, memo(page, text), 'Delete');
        await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
        await page.getByRole('article').filter({ hasText: text }).waitFor({ state: 'detached' });
      }
      await page.getByRole('link', { name: 'Trash' }).click();
      await page.getByRole('heading', { name: 'Trash' }).waitFor();
      await page.getByRole('article').first().waitFor();
    },
  },
  {
    name: 'trash-empty-dialog',
    async show(page, app) {
      await page.goto(`${app.url}/trash`);
      await page.getByRole('button', { name: 'Empty trash' }).click();
      await page.getByRole('dialog').waitFor();
    },
  },
];

/**
 * The account-switch dialog [A1] needs a real Memos server: connect as one account (the
 * seeded memos upload), disconnect keeping them, then connect as another.
 */
async function showAccountSwitch(page: Page, appUrl: string, memos: MemosInstance, user: string) {
  const bob = await memos.createUser(user, 'bob-pass-123456');
  await seedNotebook(page, appUrl);
  await page.goto(`${appUrl}/settings`);
  const connect = async (token: string) => {
    await page.getByRole('textbox', { name: 'Access token' }).fill(token);
    await page.getByRole('button', { name: 'Connect' }).click();
  };
  await connect(memos.admin.token);
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByText(/Disconnected/).waitFor();
  await connect(bob.token);
  await page.getByRole('dialog').waitFor();
}

async function main(): Promise<void> {
  const only = process.argv
    .find((a) => a.startsWith('--only='))
    ?.slice('--only='.length)
    .split(',');
  execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
  });
  mkdirSync(OUT, { recursive: true });
  const app = await startTestApp({ copyDist: true });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    for (const [size, viewport] of Object.entries(SIZES)) {
      for (const theme of THEMES) {
        const context = await browser.newContext({ viewport, colorScheme: theme, deviceScaleFactor: 1 });
        const page = await context.newPage();
        await seedNotebook(page, app.url);
        for (const screen of SCREENS.filter((s) => !only || only.includes(s.name))) {
          await screen.show(page, app);
          await page.waitForTimeout(300);
          const file = join(OUT, `${screen.name}-${size}-${theme}.png`);
          await page.screenshot({ path: file });
          console.log(file);
          await page.keyboard.press('Escape');
          await screen.after?.(page);
        }
        await context.close();
      }
    }
    if (!only || only.includes('account-switch')) {
      const memos = await startMemos();
      const synced = await startTestApp({ copyDist: true, memosUrl: memos.baseUrl });
      try {
        let users = 0;
        for (const [size, viewport] of Object.entries(SIZES)) {
          for (const theme of THEMES) {
            const context = await browser.newContext({ viewport, colorScheme: theme, deviceScaleFactor: 1 });
            const page = await context.newPage();
            await showAccountSwitch(page, synced.url, memos, `bob${++users}`);
            await page.waitForTimeout(300);
            const file = join(OUT, `account-switch-dialog-${size}-${theme}.png`);
            await page.screenshot({ path: file });
            console.log(file);
            await context.close();
          }
        }
      } finally {
        await synced.close();
        await memos.stop();
      }
    }
  } finally {
    await browser?.close();
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
