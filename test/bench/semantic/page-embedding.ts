/**
 * Benchmark page, embedding part: throughput of the app's embedding worker by batch size,
 * the same windows through a bare onnxruntime-web session, and embedding a whole corpus
 * (returned as base64 of the Float32Array so Node can keep it).
 */

import * as Comlink from 'comlink';
import ortMjsUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.mjs?url';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import { startEmbedWorker } from '../../../workers/embed/client';
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
