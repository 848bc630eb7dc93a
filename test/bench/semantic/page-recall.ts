/**
 * Benchmark page, end-to-end part: the app's recall worker (workers/recall/client.ts) over
 * a database seeded with real embeddings (so nothing needs embedding), measuring what a
 * user waits for: index build from stored embeddings, query latency (embed the query +
 * search), index cold load and time until search is ready after a reload, and memo-level
 * recall@10 against an exact scan over the same vectors.
 */

import type { MemoName } from '../../../sync/core/ids';
import type { LocalMemo } from '../../../sync/core/memo';
import { buildLocalMemo } from '../../../sync/db/notebook';
import { type EmbeddingRow, MemosDatabase, type RecallDocRow } from '../../../sync/db/schema';
import { type RecallSnapshot, recallClient } from '../../../workers/recall/client';
import { contentHash } from '../../../workers/recall/content-hash';
import { exactTopK, jitter, percentile, recallAtK } from './metrics';
import { fromBase64 } from './page-ann';
import { embedder } from './page-embedding';

const DIM = 384;

export function memoName(i: number): MemoName {
  return `memos/bench-${String(i).padStart(7, '0')}` as MemoName;
}

/** Writes `count` memos with cached embeddings: the real ones, then jittered copies. */
export async function seed(
  texts: string[],
  vectorsB64: string,
  count: number,
  modelId: string,
  sigma: number,
) {
  const base = fromBase64(vectorsB64);
  const db = new MemosDatabase();
  const existing = await db.memos.count();
  let random = 12345;
  const next = () => {
    random = (random * 1103515245 + 12345) >>> 0;
    return random / 2 ** 32;
  };
  for (let start = existing; start < count; start += 2_000) {
    const end = Math.min(count, start + 2_000);
    const memos: LocalMemo[] = [];
    const docs: RecallDocRow[] = [];
    const rows: EmbeddingRow[] = [];
    for (let i = start; i < end; i++) {
      const source = i % texts.length;
      const content =
        i < texts.length ? (texts[source] ?? '') : `${texts[source]} (${Math.floor(i / texts.length)})`;
      const vector = base.slice(source * DIM, (source + 1) * DIM);
      const name = memoName(i);
      const hash = contentHash(content);
      const memo = buildLocalMemo(
        name,
        { content, visibility: 'PRIVATE', state: 'NORMAL', pinned: false, attachments: [] },
        { createTime: i, updateTime: i },
      );
      memos.push(memo);
      docs.push({
        name,
        modelId,
        contentHash: hash,
        chunks: 1,
        state: 'NORMAL' as const,
        tags: memo.tags,
        truncated: false,
      });
      rows.push({
        name,
        chunk: 0,
        modelId,
        contentHash: hash,
        vector: i < texts.length ? vector : jitter(vector, sigma, next),
      });
    }
    await db.transaction('rw', db.memos, db.recallDocs, db.embeddings, async () => {
      await db.memos.bulkPut(memos);
      await db.recallDocs.bulkPut(docs);
      await db.embeddings.bulkPut(rows);
    });
    document.title = `seeded ${end} of ${count}`;
  }
  db.close();
}

export async function modelId(): Promise<string> {
  return (await (await embedder()).describe()).modelId;
}

type Snap = RecallSnapshot;

/** Starts the recall worker (if needed) and waits until it is ready and idle. */
export async function recallReady(timeoutMs: number) {
  const recall = recallClient();
  const started = performance.now();
  const progress: string[] = [];
  await recall.subscribe((s: Snap) => {
    if (s.progress.kind !== 'idle')
      document.title = `${s.progress.kind} ${s.progress.done} of ${s.progress.total}`;
  });
  for (;;) {
    const [{ status, progress: p }, stats] = await Promise.all([recall.status(), recall.stats()]);
    if (status.kind === 'unavailable') throw new Error(JSON.stringify(status));
    if (status.kind === 'ready' && p.kind === 'idle' && stats.memos > 0) {
      return { ms: performance.now() - started, sinceNavigation: performance.now(), stats, progress };
    }
    if (performance.now() - started > timeoutMs)
      throw new Error(`recall not ready: ${JSON.stringify([status, p])}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function waitSaved(timeoutMs: number): Promise<number> {
  const recall = recallClient();
  const started = performance.now();
  while ((await recall.stats()).indexSaves === 0) {
    if (performance.now() - started > timeoutMs) throw new Error('index never saved');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return performance.now() - started;
}

/** Time from navigation start until a search returns results (after a reload). */
export async function timeToFirstResult(query: string, timeoutMs: number) {
  const recall = recallClient();
  let readyAt = Number.NaN;
  let attempts = 0;
  for (;;) {
    if (Number.isNaN(readyAt) && (await recall.status()).status.kind === 'ready') readyAt = performance.now();
    attempts++;
    const hits = await recall.search(query, { k: 5 });
    if (hits.length > 0) {
      return {
        sinceNavigationMs: performance.now(),
        statusReadyMs: readyAt,
        attempts,
        stats: await recall.stats(),
      };
    }
    if (performance.now() > timeoutMs) throw new Error('search never became ready');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** p50/p95 of recall.search (query embedding + HNSW + memo ranking) and recall@10 vs exact. */
export async function queryLatency(
  queries: string[],
  texts: string[],
  vectorsB64: string,
  count: number,
  sigma: number,
) {
  const recall = recallClient();
  const api = await embedder();
  const base = fromBase64(vectorsB64);
  // The exact reference over the same stored vectors (regenerated like `seed` did).
  const all = new Float32Array(count * DIM);
  let random = 12345;
  const next = () => {
    random = (random * 1103515245 + 12345) >>> 0;
    return random / 2 ** 32;
  };
  for (let i = 0; i < count; i++) {
    const source = i % texts.length;
    const vector = base.subarray(source * DIM, (source + 1) * DIM);
    all.set(i < texts.length ? vector : jitter(vector, sigma, next), i * DIM);
  }
  await recall.search(queries[0] ?? 'warm up', { k: 10 });
  const times: number[] = [];
  let recallSum = 0;
  for (const query of queries) {
    const started = performance.now();
    const hits = await recall.search(query, { k: 10 });
    times.push(performance.now() - started);
    const q = await api.embedQuery(query);
    const exact = exactTopK(all, DIM, q, 10);
    const found = hits.map((h) => ({ id: Number(h.name.slice('memos/bench-'.length)), score: h.score }));
    recallSum += recallAtK(found, exact, 10);
  }
  return {
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    recallAt10: recallSum / queries.length,
    n: queries.length,
  };
}
