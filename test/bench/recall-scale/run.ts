/**
 * Issue 10 benchmark, `npm run bench -- recall-scale [--leg=a,b,c] [--memos=10000]
 * [--threads=N] [--window=120] [--c-full] [--baseline=<memos/s>]`: a real Memos v0.30.0 with
 * notebook-length memos (test/bench/corpus.ts), `npm start`'s server in front of it as its own
 * process, and fresh Chromium profiles connecting through it with the admin's token.
 *   (a) time until every memo is searchable by meaning, the server's vector store cold;
 *   (b) the same on a second fresh profile, the store warm;
 *   (c) this device alone (the server's embedding off): the in-app embedding rate over
 *       `--window` seconds once indexing runs (to completion with --c-full).
 * Also: browser CPU-seconds per memo in each leg, capture-to-visible and search-to-painted
 * p50/p95 while (a) and (c) index, the server's peak RSS, and memos per core-second natively
 * (server CPU in (a), and a quiet 128-memo batch) and in wasm (browser CPU in (c)).
 * Prints a table; writes JSON to test/bench/results/. Expects `vite build` done (run.ts does it).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type MemosInstance, startMemos } from '../../helpers/memos-instance';
import { makeCorpus } from '../corpus';
import { percentile, round } from '../harness';
import { captureLatencies, type SearchTiming, searchPaint, searchStats } from '../notebook';
import { type AppProcess, startAppProcess } from './app-process';
import { type BenchDevice, connect, openDevice } from './device';

const REPO = join(import.meta.dirname, '..', '..', '..');
const { values: args } = parseArgs({
  options: {
    leg: { type: 'string', default: 'a,b,c' },
    memos: { type: 'string', default: '10000' },
    threads: { type: 'string' },
    window: { type: 'string', default: '120' },
    'c-full': { type: 'boolean', default: false },
    baseline: { type: 'string' },
  },
  strict: false,
});
const legs = new Set(String(args.leg).split(','));
/** Captures, and searches (the ten queries twice), sampled while indexing: a p95 over 10 samples is their maximum. */
const CAPTURES = 30;
const MEMOS = Number(args.memos);
const WINDOW_S = Number(args.window);

function log(line: string): void {
  console.log(`[recall-scale ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

const latency = (values: number[]) => ({
  p50: round(percentile(values, 50)),
  p95: round(percentile(values, 95)),
  runs: values.length,
});

async function seedMemos(memos: MemosInstance, count: number): Promise<void> {
  const texts = makeCorpus(count, 7);
  let next = 0;
  const worker = async () => {
    while (next < texts.length) {
      const i = next++;
      const response = await fetch(`${memos.baseUrl}/api/v1/memos?memoId=seed-${i}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${memos.admin.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          content: texts[i],
          visibility: 'PRIVATE',
          createTime: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
        }),
      });
      if (!response.ok) throw new Error(`seeding memo ${i}: HTTP ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** Until this device has every memo synced, embedded and indexed; runs `during` once indexing shows. */
async function untilSearchable(device: BenchDevice, during?: () => Promise<void>): Promise<void> {
  let measured = during === undefined;
  for (let tick = 0; ; tick++) {
    const counts = await device.counts();
    if (counts.synced && counts.memos > 0 && counts.docs >= counts.memos && counts.idle) return;
    if (!measured && counts.docs > 0 && !counts.idle && during) {
      measured = true;
      await during();
    }
    if (tick % 30 === 0) log(`  ${counts.docs} of ${counts.memos} memos embedded (synced: ${counts.synced})`);
    await device.page.waitForTimeout(1_000);
  }
}

async function firstSearchable(
  name: string,
  app: AppProcess,
  token: string,
  measureLatency: boolean,
): Promise<Record<string, unknown>> {
  log(`${name}: fresh profile connecting through the app server`);
  const device = await openDevice(app.url);
  try {
    const browser0 = device.cpuSeconds();
    const server0 = app.cpuSeconds();
    const embed0 = await app.embedStats(token);
    const started = Date.now();
    await connect(device.page, token);
    const ui: { captures?: number[]; searches?: SearchTiming[] } = {};
    await untilSearchable(
      device,
      measureLatency
        ? async () => {
            log(`${name}: measuring capture and search latency while indexing`);
            ui.captures = await captureLatencies(device.page, CAPTURES);
            ui.searches = [...(await searchPaint(device.page)), ...(await searchPaint(device.page))];
          }
        : undefined,
    );
    const ms = Date.now() - started;
    const counts = await device.counts();
    await device.page.getByRole('link', { name: 'Settings' }).click();
    const section = device.page.getByRole('region', { name: 'Search by meaning' });
    await section
      .getByText(/^This device: /)
      .waitFor({ timeout: 30_000 })
      .catch(() => undefined);
    const settings = await section.locator('.setting-value').allTextContents();
    const browserCpu = device.cpuSeconds() - browser0;
    const serverCpu = app.cpuSeconds() - server0;
    const embed1 = await app.embedStats(token);
    const embedded = embed1.embedded - embed0.embedded;
    log(`${name}: ${counts.memos} memos searchable by meaning after ${(ms / 1000).toFixed(1)} s`);
    return {
      secondsUntilSearchable: round(ms / 1000),
      memos: counts.memos,
      vectorsFrom: await device.sources(),
      browserCpuSeconds: round(browserCpu),
      browserCpuSecondsPerMemo: round(browserCpu / counts.memos, 4),
      serverCpuSeconds: round(serverCpu),
      serverEmbedded: embedded,
      serverServedByHash: embed1.served - embed0.served,
      // Only meaningful when the server embedded a lot in this leg (its CPU also proxies the sync).
      ...(embedded >= 100 ? { nativeMemosPerCoreSecond: round(embedded / serverCpu, 2) } : {}),
      ...(ui.captures ? { captureToVisibleMs: latency(ui.captures) } : {}),
      ...(ui.searches ? { searchToPaintedMs: searchStats(ui.searches) } : {}),
      settingsAtTheEnd: settings,
      browserWarnings: device.console,
    };
  } finally {
    await device.dispose();
  }
}

async function deviceAlone(app: AppProcess, token: string): Promise<Record<string, unknown>> {
  log('c: fresh profile, the server does not embed (EMBED_SERVICE=off)');
  const device = await openDevice(app.url);
  try {
    const started = Date.now();
    await connect(device.page, token);
    let counts = await device.counts();
    while (counts.docs === 0 || counts.idle) {
      await device.page.waitForTimeout(1_000);
      counts = await device.counts();
    }
    log('c: indexing runs; measuring capture and search latency');
    const captures = await captureLatencies(device.page, CAPTURES);
    const searches = [...(await searchPaint(device.page)), ...(await searchPaint(device.page))];
    const first = { at: Date.now(), docs: (await device.counts()).docs, cpu: device.cpuSeconds() };
    log(`c: measuring the in-app rate for ${WINDOW_S} s`);
    await device.page.waitForTimeout(WINDOW_S * 1000);
    const last = { at: Date.now(), docs: (await device.counts()).docs, cpu: device.cpuSeconds() };
    const rate = ((last.docs - first.docs) / (last.at - first.at)) * 1000;
    const perMemo = (last.cpu - first.cpu) / Math.max(1, last.docs - first.docs);
    let total: number | undefined;
    if (args['c-full']) {
      await untilSearchable(device);
      total = round((Date.now() - started) / 1000);
    }
    const baseline = args.baseline === undefined ? undefined : Number(args.baseline);
    return {
      inAppMemosPerSecond: round(rate, 2),
      ...(baseline ? { versusBaseline: `${round(rate / baseline, 2)}× ${baseline} memos/s` } : {}),
      browserCpuSecondsPerMemo: round(perMemo, 4),
      wasmMemosPerCoreSecond: round(1 / perMemo, 2),
      memos: counts.memos,
      projectedSecondsForAll: round(counts.memos / rate),
      ...(total === undefined ? {} : { secondsUntilSearchable: total }),
      captureToVisibleMs: latency(captures),
      searchToPaintedMs: searchStats(searches),
    };
  } finally {
    await device.dispose();
  }
}

/** 128 fresh notebook-length memos embedded by the idle server: native memos per core-second. */
async function nativeQuiet(
  app: AppProcess,
  token: string,
  modelId: string,
): Promise<Record<string, unknown>> {
  const texts = makeCorpus(128, 991);
  const cpu0 = app.cpuSeconds();
  const started = Date.now();
  await Promise.all(
    [0, 1, 2, 3].map(async (part) => {
      const response = await fetch(`${app.url}/embed/v1/embed`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ modelId, texts: texts.slice(part * 32, part * 32 + 32) }),
      });
      if (!response.ok) throw new Error(`embedding the quiet batch: HTTP ${response.status}`);
      await response.arrayBuffer();
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const cpu = app.cpuSeconds() - cpu0;
  return { memos: 128, memosPerSecond: round(128 / seconds, 1), memosPerCoreSecond: round(128 / cpu, 2) };
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model },
    memos: MEMOS,
    legs: [...legs],
  };
  const dir = mkdtempSync(join(tmpdir(), 'recall-scale-'));
  log(`starting Memos and seeding ${MEMOS} notebook-length memos`);
  const memos = await startMemos();
  const apps: AppProcess[] = [];
  try {
    const seedStart = Date.now();
    await seedMemos(memos, MEMOS);
    results.seedSeconds = round((Date.now() - seedStart) / 1000);
    const token = memos.admin.token;
    if (legs.has('a') || legs.has('b')) {
      const app = await startAppProcess({
        repo: REPO,
        memosUrl: memos.baseUrl,
        dataDir: join(dir, 'server-data'),
        embedService: 'auto',
        ...(args.threads ? { threads: Number(args.threads) } : {}),
      });
      apps.push(app);
      results.serverThreads = (await app.embedStats(token)).threads;
      if (legs.has('a')) results.a = await firstSearchable('a', app, token, true);
      if (legs.has('b')) results.b = await firstSearchable('b', app, token, false);
      const info = (await (
        await fetch(`${app.url}/embed/v1/info`, { headers: { Authorization: `Bearer ${token}` } })
      ).json()) as { models: Array<{ modelId: string }> };
      results.nativeQuietBatch = await nativeQuiet(app, token, info.models[0]?.modelId ?? '');
      results.serverMemoryMiB = app.memory();
    }
    if (legs.has('c')) {
      const alone = await startAppProcess({
        repo: REPO,
        memosUrl: memos.baseUrl,
        dataDir: join(dir, 'server-data-off'),
        embedService: 'off',
      });
      apps.push(alone);
      results.c = await deviceAlone(alone, token);
    }
  } finally {
    results.serverLog = apps.flatMap((app) => app.log.filter((line) => /warning|error/i.test(line)));
    for (const app of apps) await app.stop();
    await memos.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const out = join(REPO, 'test', 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const file = join(out, `recall-scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log('\nrecall-scale (shared 2-core machine; see the JSON for everything)');
  const rows: Record<string, unknown> = {};
  const flat = (prefix: string, value: unknown) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) flat(prefix ? `${prefix}.${key}` : key, inner);
    } else rows[prefix] = Array.isArray(value) ? value.join(',') : value;
  };
  flat('', results);
  console.table(rows);
  console.log(`wrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
