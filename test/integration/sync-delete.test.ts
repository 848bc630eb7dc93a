/**
 * Deletes against the real Memos v0.30.0 server: remote deletes reach the device only on
 * evidence [D1], local deletes [D2], delete against a remote edit [D3, also during an
 * in-flight push: O3], and deletes on both sides [D4].
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
    const { account, device, names } = await withSynced(['one', 'two', 'three']);
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
    const device = suite.device({ token: pat.token });
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
