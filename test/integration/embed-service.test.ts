/**
 * The home server's embedding service in front of a real Memos v0.30.0: the service gate
 * asks Memos itself whether a token is good (no token, a made-up one, a revoked one: refused;
 * an account's PAT: accepted), two real accounts never see each other's vectors, and a device
 * whose token is revoked while it works through its notebook continues on its own with no
 * memo lost or embedded twice. The embedding runs the tiny generated model (fast); the real
 * model is checked in test/e2e/embed-server.test.ts.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedServerClient } from '../../workers/recall/server-client';
import {
  type EmbedApp,
  startEmbedApp,
  type TinyModelFolder,
  tinyModelFolder,
} from '../helpers/embed-fixture';
import { type MemosInstance, startMemos } from '../helpers/memos-instance';
import { recallDevice, serverStats, texts } from '../helpers/recall-device';
import { mintToken, newAccount } from './helpers/web';

let memos: MemosInstance;
let model: TinyModelFolder;
const cleanup: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [memos, model] = await Promise.all([startMemos(), tinyModelFolder()]);
});
afterAll(async () => {
  await memos?.stop();
  await model?.remove();
});
afterEach(async () => {
  for (const run of cleanup.splice(0).reverse()) await run();
});

async function service(acceptTtlMs?: number): Promise<EmbedApp> {
  const app = await startEmbedApp(model, {
    mode: 'auto',
    memosUrl: memos.baseUrl,
    ...(acceptTtlMs === undefined ? {} : { embed: { gate: { acceptTtlMs } } }),
  });
  cleanup.push(() => app.close());
  return app;
}

const client = (url: string, token?: string) =>
  createEmbedServerClient({
    origin: url,
    token: async () => token,
    fetch: (input, init) => fetch(input, init),
  });

describe('embedding service with a real Memos', () => {
  it('serves only tokens Memos accepts, and stops serving a token once Memos revoked it', async () => {
    const app = await service(300);
    const account = await newAccount(memos);
    expect(await client(app.url).info()).toMatchObject({ ok: false, failure: { kind: 'unauthorized' } });
    expect(await client(app.url, 'memos_pat_madeup').info()).toMatchObject({
      ok: false,
      failure: { kind: 'unauthorized' },
    });
    const device = await mintToken(memos, account);
    expect(await client(app.url, device.token).info()).toEqual({
      ok: true,
      value: { models: expect.arrayContaining([model.modelId]), threads: 1 },
    });
    await device.revoke();
    await new Promise((resolve) => setTimeout(resolve, 400)); // the accepted verdict expires
    expect(await client(app.url, device.token).embed(model.modelId, ['hello'])).toMatchObject({
      ok: false,
      failure: { kind: 'unauthorized' },
    });
    expect(await client(app.url, account.token).info()).toMatchObject({ ok: true });
  });

  it('keeps two accounts apart: the same hash finds nothing in the other account', async () => {
    const app = await service();
    const [alice, bob] = await Promise.all([newAccount(memos, 'alice'), newAccount(memos, 'bob')]);
    const secret = ['alice plans a surprise party for bob on friday'];
    const embedded = await client(app.url, alice.token).embed(model.modelId, secret);
    if (!embedded.ok) throw new Error(JSON.stringify(embedded.failure));
    const hash = embedded.value.items[0]?.hash ?? '';
    expect(await client(app.url, bob.token).lookup(model.modelId, [hash])).toMatchObject({
      ok: true,
      value: { items: [] },
    });
    expect(await client(app.url, alice.token).lookup(model.modelId, [hash])).toMatchObject({
      ok: true,
      value: { items: [{ hash }] },
    });
  });

  it('warms up from Memos while a device syncs: the device gets every vector, and no text is embedded twice', async () => {
    const app = await service();
    const account = await newAccount(memos, 'warm');
    const notebook = texts(60, 11);
    for (const [i, content] of notebook.entries()) {
      await account.web.create(content, { createTime: Date.UTC(2025, 0, 1) + i * 60_000 });
    }
    const stats = () => serverStats(app.url, account.token);
    expect(await client(app.url, account.token).warmup(model.modelId)).toEqual({
      ok: true,
      value: { running: true },
    });
    // The device starts at once, with the same notebook (as its sync delivers it): its requests
    // meet the warm-up's work in flight and wait for it instead of embedding again.
    const laptop = await recallDevice(model, { url: app.url, token: account.token, seed: notebook });
    cleanup.push(laptop.dispose);
    await laptop.recall.whenIdle();
    expect(await laptop.complete()).toBe(true);
    expect(laptop.embedded).toEqual([]);
    await expect.poll(async () => (await stats()).embedded, { timeout: 30_000 }).toBe(60);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await stats()).embedded).toBe(60);
    // A second warm-up right after finds nothing to do.
    expect(await client(app.url, account.token).warmup(model.modelId)).toMatchObject({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await stats()).embedded).toBe(60);
  });

  it('a device that connects asks the server to warm up: the notebook is embedded before the device has it', async () => {
    const app = await service();
    const account = await newAccount(memos, 'connect');
    for (const content of texts(30, 12)) await account.web.create(content);
    let token: string | undefined;
    const phone = await recallDevice(model, { url: app.url, token: () => token });
    cleanup.push(phone.dispose);
    token = account.token;
    phone.feed.publish({ type: 'meta', keys: ['connection'] }); // what connecting publishes
    await expect
      .poll(async () => (await serverStats(app.url, account.token)).embedded, { timeout: 30_000 })
      .toBe(30);
    expect(await phone.db.memos.count()).toBe(0); // this test's device never synced
    expect(phone.embedded).toEqual([]);
  });

  it('lets a device whose token is revoked mid-batch (401) continue on its own, nothing lost or embedded twice', async () => {
    const app = await service(0);
    const account = await newAccount(memos);
    const token = await mintToken(memos, account);
    let revoked = false;
    const notebook = texts(160, 7);
    const tablet = await recallDevice(model, {
      url: app.url,
      token: token.token,
      seed: notebook,
      fetch: async (input, init) => {
        const answer = await fetch(input, init);
        if (String(input).endsWith('/embed') && !revoked) {
          // Revoked before this batch's next request is sent (deterministic "mid-batch").
          revoked = true;
          await token.revoke();
        }
        return answer;
      },
    });
    cleanup.push(tablet.dispose);
    await tablet.recall.whenIdle();
    expect(revoked).toBe(true);
    expect(await tablet.complete()).toBe(true);
    const sources = await tablet.recall.sources();
    expect(sources.server).toBeGreaterThan(0);
    expect(sources.device).toBeGreaterThan(0);
    expect(sources.server + sources.device).toBe(notebook.length);
    expect(new Set(tablet.embedded).size).toBe(tablet.embedded.length);
    expect((await tablet.recall.status()).server).toMatchObject({ kind: 'refused', reason: 'unauthorized' });
  });
});
