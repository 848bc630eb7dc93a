/**
 * `npm run bench`: runs the benchmarks on this machine (all but `ranking` in headless
 * Chromium), prints a table and writes JSON to test/bench/results/ (ignored by git). Select
 * parts with arguments: `npm run bench -- notebook sync semantic ranking recall-scale`. Flags
 * `--embed-minutes=N` (measure the first embedding for N minutes, then stop), `--trace`
 * (where the browser's CPU time goes during it) and `--dist=DIR` (serve another commit's
 * `vite build` output instead, for an A/B) go to the notebook benchmark; the others
 * (`--phases=recall10k`, `--fresh`) to the semantic benchmark, and `--leg=a,b`, `--memos=N`,
 * `--window=S`, `--c-full` to recall-scale. `npm run bench -- memory`: the
 * Memory page and "Ask your notes" (issue 14).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../helpers/app-harness';
import { ensureChromium } from '../helpers/chromium';
import { benchNotebook, type NotebookBenchOptions } from './notebook';

type Bench = () => Promise<unknown>;

const NOTEBOOK_FLAGS = ['--embed-minutes', '--trace', '--dist'];
const isNotebookFlag = (arg: string) =>
  NOTEBOOK_FLAGS.some((flag) => arg === flag || arg.startsWith(`${flag}=`));

function notebookOptions(): NotebookBenchOptions {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter(isNotebookFlag),
    options: {
      'embed-minutes': { type: 'string' },
      trace: { type: 'boolean', default: false },
      dist: { type: 'string' },
    },
  });
  const minutes = values['embed-minutes'];
  if (minutes !== undefined && !(Number(minutes) > 0)) throw new Error('--embed-minutes wants a number > 0');
  return {
    ...(minutes === undefined ? {} : { embedMinutes: Number(minutes) }),
    ...(values.dist ? { distDir: resolve(values.dist) } : {}),
    trace: values.trace ?? false,
  };
}

const BENCHES: Record<string, Bench> = {
  notebook: () => benchNotebook(notebookOptions()),
  sync: async () => (await import('./sync')).benchSync(),
  memory: async () => (await import('./memory')).benchMemory(),
  attachments: async () => (await import('./attachments')).benchAttachments(),
  // Its own process: real Memos, `npm start`'s server and fresh Chromium profiles (pass --leg=… after --).
  'recall-scale': async () => {
    execFileSync(
      join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      [
        join(REPO_ROOT, 'test/bench/recall-scale/run.ts'),
        ...process.argv.slice(2).filter((a) => a.startsWith('--')),
      ],
      { cwd: REPO_ROOT, stdio: 'inherit' },
    );
    return { see: 'the table above and test/bench/results/recall-scale-*.json' };
  },
  // Its own process: it parses its own flags and prints its own tables (pass --phases=… after --).
  semantic: async () => {
    execFileSync(
      join(REPO_ROOT, 'node_modules', '.bin', 'tsx'),
      [
        join(REPO_ROOT, 'test/bench/semantic/run.ts'),
        ...process.argv.slice(2).filter((a) => a.startsWith('--') && !isNotebookFlag(a)),
      ],
      {
        cwd: REPO_ROOT,
        stdio: 'inherit',
      },
    );
    return { see: 'the tables above and test/bench/results/semantic-*.json' };
  },
  // Node only (the app's keyword index and embedder): needs neither Chromium nor a build.
  ranking: async () => (await import('./ranking/run')).benchRanking(),
};

const NODE_ONLY = new Set(['ranking']);

function flatten(prefix: string, value: unknown, rows: Array<[string, string]>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(prefix ? `${prefix}.${key}` : key, inner, rows);
  } else {
    rows.push([prefix, Array.isArray(value) ? JSON.stringify(value) : String(value)]);
  }
}

async function main() {
  const selected = process.argv.slice(2).filter((a) => a in BENCHES);
  const names = selected.length > 0 ? selected : Object.keys(BENCHES);
  if (names.some((name) => !NODE_ONLY.has(name))) {
    ensureChromium();
    execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
      cwd: REPO_ROOT,
      stdio: 'inherit',
    });
  }
  const results: Record<string, unknown> = {
    at: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length },
  };
  for (const name of names) {
    const bench = BENCHES[name];
    if (!bench) continue;
    console.log(`\n== ${name} ==`);
    const started = Date.now();
    results[name] = await bench();
    const rows: Array<[string, string]> = [];
    flatten('', results[name], rows);
    const width = Math.max(...rows.map(([k]) => k.length));
    for (const [key, value] of rows) console.log(`${key.padEnd(width)}  ${value}`);
    console.log(`(${Math.round((Date.now() - started) / 1000)} s)`);
  }
  const dir = join(REPO_ROOT, 'test', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
