/**
 * `npm run bench -- attachments` (issue 11), in Debian's Chromium against the production
 * build served by the app's own server:
 *  (a) capture of a memo with a 5 MB photo, offline, from "Save" to the memo and its picture
 *      visible (goal ≤ 100 ms), several rounds;
 *  (b) first paint of a timeline of 200 photo memos after a reload (goal ≤ 500 ms): until the
 *      first memo's picture is decoded;
 *  (c) upload of 50 photos of 2 MB, captured offline, through the app's proxy to a real
 *      Memos v0.30.0: total time until the outbox is empty, requests and bytes on the wire
 *      (from Chromium's network events), the page's peak JS heap.
 * Photos are random-noise JPEGs made with sharp (noise does not compress, so the sizes hold).
 */

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { CDPSession, Page } from 'playwright-core';
import sharp from 'sharp';
import { captureMemo, startTestApp, waitForServiceWorkerControl } from '../helpers/app-harness';
import { launchBrowser } from '../helpers/chromium';
import { startMemos } from '../helpers/memos-instance';

async function noisePhoto(width: number, height: number, quality: number): Promise<Buffer> {
  return sharp({
    create: {
      width,
      height,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 70 },
    },
  })
    .jpeg({ quality })
    .toBuffer();
}

/** A JPEG of about `bytes` bytes (noise at the size that gets there). */
async function photoOfSize(bytes: number): Promise<Buffer> {
  let side = Math.round(Math.sqrt(bytes / 1.1));
  let photo = await noisePhoto(Math.round(side * 1.33), side, 92);
  for (let i = 0; i < 4 && Math.abs(photo.length - bytes) > bytes * 0.1; i++) {
    side = Math.round(side * Math.sqrt(bytes / photo.length));
    photo = await noisePhoto(Math.round(side * 1.33), side, 92);
  }
  return photo;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * In-page scripts are strings: tsx names the functions it compiles (`__name`), and that
 * helper does not exist inside the page.
 */
const SAVE_TO_PICTURE = `(name) => new Promise((resolve, reject) => {
  const save = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Save');
  if (!save) { reject(new Error('no Save button')); return; }
  const started = performance.now();
  let done = false;
  const check = () => {
    if (done) return;
    const img = [...document.querySelectorAll('article img')].find((i) => i.alt === name);
    if (img && img.complete && img.naturalWidth > 0) {
      done = true;
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - started));
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document.body, { subtree: true, childList: true, attributes: true });
  document.addEventListener('load', check, { capture: true });
  save.click();
  setTimeout(() => reject(new Error('the memo did not show in 30 s')), 30000);
})`;

const FIRST_PICTURE = `() => new Promise((resolve) => {
  const check = () => {
    const img = document.querySelector('article img');
    if (img && img.complete && img.naturalWidth > 0) requestAnimationFrame(() => resolve(performance.now()));
    else setTimeout(check, 5);
  };
  check();
})`;

const OUTBOX_COUNT = `() => new Promise((resolve, reject) => {
  const open = indexedDB.open('memos-offline');
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const request = open.result.transaction('outbox').objectStore('outbox').count();
    request.onsuccess = () => { resolve(request.result); open.result.close(); };
  };
})`;

async function run<T>(page: Page, script: string, arg?: unknown): Promise<T> {
  return page.evaluate(`(${script})(${JSON.stringify(arg ?? null)})`) as Promise<T>;
}

/** Clicks Save and resolves with the ms until the new memo's picture is decoded and painted. */
function timeSaveToPicture(page: Page, filename: string): Promise<number> {
  return run<number>(page, SAVE_TO_PICTURE, filename);
}

async function captureBench(rounds: number) {
  const photo = await photoOfSize(5 * 1024 * 1024);
  const app = await startTestApp({ copyDist: true });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(app.url);
    await waitForServiceWorkerControl(page);
    await context.setOffline(true);
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      await page.getByRole('textbox', { name: 'New memo' }).fill(`receipt ${i} #bench`);
      const name = `receipt-${i}.jpg`;
      await page.getByLabel('Attach files').setInputFiles([{ name, mimeType: 'image/jpeg', buffer: photo }]);
      await page.getByRole('button', { name: `Remove attachment ${name}` }).waitFor();
      await page.waitForTimeout(600); // the thumbnail is made when the file is attached, not on Save
      times.push(await timeSaveToPicture(page, name));
    }
    return {
      photoBytes: photo.length,
      rounds,
      saveToVisibleMs: {
        p50: round(percentile(times, 50)),
        p95: round(percentile(times, 95)),
        max: round(Math.max(...times)),
      },
      timesMs: times.map(round),
      goalP95Ms: 100,
    };
  } finally {
    await browser.close();
    await app.close();
  }
}

async function timelineBench(memos: number, reloads: number) {
  const photo = await noisePhoto(1200, 900, 85);
  const entries: Record<string, Uint8Array> = {};
  const list = [];
  for (let i = 0; i < memos; i++) {
    const uid = `00000000-0000-4000-8000-${(i + 1).toString(16).padStart(12, '0')}`;
    const path = `attachments/a${i}/photo-${i}.jpg`;
    entries[path] = photo;
    const at = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    list.push({
      name: `memos/${uid}`,
      content: `Photo memo ${i} #photos`,
      visibility: 'PRIVATE',
      state: 'NORMAL',
      pinned: false,
      createTime: at,
      updateTime: at,
      attachments: [
        {
          name: `attachments/a${i}`,
          filename: `photo-${i}.jpg`,
          type: 'image/jpeg',
          size: photo.length,
          path,
        },
      ],
    });
  }
  entries['memos-offline-export.json'] = strToU8(
    JSON.stringify({
      format: 'memos-offline-export',
      version: 1,
      exportedAt: new Date().toISOString(),
      memos: list,
    }),
  );
  const zip = zipSync(entries, { level: 0 });
  const app = await startTestApp({ copyDist: true });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/settings`);
    // Over playwright's 50 MB buffer limit: the zip goes through a file.
    const zipPath = join(mkdtempSync(join(tmpdir(), 'bench-photos-')), 'photos.zip');
    writeFileSync(zipPath, zip);
    await page.locator('input[type=file][accept*="zip"]').setInputFiles(zipPath);
    await page.getByText(/Imported photos\.zip/).waitFor({ timeout: 600_000 });
    const paints: number[] = [];
    for (let i = 0; i < reloads; i++) {
      await page.goto(app.url);
      const ms = await run<number>(page, FIRST_PICTURE);
      paints.push(ms);
    }
    return {
      memos,
      reloads,
      firstPictureMs: { p50: round(percentile(paints, 50)), max: round(Math.max(...paints)) },
      goalMs: 500,
    };
  } finally {
    await browser.close();
    await app.close();
  }
}

interface WireCounts {
  requests: number;
  bytesUp: number;
  bytesDown: number;
}

function countWire(cdp: CDPSession): WireCounts {
  const counts: WireCounts = { requests: 0, bytesUp: 0, bytesDown: 0 };
  const ours = new Set<string>();
  cdp.on('Network.requestWillBeSent', (event) => {
    if (!/\/(api|file)\//.test(event.request.url)) return;
    ours.add(event.requestId);
    counts.requests++;
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (event) => {
    const length = Number(event.headers['Content-Length'] ?? event.headers['content-length'] ?? 0);
    if (Number.isFinite(length)) counts.bytesUp += length;
  });
  cdp.on('Network.loadingFinished', (event) => {
    if (ours.has(event.requestId)) counts.bytesDown += event.encodedDataLength;
  });
  return counts;
}

async function uploadBench(photos: number) {
  const photo = await photoOfSize(2 * 1024 * 1024);
  const memos = await startMemos();
  const app = await startTestApp({ copyDist: true, memosUrl: memos.baseUrl });
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${app.url}/settings`);
    await page.getByRole('textbox', { name: 'Access token' }).fill(memos.admin.token);
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText(/Connected as/).waitFor();
    await page.goto(app.url);
    await waitForServiceWorkerControl(page);
    await context.setOffline(true);
    for (let i = 0; i < photos; i++) {
      await page.getByRole('textbox', { name: 'New memo' }).fill(`photo ${i} #upload`);
      await page
        .getByLabel('Attach files')
        .setInputFiles([{ name: `photo-${i}.jpg`, mimeType: 'image/jpeg', buffer: photo }]);
      await page.getByRole('button', { name: `Remove attachment photo-${i}.jpg` }).waitFor();
      await captureMemo(page, `photo ${i} #upload`).catch(() => undefined);
    }
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Performance.enable');
    const counts = countWire(cdp);
    let peakHeap = 0;
    const sample = setInterval(() => {
      void cdp
        .send('Performance.getMetrics')
        .then(({ metrics }) => {
          const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
          peakHeap = Math.max(peakHeap, heap);
        })
        .catch(() => undefined);
    }, 200);
    const started = Date.now();
    await context.setOffline(false);
    await page
      .getByRole('button', { name: 'Sync now' })
      .click()
      .catch(() => undefined);
    for (;;) {
      const pending = await run<number>(page, OUTBOX_COUNT);
      if (pending === 0) break;
      if (Date.now() - started > 15 * 60_000)
        throw new Error(`uploads not done after 15 min (${pending} left)`);
      await page.waitForTimeout(250);
    }
    const totalMs = Date.now() - started;
    clearInterval(sample);
    const check = await fetch(`${memos.baseUrl}/api/v1/attachments?pageSize=1000`, {
      headers: { Authorization: `Bearer ${memos.admin.token}` },
    });
    const onServer = ((await check.json()) as { attachments?: unknown[] }).attachments?.length ?? 0;
    return {
      photos,
      photoBytes: photo.length,
      totalMs,
      requests: counts.requests,
      bytesUpMB: round(counts.bytesUp / 1e6),
      bytesDownMB: round(counts.bytesDown / 1e6),
      pagePeakJsHeapMB: round(peakHeap / 1e6),
      attachmentsOnServer: onServer,
    };
  } finally {
    await browser.close();
    await app.close();
    await memos.stop();
  }
}

export async function benchAttachments() {
  return {
    capture: await captureBench(20),
    timeline: await timelineBench(200, 5),
    upload: await uploadBench(50),
  };
}
