/**
 * Shared fixtures of the recall tests (test/unit/recall-*.test.ts): deterministic vectors,
 * writing embedding-cache rows directly, an IDBFS tamperer (garbage, deletion, quota), and
 * manual timers. Node only: fake-indexeddb is loaded by test/helpers/setup-unit.ts.
 */
import type { MemoName } from '../../sync/core/ids';
import type { MemoState } from '../../sync/core/memo';
import { MemosDatabase } from '../../sync/db/schema';
import type { IndexEvent } from '../../workers/index/api';
import { type HnswFiles, IDBFS_DATABASE, IDBFS_STORE, idbfsPath } from '../../workers/index/hnsw-files';
import { createSemanticIndex } from '../../workers/index/semantic-index';

export const DIM = 32;

export function memoName(i: number): MemoName {
  return `memos/00000000-0000-4000-8000-${String(i).padStart(12, '0')}` as MemoName;
}

/** xorshift32: a deterministic stream in [0, 1). */
export function rng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

export function unit(values: ArrayLike<number>): Float32Array {
  const v = Float32Array.from(values);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

/** A random unit vector near `center` (noise scales the spread). */
export function near(center: Float32Array, noise: number, random: () => number): Float32Array {
  return unit(center.map((x) => x + (random() - 0.5) * noise));
}

export function randomUnit(random: () => number, dim = DIM): Float32Array {
  return unit(Array.from({ length: dim }, () => random() - 0.5));
}

export interface DocInput {
  name: MemoName;
  hash: string;
  vectors: Float32Array[];
  state?: MemoState;
  tags?: string[];
  modelId?: string;
}

export const MODEL = 'test-model';

/** Writes a memo's embedding-cache rows (what the recall service writes after embedding). */
export async function putDoc(db: MemosDatabase, input: DocInput): Promise<void> {
  const modelId = input.modelId ?? MODEL;
  await db.transaction('rw', db.recallDocs, db.embeddings, async () => {
    await db.embeddings.where('name').equals(input.name).delete();
    await db.recallDocs.put({
      name: input.name,
      modelId,
      contentHash: input.hash,
      chunks: input.vectors.length,
      state: input.state ?? 'NORMAL',
      tags: input.tags ?? [],
      truncated: false,
    });
    await db.embeddings.bulkPut(
      input.vectors.map((vector, chunk) => ({
        name: input.name,
        chunk,
        modelId,
        contentHash: input.hash,
        vector,
      })),
    );
  });
}

export async function dropDoc(db: MemosDatabase, name: MemoName): Promise<void> {
  await db.transaction('rw', db.recallDocs, db.embeddings, async () => {
    await db.recallDocs.delete(name);
    await db.embeddings.where('name').equals(name).delete();
  });
}

function idbfs(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(IDBFS_DATABASE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function onFileStore(mode: IDBTransactionMode, act: (store: IDBObjectStore) => void): Promise<void> {
  const db = await idbfs();
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction(IDBFS_STORE, mode);
    act(tx.objectStore(IDBFS_STORE));
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

/** Replaces the saved bytes of `file` with garbage (as if the disk corrupted it). */
export function corruptIndexFile(file: string): Promise<void> {
  const garbage = Uint8Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 255);
  return onFileStore('readwrite', (store) => {
    store.put({ timestamp: new Date(Date.now() + 60_000), mode: 33206, contents: garbage }, idbfsPath(file));
  });
}

export function deleteIndexFile(file: string): Promise<void> {
  return onFileStore('readwrite', (store) => store.delete(idbfsPath(file)));
}

/** Makes every IndexedDB `put` into hnswlib's file store fail with QuotaExceededError. */
export function failIdbfsWrites(): () => void {
  const original = IDBObjectStore.prototype.put;
  IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: Parameters<IDBObjectStore['put']>) {
    if (this.name === IDBFS_STORE)
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return original.apply(this, args);
  };
  return () => {
    IDBObjectStore.prototype.put = original;
  };
}

/** Timers that fire only when the test says so. */
export function manualTimers() {
  let next = 1;
  const pending = new Map<number, () => void>();
  return {
    setTimeout(callback: () => void): unknown {
      const id = next++;
      pending.set(id, callback);
      return id;
    },
    clearTimeout(handle: unknown): void {
      pending.delete(handle as number);
    },
    get pending(): number {
      return pending.size;
    },
    runAll(): void {
      const callbacks = [...pending.values()];
      pending.clear();
      for (const callback of callbacks) callback();
    },
  };
}

/** An index world: one database, manual timers, recorded events; `make` opens an index over it. */
export function indexWorld(files: HnswFiles, name: string, opened: Array<() => Promise<void>>) {
  const db = new MemosDatabase(name);
  const timers = manualTimers();
  const events: IndexEvent[] = [];
  const make = (persist = true) => {
    const index = createSemanticIndex({
      db,
      files,
      fileBase: `recall-${name}`,
      now: () => Date.now(),
      random: rng(42),
      timers,
      compactMinLabels: 16,
    });
    opened.push(async () => {
      await index.close();
      db.close();
    });
    const ready = index.open({ dbName: name, modelId: MODEL, dim: DIM, persist, params: INDEX_PARAMS }, (e) =>
      events.push(e),
    );
    return { index, opened: ready };
  };
  return { db, timers, events, make, fileBase: `recall-${name}` };
}

export const INDEX_PARAMS = { M: 16, efConstruction: 100, efSearch: 64, seed: 7 };

/** `count` memos with one random unit vector each, named memoName(from..). */
export async function fillDocs(
  db: MemosDatabase,
  count: number,
  seed: number,
  from = 1,
): Promise<Float32Array[]> {
  const random = rng(seed);
  const vectors: Float32Array[] = [];
  for (let i = from; i < from + count; i++) {
    const v = randomUnit(random);
    vectors.push(v);
    await putDoc(db, { name: memoName(i), hash: `h${i}`, vectors: [v] });
  }
  return vectors;
}

export const names = (hits: Array<{ name: MemoName }>) => hits.map((h) => h.name);
