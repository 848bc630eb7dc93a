/**
 * The home server's embedding service end to end over HTTP (the real app server, LevelDB in a
 * fresh DATA_DIR, worker threads running the app's embedder on onnxruntime-node), with the
 * tiny generated model so it is quick. The device side is the real client
 * (workers/recall/server-client.ts). The same checks with the real model and real Chromium
 * are in test/e2e/embed-server.test.ts; with a real Memos in test/integration/embed-service.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DiskFullError, openVectorStore, type VectorStore } from '../../../server/embed-store';
import { createEmbedServerClient, type EmbedServerClient } from '../../../workers/recall/server-client';
import {
  deviceEmbedder,
  type EmbedApp,
  startEmbedApp,
  type TinyModelFolder,
  tinyModelFolder,
} from '../../helpers/embed-fixture';
import { startHttpServer } from './helpers';

let model: TinyModelFolder;
const cleanup: Array<() => Promise<void>> = [];
beforeAll(async () => {
  model = await tinyModelFolder();
});
afterAll(async () => {
  await model.remove();
});
afterEach(async () => {
  for (const run of cleanup.splice(0).reverse()) await run();
});

async function app(options: Parameters<typeof startEmbedApp>[1] = {}): Promise<EmbedApp> {
  const started = await startEmbedApp(model, options);
  cleanup.push(() => started.close());
  return started;
}

function client(url: string, token?: string): EmbedServerClient {
  return createEmbedServerClient({
    origin: url,
    token: async () => token,
    fetch: (i, init) => fetch(i, init),
  });
}

/** A stand-in for Memos' `GET /api/v1/auth/me`: tokens → users (the real one: test/integration). */
async function fakeMemosAuth(users: Record<string, string>) {
  const asked: string[] = [];
  const server = await startHttpServer((req, res) => {
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    asked.push(token);
    const user = users[token];
    res.writeHead(user ? 200 : 401, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(user ? { user: { name: user } } : { code: 16, message: 'unauthenticated' }));
  });
  cleanup.push(() => server.close());
  return { url: server.url, asked };
}

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += (a[i] ?? 0) * (b[i] ?? 0);
  return dot;
}

const TEXTS = [
  'buy milk and eggs tomorrow',
  'the dentist called about the appointment',
  'wifi password for the garden',
];

describe('embedding service', () => {
  it('is off without MEMOS_URL unless EMBED_SERVICE=on, and says so', async () => {
    const off = await app({ mode: 'auto' });
    expect(off.server.embedService).toBeUndefined();
    expect(await client(off.url).info()).toMatchObject({ ok: false, failure: { kind: 'off' } });
    const explicitOff = await app({ mode: 'off', memosUrl: 'http://127.0.0.1:9' });
    expect(await client(explicitOff.url, 'x').info()).toMatchObject({ ok: false, failure: { kind: 'off' } });
    const on = await app({ mode: 'on' });
    // Every variant whose files are present (the tiny model ships both dtypes' files).
    const info = await client(on.url).info();
    expect(info).toMatchObject({ ok: true, value: { threads: 1 } });
    expect(info.ok && [...info.value.models].sort()).toEqual(
      [model.modelId, model.modelId.replace('@q8#', '@fp32#').replace(model.filesDigest, '')]
        .sort()
        .map((id, i, all) =>
          id.endsWith('#')
            ? info.ok
              ? (info.value.models.find((m) => m.startsWith(id)) ?? id)
              : id
            : (all[i] ?? id),
        ),
    );
  });

  it('with MEMOS_URL computes nothing for a token Memos does not accept', async () => {
    const memos = await fakeMemosAuth({ good: 'users/1' });
    const service = await app({ mode: 'auto', memosUrl: memos.url });
    const stranger = await client(service.url, 'stolen').embed(model.modelId, TEXTS);
    expect(stranger).toMatchObject({ ok: false, failure: { kind: 'unauthorized' } });
    expect(await client(service.url).embed(model.modelId, TEXTS)).toMatchObject({
      ok: false,
      failure: { kind: 'unauthorized' },
    });
    const info = await client(service.url, 'good').info();
    expect(info).toMatchObject({ ok: true });
    const raw = await fetch(`${service.url}/embed/v1/info`, { headers: { Authorization: 'Bearer good' } });
    expect(await raw.json()).toMatchObject({ embedded: 0 });
    expect(memos.asked).toContain('stolen');
  });

  it('embeds exactly like the device (same windows, pooling, normalisation) and then answers by hash', async () => {
    const service = await app();
    const device = deviceEmbedder(model);
    const long = 'the weather was cold and we stayed home to read a book by the window. '.repeat(120); // 8.4 KiB
    expect(long.length).toBeGreaterThan(8 * 1024);
    const texts = [...TEXTS, long, TEXTS[0] ?? ''];
    const served = await client(service.url).embed(model.modelId, texts);
    if (!served.ok) throw new Error(JSON.stringify(served.failure));
    const local = await device.embedDocuments(texts);
    expect(served.value.items.map((i) => i.chunks)).toEqual(local.chunkCounts);
    expect(served.value.items.map((i) => i.truncated)).toEqual(local.truncated);
    expect(local.chunkCounts[3]).toBe((await device.tokenize(long)).windows.length);
    expect(local.chunkCounts[3]).toBeGreaterThan(2);
    let row = 0;
    for (const item of served.value.items) {
      for (let chunk = 0; chunk < item.chunks; chunk++, row++) {
        const mine = local.vectors.subarray(row * model.dim, (row + 1) * model.dim);
        expect(
          cosine(item.vectors.subarray(chunk * model.dim, (chunk + 1) * model.dim), mine),
        ).toBeGreaterThan(0.99999);
      }
    }
    // The repeated text was embedded once; asking by hash now costs no embedding.
    const stats = async () =>
      (await (await fetch(`${service.url}/embed/v1/info`)).json()) as { embedded: number; served: number };
    expect((await stats()).embedded).toBe(4);
    const hashes = served.value.items.map((i) => i.hash);
    const looked = await client(service.url).lookup(model.modelId, [...hashes, 'f1:0000000000000000:1']);
    if (!looked.ok) throw new Error(JSON.stringify(looked.failure));
    expect(looked.value.items.map((i) => i.hash)).toEqual(hashes);
    expect([...(looked.value.items[3]?.vectors ?? [])]).toEqual([...(served.value.items[3]?.vectors ?? [])]);
    expect((await stats()).embedded).toBe(4);
  });

  it('keeps the vectors across a restart (same DATA_DIR)', async () => {
    const first = await app();
    const served = await client(first.url).embed(model.modelId, TEXTS);
    if (!served.ok) throw new Error('embed failed');
    await first.server.close();
    const again = await app({ dataDir: first.dataDir });
    const looked = await client(again.url).lookup(
      model.modelId,
      served.value.items.map((i) => i.hash),
    );
    expect(looked.ok && looked.value.items.length).toBe(TEXTS.length);
  });

  it('never lets one account learn what another wrote', async () => {
    const memos = await fakeMemosAuth({ alice: 'users/1', bob: 'users/2' });
    const service = await app({ mode: 'auto', memosUrl: memos.url });
    const secret = ['alice thinks the surprise party is on friday'];
    const alice = await client(service.url, 'alice').embed(model.modelId, secret);
    if (!alice.ok) throw new Error('embed failed');
    const hash = alice.value.items[0]?.hash ?? '';
    const bob = await client(service.url, 'bob').lookup(model.modelId, [hash]);
    expect(bob).toMatchObject({ ok: true, value: { items: [] } });
    expect(await client(service.url, 'alice').lookup(model.modelId, [hash])).toMatchObject({
      ok: true,
      value: { items: [{ hash }] },
    });
  });

  it('refuses another model id (saying which it holds) and malformed or oversized requests', async () => {
    const service = await app({ embed: { limits: { maxTexts: 4, maxBodyBytes: 4096 } } });
    const other = await client(service.url).lookup(
      'Xenova/all-MiniLM-L6-v2@q8#w254-o32-c16-m32768#sha256:ffff',
      [],
    );
    expect(other).toMatchObject({
      ok: false,
      failure: { kind: 'model-mismatch', message: expect.stringContaining(model.modelId) },
    });
    expect(!other.ok && other.failure.kind === 'model-mismatch' ? other.failure.serverModels : []).toContain(
      model.modelId,
    );
    expect(await client(service.url).embed(model.modelId, ['a', 'b', 'c', 'd', 'e'])).toMatchObject({
      ok: false,
      failure: { kind: 'invalid' },
    });
    expect(await client(service.url).embed(model.modelId, ['x'.repeat(5000)])).toMatchObject({
      ok: false,
      failure: { kind: 'invalid' },
    });
    const post = (body: string) =>
      fetch(`${service.url}/embed/v1/vectors`, { method: 'POST', body }).then((r) => r.status);
    expect(await post('not json')).toBe(400);
    expect(await post(JSON.stringify({ modelId: model.modelId, hashes: ['a\u0000b'] }))).toBe(400);
    expect((await fetch(`${service.url}/embed/v1/embed`)).status).toBe(405);
    // Without MEMOS_URL there is no notebook to read: no warm-up.
    expect(await client(service.url, 'token').warmup(model.modelId)).toMatchObject({
      ok: false,
      failure: { kind: 'off', message: 'no Memos server to read the notebook from' },
    });
    expect((await fetch(`${service.url}/embed/v1/nothing`)).status).toBe(404);
  });

  it('on a full disk logs one clear line, turns itself off, and still answers the request that hit it', async () => {
    const full = (store: VectorStore): VectorStore => ({
      ...store,
      putMany: async () => {
        throw new DiskFullError('writing the vector store: no space left on device (IO error)');
      },
    });
    const service = await app({
      embed: { openStore: async (location) => full(await openVectorStore(location)) },
    });
    const answered = await client(service.url).embed(model.modelId, TEXTS);
    expect(answered.ok && answered.value.items.length).toBe(TEXTS.length);
    const errors = service.logger.lines.filter((line) => line.startsWith('error:'));
    expect(errors).toEqual([
      expect.stringMatching(/^error: Embedding service turned off: the disk holding .* is full/),
    ]);
    for (const ask of [
      () => client(service.url).info(),
      () => client(service.url).embed(model.modelId, TEXTS),
    ]) {
      expect(await ask()).toMatchObject({
        ok: false,
        failure: { kind: 'off', message: expect.stringMatching(/full/) },
      });
    }
    expect(service.logger.lines.filter((line) => line.startsWith('error:'))).toHaveLength(1);
  });
});
