/**
 * Creating memos against the real Memos (MEMOS_VERSION): identity [I1], the outbox order and
 * coalescing [O2], create with the original time and retries [C1], the pin/state follow-up
 * [C2], lost or duplicated create answers [C3, U2], re-creation after a remote delete [C4],
 * and memos the server rejects [O4]. Each test uses its own account on the file's instance.
 */
import { describe, expect, it } from 'vitest';
import { applyImport } from '../../sync/db/import';
import { resetForNewServer } from '../../sync/reset';
import { asName, expectMirrors, shape } from './helpers/device';
import { useMemosServer } from './helpers/server-suite';
import type { Fault } from './helpers/transport';

const suite = useMemosServer();
const DAY = 24 * 60 * 60 * 1000;
const uid = (name: string) => name.slice('memos/'.length);

describe('create', () => {
  it('[I1] a memo made on the device keeps its name on the server and on every other device', async () => {
    const { account, device } = await suite.solo();
    const name = await device.write('hello from the device');
    expect(name).toMatch(/^memos\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    await device.syncOk();
    const [post] = device.transport.requests('POST', '/api/v1/memos');
    expect(post?.query.get('memoId')).toBe(uid(name));
    expect((await account.web.get(name))?.content).toBe('hello from the device');

    const other = suite.device(account, { label: 'other' });
    await other.syncOk();
    expect((await other.memos()).map((m) => m.name)).toEqual([name]);
    await expectMirrors(device, await account.web.listAll());
    await expectMirrors(other, await account.web.listAll());
  });

  it('[C1] a memo captured "yesterday" offline has that create time on the server', async () => {
    const { account, device } = await suite.solo();
    device.clock.setOffset(-DAY);
    const name = await device.write('captured on the train yesterday');
    const captured = (await device.memo(name))?.createTime ?? 0;
    device.clock.setOffset(0);
    await device.syncOk();
    const server = await account.web.get(name);
    expect(server?.createTime).toBe(Math.floor(captured / 1000) * 1000);
    // The update time is the server's clock (so other devices' delta pulls see the memo).
    expect(server?.updateTime ?? 0).toBeGreaterThan(captured + DAY / 2);
    expect((await device.memo(name))?.createTime).toBe(server?.createTime);
  });

  it('[C1] a create that never reached the server is sent again with the same memoId', async () => {
    const { account, device } = await suite.solo();
    const name = await device.write('first try is lost');
    device.transport.on({ method: 'POST', path: '/api/v1/memos', fault: 'drop-request' });
    const failed = await device.sync();
    expect(failed.ok).toBe(false);
    expect(failed.error?.kind).toBe('offline');
    expect(await account.web.listAll()).toEqual([]);
    expect(await device.outbox()).toHaveLength(1);

    await device.syncOk();
    const posts = device.transport.requests('POST', '/api/v1/memos');
    expect(posts.map((p) => p.query.get('memoId'))).toEqual([uid(name), uid(name)]);
    await expectMirrors(device, await account.web.listAll());
    expect(await account.web.listAll()).toHaveLength(1);
  });

  it('[C2] pinned and archived before the first push: a POST, then one PATCH of pinned,state,update_time', async () => {
    const { account, device } = await suite.solo();
    const name = await device.write('pinned and archived offline', { pinned: true, state: 'ARCHIVED' });
    await device.syncOk();
    const writes = device.transport.log.filter((r) => r.method === 'POST' || r.method === 'PATCH');
    expect(writes.map((r) => r.method)).toEqual(['POST', 'PATCH']);
    expect(writes[0]?.body).toEqual({
      content: 'pinned and archived offline',
      visibility: 'PRIVATE',
      createTime: expect.any(String),
    });
    expect(writes[1]?.path).toBe(`/api/v1/${name}`);
    expect(writes[1]?.query.get('updateMask')).toBe('pinned,state,update_time');
    expect(writes[1]?.body).toEqual({ pinned: true, state: 'ARCHIVED' });
    expect(await account.web.get(name)).toMatchObject({ pinned: true, state: 'ARCHIVED' });
    await expectMirrors(device, await account.web.listAll());
  });

  const lostAnswers: Fault[] = ['drop-response', 'timeout-after', 'malformed', 'duplicate'];
  it.each(lostAnswers)(
    '[C3] a create whose answer was lost (%s) is adopted, never duplicated',
    async (fault) => {
      const { account, device } = await suite.solo({ timeoutMs: 400 });
      const name = await device.write(`survives ${fault}`, { visibility: 'PROTECTED' });
      device.transport.on({ method: 'POST', path: '/api/v1/memos', fault });
      const first = await device.sync();
      // A duplicated request gets its own 409 and is adopted in the same pass.
      expect(first.ok).toBe(fault === 'duplicate');
      await device.syncOk();
      const server = await account.web.listAll();
      expect(server.map((m) => m.name)).toEqual([name]);
      expect(server[0]?.visibility).toBe('PROTECTED');
      // Adopting needs no write: the landed memo already is what the device wanted.
      expect(device.transport.requests('PATCH')).toEqual([]);
      expect(device.transport.requests('POST').some((p) => p.status === 409)).toBe(true);
      expect(await device.conflictRecords()).toEqual([]);
      await expectMirrors(device, server);
    },
  );

  it('[C3][C2] a lost answer to the pin follow-up: the next pass finds the memo and the pin already there', async () => {
    const { account, device } = await suite.solo();
    const name = await device.write('pin me', { pinned: true });
    device.transport.on({ method: 'PATCH', path: '/api/v1/memos/', fault: 'drop-response' });
    expect((await device.sync()).ok).toBe(false);
    await device.syncOk();
    const server = await account.web.listAll();
    expect(server).toHaveLength(1);
    expect(server[0]).toMatchObject({ name, pinned: true });
    expect(device.transport.requests('PATCH')).toHaveLength(1);
    await expectMirrors(device, server);
  });

  it('[C3][U2] a lost create answer, then an offline edit: the edit lands on the created memo, no duplicate', async () => {
    const { account, device } = await suite.solo();
    const name = await device.write('draft');
    device.transport.on({ method: 'POST', path: '/api/v1/memos', fault: 'drop-response' });
    expect((await device.sync()).ok).toBe(false);
    await device.notebook.update(name, { content: 'draft, reworded offline' });

    const report = await device.syncOk();
    expect(report.notices).toEqual([]);
    // The fields it was created with are the ancestor: the edit is a plain update.
    const patch = device.transport.requests('PATCH', name)[0];
    expect(patch?.query.get('updateMask')).toBe('content,update_time');
    const server = await account.web.listAll();
    expect(server.map((m) => [m.name, m.content])).toEqual([[name, 'draft, reworded offline']]);
    expect(await device.conflictRecords()).toEqual([]);
    await expectMirrors(device, server);
  });

  it('[U2][M4] a re-upload with no recorded ancestor whose server copy differs: the server keeps its text, ours is a conflict', async () => {
    const { account, device } = await suite.solo();
    const name = await device.write('written here');
    await device.syncOk();
    await account.web.editContent(name, 'rewritten in the web UI');
    // Reconnecting to "another" server (e.g. another URL of the same one) re-sends every memo.
    await resetForNewServer(device.db, device.feed, device.clock.now);

    const report = await device.syncOk();
    expect(report.notices).toEqual([{ kind: 'conflict', name }]);
    expect(device.transport.requests('POST').map((p) => p.status)).toEqual([200, 409]);
    const server = await account.web.listAll();
    expect(server.map((m) => [m.name, m.content])).toEqual([[name, 'rewritten in the web UI']]);
    expect(await device.conflictRecords()).toEqual([
      expect.objectContaining({
        name,
        localContent: 'written here',
        remoteContent: 'rewritten in the web UI',
      }),
    ]);
    await expectMirrors(device, server);
  });

  it('[U2] a memo imported from a backup of the server (no base) is adopted without any write', async () => {
    const { account, device } = await suite.solo();
    const original = await account.web.create('exported earlier', { visibility: 'PUBLIC' });
    await applyImport(
      device.db,
      device.feed,
      [{ ...shape(original), attachments: [], name: asName(original.name), updateTime: original.updateTime }],
      Date.now(),
    );
    await device.syncOk();
    expect(device.transport.requests('PATCH')).toEqual([]);
    expect(device.transport.requests('POST').map((p) => p.status)).toEqual([409]);
    await expectMirrors(device, await account.web.listAll());
  });

  it('[C4] a local edit to a memo deleted on the server re-creates it under the same name and tells the user', async () => {
    const { account, device } = await suite.solo();
    device.clock.setOffset(-3 * DAY);
    const name = await device.write('keep me');
    device.clock.setOffset(0);
    await device.syncOk();
    const createdAt = (await account.web.get(name))?.createTime;
    await account.web.remove(name);
    await device.notebook.update(name, { content: 'keep me, edited offline' });

    const report = await device.syncOk();
    expect(report.notices).toContainEqual({ kind: 'recreated-after-remote-delete', name });
    const server = await account.web.listAll();
    expect(server.map((m) => [m.name, m.content, m.createTime])).toEqual([
      [name, 'keep me, edited offline', createdAt],
    ]);
    await expectMirrors(device, server);
  });
});

describe('outbox', () => {
  it('[O2] memos are pushed in the order of their first change, each coalesced into one request', async () => {
    const { account, device } = await suite.solo();
    const a = await device.write('a1');
    const b = await device.write('b1');
    const c = await device.write('c1');
    await device.notebook.update(a, { content: 'a2' });
    await device.notebook.update(c, { visibility: 'PUBLIC' });
    await device.notebook.update(a, { content: 'a3' });
    await device.syncOk();
    const posts = device.transport.requests('POST', '/api/v1/memos');
    expect(posts.map((p) => p.query.get('memoId'))).toEqual([uid(a), uid(b), uid(c)]);
    expect(posts.map((p) => (p.body as { content: string }).content)).toEqual(['a3', 'b1', 'c1']);
    expect(posts[2]?.body).toMatchObject({ visibility: 'PUBLIC' });
    expect(device.transport.requests('PATCH')).toEqual([]);

    // Several offline edits of a synced memo: one read, one write.
    device.transport.clearLog();
    await device.notebook.update(b, { content: 'b2' });
    await device.notebook.update(b, { pinned: true });
    await device.notebook.update(b, { content: 'b3' });
    await device.syncOk('delta');
    const touching = device.transport.log.filter((r) => r.path === `/api/v1/${b}`);
    expect(touching.map((r) => r.method)).toEqual(['GET', 'PATCH']);
    expect(touching[1]?.body).toEqual({ content: 'b3', pinned: true });
    await expectMirrors(device, await account.web.listAll());
  });
});

describe('memos the server rejects', () => {
  it('[O4] content over 8192 bytes stays local with the server’s message and does not block the next memos', async () => {
    const { account, device } = await suite.solo({ contentLimitBytes: 100_000 });
    // 3,000 characters but 9,000 UTF-8 bytes: the server counts bytes.
    const tooLong = await device.write('€'.repeat(3000));
    const fine = await device.write('a normal memo after it');
    const report = await device.syncOk();
    expect(report.rejected).toBe(1);
    expect((await device.memo(tooLong))?.syncIssue?.message).toBe('content too long (max 8192 characters)');
    expect((await account.web.listAll()).map((m) => m.name)).toEqual([fine]);

    // Not retried until the user changes it.
    device.transport.clearLog();
    await device.syncOk();
    expect(device.transport.requests('POST')).toEqual([]);
    expect(await device.outbox()).toHaveLength(1);

    await device.notebook.update(tooLong, { content: '€'.repeat(2000) });
    expect((await device.memo(tooLong))?.syncIssue).toBeUndefined();
    await device.syncOk();
    await expectMirrors(device, await account.web.listAll());
  });

  it('[O4] an edit that makes a synced memo too long is rejected; the server keeps the old text', async () => {
    const { account, device } = await suite.solo({ contentLimitBytes: 100_000 });
    const name = await device.write('short');
    const other = await device.write('other');
    await device.syncOk();
    await device.notebook.update(name, { content: 'x'.repeat(8193) });
    await device.notebook.update(other, { pinned: true });
    const report = await device.syncOk('delta');
    expect(report.rejected).toBe(1);
    expect((await account.web.get(name))?.content).toBe('short');
    expect((await account.web.get(other))?.pinned).toBe(true);
    expect(await device.memo(name)).toMatchObject({
      content: 'x'.repeat(8193),
      syncIssue: { message: 'content too long (max 8192 characters)' },
    });
  });
});
