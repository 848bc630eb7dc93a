/**
 * Benchmark harness page: builds the app's keyword index (MiniSearch, same options as the
 * app) over 10,000 generated memos in the browser and times queries. Results land on
 * `window.__benchResult` for the runner.
 */
import { KeywordIndex } from '../../../app/search/keyword-index';
import type { MemoName } from '../../../sync/core/ids';
import { buildLocalMemo } from '../../../sync/db/notebook';
import { makeCorpus, mulberry32 } from '../corpus';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function run() {
  const count = Number(new URLSearchParams(location.search).get('count') ?? 10000);
  const texts = makeCorpus(count);
  const memos = texts.map((content, i) =>
    buildLocalMemo(
      `memos/bench-${i}` as MemoName,
      { content, visibility: 'PRIVATE', state: 'NORMAL', pinned: false, attachments: [] },
      { createTime: i * 1000, updateTime: i * 1000 },
    ),
  );
  const index = new KeywordIndex();
  const buildStart = performance.now();
  await index.addAll(memos);
  const buildMs = performance.now() - buildStart;
  const random = mulberry32(7);
  const words = texts.flatMap((t) => t.split(/\W+/).filter((w) => w.length > 3)).slice(0, 50000);
  const queries: string[] = [];
  for (let i = 0; i < 300; i++) {
    const word = words[Math.floor(random() * words.length)] ?? 'coffee';
    const kind = i % 4;
    if (kind === 0) queries.push(word);
    else if (kind === 1) queries.push(word.slice(0, 3));
    else if (kind === 2) queries.push(`${word.slice(0, -1)}x`);
    else queries.push(`${word} ${words[Math.floor(random() * words.length)] ?? 'milk'}`);
  }
  for (const q of queries.slice(0, 20)) index.query(q);
  const times: number[] = [];
  let hits = 0;
  for (const query of queries) {
    const start = performance.now();
    hits += index.query(query, { state: 'NORMAL', limit: 100 }).length;
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  (window as unknown as { __benchResult: unknown }).__benchResult = {
    memos: count,
    buildMs,
    queries: queries.length,
    avgHits: hits / queries.length,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    max: times[times.length - 1],
  };
  const state = document.getElementById('state');
  if (state) state.textContent = 'done';
}

void run();
