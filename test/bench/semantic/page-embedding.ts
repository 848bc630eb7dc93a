/**
 * Benchmark page, embedding part: throughput of the app's embedding worker by batch size,
 * the same windows through a bare onnxruntime-web session, and embedding a whole corpus
 * (returned as base64 of the Float32Array so Node can keep it).
 */

import * as Comlink from 'comlink';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { startEmbedWorker } from '../../../workers/embed/client';
import { paddingRatio, planRuns } from '../../../workers/embed/run-plan';
import type { RawOrtApi } from './raw-ort.worker';

let embed: ReturnType<typeof startEmbedWorker> | undefined;

export async function embedder() {
  if (!embed) {
    embed = startEmbedWorker();
    const outcome = await embed.api.load();
    if (!outcome.ok) throw new Error(outcome.failure.message);
  }
  return embed.api;
}

export interface ThroughputRow {
  batch: number;
  memos: number;
  chunks: number;
  appMs: number;
  appMemosPerSec: number;
  rawMs: number;
  rawMemosPerSec: number;
  overhead: number;
}

export async function throughput(texts: string[], batches: number[]): Promise<ThroughputRow[]> {
  const api = await embedder();
  const windows = (await Promise.all(texts.map((t) => api.tokenize(t)))).flatMap((c) => c.windows);
  const raw = Comlink.wrap<RawOrtApi>(
    new Worker(new URL('./raw-ort.worker.ts', import.meta.url), { type: 'module' }),
  );
  await raw.init('/models/Xenova/all-MiniLM-L6-v2/onnx/model_quantized.onnx', ortWasmUrl, ortMjsUrl);
  await api.embedDocuments(texts.slice(0, 8)); // warm-up
  await raw.run(windows.slice(0, 8), 8, [101], [102]);
  const rows: ThroughputRow[] = [];
  for (const batch of batches) {
    const started = performance.now();
    const result = await api.embedDocuments(texts, { batchSize: batch });
    const appMs = performance.now() - started;
    const rawMs = await raw.run(windows, batch, [101], [102]);
    rows.push({
      batch,
      memos: texts.length,
      chunks: result.chunkCounts.reduce((a, b) => a + b, 0),
      appMs,
      appMemosPerSec: (texts.length / appMs) * 1000,
      rawMs,
      rawMemosPerSec: (texts.length / rawMs) * 1000,
      overhead: appMs / rawMs,
    });
  }
  raw[Comlink.releaseProxy]();
  return rows;
}

export function toBase64(vectors: Float32Array): string {
  const bytes = new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** Embeds texts in slices (progress in document.title); one vector per text (first chunk). */
export async function embedAll(texts: string[], batch: number): Promise<{ base64: string; ms: number }> {
  const api = await embedder();
  const dim = 384;
  const out = new Float32Array(texts.length * dim);
  const started = performance.now();
  for (let start = 0; start < texts.length; start += 256) {
    const slice = texts.slice(start, start + 256);
    const result = await api.embedDocuments(slice, { batchSize: batch });
    let row = 0;
    slice.forEach((_, i) => {
      out.set(result.vectors.subarray(row * dim, (row + 1) * dim), (start + i) * dim);
      row += result.chunkCounts[i] ?? 1;
    });
    document.title = `embedded ${start + slice.length} of ${texts.length}`;
  }
  return { base64: toBase64(out), ms: performance.now() - started };
}

/** The indexer's call pattern: memos in groups of `group` (notebook order), each planned alone. */
function groupedPlan(
  lengths: number[],
  perMemo: number[],
  group: number,
  plan: (lengths: number[]) => number[][],
): number[][] {
  const runs: number[][] = [];
  let offset = 0;
  for (let memo = 0; memo < perMemo.length; memo += group) {
    const count = perMemo.slice(memo, memo + group).reduce((a, b) => a + b, 0);
    const local = lengths.slice(offset, offset + count);
    for (const run of plan(local)) runs.push(run.map((i) => i + offset));
    offset += count;
  }
  return runs;
}

interface PlanState {
  raw: Comlink.Remote<RawOrtApi>;
  rows: number[][];
  texts: string[];
  plans: Array<{ name: string; runs: number[][]; padding: number }>;
}
let planState: PlanState | undefined;

/**
 * How model runs are composed, on a bare onnxruntime-web session over the same windows:
 * the app's old plan (8 memos per call, 16 windows per run, padded to the longest), one
 * window per run, and run-plan.ts's policy with 8 and 32 memos per call. The Node driver
 * runs each plan (and the app's embedder, `runAppPlan`) in turn and reads the browser's
 * CPU time around each, so a busy machine shows in wall time but hardly in CPU seconds.
 */
export async function preparePlans(
  texts: string[],
): Promise<Array<{ name: string; runs: number; windows: number; padding: number }>> {
  const api = await embedder();
  const chunked = await Promise.all(texts.map((t) => api.tokenize(t)));
  const rows = chunked.flatMap((c) => c.windows).map((w) => [101, ...w, 102]);
  const perMemo = chunked.map((c) => c.windows.length);
  const lengths = rows.map((r) => r.length);
  const raw = Comlink.wrap<RawOrtApi>(
    new Worker(new URL('./raw-ort.worker.ts', import.meta.url), { type: 'module' }),
  );
  await raw.init('/models/Xenova/all-MiniLM-L6-v2/onnx/model_quantized.onnx', ortWasmUrl, ortMjsUrl);
  await raw.runPlan(rows.slice(0, 8), [[0, 1, 2, 3, 4, 5, 6, 7]]); // warm-up
  await api.embedDocuments(texts.slice(0, 8)); // warm-up
  const sortedRuns = (size: number) => (local: number[]) => {
    const order = local.map((_, i) => i).sort((a, b) => (local[b] ?? 0) - (local[a] ?? 0));
    const out: number[][] = [];
    for (let i = 0; i < order.length; i += size) out.push(order.slice(i, i + size));
    return out;
  };
  const candidates: Array<[string, number[][]]> = [
    ['old: 8 memos/call, 16 windows/run', groupedPlan(lengths, perMemo, 8, sortedRuns(16))],
    ['1 window/run', lengths.map((_, i) => [i])],
    ['planRuns, 8 memos/call', groupedPlan(lengths, perMemo, 8, (l) => planRuns(l))],
    ['planRuns, 32 memos/call', groupedPlan(lengths, perMemo, 32, (l) => planRuns(l))],
  ];
  planState = {
    raw,
    rows,
    texts,
    plans: candidates.map(([name, runs]) => ({ name, runs, padding: paddingRatio(lengths, runs) })),
  };
  return planState.plans.map((p) => ({
    name: p.name,
    runs: p.runs.length,
    windows: rows.length,
    padding: p.padding,
  }));
}

/** Runs plan `index` of preparePlans on the bare session; returns wall milliseconds. */
export async function runPlan(index: number): Promise<number> {
  const plan = planState?.plans[index];
  if (!planState || !plan) throw new Error('preparePlans first');
  return planState.raw.runPlan(planState.rows, plan.runs);
}

/** The app's embedder on the same memos, 8 per call (as the indexer calls it). */
export async function runAppPlan(): Promise<{ ms: number; runs: number; longestRunMs: number }> {
  if (!planState) throw new Error('preparePlans first');
  const api = await embedder();
  const before = await api.stats();
  const started = performance.now();
  for (let i = 0; i < planState.texts.length; i += 8)
    await api.embedDocuments(planState.texts.slice(i, i + 8));
  const ms = performance.now() - started;
  const after = await api.stats();
  return { ms, runs: after.runs - before.runs, longestRunMs: after.longestRunMs };
}
