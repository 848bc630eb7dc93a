/**
 * Recall with the home server's embedding service, in Node: the real recall service (tiny
 * model embedder as "this device", hnswlib-wasm over fake-indexeddb) talking HTTP, through
 * the real client, to the real app server (worker threads, LevelDB in a fresh DATA_DIR) on
 * the same tiny model files. What reaches each embedder is counted, so "embedded once" and
 * "nothing embedded" are checked, not assumed. Covers: bulk from the server and a second
 * device by hash alone; captures on the device at once; the server going away mid-batch
 * and coming back; a token revoked mid-batch; "Index on this device" off (paused, then on);
 * a server with another model file; Re-index.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildLocalMemo } from '../../sync/db/notebook';
import type { RecallSnapshot } from '../../workers/recall/api';
import type { FetchLike } from '../../workers/recall/server-client';
import {
  type EmbedApp,
  startEmbedApp,
  type TinyModelFolder,
  tinyModelFolder,
} from '../helpers/embed-fixture';
import { memoName, recallDevice, serverStats, texts } from '../helpers/recall-device';
import { startHttpServer } from './server/helpers';

let model: TinyModelFolder;
let otherModel: TinyModelFolder;
const cleanup: Array<() => Promise<void>> = [];
beforeAll(async () => {
  model = await tinyModelFolder();
  otherModel = await tinyModelFolder(24);
});
afterAll(async () => {
  await model.remove();
  await otherModel.remove();
});
afterEach(async () => {
  for (const run of cleanup.splice(0).reverse()) await run();
});

async function app(folder = model, options: Parameters<typeof startEmbedApp>[1] = {}): Promise<EmbedApp> {
  const started = await startEmbedApp(folder, options);
  cleanup.push(() => started.close());
  return started;
}

function snapshotOf(recall: { status(): Promise<RecallSnapshot> }) {
  return recall.status();
}

async function device(options: Parameters<typeof recallDevice>[1]) {
  const created = await recallDevice(model, options);
  cleanup.push(created.dispose);
  return created;
}

// Real servers, threads and HTTP: slower than most unit tests on a loaded 2-core machine.
describe('recall with the home server', { timeout: 90_000 }, () => {
  it('takes a first embedding from the server, and a second device gets every vector by hash alone', async () => {
    const server = await app();
    const notebook = texts(90, 1);
    const first = await device({ url: server.url, seed: notebook });
    await first.recall.whenIdle();
    expect(await first.complete()).toBe(true);
    expect(first.embedded).toEqual([]);
    expect((await first.docs()).every((row) => row.source === 'server')).toBe(true);
    expect(await first.recall.sources()).toEqual({ device: 0, server: 90 });
    expect((await serverStats(server.url)).embedded).toBe(90);
    expect((await first.recall.search(notebook[41] ?? '', { k: 1 }))[0]?.name).toBe(memoName(42));
    expect((await snapshotOf(first.recall)).server).toEqual({ kind: 'ready', threads: 1 });

    const second = await device({ url: server.url, seed: notebook });
    await second.recall.whenIdle();
    expect(await second.complete()).toBe(true);
    expect(second.embedded).toEqual([]);
    expect((await serverStats(server.url)).embedded).toBe(90);
    const [a, b] = await Promise.all([first.db.embeddings.toArray(), second.db.embeddings.toArray()]);
    expect(b.map((row) => [...row.vector])).toEqual(a.map((row) => [...row.vector]));
  });

  it('embeds a capture on this device at once, while bulk work goes to the server', async () => {
    const server = await app();
    const phone = await device({ url: server.url, seed: texts(70, 2) });
    const capture = await phone.notebook.create({
      content: 'buy a bicycle helmet for the trip',
      visibility: 'PRIVATE',
    });
    await phone.recall.whenIdle();
    expect(phone.embedded).toEqual(['buy a bicycle helmet for the trip']);
    expect(await phone.db.recallDocs.get(capture.name)).toMatchObject({ source: 'device' });
    expect(await phone.recall.sources()).toEqual({ device: 1, server: 70 });
    expect((await phone.recall.search('bicycle helmet', { k: 1 }))[0]?.name).toBe(capture.name);
  });

  it('continues on the device when the server goes away mid-batch, losing no vector and embedding none twice, and goes back to the server once it is up again', async () => {
    const server = await app();
    const port = server.server.port;
    // The third request for embeddings is cut while the server works on it (the server stops),
    // after the first two were answered: part of the notebook came from the server, part not.
    const earlier: Array<Promise<unknown>> = [];
    const dying: FetchLike = async (input, init) => {
      if (!String(input).endsWith('/embed')) return fetch(input, init);
      if (earlier.length === 2) {
        await Promise.allSettled(earlier);
        const answer = fetch(input, init);
        answer.catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 5));
        await server.server.close();
        return answer;
      }
      const answer = fetch(input, init);
      earlier.push(answer);
      return answer;
    };
    const notebook = texts(150, 3);
    const laptop = await device({ url: server.url, seed: notebook, fetch: dying });
    await laptop.recall.whenIdle();
    expect(await laptop.complete()).toBe(true);
    const rows = await laptop.docs();
    const fromServer = new Set(
      rows
        .filter((row) => row.source === 'server')
        .map((row) => notebook[Number.parseInt(row.name.slice(-12), 16) - 1]),
    );
    expect(fromServer.size).toBeGreaterThan(0);
    expect(laptop.embedded.length).toBeGreaterThan(0);
    expect(new Set(laptop.embedded).size).toBe(laptop.embedded.length); // none twice on the device
    expect(laptop.embedded.filter((text) => fromServer.has(text))).toEqual([]); // none the server delivered
    expect(fromServer.size + laptop.embedded.length).toBe(notebook.length); // none lost
    expect((await snapshotOf(laptop.recall)).server.kind).toBe('unreachable');

    // The server comes back (same port, same DATA_DIR): the next check finds it, and the next
    // large pull goes to it again.
    await app(model, { port, dataDir: server.dataDir });
    laptop.timers.runAll();
    await expect
      .poll(async () => (await snapshotOf(laptop.recall)).server.kind, { timeout: 15_000 })
      .toBe('ready');
    const pulled = texts(40, 33);
    const start = notebook.length + 1;
    await laptop.db.memos.bulkPut(
      pulled.map((content, i) =>
        buildLocalMemo(
          memoName(start + i),
          { content, visibility: 'PRIVATE', state: 'NORMAL', pinned: false, attachments: [] },
          { createTime: 1, updateTime: 1 },
        ),
      ),
    );
    const before = laptop.embedded.length;
    laptop.feed.publish({ type: 'memos', names: pulled.map((_, i) => memoName(start + i)) });
    await laptop.recall.whenIdle();
    expect(await laptop.complete()).toBe(true);
    expect(laptop.embedded.length).toBe(before);
  });

  it('continues on the device when the token is revoked mid-batch (401)', async () => {
    const tokens = new Map([['family-token', 'users/1']]);
    const memos = await startHttpServer((req, res) => {
      const user = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
      res.writeHead(user ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(user ? { user: { name: user } } : { code: 16, message: 'unauthenticated' }));
    });
    cleanup.push(() => memos.close());
    const server = await app(model, {
      mode: 'auto',
      memosUrl: memos.url,
      embed: { gate: { acceptTtlMs: 0 } },
    });
    const notebook = texts(200, 4);
    // The token is revoked as soon as the server has answered the first request for embeddings.
    const revoking: FetchLike = async (input, init) => {
      const answer = await fetch(input, init);
      if (String(input).endsWith('/embed')) tokens.clear();
      return answer;
    };
    const tablet = await device({ url: server.url, token: 'family-token', seed: notebook, fetch: revoking });
    await tablet.recall.whenIdle();
    expect(await tablet.complete()).toBe(true);
    const sources = await tablet.recall.sources();
    expect(sources.server).toBeGreaterThan(0);
    expect(sources.device).toBeGreaterThan(0);
    expect(sources.server + sources.device).toBe(notebook.length);
    expect(new Set(tablet.embedded).size).toBe(tablet.embedded.length);
    expect((await snapshotOf(tablet.recall)).server).toMatchObject({
      kind: 'refused',
      reason: 'unauthorized',
    });
  });

  it('uses the server as soon as the device connects to Memos (a token after start)', async () => {
    const memos = await startHttpServer((req, res) => {
      const ok = req.headers.authorization === 'Bearer pat-after-connect';
      res.writeHead(ok ? 200 : 401, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(ok ? { user: { name: 'users/1' } } : { code: 16, message: 'unauthenticated' }));
    });
    cleanup.push(() => memos.close());
    const server = await app(model, { mode: 'auto', memosUrl: memos.url });
    let token: string | undefined;
    const phone = await device({ url: server.url, token: () => token });
    expect((await snapshotOf(phone.recall)).server).toMatchObject({
      kind: 'refused',
      reason: 'unauthorized',
    });
    token = 'pat-after-connect';
    phone.feed.publish({ type: 'meta', keys: ['connection'] }); // what connecting publishes
    await expect
      .poll(async () => (await snapshotOf(phone.recall)).server.kind, { timeout: 15_000 })
      .toBe('ready');
    const pulled = texts(40, 8);
    await phone.db.memos.bulkPut(
      pulled.map((content, i) =>
        buildLocalMemo(
          memoName(i + 1),
          { content, visibility: 'PRIVATE', state: 'NORMAL', pinned: false, attachments: [] },
          { createTime: 1, updateTime: 1 },
        ),
      ),
    );
    phone.feed.publish({ type: 'memos', names: pulled.map((_, i) => memoName(i + 1)) });
    await phone.recall.whenIdle();
    expect(await phone.recall.sources()).toEqual({ device: 0, server: 40 });
    expect(phone.embedded).toEqual([]);
  });

  it('with "Index on this device" off uses only the server: memos wait while it is away, and go on when it is back', async () => {
    const server = await app();
    const port = server.server.port;
    const phone = await device({ url: server.url });
    await phone.recall.setLocalIndexing(false);
    expect((await snapshotOf(phone.recall)).localIndexing).toBe(false);
    await server.server.close();
    const capture = await phone.notebook.create({
      content: 'call the dentist on monday',
      visibility: 'PRIVATE',
    });
    await phone.recall.whenIdle();
    const paused = await snapshotOf(phone.recall);
    expect(paused.progress).toMatchObject({ kind: 'paused', done: 0, total: 1 });
    expect(paused.server.kind).toBe('unreachable');
    expect(phone.embedded).toEqual([]);
    expect(await phone.db.recallDocs.get(capture.name)).toBeUndefined();
    // Queries are still embedded here (the model is loaded); only documents wait.
    expect(await phone.recall.search('dentist', { k: 1 })).toEqual([]);

    await app(model, { port, dataDir: server.dataDir });
    phone.timers.runAll();
    await expect
      .poll(async () => (await phone.db.recallDocs.get(capture.name))?.source, { timeout: 15_000 })
      .toBe('server');
    await phone.recall.whenIdle();
    expect((await snapshotOf(phone.recall)).progress).toEqual({ kind: 'idle' });
    expect(phone.embedded).toEqual([]);
    expect((await phone.recall.search('dentist monday', { k: 1 }))[0]?.name).toBe(capture.name);

    // Turned on again (kept in the database), the device embeds by itself.
    await phone.recall.setLocalIndexing(true);
    expect(await phone.db.meta.get('recall.localIndexing')).toEqual({
      key: 'recall.localIndexing',
      value: true,
    });
  });

  it('refuses a server that holds vectors of another model file, says so, and indexes on the device', async () => {
    const server = await app(otherModel);
    const notebook = texts(20, 5);
    const laptop = await device({ url: server.url, seed: notebook });
    await laptop.recall.whenIdle();
    const { server: link } = await snapshotOf(laptop.recall);
    expect(link).toMatchObject({ kind: 'refused', reason: 'model-mismatch' });
    expect(link.kind === 'refused' && link.serverModels).toContain(otherModel.modelId);
    expect([...laptop.embedded].sort()).toEqual([...notebook].sort());
    expect(await laptop.complete()).toBe(true);
    expect((await serverStats(server.url)).served).toBe(0);
  });

  it('Re-index forgets the stored vectors and gets them back from the server without embedding', async () => {
    const server = await app();
    const laptop = await device({ url: server.url, seed: texts(50, 6) });
    await laptop.recall.whenIdle();
    const before = await laptop.db.embeddings.count();
    await laptop.recall.reindex();
    await laptop.recall.whenIdle();
    expect(await laptop.complete()).toBe(true);
    expect(await laptop.db.embeddings.count()).toBe(before);
    expect(laptop.embedded).toEqual([]);
    expect(await serverStats(server.url)).toMatchObject({ embedded: 50, served: 100 });
    expect((await laptop.recall.stats()).memos).toBe(50);
  });
});
