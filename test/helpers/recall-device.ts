/**
 * A device for the home-server recall tests, in Node: its own database (fake-indexeddb), a
 * notebook, a counted "device" embedder on the tiny model, hnswlib-wasm, and the real recall
 * service talking to a home server through the real client. Callers dispose it.
 */
import type { MemoName } from '../../sync/core/ids';
import { createChangeFeed } from '../../sync/db/change-feed';
import { buildLocalMemo, createNotebook } from '../../sync/db/notebook';
import { MemosDatabase } from '../../sync/db/schema';
import type { EmbedWorkerApi } from '../../workers/embed/api';
import { createEmbedder } from '../../workers/embed/embedder';
import { hnswFiles } from '../../workers/index/hnsw-files';
import { createSemanticIndex } from '../../workers/index/semantic-index';
import type { RecallPeerMessage } from '../../workers/recall/peers';
import { createRecallService } from '../../workers/recall/recall-service';
import { createEmbedServerClient, type FetchLike } from '../../workers/recall/server-client';
import { manualTimers, rng } from '../unit/recall-helpers';
import type { TinyModelFolder } from './embed-fixture';

(globalThis as { window?: unknown }).window = globalThis;

/** The home server's counters (GET /embed/v1/info). */
export async function serverStats(
  url: string,
  token?: string,
): Promise<{ embedded: number; served: number }> {
  const response = await fetch(
    `${url}/embed/v1/info`,
    token ? { headers: { Authorization: `Bearer ${token}` } } : {},
  );
  return (await response.json()) as { embedded: number; served: number };
}

const WORDS =
  'milk eggs coffee bread garden door window light kitchen dinner lunch soup pasta rice fish train bus bike school office meeting call phone email note doctor dentist birthday party holiday trip beach mountain sea lake river park tree flower plant music song movie book game weather rain snow wind summer winter'.split(
    ' ',
  );

/** `count` distinct memos of 4..40 words (some long enough for several windows). */
export function texts(count: number, seed: number): string[] {
  const random = rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const length = 4 + Math.floor(random() * (i % 10 === 0 ? 400 : 36));
    const words = Array.from({ length }, () => WORDS[Math.floor(random() * WORDS.length)] ?? 'note');
    return `note ${i} ${words.join(' ')}`;
  });
}

export function memoName(i: number): MemoName {
  return `memos/00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}` as MemoName;
}

let dbCount = 0;

/** One device: its database, notebook, counted embedder, recall service and the server's URL. */
export async function recallDevice(
  model: TinyModelFolder,
  options: { url: string; token?: string | (() => string | undefined); seed?: string[]; fetch?: FetchLike },
) {
  const name = `home-server-${++dbCount}`;
  const db = new MemosDatabase(name);
  const feed = createChangeFeed('unused', undefined);
  let clock = Date.UTC(2026, 0, 1);
  const notebook = createNotebook({ db, feed, now: () => clock++ });
  if (options.seed) {
    await db.memos.bulkPut(
      options.seed.map((content, i) =>
        buildLocalMemo(
          memoName(i + 1),
          { content, visibility: 'PRIVATE', state: 'NORMAL', pinned: false, attachments: [] },
          { createTime: clock + i, updateTime: clock + i },
        ),
      ),
    );
  }
  const embedded: string[] = [];
  const real = createEmbedder(model.deviceConfig());
  const embedder: EmbedWorkerApi = {
    ...real,
    embedDocuments: (batch, opts, onProgress) => {
      embedded.push(...batch);
      return real.embedDocuments(batch, opts, onProgress);
    },
  };
  const timers = manualTimers();
  const listeners = new Set<(m: RecallPeerMessage) => void>();
  const recall = createRecallService({
    db,
    embedder,
    index: createSemanticIndex({
      db,
      files: await hnswFiles({ timeoutMs: 5_000 }),
      fileBase: `recall-${name}`,
      now: () => Date.now(),
      random: rng(1),
      timers: manualTimers(),
    }),
    dbName: name,
    subscribeChanges: (listener) => feed.subscribe(listener),
    peers: {
      publish: (m) => {
        for (const l of listeners) l(m);
      },
      subscribe(l) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      close() {},
    },
    leadership: (lead) => lead(),
    timers,
    now: () => Date.now(),
    batchMemos: 4,
    notifyIntervalMs: 0,
    server: createEmbedServerClient({
      origin: options.url,
      token: async () => (typeof options.token === 'function' ? options.token() : options.token),
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    }),
  });
  await recall.start();
  const docs = () => db.recallDocs.toArray();
  /** every memo of the notebook has vectors of this model */
  const complete = async () => {
    const [memos, rows] = await Promise.all([db.memos.count(), docs()]);
    return rows.length === memos && rows.every((row) => row.modelId === model.modelId);
  };
  const dispose = async () => {
    await recall.close();
    db.close();
    await MemosDatabase.delete(name);
  };
  return { db, feed, notebook, recall, embedded, timers, docs, complete, dispose };
}
