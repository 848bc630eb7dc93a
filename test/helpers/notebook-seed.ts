/**
 * A small, realistic notebook for the browser tests and `npm run screenshots`: memos over
 * several days, a pinned one, a long one that folds, tasks, a tag tree (#home,
 * #home/garden, #home/kitchen) and a date tag. Written as an export file and imported
 * through Settings → Import, as a user would.
 */
import type { Locator, Page } from 'playwright-core';

export interface SeedMemo {
  content: string;
  /** how long ago it was written */
  ageMinutes: number;
  pinned?: boolean;
  state?: 'NORMAL' | 'ARCHIVED';
}

const LONG = [
  '## Boiler service',
  'Call the plumber on Tuesday about the boiler pressure.',
  '',
  '- pressure drops overnight to 0.8 bar',
  '- the radiator in the hall stays cold',
  '- the valve under the sink drips',
  '- last service was in March',
  '',
  'Questions to ask:',
  '1. Is the expansion vessel flat?',
  '2. Should the pressure relief valve be replaced?',
  '3. What does a power flush cost?',
  '4. Can the thermostat be moved to the living room?',
  '',
  'Receipts are in the blue folder in the #home office drawer.',
].join('\n');

export const SEED_MEMOS: readonly SeedMemo[] = [
  { content: 'Wi-Fi guest password is on the fridge door #home', ageMinutes: 5, pinned: true },
  { content: 'Buy oat milk, eggs and coffee #groceries', ageMinutes: 12 },
  { content: '- [ ] renew car insurance\n- [x] book the MOT\n- [ ] change the oil #car', ageMinutes: 40 },
  { content: 'Idea: a small shelf above the desk for the printer #idea', ageMinutes: 95 },
  { content: LONG, ageMinutes: 180 },
  { content: 'Water the tomatoes and tie up the beans #home/garden', ageMinutes: 60 * 26 },
  { content: 'The kitchen tap needs a new washer #home/kitchen', ageMinutes: 60 * 27 },
  {
    content:
      '#conversation #2024-01-15\n**User**: Remind me to water the plants tomorrow\n**AI**: Done, 9 AM.',
    ageMinutes: 60 * 50,
  },
  { content: 'Book club: finish chapter 7 before Thursday #reading', ageMinutes: 60 * 75 },
  { content: 'Prune the apple tree in February #home/garden', ageMinutes: 60 * 24 * 9 },
  { content: 'Passport renewal: photos done, form half filled #admin', ageMinutes: 60 * 24 * 20 },
  { content: 'Old packing list for the lake trip #travel', ageMinutes: 60 * 24 * 40, state: 'ARCHIVED' },
];

export function seedExport(memos: readonly SeedMemo[], now = Date.now()): Buffer {
  return Buffer.from(
    JSON.stringify({
      format: 'memos-offline-export',
      version: 1,
      exportedAt: new Date(now).toISOString(),
      memos: memos.map((memo, i) => {
        const time = new Date(now - memo.ageMinutes * 60_000).toISOString();
        return {
          name: `memos/seed-${String(i).padStart(3, '0')}`,
          content: memo.content,
          visibility: 'PRIVATE',
          state: memo.state ?? 'NORMAL',
          pinned: memo.pinned ?? false,
          createTime: time,
          updateTime: time,
        };
      }),
    }),
  );
}

/** Imports `memos` through Settings → Import and returns to the timeline. */
export async function seedNotebook(page: Page, baseUrl: string, memos = SEED_MEMOS): Promise<void> {
  await page.goto(`${baseUrl}/settings`);
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Import' }).click();
  await (await chooser).setFiles({
    name: 'seed.json',
    mimeType: 'application/json',
    buffer: seedExport(memos),
  });
  await page.getByText(/Imported seed\.json/).waitFor();
  await page.getByRole('link', { name: 'Timeline' }).click();
  await page.getByRole('article').first().waitFor();
}

/** Opens a memo's "More" menu and chooses `item` ("Edit", "Pin", "Archive", "Delete", …). */
export async function memoAction(page: Page, memo: Locator, item: string): Promise<void> {
  await memo.getByRole('button', { name: 'More', exact: true }).click();
  await page.getByRole('menuitem', { name: item, exact: true }).click();
}
