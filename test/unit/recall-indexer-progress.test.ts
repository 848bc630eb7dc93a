/**
 * "Indexing n of N" (workers/recall/indexer.ts) counts memos, not queue entries: a memo
 * queued again while it waits or while its batch is being embedded (an edit, a scan that
 * overlaps the change feed) is counted once, and n never passes N. Before this, 15 memos
 * could read "0 of 16".
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MemoName } from '../../sync/core/ids';
import { createChangeFeed } from '../../sync/db/change-feed';
import { createNotebook } from '../../sync/db/notebook';
import { MemosDatabase } from '../../sync/db/schema';
import { createIndexer } from '../../workers/recall/indexer';
import { noServerLink } from '../../workers/recall/server-link';
import { createVectorSource } from '../../workers/recall/vector-source';
import { DIM, MODEL } from './recall-helpers';

let db: MemosDatabase | undefined;
afterEach(async () => {
  await db?.delete();
  db = undefined;
});

async function notebookWith(count: number): Promise<{ db: MemosDatabase; names: MemoName[] }> {
  const database = new MemosDatabase(`indexer-progress-${Math.random()}`);
  db = database;
  const notebook = createNotebook({
    db: database,
    feed: createChangeFeed('unused', undefined),
    now: () => 1_700_000_000_000,
  });
  const names: MemoName[] = [];
  for (let i = 0; i < count; i++)
    names.push((await notebook.create({ content: `memo number ${i}`, visibility: 'PRIVATE' })).name);
  return { db: database, names };
}

describe('indexing progress', () => {
  it('counts a memo queued again while its batch is embedded once: 15 memos read "of 15"', async () => {
    const { db: database, names } = await notebookWith(15);
    const reports: Array<[number, number]> = [];
    let releaseFirst: (() => void) | undefined;
    let calls = 0;
    const indexer = createIndexer({
      db: database,
      modelId: MODEL,
      dim: DIM,
      batchMemos: 4,
      source: createVectorSource({
        server: undefined,
        link: noServerLink(),
        modelId: MODEL,
        dim: DIM,
        deviceBatch: 4,
        localIndexing: () => true,
        embedder: {
          async embedDocuments(texts) {
            calls++;
            // Hold the first batch in flight until the test has re-queued one of its memos.
            if (calls === 1) await new Promise<void>((resolve) => (releaseFirst = resolve));
            return {
              dim: DIM,
              vectors: new Float32Array(texts.length * DIM).fill(0.1),
              chunkCounts: texts.map(() => 1),
              truncated: texts.map(() => false),
            };
          },
        },
      }),
      index: { sync: async () => undefined },
      onProgress: (done, total) => reports.push([done, total]),
      onStored: () => undefined,
      onError: (error) => {
        throw error;
      },
    });
    const all = indexer.enqueue(names);
    for (let i = 0; i < 50 && !releaseFirst; i++) await new Promise((r) => setTimeout(r, 5));
    // An edit of a memo in the batch being embedded, and a scan naming every memo again.
    const again = indexer.enqueue([names[0] as MemoName], true);
    const rescan = indexer.enqueue(names);
    releaseFirst?.();
    await Promise.all([all, again, rescan]);
    await indexer.idle();

    const totals = new Set(reports.filter(([, total]) => total > 0).map(([, total]) => total));
    expect([...totals]).toEqual([15]);
    for (const [done, total] of reports) expect(done).toBeLessThanOrEqual(total);
    expect(reports.at(-2)).toEqual([15, 15]);
    expect(reports.at(-1)).toEqual([0, 0]);
  });
});
