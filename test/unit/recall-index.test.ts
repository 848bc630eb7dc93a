/**
 * The index contract (workers/index/semantic-index.ts) in Node, hnswlib-wasm over
 * fake-indexeddb: add, update, delete, search order, best-chunk scoring, state and tag
 * filters, related memos. Persistence and repair are in recall-index-persistence.test.ts.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MemosDatabase } from '../../sync/db/schema';
import { type HnswFiles, hnswFiles } from '../../workers/index/hnsw-files';
import { LabelMap, type LabelMapSnapshot } from '../../workers/index/label-map';
import { createSemanticIndex } from '../../workers/index/semantic-index';
import {
  DIM,
  dropDoc,
  fillDocs,
  INDEX_PARAMS,
  indexWorld,
  MODEL,
  manualTimers,
  memoName,
  names,
  near,
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

const setup = () => indexWorld(files, `recall-index-${++dbCount}`, opened);

describe('semantic index', () => {
  it('adds, searches in score order, updates and deletes', async () => {
    const { db, make } = setup();
    const random = rng(1);
    const [a, b, c] = [randomUnit(random), randomUnit(random), randomUnit(random)];
    await putDoc(db, { name: memoName(1), hash: 'h1', vectors: [a] });
    await putDoc(db, { name: memoName(2), hash: 'h2', vectors: [b] });
    await putDoc(db, { name: memoName(3), hash: 'h3', vectors: [c] });
    const { index, opened } = make();
    expect(await opened).toMatchObject({ source: 'rebuilt', memos: 3, chunks: 3 });

    const hits = await index.search(near(b, 0.05, random), { k: 3 });
    expect(names(hits)).toHaveLength(3);
    expect(hits[0]?.name).toBe(memoName(2));
    expect(hits[0]?.score).toBeGreaterThan(0.95);
    expect(hits.map((h) => h.score)).toEqual([...hits.map((h) => h.score)].sort((x, y) => y - x));

    // Update: memo 2 now means what `a` means.
    await putDoc(db, { name: memoName(2), hash: 'h2b', vectors: [near(a, 0.01, random)] });
    await index.sync([memoName(2)]);
    expect((await index.search(b, { k: 1 }))[0]?.name).not.toBe(memoName(2));
    expect(names(await index.search(a, { k: 2 }))).toEqual(
      expect.arrayContaining([memoName(1), memoName(2)]),
    );

    // Delete.
    await dropDoc(db, memoName(1));
    await index.sync([memoName(1)]);
    expect(names(await index.search(a, { k: 3 }))).not.toContain(memoName(1));
    expect(await index.stats()).toMatchObject({ memos: 2, chunks: 2, deleted: 2 });
  });

  it('scores a memo by its best chunk and returns each memo once', async () => {
    const { db, make } = setup();
    const random = rng(2);
    const target = randomUnit(random);
    await putDoc(db, {
      name: memoName(1),
      hash: 'long',
      vectors: [randomUnit(random), near(target, 0.02, random)],
    });
    await putDoc(db, { name: memoName(2), hash: 'x', vectors: [near(target, 0.6, random)] });
    const { index, opened } = make();
    await opened;
    const hits = await index.search(target, { k: 5 });
    expect(names(hits)).toEqual([memoName(1), memoName(2)]);
  });

  it('excludes archived memos by default and filters by state and tags', async () => {
    const { db, make } = setup();
    const random = rng(3);
    const q = randomUnit(random);
    await putDoc(db, { name: memoName(1), hash: 'a', vectors: [near(q, 0.05, random)], state: 'ARCHIVED' });
    await putDoc(db, { name: memoName(2), hash: 'b', vectors: [near(q, 0.3, random)], tags: ['Home'] });
    await putDoc(db, { name: memoName(3), hash: 'c', vectors: [near(q, 0.4, random)], tags: ['work'] });
    const { index, opened } = make();
    await opened;
    expect(names(await index.search(q, { k: 5 }))).toEqual([memoName(2), memoName(3)]);
    expect(names(await index.search(q, { k: 5, state: 'ARCHIVED' }))).toEqual([memoName(1)]);
    expect(names(await index.search(q, { k: 5, tags: ['home'] }))).toEqual([memoName(2)]);
    expect(await index.search(q, { k: 5, tags: ['home', 'work'] })).toEqual([]);

    // Archiving changes the state only: same content hash, no new vectors needed.
    await db.recallDocs.update(memoName(2), { state: 'ARCHIVED' });
    await index.sync([memoName(2)]);
    expect(names(await index.search(q, { k: 5 }))).toEqual([memoName(3)]);
    expect(names(await index.search(q, { k: 5, state: 'ARCHIVED' }))).toEqual([memoName(1), memoName(2)]);
  });

  it('finds related memos, never the memo itself', async () => {
    const { db, make } = setup();
    const random = rng(4);
    const topic = randomUnit(random);
    for (let i = 1; i <= 6; i++) {
      await putDoc(db, {
        name: memoName(i),
        hash: `h${i}`,
        vectors: [i <= 3 ? near(topic, 0.2, random) : randomUnit(random)],
      });
    }
    const { index, opened } = make();
    await opened;
    const related = await index.related(memoName(1), { k: 2 });
    expect(names(related).sort()).toEqual([memoName(2), memoName(3)]);
    expect(await index.related(memoName(99), { k: 2 })).toEqual([]);
  });
});

describe('semantic index under load', () => {
  it('answers a search between the inserts of a long sync: it gives way every few milliseconds', async () => {
    const name = `recall-index-${++dbCount}`;
    const db = new MemosDatabase(name);
    const vectors = await fillDocs(db, 120, 5);
    const order: string[] = [];
    let clock = 0;
    let search: Promise<unknown> | undefined;
    const index = createSemanticIndex({
      db,
      files,
      fileBase: `recall-${name}`,
      // Each reading of the clock is a millisecond later: the budget runs out every few inserts.
      now: () => clock++,
      random: rng(42),
      timers: manualTimers(),
      yieldNow: async () => {
        order.push('yield');
        if (search === undefined) {
          search = index.search(vectors[7] ?? new Float32Array(DIM), { k: 3 }).then((hits) => {
            order.push('search answered');
            return hits;
          });
        }
        await new Promise((resolve) => setTimeout(resolve, 0));
      },
    });
    opened.push(async () => {
      await index.close();
      db.close();
    });
    await index.open(
      { dbName: name, modelId: MODEL, dim: DIM, persist: false, params: INDEX_PARAMS },
      () => {},
    );
    order.length = 0;
    search = undefined;
    // Every memo changes: one sync re-inserts all 120.
    for (let i = 1; i <= 120; i++) {
      await putDoc(db, {
        name: memoName(i),
        hash: `h${i}-new`,
        vectors: [vectors[i - 1] ?? new Float32Array(DIM)],
      });
    }
    await index.sync(Array.from({ length: 120 }, (_, i) => memoName(i + 1)));
    order.push('sync done');
    expect(order.indexOf('search answered')).toBeGreaterThan(-1);
    expect(order.indexOf('search answered')).toBeLessThan(order.indexOf('sync done'));
    expect(order.filter((step) => step === 'yield').length).toBeGreaterThan(5);
    expect(names(await index.search(vectors[7] ?? new Float32Array(DIM), { k: 1 }))).toEqual([memoName(8)]);
    expect(await index.stats()).toMatchObject({ memos: 120, chunks: 120 });
  });
});

describe('label map snapshot', () => {
  it('restores an equal map and rejects malformed snapshots', () => {
    const map = new LabelMap();
    map.add(memoName(1), 'a', 2);
    map.add(memoName(2), 'b', 1);
    map.remove(memoName(1));
    map.add(memoName(3), 'c', 3);
    const snapshot = map.snapshot();
    const restored = LabelMap.restore(structuredClone(snapshot));
    expect(restored?.snapshot()).toEqual(snapshot);
    expect(restored?.ref(5)).toEqual({ name: memoName(3), chunk: 2 });
    expect(restored).toMatchObject({ live: 4, deleted: 2, total: 6, nextLabel: 6 });

    const broken: Array<Partial<LabelMapSnapshot>> = [
      { labels: Uint32Array.from([2, 2, 4, 5]) }, // a label used twice
      { labels: Uint32Array.from([2, 3, 4, 9]) }, // a label past nextLabel
      { hashes: 'b' }, // one hash for two memos
      { names: `${memoName(2)}\nnot-a-memo` },
      { deleted: 3 }, // counts do not add up
    ];
    for (const change of broken) expect(LabelMap.restore({ ...snapshot, ...change })).toBeUndefined();
  });
});
