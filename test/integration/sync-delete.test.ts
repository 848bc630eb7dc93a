/**
 * Deletes against the real Memos (MEMOS_VERSION): remote deletes reach the device only on
 * evidence [D1], local deletes [D2], delete against a remote edit [D3, also during an
 * in-flight push: O3], deletes on both sides [D4], and the Trash every removal goes to,
 * with Restore putting a memo back on the server under its own name [R1–R5].
 */
import { describe, expect, it } from 'vitest';
import type { MemoName } from '../../sync/core/ids';
import { type Device, expectMirrors } from './helpers/device';
import { useMemosServer } from './helpers/server-suite';
import { type Account, mintToken } from './helpers/web';

const suite = useMemosServer();

async function converged(account: Account, device: Device): Promise<void> {
  await expectMirrors(device, await account.web.listAll());
}

async function withSynced(contents: string[]) {
  const { account, device } = await suite.solo();
  const names: MemoName[] = [];
  for (const content of contents) names.push(await device.write(content));
  await device.syncOk();
  await device.syncOk(); // the first pull that sees them sets the delta cursor
  device.transport.clearLog();
  return { account, device, names };
}

describe('remote deletes', () => {
  it('[D1] a memo deleted on the server goes only after a complete listing and a 404 for it', async () => {
    // Six memos: one removal is under the [S3] threshold (20 %), so it is not held.
    const { account, device, names } = await withSynced(['one', 'two', 'three', 'four', 'five', 'six']);
    const [gone] = names;
    if (!gone) throw new Error('setup');
    await account.web.remove(gone);

    // A delta pull cannot see a hard delete: the memo stays.
    await device.syncOk('delta');
    expect(await device.memo(gone)).toBeDefined();

    device.transport.clearLog();
    const report = await device.syncOk('full');
    expect(report.deleted).toBe(1);
    expect(await device.memo(gone)).toBeUndefined();
    expect(await device.base(gone)).toBeUndefined();
    const confirm = device.transport.requests('GET', `/api/v1/${gone}`);
    expect(confirm.map((r) => r.status)).toEqual([404]);
    await converged(account, device);
  });

  it('[D1][P5] a hint for a memo deleted on the server deletes it in a delta pass (404 on the hint)', async () => {
    const { account, device, names } = await withSynced(['stays', 'goes']);
    const gone = names[1];
    if (!gone) throw new Error('setup');
    await account.web.remove(gone);
    const report = await device.syncOk('delta', { hints: [gone] });
    expect(report.deleted).toBe(1);
    expect(device.transport.requests('GET', `/api/v1/${gone}`).map((r) => r.status)).toEqual([404]);
    await converged(account, device);
  });
});

describe('local deletes', () => {
  it('[D2] a local delete is pushed as one DELETE after a fresh read', async () => {
    const { account, device, names } = await withSynced(['keep', 'delete me']);
    const gone = names[1];
    if (!gone) throw new Error('setup');
    await device.notebook.remove(gone);
    await device.syncOk('delta');
    const requests = device.transport.log.filter((r) => r.path === `/api/v1/${gone}`);
    expect(requests.map((r) => `${r.method} ${r.status}`)).toEqual(['GET 200', 'DELETE 200']);
    expect(await account.web.get(gone)).toBeUndefined();
    expect(await device.base(gone)).toBeUndefined();
    await converged(account, device);
  });

  it('[D2] a DELETE whose answer was lost is repeated; its 404 counts as done', async () => {
    const { account, device, names } = await withSynced(['delete me']);
    const [gone] = names;
    if (!gone) throw new Error('setup');
    await device.notebook.remove(gone);
    device.transport.on({ method: 'DELETE', fault: 'drop-response' });
    expect((await device.sync('delta')).ok).toBe(false);
    expect(await device.outbox()).toHaveLength(1);
    await device.syncOk('delta');
    expect(device.transport.requests('DELETE').map((r) => r.status)).toEqual([200, 404]);
    expect(await account.web.listAll()).toEqual([]);
    await converged(account, device);
  });

  it('[D3] a local delete of a memo edited on the server restores it with the edit and tells the user', async () => {
    const { account, device, names } = await withSynced(['draft']);
    const [name] = names;
    if (!name) throw new Error('setup');
    await account.web.editContent(name, 'draft, finished on the web');
    await device.notebook.remove(name);
    const report = await device.syncOk('delta');
    expect(report.notices).toEqual([{ kind: 'restored-after-remote-edit', name }]);
    expect(device.transport.requests('DELETE')).toEqual([]);
    expect((await device.memo(name))?.content).toBe('draft, finished on the web');
    await converged(account, device);
  });

  it('[D3] a local delete of a memo archived in the web UI (no update_time bump) also restores it', async () => {
    const { account, device, names } = await withSynced(['archive vs delete']);
    const [name] = names;
    if (!name) throw new Error('setup');
    await account.web.setState(name, 'ARCHIVED');
    await device.notebook.remove(name);
    const report = await device.syncOk('delta');
    expect(report.notices).toEqual([{ kind: 'restored-after-remote-edit', name }]);
    expect((await device.memo(name))?.state).toBe('ARCHIVED');
    await converged(account, device);
  });

  it('[D3] deleting a memo whose create answer was lost: deleted when unchanged, restored after a server edit', async () => {
    const { account, device } = await suite.solo();
    const unchanged = await device.write('created, answer lost, deleted');
    device.transport.on({ method: 'POST', path: '/api/v1/memos', fault: 'drop-response' });
    expect((await device.sync()).ok).toBe(false);
    await device.notebook.remove(unchanged);
    expect((await device.syncOk()).notices).toEqual([]);
    expect(await account.web.listAll()).toEqual([]);

    const edited = await device.write('created, answer lost, edited on the web');
    device.transport.on({ method: 'POST', path: '/api/v1/memos', fault: 'drop-response' });
    expect((await device.sync()).ok).toBe(false);
    await account.web.editContent(edited, 'edited on the web after it landed');
    await device.notebook.remove(edited);
    const report = await device.syncOk();
    expect(report.notices).toEqual([{ kind: 'restored-after-remote-edit', name: edited }]);
    expect((await account.web.listAll()).map((m) => [m.name, m.content])).toEqual([
      [edited, 'edited on the web after it landed'],
    ]);
    await converged(account, device);
  });

  it('[O3][D3] a memo deleted while its PATCH is in flight is deleted on the next pass', async () => {
    const { account, device, names } = await withSynced(['edited then deleted']);
    const [name] = names;
    if (!name) throw new Error('setup');
    await device.notebook.update(name, { pinned: true });
    device.transport.on({ method: 'PATCH', path: name, after: () => device.notebook.remove(name) });
    await device.syncOk('delta');
    expect(await device.memo(name)).toBeUndefined();
    const report = await device.syncOk('delta');
    expect(report.notices).toEqual([]);
    expect(await account.web.listAll()).toEqual([]);
    await converged(account, device);
  });

  it('[O3][D3] a memo deleted while its push merges a server edit is restored with that edit', async () => {
    const { account, device, names } = await withSynced(['a']);
    const [name] = names;
    if (!name) throw new Error('setup');
    await device.notebook.update(name, { pinned: true });
    device.transport.on({
      method: 'GET',
      path: name,
      after: async () => {
        await account.web.editContent(name, 'a\nfrom the web');
        await device.notebook.remove(name);
      },
    });
    await device.syncOk('delta');
    const report = await device.syncOk('delta');
    expect(report.notices).toEqual([{ kind: 'restored-after-remote-edit', name }]);
    expect(await device.memo(name)).toMatchObject({ content: 'a\nfrom the web' });
    await converged(account, device);
  });
});

describe('the Trash', () => {
  it('[R1][R3] a memo the server no longer has is in the Trash; Restore re-creates it on the server under the same name', async () => {
    const { account, device, names } = await withSynced(['one', 'two', 'three', 'four', 'five', 'lost']);
    const lost = names[5];
    if (!lost) throw new Error('setup');
    const before = await device.memo(lost);
    await account.web.remove(lost);
    expect((await device.syncOk('full')).deleted).toBe(1);
    expect(await device.memo(lost)).toBeUndefined();
    const [row] = await device.trash.list();
    expect(row).toMatchObject({ name: lost, reason: 'deleted-on-server', memo: { content: 'lost' } });

    expect(await device.trash.restore(lost)).toEqual({ kind: 'restored', name: lost, synced: true });
    expect(await device.trash.count()).toBe(0);
    await device.syncOk('delta');
    const back = await account.web.get(lost);
    expect(back).toMatchObject({ name: lost, content: 'lost', createTime: before?.createTime });
    await converged(account, device);
  });

  it('[R1][R3] the user’s delete moves the memo to the Trash; Restore brings it back here and on the server', async () => {
    const { account, device, names } = await withSynced(['keep', 'oops']);
    const oops = names[1];
    if (!oops) throw new Error('setup');
    await device.notebook.remove(oops);
    expect(await device.trash.list()).toEqual([
      expect.objectContaining({ name: oops, reason: 'deleted-here' }),
    ]);
    await device.syncOk('delta');
    expect(await account.web.get(oops)).toBeUndefined();

    await device.trash.restore(oops);
    expect((await device.memo(oops))?.content).toBe('oops');
    await device.syncOk('delta');
    expect((await account.web.get(oops))?.content).toBe('oops');
    await converged(account, device);
  });

  it('[R3] restoring before the delete was pushed keeps the memo on the server: nothing is deleted', async () => {
    const { account, device, names } = await withSynced(['second thoughts']);
    const [name] = names;
    if (!name) throw new Error('setup');
    await device.notebook.remove(name);
    await device.trash.restore(name);
    await device.syncOk('delta');
    expect(device.transport.requests('DELETE')).toEqual([]);
    expect((await account.web.get(name))?.content).toBe('second thoughts');
    await converged(account, device);
  });

  it('[R5][D3] a delete lost to a remote edit takes the memo out of the Trash again', async () => {
    const { account, device, names } = await withSynced(['draft']);
    const [name] = names;
    if (!name) throw new Error('setup');
    await device.notebook.remove(name);
    expect(await device.trash.count()).toBe(1);
    await account.web.editContent(name, 'draft, finished on the web');
    await device.syncOk('delta');
    expect((await device.memo(name))?.content).toBe('draft, finished on the web');
    expect(await device.trash.count()).toBe(0);
  });

  it('[R2] Delete forever and Empty trash destroy; the 30-day expiry too', async () => {
    const { device } = await suite.solo();
    const a = await device.write('a');
    const b = await device.write('b');
    const c = await device.write('c');
    for (const name of [a, b, c]) await device.notebook.remove(name);
    await device.trash.deleteForever(a);
    expect((await device.trash.list()).map((r) => r.name).sort()).toEqual([b, c].sort());
    device.clock.setOffset(31 * 24 * 60 * 60 * 1000);
    expect(await device.trash.purgeExpired()).toBe(2);
    const d = await device.write('d');
    await device.notebook.remove(d);
    await device.trash.empty();
    expect(await device.trash.count()).toBe(0);
  });
});

describe('deleted on both sides', () => {
  it('[D4] deleted here and on the server: the DELETE’s 404 settles it and everything is forgotten', async () => {
    const { account, device, names } = await withSynced(['gone twice', 'other']);
    const [name] = names;
    if (!name) throw new Error('setup');
    await account.web.remove(name);
    await device.notebook.remove(name);
    await device.syncOk('delta');
    expect(device.transport.requests('DELETE').map((r) => r.status)).toEqual([404]);
    expect(await device.base(name)).toBeUndefined();
    await converged(account, device);
  });

  it('[D4][S1] a pending delete is kept, not forgotten, when the token is refused mid-pass', async () => {
    const account = await suite.account();
    const pat = await mintToken(suite.instance, account);
    const device = suite.device({ token: pat.token, user: account.user });
    const name = await device.write('archived, then deleted', { state: 'ARCHIVED' });
    await device.syncOk();
    await device.notebook.remove(name);
    device.transport.on({ method: 'GET', path: name, before: () => pat.revoke() });
    const report = await device.sync('delta');
    expect(report.error?.kind).toBe('unauthorized');
    expect(await device.outbox()).toEqual([expect.objectContaining({ name, op: 'delete' })]);
    expect(await device.base(name)).toBeDefined();
    expect((await account.web.get(name))?.state).toBe('ARCHIVED');
  });
});
