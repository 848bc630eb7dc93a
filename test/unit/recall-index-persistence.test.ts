/**
 * Persistence and repair of the semantic index (workers/index/semantic-index.ts) in Node,
 * hnswlib-wasm over fake-indexeddb: debounced saves and reload without rebuilding,
 * catch-up with embeddings stored after the last save, rebuild from stored embeddings
 * after garbage in / deletion of the index file, a missing or mismatching label map,
 * capacity growth, compaction by rebuild, a full disk, and non-leading tabs not writing.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type HnswFiles, hnswFiles } from '../../workers/index/hnsw-files';
import { SAVED_INDEX_KEY, slotFile } from '../../workers/index/saved-index';
import {
  corruptIndexFile,
  DIM,
  deleteIndexFile,
  dropDoc,
  failIdbfsWrites,
  fillDocs,
  indexWorld,
  memoName,
  names,
  putDoc,
  randomUnit,
  rng,
} from './recall-helpers';

(globalThis as { window?: unknown }).window = globalThis;

let files: HnswFiles;
let dbCount = 0;
const opened: Array<() => Promise<void>> = [];

beforeAll(async () => {
  files = await hnswFiles({ timeoutMs: 5_000 });
});
afterEach(async () => {
  for (const close of opened.splice(0)) await close();
});

const setup = () => indexWorld(files, `recall-persist-${++dbCount}`, opened);

describe('semantic index persistence', () => {
  it('saves after a debounce and reloads the saved graph without rebuilding', async () => {
    const { db, make, timers, events } = setup();
    const vectors = await fillDocs(db, 40, 5);
    const first = make();
    expect(await first.opened).toMatchObject({ source: 'rebuilt', reason: 'no saved index', memos: 40 });
    expect(timers.pending).toBe(1); // a rebuilt index is saved soon, not at once
    timers.runAll();
    await first.index.flush();
    expect(events.filter((e) => e.type === 'saved')).toHaveLength(1);
    const before = await first.index.search(vectors[7] ?? new Float32Array(DIM), { k: 5 });
    await first.index.close();

    const second = make();
    expect(await second.opened).toMatchObject({ source: 'loaded', memos: 40, chunks: 40 });
    expect(await second.index.search(vectors[7] ?? new Float32Array(DIM), { k: 5 })).toEqual(before);
    expect(events.filter((e) => e.type === 'build-progress').length).toBeGreaterThan(0);
  });

  it('catches up with embeddings and filters stored after the last save instead of rebuilding', async () => {
    const { db, make, events } = setup();
    const vectors = await fillDocs(db, 30, 6);
    const first = make();
    await first.opened;
    await first.index.flush();
    await first.index.close();
    const random = rng(60);
    const fresh = randomUnit(random);
    await putDoc(db, { name: memoName(100), hash: 'new', vectors: [fresh] }); // embedded, never indexed
    await dropDoc(db, memoName(3)); // deleted while no index was running
    await db.recallDocs.update(memoName(5), { state: 'ARCHIVED' }); // archived meanwhile

    const second = make();
    expect(await second.opened).toMatchObject({ source: 'loaded', memos: 30 });
    await second.index.sync([]); // queued behind the catch-up
    expect(events).toContainEqual({ type: 'caught-up', memos: 3 });
    expect((await second.index.search(fresh, { k: 1 }))[0]?.name).toBe(memoName(100));
    expect(names(await second.index.search(fresh, { k: 30 }))).not.toContain(memoName(3));
    const archived = vectors[4] ?? fresh;
    expect(names(await second.index.search(archived, { k: 30 }))).not.toContain(memoName(5));
    expect((await second.index.search(archived, { k: 1, state: 'ARCHIVED' }))[0]?.name).toBe(memoName(5));
  });

  it.each([
    ['garbage in the index file', (f: string) => corruptIndexFile(f), /unreadable/],
    ['a missing index file', (f: string) => deleteIndexFile(f), /missing/],
  ])('rebuilds from stored embeddings after %s', async (_label, damage, reason) => {
    const { db, make, fileBase } = setup();
    const vectors = await fillDocs(db, 25, 7);
    const first = make();
    await first.opened;
    await first.index.flush();
    const expected = await first.index.search(vectors[3] ?? new Float32Array(DIM), { k: 3 });
    await first.index.close();
    const row = await db.recallIndex.get(SAVED_INDEX_KEY);
    const slot = (row?.value as { slot?: 'a' | 'b' } | undefined)?.slot ?? 'a';
    await damage(slotFile(fileBase, slot));

    const second = make();
    const report = await second.opened;
    expect(report).toMatchObject({ source: 'rebuilt', memos: 25 });
    expect(report.reason).toMatch(reason);
    expect(await second.index.search(vectors[3] ?? new Float32Array(DIM), { k: 3 })).toEqual(expected);
  });

  it('rebuilds when the label map is missing or does not match the stored vectors', async () => {
    const { db, make } = setup();
    const vectors = await fillDocs(db, 20, 8);
    const first = make();
    await first.opened;
    await first.index.flush();
    await first.index.close();
    await db.recallIndex.delete(SAVED_INDEX_KEY);
    const second = make();
    expect(await second.opened).toMatchObject({ source: 'rebuilt', reason: 'no saved index', memos: 20 });
    await second.index.flush();
    await second.index.close();

    // Same content hashes, different vectors: the saved graph no longer mirrors the store.
    const random = rng(80);
    for (let i = 1; i <= 20; i++)
      await putDoc(db, { name: memoName(i), hash: `h${i}`, vectors: [randomUnit(random)] });
    const third = make();
    const report = await third.opened;
    expect(report).toMatchObject({ source: 'rebuilt' });
    expect(report.reason).toMatch(/does not match/);
    const moved = (await db.embeddings.get([memoName(4), 0]))?.vector ?? new Float32Array(DIM);
    expect((await third.index.search(moved, { k: 1 }))[0]?.name).toBe(memoName(4));
    expect((await third.index.search(vectors[3] ?? moved, { k: 1 }))[0]?.score).toBeLessThan(0.99);
  });

  it('grows capacity past its preset size', async () => {
    const { db, make } = setup();
    await fillDocs(db, 10, 9);
    const { index, opened } = make();
    await opened;
    const initial = (await index.stats()).capacity;
    const more = await fillDocs(db, initial + 50, 10, 11);
    await index.sync(Array.from({ length: initial + 50 }, (_, i) => memoName(11 + i)));
    const stats = await index.stats();
    expect(stats.memos).toBe(initial + 60);
    expect(stats.capacity).toBeGreaterThanOrEqual(initial + 60);
    expect((await index.search(more[initial + 10] ?? new Float32Array(DIM), { k: 1 }))[0]?.name).toBe(
      memoName(11 + initial + 10),
    );
  });

  it('compacts by rebuild once more than 20% of labels are deleted, losing no change', async () => {
    const { db, make, events } = setup();
    const vectors = await fillDocs(db, 50, 11);
    const { index, opened } = make();
    await opened;
    for (let i = 1; i <= 14; i++) await dropDoc(db, memoName(i));
    await index.sync(Array.from({ length: 14 }, (_, i) => memoName(i + 1))); // 14/50 = 28% deleted
    const late = randomUnit(rng(110));
    await putDoc(db, { name: memoName(200), hash: 'late', vectors: [late] });
    await index.sync([memoName(200)]); // lands while the compaction may still be building
    await waitFor(async () => (await index.stats()).compactions === 1);
    expect(events.some((e) => e.type === 'compacted')).toBe(true);
    const stats = await index.stats();
    expect(stats).toMatchObject({ memos: 37, chunks: 37, deleted: 0 });
    expect((await index.search(late, { k: 1 }))[0]?.name).toBe(memoName(200));
    expect((await index.search(vectors[20] ?? late, { k: 1 }))[0]?.name).toBe(memoName(21));
    expect(names(await index.search(vectors[0] ?? late, { k: 40 }))).not.toContain(memoName(1));
  });

  it('reports a full disk when the index file cannot be saved, and keeps searching', async () => {
    const { db, make, events } = setup();
    const vectors = await fillDocs(db, 10, 12);
    const { index, opened } = make();
    await opened;
    const restore = failIdbfsWrites();
    try {
      await index.flush();
    } finally {
      restore();
    }
    expect(events).toContainEqual(expect.objectContaining({ type: 'save-failed', reason: 'storage-full' }));
    expect((await index.search(vectors[2] ?? new Float32Array(DIM), { k: 1 }))[0]?.name).toBe(memoName(3));
    await index.flush(); // space is back: the pending save goes through
    expect(events.filter((e) => e.type === 'saved')).toHaveLength(1);
  });

  it('never writes when it does not lead (another tab saves)', async () => {
    const { db, make, timers } = setup();
    await fillDocs(db, 5, 13);
    const { index, opened } = make(false);
    await opened;
    expect(timers.pending).toBe(0);
    await index.flush();
    expect(await db.recallIndex.get(SAVED_INDEX_KEY)).toBeUndefined();
    await index.setPersist(true);
    expect(timers.pending).toBe(1);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
