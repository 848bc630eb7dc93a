/**
 * Semantic recall benchmark, headless Chromium on this machine, real all-MiniLM-L6-v2:
 *   npx tsx test/bench/semantic/run.ts [--phases=throughput,throughput-long,plans,embed,ann,recall10k,recall100k] [--fresh] [--no-mememo]
 * Builds a small page with Vite (the project's vite.config.ts, so workers are built as in
 * the app), serves it on a fixed loopback port (so the browser profile in
 * test/bench/results/semantic-profile, and with it the 100k index, can be reused), and
 * measures embedding throughput, nearest-neighbour engines side by side, and the recall
 * worker end to end at 10,000 and 100,000 memos. Writes JSON to test/bench/results/ and
 * prints tables. Real embeddings of the 10k corpus are cached in test/bench/results/.
 */

import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sirv from 'sirv';
import { build } from 'vite';
import { DEFAULT_HNSW_PARAMS } from '../../../workers/index/params';
import { chromiumVersion, ensureChromium, launchPersistent } from '../../helpers/chromium';
import { memoText, mulberry32 } from '../corpus';
import { browserCpuSeconds } from '../process-cpu';
import { generateMemos, generateQueries } from './corpus';

const REPO = join(import.meta.dirname, '..', '..', '..');
const RESULTS = join(REPO, 'test', 'bench', 'results');
const PORT = 47_311;
const SIGMA = 0.025; // jitter of the 90k copies: cosine to their source ≈ 0.9

const { values: args } = parseArgs({
  options: {
    phases: { type: 'string', default: 'throughput,throughput-long,embed,ann,recall10k,recall100k' },
    fresh: { type: 'boolean', default: false },
    'no-mememo': { type: 'boolean', default: false },
    n: { type: 'string', default: '10000' },
    big: { type: 'string', default: '100000' },
  },
});
const phases = new Set((args.phases ?? '').split(','));
const N = Number(args.n);
const BIG = Number(args.big);

function log(line: string): void {
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);
}

function table(title: string, rows: Array<Record<string, unknown>>): void {
  console.log(`\n${title}`);
  const round = (v: unknown) =>
    typeof v === 'number' ? (Number.isInteger(v) ? v : Number(v.toFixed(v < 10 ? 3 : 1))) : v;
  console.table(rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, round(v)]))));
}

async function main(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  const profile = join(RESULTS, 'semantic-profile');
  if (args.fresh) rmSync(profile, { recursive: true, force: true });
  const fixture = (
    JSON.parse(readFileSync(join(REPO, 'test/fixtures/recall/corpus.json'), 'utf8')) as {
      memos: Array<{ content: string }>;
    }
  ).memos.map((m) => m.content);
  const texts = generateMemos(N, fixture);
  const queries = generateQueries(200);

  mkdirSync(join(REPO, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(REPO, '.tmp', 'bench-semantic-'));
  const root = join(dir, 'page');
  mkdirSync(root);
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="./entry.js"></script>',
  );
  writeFileSync(join(root, 'entry.js'), `import '${join(REPO, 'test/bench/semantic/bench-page.ts')}';\n`);
  log('building the benchmark page with Vite');
  await build({
    configFile: join(REPO, 'vite.config.ts'),
    root,
    publicDir: join(REPO, 'public'),
    logLevel: 'warn',
    build: { outDir: join(dir, 'dist'), emptyOutDir: true },
  });
  const serve = sirv(join(dir, 'dist'), {
    dev: false,
    etag: true,
    setHeaders(res, pathname) {
      // Like server/static-files.ts: content-hashed assets are immutable.
      res.setHeader(
        'Cache-Control',
        pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
      if (pathname.endsWith('.wasm')) res.setHeader('Content-Type', 'application/wasm');
      if (pathname.endsWith('.mjs')) res.setHeader('Content-Type', 'text/javascript');
    },
  });
  const server = createServer((req, res) => serve(req, res));
  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
  const origin = `http://localhost:${PORT}`;

  const browser = await launchPersistent({
    userDataDir: profile,
    args: ['--enable-precise-memory-info', '--js-flags=--expose-gc'],
  });
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (error) => log(`page error: ${error.message}`));
  browser.context.on('response', (response) => {
    if (response.status() >= 400) log(`HTTP ${response.status()} ${response.url()}`);
  });
  if (process.env.BENCH_TRACE) browser.context.on('request', (request) => log(`request ${request.url()}`));
  page.on('worker', (worker) => {
    worker.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning' || process.env.BENCH_TRACE)
        log(`worker console ${message.type()}: ${message.text()}`);
    });
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      log(`console ${message.type()}: ${message.text()}`);
  });
  const open = async () => {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => document.title === 'bench ready');
  };
  const call = <T>(fn: string, ...params: unknown[]): Promise<T> =>
    page.evaluate(
      ([name, list]) =>
        (window as unknown as { bench: Record<string, (...a: unknown[]) => Promise<unknown>> }).bench[
          name as string
        ]?.(...(list as unknown[])),
      [fn, params] as const,
    ) as Promise<T>;
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      chromium: chromiumVersion(ensureChromium()),
      node: process.version,
    },
    corpus: { memos: N, big: BIG, queries: queries.length, jitterSigma: SIGMA },
    hnsw: DEFAULT_HNSW_PARAMS,
  };
  await open();
  // Wasm threads need a cross-origin isolated page; the app runs one thread (model-loader.ts).
  results.page = await call('environment');

  try {
    if (phases.has('throughput')) {
      log('embedding throughput (256 memos per batch size)');
      const rows = await call<Array<Record<string, number>>>('throughput', texts.slice(300, 556), [1, 8, 32]);
      results.throughput = rows;
      table('Embedding throughput (app embedder worker vs bare onnxruntime-web session, same windows)', rows);
    }
    if (phases.has('throughput-long')) {
      // The notebook benchmark's memos: Markdown of 50..2,000 characters (many past one window).
      const random = mulberry32(2024);
      const long = Array.from({ length: 128 }, () => memoText(random));
      log('embedding throughput on notebook-length memos (128 memos of 50..2,000 characters)');
      const rows = await call<Array<Record<string, number>>>('throughput', long, [1, 8, 32, 128]);
      results.throughputLong = rows;
      table('Embedding throughput, notebook-length memos (app worker vs bare onnxruntime-web)', rows);
    }

    if (phases.has('plans')) {
      // The notebook benchmark's memos, in the indexer's call pattern (8 memos per call).
      const random = mulberry32(7);
      const long = Array.from({ length: 96 }, () => memoText(random));
      log('model run composition on notebook-length memos (96 memos; plans in turn, A B C D E E D C B A)');
      const prepared = await call<Array<{ name: string; runs: number; windows: number; padding: number }>>(
        'preparePlans',
        long,
      );
      const totals = prepared.map(() => ({ ms: 0, cpu: 0 }));
      const app = { ms: 0, cpu: 0, runs: 0, longestRunMs: 0 };
      const order = [...prepared.keys(), -1];
      for (const index of [...order, ...[...order].reverse()]) {
        const cpuBefore = browserCpuSeconds() ?? Number.NaN;
        if (index < 0) {
          const run = await call<{ ms: number; runs: number; longestRunMs: number }>('runAppPlan');
          app.ms += run.ms;
          app.runs = run.runs;
          app.longestRunMs = Math.max(app.longestRunMs, run.longestRunMs);
          app.cpu += (browserCpuSeconds() ?? Number.NaN) - cpuBefore;
          continue;
        }
        const total = totals[index];
        if (!total) continue;
        total.ms += await call<number>('runPlan', index);
        total.cpu += (browserCpuSeconds() ?? Number.NaN) - cpuBefore;
      }
      const rows = [
        ...prepared.map((plan, i) => ({
          plan: `bare ORT, ${plan.name}`,
          runs: plan.runs,
          padding: plan.padding,
          memosPerSec: (long.length / ((totals[i]?.ms ?? 0) / 2)) * 1000,
          cpuSecondsPerMemo: (totals[i]?.cpu ?? 0) / 2 / long.length,
        })),
        {
          plan: 'app embedder (run-plan.ts), 8 memos/call',
          runs: app.runs,
          padding: Number.NaN,
          memosPerSec: (long.length / (app.ms / 2)) * 1000,
          cpuSecondsPerMemo: app.cpu / 2 / long.length,
          longestRunMs: app.longestRunMs,
        },
      ];
      results.plans = rows;
      table(
        'Run plans on 96 notebook-length memos (browser CPU seconds per memo is robust to a busy machine)',
        rows,
      );
    }
    const needsVectors = ['embed', 'ann', 'recall10k', 'recall100k'].some((phase) => phases.has(phase));
    if (!needsVectors) return;
    const key = `${N}-${(await call<string>('modelId')).replace(/[^a-zA-Z0-9]+/g, '_')}`;
    const vectorsFile = join(RESULTS, `semantic-vectors-${key}.b64`);
    const queriesFile = join(RESULTS, `semantic-queries-${key}.b64`);
    if (phases.has('embed') || !existsSync(vectorsFile)) {
      log(`embedding ${N} memos with the real model (batch 32)`);
      const { base64, ms } = await call<{ base64: string; ms: number }>('embedAll', texts, 32);
      writeFileSync(vectorsFile, base64);
      results.embedCorpus = { memos: N, ms, memosPerSec: (N / ms) * 1000 };
      log(`embedded ${N} memos in ${(ms / 1000).toFixed(1)} s (${((N / ms) * 1000).toFixed(1)} memos/s)`);
      writeFileSync(queriesFile, await call<string>('embedQueries', queries));
    }
    const vectors = readFileSync(vectorsFile, 'utf8');
    const queryVectors = readFileSync(queriesFile, 'utf8');

    if (phases.has('ann')) {
      log(`nearest-neighbour engines side by side on ${N} real vectors`);
      const rows = await call<Array<Record<string, unknown>>>(
        'compare',
        vectors,
        queryVectors,
        384,
        DEFAULT_HNSW_PARAMS,
        !args['no-mememo'],
      );
      results.ann = rows;
      table(`Nearest neighbours at ${N} (200 queries, k=10)`, rows);
    }

    const model = await call<string>('modelId');
    const endToEnd = async (count: number, label: string) => {
      log(`${label}: seeding ${count} memos with cached embeddings`);
      await call('seed', texts, vectors, count, model, SIGMA);
      await open();
      log(`${label}: starting the recall worker (builds or loads the index)`);
      const start = await call<{ ms: number; stats: Record<string, unknown> }>('recallReady', 1_800_000);
      log(
        `${label}: ready after ${(start.ms / 1000).toFixed(1)} s (${start.stats.indexSource}, open ${start.stats.indexOpenMs} ms)`,
      );
      // A rebuilt index is saved after the debounce; a loaded one has nothing to save.
      const saveWait = start.stats.indexSource === 'rebuilt' ? await call<number>('waitSaved', 1_800_000) : 0;
      const latency = await call<Record<string, number>>(
        'queryLatency',
        queries,
        texts,
        vectors,
        count,
        SIGMA,
      );
      await open();
      const reload = await call<{
        sinceNavigationMs: number;
        statusReadyMs: number;
        attempts: number;
        stats: Record<string, unknown>;
      }>('timeToFirstResult', 'what do we need from the supermarket', 600_000);
      await open(); // once more: the compiled wasm may now come from the browser's code cache
      const again = await call<{ sinceNavigationMs: number; stats: Record<string, unknown> }>(
        'timeToFirstResult',
        'what do we need from the supermarket',
        600_000,
      );
      return {
        memos: count,
        firstStart: {
          ms: start.ms,
          indexSource: start.stats.indexSource,
          indexOpenMs: start.stats.indexOpenMs,
          reason: start.stats.indexReason,
        },
        saveWaitMs: saveWait,
        query: latency,
        reload: {
          indexSource: reload.stats.indexSource,
          indexColdLoadMs: reload.stats.indexOpenMs,
          coldLoadPhases: reload.stats.indexOpenPhases,
          modelLoadMs: reload.stats.modelLoadMs,
          statusReadyMs: reload.statusReadyMs,
          bootPhases: reload.stats.bootPhases,
          attempts: reload.attempts,
          secondReload: {
            indexColdLoadMs: again.stats.indexOpenMs,
            modelLoadMs: again.stats.modelLoadMs,
            searchReadySinceNavigationMs: again.sinceNavigationMs,
          },
          searchReadySinceNavigationMs: reload.sinceNavigationMs,
          embeddedChunks: reload.stats.embeddedChunks,
        },
      };
    };
    if (phases.has('recall10k')) results.recall10k = await endToEnd(N, `${N}`);
    if (phases.has('recall100k')) results.recall100k = await endToEnd(BIG, `${BIG}`);
    for (const key of ['recall10k', 'recall100k'] as const) {
      const r = results[key] as
        | undefined
        | {
            memos: number;
            firstStart: Record<string, unknown>;
            query: Record<string, number>;
            reload: Record<string, unknown>;
          };
      if (!r) continue;
      table(`Recall worker end to end at ${r.memos} memos`, [
        { metric: 'first start: index source', value: String(r.firstStart.indexSource) },
        { metric: 'first start: index open/rebuild (ms)', value: Number(r.firstStart.indexOpenMs) },
        { metric: 'query p50 (ms, embed + search)', value: r.query.p50 ?? Number.NaN },
        { metric: 'query p95 (ms, embed + search)', value: r.query.p95 ?? Number.NaN },
        { metric: 'recall@10 vs exact (memo level)', value: r.query.recallAt10 ?? Number.NaN },
        { metric: 'reload: index source', value: String(r.reload.indexSource) },
        { metric: 'reload: index cold load (ms)', value: Number(r.reload.indexColdLoadMs) },
        { metric: 'reload: cold load phases (ms)', value: JSON.stringify(r.reload.coldLoadPhases) },
        { metric: 'reload: model load (ms)', value: Number(r.reload.modelLoadMs) },
        { metric: 'reload: status ready since navigation (ms)', value: Number(r.reload.statusReadyMs) },
        { metric: 'reload: worker start-up steps (ms)', value: JSON.stringify(r.reload.bootPhases) },
        {
          metric: 'reload: search ready since navigation (ms)',
          value: Number(r.reload.searchReadySinceNavigationMs),
        },
        { metric: 'reload: chunks embedded', value: Number(r.reload.embeddedChunks) },
        {
          metric: 'second reload (ms: cold load, model, search ready)',
          value: JSON.stringify(r.reload.secondReload),
        },
      ]);
    }
  } finally {
    const file = join(RESULTS, `semantic-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    log(`results written to ${file}`);
    await browser.close();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
