/**
 * The sync controller end to end in Node against the real Memos (MEMOS_VERSION), with
 * injected virtual timers: connect and start [T1, P4], the debounced local-change trigger
 * [T1], live events over the real SSE stream [P5], backoff after a failure and a refused
 * token [T2, S1], and held mass deletions answered by the user [S3].
 */
import { describe, expect, it } from 'vitest';
import { runBackgroundPass } from '../../sync/background';
import { type AppDevice, createAppDevice } from './helpers/app-device';
import { asName, shape, until } from './helpers/device';
import { useMemosServer } from './helpers/server-suite';
import { type Account, mintToken } from './helpers/web';

const suite = useMemosServer();

async function connected(account: Account | { token: string }): Promise<AppDevice> {
  const device = createAppDevice();
  suite.cleanup(() => device.dispose());
  const result = await device.controller.connect({ serverUrl: suite.baseUrl, token: account.token });
  if (!result.ok) throw new Error(`connect failed: ${result.error.message}`);
  // The live stream's first "connected" also triggers a pass: let it happen before the test.
  await until(() => device.transport.streamsOpened > 0, 'the live event stream');
  await device.settle();
  return device;
}

async function mirrors(device: AppDevice, account: Account): Promise<boolean> {
  const local = (await device.db.memos.orderBy('name').toArray()).map(shape);
  const server = (await account.web.listAll()).map(shape);
  return JSON.stringify(local) === JSON.stringify(server);
}

describe('start and status', () => {
  it('[T1][P4] connect starts a full pass; the status is idle with the last sync time', async () => {
    const account = await suite.account();
    await account.web.create('on the server before connecting');
    const archived = await account.web.create('archived before connecting');
    await account.web.setState(archived.name, 'ARCHIVED');
    const device = await connected(account);
    const status = await device.status();
    expect(status.phase).toBe('idle');
    expect(status.lastSyncAt).toBe(device.timers.now());
    expect(status.message).toBeUndefined();
    expect(await mirrors(device, account)).toBe(true);
    const firstList = device.transport.requests('GET', /^\/api\/v1\/memos$/)[0];
    expect(firstList?.query.get('orderBy')).toBe('create_time asc');
  });

  it('[T1] after a reload, start() with the stored connection syncs at once', async () => {
    const account = await suite.account();
    const first = await connected(account);
    await account.web.create('made while the app was closed');
    const device = first.reload();
    suite.cleanup(() => device.dispose());
    await device.controller.start();
    await until(() => mirrors(device, account), 'the new memo after the reload');
    await device.settle();
    expect((await device.status()).phase).toBe('idle');
  });
});

describe('triggers', () => {
  it('[T1] local changes are pushed once the 1 s debounce elapses, not before, in one pass', async () => {
    const account = await suite.account();
    const device = await connected(account);
    device.transport.clearLog();
    const memo = await device.notebook.create({ content: 'typing…', visibility: 'PRIVATE' });
    await device.notebook.update(memo.name, { content: 'typing… done' });
    await device.settle();
    expect(device.transport.log).toEqual([]);
    expect(device.timers.pending()).toContain(1000);

    device.timers.advance(1000);
    await until(async () => (await account.web.listAll()).length === 1, 'the memo on the server');
    await device.settle();
    const posts = device.transport.requests('POST');
    expect(posts.map((p) => (p.body as { content: string }).content)).toEqual(['typing… done']);
    expect(await mirrors(device, account)).toBe(true);
  });

  it('[P5] changes made through the API arrive over the live stream: edit, web-UI pin, delete', async () => {
    const account = await suite.account();
    const memo = await account.web.create('watch me', {
      createTime: Date.UTC(2024, 0, 1),
      updateTime: Date.UTC(2024, 0, 1),
    });
    const other = await account.web.create('and me');
    const device = await connected(account);

    await account.web.editContent(other.name, 'and me, edited elsewhere');
    await until(
      async () => (await device.db.memos.get(asName(other.name)))?.content === 'and me, edited elsewhere',
      'the edit to arrive live',
    );
    // A pin from the web UI does not bump update_time: only the hint brings it this fast.
    await account.web.setPinned(memo.name, true);
    await until(async () => (await device.db.memos.get(asName(memo.name)))?.pinned === true, 'the pin');
    await account.web.remove(other.name);
    await until(async () => (await device.db.memos.get(asName(other.name))) === undefined, 'the delete');
    await device.settle();
    expect(await mirrors(device, account)).toBe(true);
    expect(device.timers.pending().every((delay) => delay > 60_000)).toBe(true);
  });
});

describe('failures', () => {
  it('[T2] a failed pass shows the error and is retried after a backoff, then converges', async () => {
    const account = await suite.account();
    const device = await connected(account);
    device.transport.on({ path: '/api/v1/auth/me', fault: 'http-500' });
    await device.notebook.create({ content: 'waits for the retry', visibility: 'PRIVATE' });
    device.timers.advance(1000);
    await until(async () => (await device.status()).phase === 'error', 'the failed pass');
    await device.settle();
    expect((await device.status()).message).toMatch(/server error \(HTTP 500/);
    expect((await device.status()).lastSyncAt).toBeDefined();
    // Backoff: 2 s with jitter (random() = 0.5 → 75 %).
    expect(device.timers.pending()[0]).toBe(1500);
    expect(await account.web.listAll()).toEqual([]);

    device.timers.advance(1500);
    await until(async () => (await account.web.listAll()).length === 1, 'the retried push');
    await device.settle();
    expect((await device.status()).phase).toBe('idle');
    expect(await mirrors(device, account)).toBe(true);
  });

  it('[S1][T2] a refused token: "connect again" and no automatic retry', async () => {
    const account = await suite.account();
    const pat = await mintToken(suite.instance, account);
    const device = await connected({ token: pat.token });
    await pat.revoke();
    await device.notebook.create({ content: 'kept locally', visibility: 'PRIVATE' });
    device.timers.advance(1000);
    await until(async () => (await device.status()).phase === 'error', 'the refused pass');
    await device.settle();
    expect((await device.status()).message).toBe('the access token was refused; connect again in Settings');
    // Only the periodic timers (minutes away) are left: no backoff retry.
    expect(device.timers.pending().every((delay) => delay > 60_000)).toBe(true);
    expect(await device.db.memos.count()).toBe(1);
    expect(await device.db.outbox.count()).toBe(1);
  });
});

describe('held deletions', () => {
  /**
   * 11 of 12 memos deleted on the server while the app was closed (while it is open, each
   * delete arrives as its own live hint and is applied one by one: S3 guards listings).
   */
  async function twelveThenEleven() {
    const account = await suite.account();
    const made = [];
    for (let i = 0; i < 12; i++) made.push(await account.web.create(`memo ${i}`));
    const closed = await connected(account);
    expect(await closed.db.memos.count()).toBe(12);
    closed.controller.dispose();
    const doomed = made.slice(0, 11).map((m) => m.name);
    for (const name of doomed) await account.web.remove(name);
    const device = closed.reload();
    suite.cleanup(() => device.dispose());
    await device.controller.start();
    await until(async () => (await device.meta.removals()).held !== undefined, 'the held deletions');
    await device.settle();
    // The question stands through later delta passes (here: the tab becoming visible).
    device.transport.clearLog();
    device.controller.trigger('visible');
    await until(() => device.transport.log.length > 0, 'the delta pass');
    await device.settle();
    expect([...((await device.meta.removals()).held?.names ?? [])].sort()).toEqual([...doomed].sort());
    expect(await device.db.memos.count()).toBe(12);
    return { account, device };
  }

  it('[S3] "Delete them here too" deletes the held memos', async () => {
    const { account, device } = await twelveThenEleven();
    await device.controller.approveHeldDeletions();
    await until(async () => (await device.db.memos.count()) === 1, 'the approved deletions');
    await device.settle();
    expect((await device.meta.removals()).held).toBeUndefined();
    expect(await mirrors(device, account)).toBe(true);
  });

  it('[S3] a Background Sync pass in the service worker keeps the question standing', async () => {
    const { device } = await twelveThenEleven();
    const held = (await device.meta.removals()).held?.names;
    device.controller.dispose();
    // The service worker's own pass, over the same database (no tab syncing meanwhile).
    expect(
      await runBackgroundPass({ isOnline: () => true, dbName: device.dbName, fetch: device.transport.fetch }),
    ).toBe('done');
    expect((await device.meta.removals()).held?.names).toEqual(held);
    expect(await device.status()).toMatchObject({ phase: 'idle', lastSyncAt: expect.any(Number) });
    expect(await device.db.memos.count()).toBe(12);
  });

  it('[S3] "Keep them" uploads the held memos again', async () => {
    const { account, device } = await twelveThenEleven();
    await device.controller.keepHeldMemos();
    await until(async () => (await account.web.listAll()).length === 12, 'the re-uploaded memos');
    await device.settle();
    expect((await device.meta.removals()).held).toBeUndefined();
    expect(await mirrors(device, account)).toBe(true);
  });
});
