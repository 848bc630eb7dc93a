/**
 * The embedding service's work without HTTP or threads (server/embed-work.ts): a scripted
 * pool with two "threads" that finish slices only when the test says so, and the real
 * LevelDB store. Checks the rules that keep the server's time well spent: a text is embedded
 * at most once, whoever needs it (a device's request, the warm-up); the warm-up takes a
 * thread only when it is free, so a request is never queued behind it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { EmbeddedText, EmbedPool, IdleSlice } from '../../../server/embed-pool';
import { openVectorStore } from '../../../server/embed-store';
import type { ModelVariant } from '../../../server/embed-thread-protocol';
import { createEmbedWork } from '../../../server/embed-work';
import { silentLogger } from '../../../server/logger';
import { makeTempDir } from './helpers';

const VARIANT: ModelVariant = { name: 'm', dtype: 'q8', dim: 2, filesDigest: 'sha256:00', modelId: 'm@q8#x' };
const vector = (text: string): EmbeddedText => ({
  chunks: 1,
  truncated: false,
  vectors: Float32Array.of(Math.cos(text.length), Math.sin(text.length)),
});

/** Two threads; a slice runs when a thread is free and ends when the test calls `finishAll`. */
function scriptedPool(threads = 2) {
  const queue: Array<{ texts: string[]; settle(result: EmbeddedText[]): void; kind: 'request' }> = [];
  const running: Array<{ texts: string[]; settle(result: EmbeddedText[]): void; kind: 'request' | 'warm' }> =
    [];
  const ran: Array<{ kind: 'request' | 'warm'; texts: string[] }> = [];
  let idle: (() => IdleSlice | undefined) | undefined;
  const pump = () => {
    while (running.length < threads) {
      const request = queue.shift();
      const warm = request ? undefined : idle?.();
      const slice =
        request ?? (warm ? { texts: warm.texts, settle: warm.settle, kind: 'warm' as const } : undefined);
      if (!slice) return;
      running.push(slice);
      ran.push({ kind: slice.kind, texts: slice.texts });
    }
  };
  const pool: EmbedPool = {
    embed: (_variant, texts) =>
      new Promise((resolve) => {
        queue.push({ texts: [...texts], settle: resolve, kind: 'request' });
        pump();
      }),
    setIdleWork(supplier) {
      idle = supplier;
    },
    kick: pump,
    stats: () => ({ threads, queued: queue.length, embedded: 0 }),
    close: async () => {},
  };
  return {
    pool,
    ran,
    running,
    async finishAll() {
      for (const slice of running.splice(0)) slice.settle(slice.texts.map(vector));
      await new Promise((resolve) => setTimeout(resolve, 20)); // stores, then the next slices start
      pump();
    },
  };
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const run of cleanup.splice(0).reverse()) await run();
});

async function work(threads = 2) {
  const dir = makeTempDir('embed-work-');
  cleanup.push(() => dir.remove());
  const scripted = scriptedPool(threads);
  const created = createEmbedWork({
    openStore: () => openVectorStore(`${dir.path}/embeddings`),
    pool: scripted.pool,
    logger: silentLogger,
    storeLocation: dir.path,
    sliceTexts: 4,
  });
  cleanup.push(() => created.close());
  return { ...scripted, work: created };
}

const notebook = Array.from({ length: 40 }, (_, i) => `memo number ${i} ${'x'.repeat(i)}`);

describe('embedding work', () => {
  it('runs a request before the warm-up backlog, and never embeds a text twice', async () => {
    const { work: service, ran, running, finishAll } = await work();
    const warmed = service.warm(VARIANT, 'users/1', notebook);
    await expect.poll(() => running.map((s) => s.kind)).toEqual(['warm', 'warm']); // both threads took warm-up slices
    // A device asks for texts from the end of the warm-up's list, and for one being embedded now.
    const busy = running[0]?.texts[0] ?? '';
    const asked = service.embed(VARIANT, 'users/1', [busy, ...notebook.slice(30, 36)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await finishAll();
    // The freed threads went to the request first (no warm-up slice is ever queued ahead of it).
    expect(ran.slice(2, 4).map((s) => s.kind)).toEqual(['request', 'request']);
    for (let i = 0; i < 20 && running.length > 0; i++) await finishAll();
    const items = await asked;
    expect(items.map((item) => item.hash)).toHaveLength(7);
    expect(await warmed).toBe(40 - 6);
    const embeddedTexts = ran.flatMap((s) => s.texts);
    expect(embeddedTexts.sort()).toEqual([...notebook].sort()); // each exactly once
    expect(service.stats().embedded).toBe(40);
    // Warming up again finds everything stored: nothing runs.
    const before = ran.length;
    expect(await service.warm(VARIANT, 'users/1', notebook)).toBe(0);
    expect(ran).toHaveLength(before);
  });

  it('keeps warm-up work apart per account: another user gets no vectors from it', async () => {
    const { work: service, running, finishAll } = await work();
    const warmed = service.warm(VARIANT, 'users/1', notebook.slice(0, 8));
    await expect.poll(() => running.length).toBe(2);
    while (running.length > 0) await finishAll();
    expect(await warmed).toBe(8);
    const hashes = (await service.embed(VARIANT, 'users/1', notebook.slice(0, 1))).map((i) => i.hash);
    expect(await service.lookup(VARIANT, 'users/2', hashes)).toEqual([]);
    expect(await service.lookup(VARIANT, 'users/1', hashes)).toHaveLength(1);
  });
  it('drops the vectors of model files no longer served when its store first opens', async () => {
    const dir = makeTempDir('embed-work-');
    cleanup.push(() => dir.remove());
    const location = `${dir.path}/embeddings`;
    const old = await openVectorStore(location);
    await old.putMany({ modelId: 'm@q8#retired', dim: 2 }, 'users/1', [['f1:a:1', vector('a')]]);
    await old.putMany({ modelId: VARIANT.modelId, dim: 2 }, 'users/1', [['f1:b:2', vector('bb')]]);
    await old.close();
    const lines: string[] = [];
    const logger = {
      info: (m: string) => lines.push(m),
      warn: (m: string) => lines.push(m),
      error: () => {},
    };
    const scripted = scriptedPool();
    const service = createEmbedWork({
      openStore: () => openVectorStore(location),
      pool: scripted.pool,
      logger,
      storeLocation: dir.path,
      servedModels: () => [VARIANT.modelId],
    });
    cleanup.push(() => service.close());
    // Any use opens the store; the pruning follows in the background.
    expect(await service.lookup(VARIANT, 'users/1', [])).toEqual([]);
    await expect
      .poll(() => lines)
      .toEqual(['embedding service: removed 1 stored vectors of model files no longer served']);
  });
});
