/**
 * `npm run screenshots`: builds the app, serves it on loopback, seeds a realistic notebook
 * in fresh Chromium profiles and writes PNGs of every screen at phone (390×844) and desktop
 * (1280×800) sizes, in light and dark, to `screenshots/` (ignored by git), so anyone can
 * look at the app as a person would. `--only=trash,settings` limits the screens.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { captureMemo, REPO_ROOT, startTestApp, type TestApp } from '../helpers/app-harness';
import { launchBrowser } from '../helpers/chromium';

const OUT = join(REPO_ROOT, 'screenshots');
const SIZES = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } } as const;
const THEMES = ['light', 'dark'] as const;

const NOTEBOOK = [
  '#preferences #system\n- Language: English\n- Timezone: Europe/Madrid\n- Confirmation required: destructive actions',
  'Buy oat milk, eggs and coffee #groceries',
  '## Boiler service\nCall the plumber on Tuesday about the #home/kitchen sink and the boiler pressure.',
  '- [ ] renew car insurance\n- [x] book the MOT\n- [ ] change the oil #car',
  '#conversation #2024-01-15\n**User**: Remind me to water the plants tomorrow\n**AI**: I have set a reminder for tomorrow at 9 AM.',
  'Idea: a small shelf above the desk for the printer #idea',
  'Wi-Fi guest password is on the fridge door #home',
];

interface Screen {
  name: string;
  /** Brings the page to the screen (the notebook is already seeded). */
  show(page: Page, app: TestApp): Promise<void>;
}

async function deleteFirst(page: Page, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const memo = page.getByRole('article').first();
    await memo.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await memo.waitFor({ state: 'detached' }).catch(() => undefined);
  }
}

const SCREENS: Screen[] = [
  { name: 'timeline', show: async (page, app) => void (await page.goto(app.url)) },
  {
    name: 'delete-dialog',
    async show(page, app) {
      await page.goto(app.url);
      await page.getByRole('article').first().getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('dialog').waitFor();
    },
  },
  {
    name: 'trash',
    async show(page, app) {
      await page.goto(app.url);
      await deleteFirst(page, 2);
      await page.getByRole('link', { name: 'Trash' }).click();
      await page.getByRole('heading', { name: 'Trash' }).waitFor();
    },
  },
  {
    name: 'trash-empty-dialog',
    async show(page, app) {
      await page.goto(app.url);
      await deleteFirst(page, 1);
      await page.getByRole('link', { name: 'Trash' }).click();
      await page.getByRole('button', { name: 'Empty trash' }).click();
      await page.getByRole('dialog').waitFor();
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
    name: 'settings',
    async show(page, app) {
      await page.goto(`${app.url}/settings`);
      await page.getByRole('heading', { name: 'Memos server' }).waitFor();
    },
  },
];

async function seed(page: Page, app: TestApp): Promise<void> {
  await page.goto(app.url);
  for (const content of NOTEBOOK) await captureMemo(page, content);
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
    for (const screen of SCREENS.filter((s) => !only || only.includes(s.name))) {
      for (const [size, viewport] of Object.entries(SIZES)) {
        for (const theme of THEMES) {
          const context = await browser.newContext({ viewport, colorScheme: theme, deviceScaleFactor: 1 });
          const page = await context.newPage();
          await seed(page, app);
          await screen.show(page, app);
          await page.waitForTimeout(300);
          const file = join(OUT, `${screen.name}-${size}-${theme}.png`);
          await page.screenshot({ path: file });
          console.log(file);
          await context.close();
        }
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
