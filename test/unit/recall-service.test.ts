/**
 * The recall service end to end in Node, with the tiny generated model (fast; its vectors
 * are bags of word vectors, so "meaning" here is word overlap) and hnswlib-wasm over
 * fake-indexeddb: start-up scan, the embedding cache (an unchanged memo is never embedded
 * twice: calls are counted), following the change feed, archive filtering, resuming after
 * a reload, long and huge memos, a missing or corrupt model, a full disk, and a second tab.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MemoName } from '../../sync/core/ids';
import { createChangeFeed } from '../../sync/db/change-feed';
import { buildLocalMemo, createNotebook } from '../../sync/db/notebook';
import { MemosDatabase } from '../../sync/db/schema';
import type { EmbedWorkerApi } from '../../workers/embed/api';
import { createEmbedder } from '../../workers/embed/embedder';
import { hnswFiles } from '../../workers/index/hnsw-files';
import { createSemanticIndex } from '../../workers/index/semantic-index';
import type { RecallListener } from '../../workers/recall/api';
import type { RecallPeerMessage } from '../../workers/recall/peers';
import {
  createRecallService,
  type RecallService,
  USER_ACTIVE_PAUSE_MS,
} from '../../workers/recall/recall-service';
import { writeTinyModel } from '../helpers/tiny-model';
import { manualTimers, rng } from './recall-helpers';

(globalThis as { window?: unknown }).window = globalThis;

let dir = '';
let tiny: { modelId: string; localModelPath: string };
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recall-service-'));
  tiny = await writeTinyModel(dir, { dim: 32 });
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const run of cleanup.splice(0).reverse()) await run();
});

/** Counts what really reaches the model. */
function counting(embedder: EmbedWorkerApi) {
  const texts: string[] = [];
  const pauses: number[] = [];
  const api: EmbedWorkerApi = {
    ...embedder,
    embedDocuments: (batch, options, onProgress) => {
      texts.push(...batch);
      return embedder.embedDocuments(batch, options, onProgress);
    },
    pauseDocuments: (ms) => {
      pauses.push(ms);
      return embedder.pauseDocuments(ms);
    },
  };
  return { api, texts, pauses };
}

function peerBus() {
  const listeners = new Set<(m: RecallPeerMessage) => void>();
  return () => ({
    publish: (m: RecallPeerMessage) => {
      for (const l of listeners) l(m);
    },
    subscribe(l: (m: RecallPeerMessage) => void) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    close() {},
  });
}

let dbCount = 0;
function world(name = `recall-service-${++dbCount}`) {
  const db = new MemosDatabase(name);
  const feed = createChangeFeed('unused', undefined);
  let clock = 1_000;
  const notebook = createNotebook({ db, feed, now: () => clock++ });
  const bus = peerBus();
  cleanup.push(async () => {
    db.close();
    await MemosDatabase.delete(name);
  });
  async function service(
    options: {
      lead?: boolean;
      modelPath?: string;
      modelId?: string;
      listener?: RecallListener;
      waitIdle?: boolean;
    } = {},
  ) {
    const files = await hnswFiles({ timeoutMs: 5_000 });
    const index = createSemanticIndex({
      db,
      files,
      fileBase: `recall-${name}`,
      now: () => Date.now(),
      random: rng(1),
      timers: manualTimers(),
    });
    const embedder = counting(
      createEmbedder({
        name: options.modelId ?? tiny.modelId,
        dtype: 'q8',
        dim: 32,
        source: { kind: 'filesystem', localModelPath: options.modelPath ?? tiny.localModelPath },
        runs: { maxBatch: 4, maxRunTokens: 2_048, maxPadding: 0.1 },
      }),
    );
    const recall: RecallService = createRecallService({
      db,
      embedder: embedder.api,
      index,
      dbName: name,
      subscribeChanges: (listener) => feed.subscribe(listener),
      peers: bus(),
      leadership: (lead) => {
        if (options.lead ?? true) lead();
      },
      timers: manualTimers(),
      now: () => Date.now(),
      batchMemos: 3,
      notifyIntervalMs: 0,
    });
    if (options.listener) await recall.subscribe(options.listener);
    cleanup.push(() => recall.close());
    await recall.start();
    if (options.waitIdle ?? true) await recall.whenIdle();
    return { recall, index, embedded: embedder.texts, pauses: embedder.pauses };
  }
  return { db, feed, notebook, service };
}

const MEMOS = [
  'groceries: milk eggs coffee bread',
  'call the dentist tomorrow morning',
  'the kids want pizza for dinner on friday',
  'wifi password for the garden house',
  'coffee: oat milk, no sugar #preferences',
];

describe('recall service', () => {
  it('embeds every memo once at start, then only what changes', async () => {
    const { notebook, service } = world();
    const created = [];
    for (const content of MEMOS) created.push(await notebook.create({ content, visibility: 'PRIVATE' }));
    const { recall, embedded } = await service();
    expect((await recall.status()).status).toEqual({ kind: 'ready' });
    expect((await recall.status()).progress).toEqual({ kind: 'idle' });
    expect([...embedded].sort()).toEqual([...MEMOS].sort());

    const hits = await recall.search('call the dentist', { k: 2 });
    expect(hits[0]?.name).toBe(created[1]?.name);
    expect(await recall.search('   ', { k: 3 })).toEqual([]);
    expect(await recall.search('coffee', { k: 0 })).toEqual([]);

    // An edit re-embeds that memo only; an archive or a pin embeds nothing.
    const [groceries, dentist, pizza] = created;
    if (!groceries || !dentist || !pizza) throw new Error('fixture');
    await notebook.update(groceries.name, { content: 'groceries: apples bananas and cheese' });
    await recall.whenIdle();
    expect(embedded.slice(MEMOS.length)).toEqual(['groceries: apples bananas and cheese']);
    await notebook.update(dentist.name, { state: 'ARCHIVED' });
    await notebook.update(pizza.name, { pinned: true });
    await recall.whenIdle();
    expect(embedded).toHaveLength(MEMOS.length + 1);
    expect((await recall.search('dentist tomorrow morning', { k: 5 })).map((h) => h.name)).not.toContain(
      dentist.name,
    );
    expect((await recall.search('dentist tomorrow morning', { k: 5, state: 'ARCHIVED' }))[0]?.name).toBe(
      dentist.name,
    );

    await notebook.remove(pizza.name);
    await recall.whenIdle();
    expect((await recall.search('pizza dinner friday', { k: 5 })).map((h) => h.name)).not.toContain(
      pizza.name,
    );
    expect((await recall.search('apples and cheese', { k: 1 }))[0]?.name).toBe(groceries.name);
    expect(await recall.index(groceries)).toBe('indexed');
    expect(embedded).toHaveLength(MEMOS.length + 1);
  });

  it('embeds a large notebook newest first, and a fresh capture before the backlog', async () => {
    const { notebook, service } = world();
    const texts = Array.from({ length: 30 }, (_, i) => `note number ${i} about topic ${i % 7}`);
    for (const content of texts) await notebook.create({ content, visibility: 'PRIVATE' });
    const { recall, embedded } = await service({ waitIdle: false });
    const fresh = await notebook.create({ content: 'buy a bicycle helmet', visibility: 'PRIVATE' });
    await recall.whenIdle();
    expect(embedded).toHaveLength(31);
    // Newest first: the scan's first batch is the three most recent memos.
    const scanned = embedded.filter((text) => text !== 'buy a bicycle helmet');
    expect(scanned.slice(0, 3)).toEqual([texts[29], texts[28], texts[27]]);
    // The capture has its own lane: it waits for at most the batches already taken, not for the backlog.
    expect(embedded.indexOf('buy a bicycle helmet')).toBeLessThan(9);
    expect((await recall.search('bicycle helmet', { k: 1 }))[0]?.name).toBe(fresh.name);
  });

  it('[E10] pauses background embedding while the user is active, and still answers searches', async () => {
    const { notebook, service } = world();
    for (const content of MEMOS) await notebook.create({ content, visibility: 'PRIVATE' });
    const { recall, pauses } = await service();
    await recall.userActive();
    expect(pauses).toEqual([USER_ACTIVE_PAUSE_MS]);
    const hits = await recall.search('dentist appointment', { k: 1 });
    expect(hits).toHaveLength(1);
  });

  it('[E9] embeds a large pull newest first, even when it arrives oldest first, page by page', async () => {
    const { db, feed, service } = world();
    const { recall, embedded } = await service();
    // What a full pull does: memos listed by ascending create time, stored, announced per page.
    const memos = Array.from({ length: 80 }, (_, i) =>
      buildLocalMemo(
        `memos/pulled-${String(i).padStart(3, '0')}` as MemoName,
        {
          content: `pulled note ${i} about topic ${i % 9}`,
          visibility: 'PRIVATE',
          state: 'NORMAL',
          attachments: [],
          pinned: false,
        },
        { createTime: 1_000 + i * 60_000, updateTime: 1_000 + i * 60_000 },
      ),
    );
    await db.memos.bulkPut(memos);
    feed.publish({ type: 'memos', names: memos.slice(0, 40).map((m) => m.name) });
    feed.publish({ type: 'memos', names: memos.slice(40).map((m) => m.name) });
    await recall.whenIdle();
    expect(embedded).toHaveLength(80);
    const order = embedded.map((text) => Number(/pulled note (\d+)/.exec(text)?.[1]));
    // At most the batches taken before the second page arrived come from the first page;
    // after them every memo is newer-first across both pages.
    const rest = order.slice(6);
    expect(rest).toEqual([...rest].sort((a, b) => b - a));
    expect(order.indexOf(79)).toBeLessThan(6);
  });

  it.each([
    ['after the index was saved', true, 'loaded'],
    ['when the worker died before saving', false, 'rebuilt'],
  ] as const)('resumes after a reload %s without embedding anything twice', async (_label, saved, source) => {
    const { notebook, service } = world();
    for (const content of MEMOS) await notebook.create({ content, visibility: 'PRIVATE' });
    const first = await service();
    expect(first.embedded).toHaveLength(MEMOS.length);
    if (saved) await first.index.flush();
    await first.recall.close();
    const later = await notebook.create({ content: 'buy a new lamp for the bedroom', visibility: 'PRIVATE' });

    const second = await service(); // a reload: new workers, same database
    expect(second.embedded).toEqual(['buy a new lamp for the bedroom']);
    const stats = await second.recall.stats();
    expect(stats).toMatchObject({ indexSource: source, memos: MEMOS.length + 1, leader: true });
    expect((await second.recall.search('bedroom lamp', { k: 1 }))[0]?.name).toBe(later.name);
  });

  it('splits long memos into chunks, caps huge pastes, and scores a memo by its best chunk', async () => {
    const { db, feed, notebook, service } = world();
    const filler = 'the weather was cold and we stayed home to read a book. '.repeat(60);
    const long = await notebook.create({
      content: `${filler} remember the dentist appointment`,
      visibility: 'PRIVATE',
    });
    await notebook.create({ content: 'a short note about the weather', visibility: 'PRIVATE' });
    const { recall } = await service();
    expect((await recall.stats()).chunks).toBeGreaterThan(3);
    expect((await recall.search('dentist appointment', { k: 1 }))[0]?.name).toBe(long.name);

    // A 10 MB paste (as if synced from elsewhere: it bypasses the editor's size limit).
    const huge = await notebook.create({ content: 'short', visibility: 'PRIVATE' });
    await db.memos.update(huge.name, { content: 'coffee '.repeat(1_500_000) });
    feed.publish({ type: 'memos', names: [huge.name] });
    await recall.whenIdle();
    expect(await db.recallDocs.get(huge.name)).toMatchObject({ chunks: 16, truncated: true });
    expect((await recall.stats()).truncatedMemos).toBe(1);
    expect(await recall.index(huge)).toBe('indexed');
  });

  it.each([
    [
      'missing',
      'model-missing',
      async (root: string) => rm(join(root, 'onnx'), { recursive: true, force: true }),
    ],
    [
      'corrupt',
      'model-corrupt',
      async (root: string) => {
        await writeFile(join(root, 'onnx', 'model.onnx'), 'not an onnx graph');
        await writeFile(join(root, 'onnx', 'model_quantized.onnx'), 'not an onnx graph');
      },
    ],
  ] as const)(
    'reports a %s model file as unavailable, with a sentence, and searches nothing',
    async (_l, reason, damage) => {
      const broken = await mkdtemp(join(tmpdir(), 'recall-broken-'));
      cleanup.push(() => rm(broken, { recursive: true, force: true }));
      const model = await writeTinyModel(broken, { dim: 32 });
      await damage(join(model.localModelPath, model.modelId));
      const { notebook, service } = world();
      await notebook.create({ content: MEMOS[0] ?? '', visibility: 'PRIVATE' });
      const { recall, embedded } = await service({ modelPath: model.localModelPath, modelId: model.modelId });
      const { status } = await recall.status();
      expect(status).toMatchObject({ kind: 'unavailable', reason });
      expect(status.kind === 'unavailable' && status.message).toMatch(
        /^Semantic search is unavailable: .+Keyword search still works/,
      );
      expect(await recall.search('milk', { k: 3 })).toEqual([]);
      expect(embedded).toEqual([]);
    },
  );

  it('stops with a clear message when storage is full, keeping the queue', async () => {
    const { notebook, service } = world();
    const original = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (
      this: IDBObjectStore,
      ...args: Parameters<IDBObjectStore['put']>
    ) {
      if (this.name === 'embeddings')
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return original.apply(this, args);
    };
    try {
      await notebook.create({ content: MEMOS[0] ?? '', visibility: 'PRIVATE' });
      const { recall } = await service();
      const { status } = await recall.status();
      expect(status).toMatchObject({ kind: 'unavailable', reason: 'storage-full' });
      expect(status.kind === 'unavailable' && status.message).toMatch(/no storage space left/);
      expect(await recall.search('milk', { k: 3 })).toEqual([]);
    } finally {
      IDBObjectStore.prototype.put = original;
    }
  });

  it('lets a second tab search what the leading tab embedded, without embedding', async () => {
    const { notebook, service } = world();
    const leader = await service({ lead: true });
    const follower = await service({ lead: false });
    const memo = await notebook.create({
      content: 'the wifi password is on the fridge',
      visibility: 'PRIVATE',
    });
    await leader.recall.whenIdle();
    expect(leader.embedded).toEqual([memo.content]);
    await follower.recall.whenIdle(); // it re-reads what the leader announced
    expect((await follower.recall.search('wifi password', { k: 1 }))[0]?.name).toBe(memo.name);
    expect(follower.embedded).toEqual([]);
    expect(await follower.recall.stats()).toMatchObject({ leader: false, memos: 1 });
  });

  it('reports model loading, then "Indexing n of N" to subscribers, and ends ready and idle', async () => {
    const { notebook, service } = world();
    for (const content of MEMOS) await notebook.create({ content, visibility: 'PRIVATE' });
    const seen: string[] = [];
    const listener: RecallListener = ({ status, progress }) => {
      const line = `${status.kind} ${progress.kind === 'indexing' ? `${progress.done}/${progress.total}` : progress.kind}`;
      if (seen[seen.length - 1] !== line) seen.push(line);
    };
    await service({ listener });
    expect(seen[0]).toBe('loading idle');
    expect(seen).toEqual(expect.arrayContaining(['ready 0/5', 'ready 3/5', 'ready 5/5']));
    expect(seen[seen.length - 1]).toBe('ready idle');
  });
});
