/**
 * The home server's vector store (server/embed-store.ts) on a real LevelDB in a fresh
 * directory: round trip, one account never sees another's entries, damaged entries read as
 * missing and are dropped, entries survive a reopen, and a full disk is classified once.
 */
import { ClassicLevel } from 'classic-level';
import { afterEach, describe, expect, it } from 'vitest';
import { DiskFullError, isDiskFull, openVectorStore, type VectorStore } from '../../../server/embed-store';
import { makeTempDir } from './helpers';

const MODEL = { modelId: 'm@q8#sha256:00', dim: 2 };
const OTHER_MODEL = { modelId: 'm@fp32#sha256:11', dim: 2 };
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const run of cleanup.splice(0).reverse()) await run();
});

async function fresh(): Promise<{ store: VectorStore; path: string }> {
  const dir = makeTempDir('embed-store-');
  cleanup.push(() => dir.remove());
  const store = await openVectorStore(`${dir.path}/embeddings`);
  cleanup.push(() => store.close());
  return { store, path: `${dir.path}/embeddings` };
}

const entry = (a: number, b: number, truncated = false) => ({
  chunks: 1,
  truncated,
  vectors: Float32Array.of(a, b),
});

describe('vector store', () => {
  it('prunes the entries of model files no longer served, for every user, and keeps the rest', async () => {
    const { store } = await fresh();
    const RETIRED = { modelId: 'm@q8#sha256:99', dim: 2 };
    const many = Array.from({ length: 2_500 }, (_, i): [string, ReturnType<typeof entry>] => [
      `f1:r:${i}`,
      entry(1, 0),
    ]);
    await store.putMany(RETIRED, 'users/1', many);
    await store.putMany(RETIRED, 'users/2', [['f1:r:x', entry(0, 1)]]);
    await store.putMany(MODEL, 'users/1', [['f1:a:1', entry(0.6, 0.8)]]);
    await store.putMany(OTHER_MODEL, 'users/2', [['f1:b:2', entry(0, 1)]]);
    expect(await store.pruneModels(new Set([MODEL.modelId, OTHER_MODEL.modelId]))).toBe(2_501);
    expect(await store.getMany(RETIRED, 'users/1', ['f1:r:0', 'f1:r:2499'])).toEqual([undefined, undefined]);
    expect(await store.getMany(RETIRED, 'users/2', ['f1:r:x'])).toEqual([undefined]);
    expect(await store.getMany(MODEL, 'users/1', ['f1:a:1'])).toEqual([
      expect.objectContaining({ chunks: 1 }),
    ]);
    expect(await store.getMany(OTHER_MODEL, 'users/2', ['f1:b:2'])).toEqual([
      expect.objectContaining({ chunks: 1 }),
    ]);
    expect(await store.pruneModels(new Set([MODEL.modelId, OTHER_MODEL.modelId]))).toBe(0);
  });

  it('returns what was stored, by model, user and content hash, and nothing else', async () => {
    const { store } = await fresh();
    await store.putMany(MODEL, 'users/1', [
      ['f1:a:1', entry(0.6, 0.8)],
      ['f1:b:2', { chunks: 2, truncated: true, vectors: Float32Array.of(1, 0, 0, 1) }],
    ]);
    const [a, b, missing] = await store.getMany(MODEL, 'users/1', ['f1:a:1', 'f1:b:2', 'f1:c:3']);
    expect([...(a?.vectors ?? [])]).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(b).toMatchObject({ chunks: 2, truncated: true });
    expect(missing).toBeUndefined();
    // Another account, or another model, asking for the same hashes learns nothing.
    expect(await store.getMany(MODEL, 'users/2', ['f1:a:1', 'f1:b:2'])).toEqual([undefined, undefined]);
    expect(await store.getMany(OTHER_MODEL, 'users/1', ['f1:a:1'])).toEqual([undefined]);
  });

  it('keeps entries across a reopen, and drops a damaged entry instead of returning it', async () => {
    const { store, path } = await fresh();
    await store.putMany(MODEL, 'users/1', [
      ['f1:a:1', entry(1, 0)],
      ['f1:b:2', entry(0, 1)],
    ]);
    await store.close();
    cleanup.pop();
    const raw = new ClassicLevel<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view' });
    const keys = await raw.keys().all();
    expect(keys).toHaveLength(2);
    await raw.put(keys[0] ?? '', Uint8Array.of(1, 0, 1, 0, 2, 0, 0, 0, 9)); // says 1 chunk, holds 1 byte
    await raw.close();
    const reopened = await openVectorStore(path);
    cleanup.push(() => reopened.close());
    const found = await reopened.getMany(MODEL, 'users/1', ['f1:a:1', 'f1:b:2']);
    expect(found.filter((value) => value !== undefined)).toHaveLength(1);
    expect(await reopened.getMany(MODEL, 'users/1', ['f1:a:1', 'f1:b:2'])).toEqual(found);
  });

  it('classifies "no space left on device" however LevelDB words it, and nothing else', () => {
    // The shape classic-level 3 gives on a full tmpfs (measured: LEVEL_IO_ERROR, "IO error: …").
    const levelError = Object.assign(
      new Error('IO error: /data/embeddings/000003.log: No space left on device'),
      {
        code: 'LEVEL_IO_ERROR',
      },
    );
    expect(isDiskFull(levelError)).toBe(true);
    expect(isDiskFull(Object.assign(new Error('write failed'), { code: 'ENOSPC' }))).toBe(true);
    expect(isDiskFull(new Error('wrapped', { cause: levelError }))).toBe(true);
    expect(isDiskFull(Object.assign(new Error('IO error: lock held'), { code: 'LEVEL_IO_ERROR' }))).toBe(
      false,
    );
    expect(isDiskFull('no')).toBe(false);
    expect(new DiskFullError('x')).toBeInstanceOf(Error);
  });

  it('says clearly when the store cannot be opened (another server holds its lock)', async () => {
    const { path } = await fresh();
    await expect(openVectorStore(path)).rejects.toThrow(/opening the vector store at .*embeddings/);
  });
});
