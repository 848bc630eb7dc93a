/**
 * Updates and merges against the real Memos (MEMOS_VERSION): the minimal PATCH [U1], field
 * and text merges [M1–M3], unmergeable content [M4, M5] and edits made while a push is in
 * flight [O3]. The "other side" is the official web UI of the same account (plain fetch).
 */
import { describe, expect, it } from 'vitest';
import type { MemoName } from '../../sync/core/ids';
import type { MemoFields } from '../../sync/core/memo';
import { type Device, expectMirrors } from './helpers/device';
import { useMemosServer } from './helpers/server-suite';
import type { Account } from './helpers/web';

const suite = useMemosServer();

/** A memo made on the device and synced, so it has a base. */
async function synced(content: string, fields: Partial<MemoFields> = {}) {
  const { account, device } = await suite.solo();
  const name = await device.write(content, fields);
  await device.syncOk();
  await device.syncOk(); // the first pull that sees it sets the delta cursor
  device.transport.clearLog();
  return { account, device, name };
}

function writesTo(device: Device, name: MemoName) {
  return device.transport.log.filter((r) => r.path === `/api/v1/${name}`);
}

async function converged(account: Account, device: Device): Promise<void> {
  await expectMirrors(device, await account.web.listAll());
}

describe('update', () => {
  it('[U1] an update re-reads the memo, then PATCHes only the changed fields plus update_time', async () => {
    const { account, device, name } = await synced('first words');
    const before = await account.web.get(name);
    await device.notebook.update(name, { content: 'second words' });
    await device.notebook.update(name, { visibility: 'PUBLIC', pinned: true });
    await device.syncOk('delta');
    const requests = writesTo(device, name);
    expect(requests.map((r) => r.method)).toEqual(['GET', 'PATCH']);
    expect(requests[1]?.query.get('updateMask')).toBe('content,visibility,pinned,update_time');
    expect(requests[1]?.body).toEqual({ content: 'second words', visibility: 'PUBLIC', pinned: true });
    const after = await account.web.get(name);
    expect(after).toMatchObject({ content: 'second words', visibility: 'PUBLIC', pinned: true });
    expect(after?.updateTime ?? 0).toBeGreaterThanOrEqual(before?.updateTime ?? Number.POSITIVE_INFINITY);
    await converged(account, device);
  });

  it('[U1] a pin alone is PATCHed as pinned,update_time so other devices see it in a delta pull', async () => {
    const { account, device, name } = await synced('pin only');
    await device.notebook.update(name, { pinned: true });
    await device.syncOk('delta');
    const patch = writesTo(device, name).find((r) => r.method === 'PATCH');
    expect(patch?.query.get('updateMask')).toBe('pinned,update_time');
    expect(patch?.body).toEqual({ pinned: true });

    const other = suite.device(account, { label: 'other' });
    await other.syncOk();
    await device.notebook.update(name, { pinned: false });
    await device.syncOk('delta');
    await other.syncOk('delta');
    expect((await other.memo(name))?.pinned).toBe(false);
    await converged(account, other);
  });

  it('[U1] when the server already has the local change, nothing is written and the base catches up', async () => {
    const { account, device, name } = await synced('same');
    await account.web.editContent(name, 'same, edited twice');
    await device.notebook.update(name, { content: 'same, edited twice' });
    await device.syncOk('delta');
    expect(device.transport.requests('PATCH')).toEqual([]);
    expect((await device.base(name))?.content).toBe('same, edited twice');
    await converged(account, device);
  });
});

describe('merge', () => {
  it('[M1] a field changed on one side only takes that side’s value', async () => {
    const { account, device, name } = await synced('shopping list');
    await account.web.editContent(name, 'shopping list\n- milk');
    await device.notebook.update(name, { pinned: true, visibility: 'PROTECTED' });
    await device.syncOk('delta');
    const patch = writesTo(device, name).find((r) => r.method === 'PATCH');
    expect(patch?.query.get('updateMask')).toBe('visibility,pinned,update_time');
    expect(await account.web.get(name)).toMatchObject({
      content: 'shopping list\n- milk',
      pinned: true,
      visibility: 'PROTECTED',
    });
    await converged(account, device);
  });

  it('[M2] content edited on both sides merges line by line; the merge is on both sides', async () => {
    const { account, device, name } = await synced('alpha\nbeta\ngamma');
    await account.web.editContent(name, 'alpha\nbeta\nGAMMA from the web');
    await device.notebook.update(name, { content: 'ALPHA from the device\nbeta\ngamma' });
    const report = await device.syncOk('delta');
    expect(report.notices).toEqual([]);
    expect((await account.web.get(name))?.content).toBe('ALPHA from the device\nbeta\nGAMMA from the web');
    expect(await device.conflictRecords()).toEqual([]);
    await converged(account, device);
  });

  it('[M2] two edits to different words of one line merge word by word', async () => {
    const { account, device, name } = await synced('the quick brown fox');
    await account.web.editContent(name, 'the quick brown fox jumps');
    await device.notebook.update(name, { content: 'the slow brown fox' });
    await device.syncOk('delta');
    expect((await account.web.get(name))?.content).toBe('the slow brown fox jumps');
    await converged(account, device);
  });

  it('[M3] a scalar changed differently on both sides: the local change wins', async () => {
    const { account, device, name } = await synced('who decides');
    await account.web.setVisibility(name, 'PROTECTED');
    await device.notebook.update(name, { visibility: 'PUBLIC' });
    await device.syncOk('delta');
    expect((await account.web.get(name))?.visibility).toBe('PUBLIC');
    await converged(account, device);
  });

  it('[M4] content that cannot be merged: the server keeps its text, ours is a visible conflict, no duplicate', async () => {
    const { account, device, name } = await synced('meeting at noon');
    await account.web.editContent(name, 'meeting at 3 pm (web)');
    await device.notebook.update(name, { content: 'meeting at 10 am (device)' });
    const report = await device.syncOk('delta');
    expect(report.notices).toEqual([{ kind: 'conflict', name }]);
    expect((await account.web.listAll()).map((m) => m.content)).toEqual(['meeting at 3 pm (web)']);
    expect((await device.memo(name))?.content).toBe('meeting at 3 pm (web)');
    expect(await device.conflicts.list()).toEqual([
      expect.objectContaining({
        name,
        localContent: 'meeting at 10 am (device)',
        baseContent: 'meeting at noon',
        remoteContent: 'meeting at 3 pm (web)',
      }),
    ]);
    await converged(account, device);

    // "Keep mine" is an ordinary edit that syncs; the record goes.
    await device.conflicts.keepContent(name, 'meeting at 10 am (device)');
    await device.syncOk('delta');
    expect((await account.web.listAll()).map((m) => m.content)).toEqual(['meeting at 10 am (device)']);
    expect(await device.conflicts.count()).toBe(0);
    await converged(account, device);
  });

  it('[M4] "Keep server" drops the record and leaves the server version everywhere', async () => {
    const { account, device, name } = await synced('x');
    await account.web.editContent(name, 'x from the web');
    await device.notebook.update(name, { content: 'x from the device' });
    await device.syncOk('delta');
    await device.conflicts.keepServer(name);
    await device.syncOk('delta');
    expect(device.transport.requests('PATCH')).toEqual([]);
    expect(await device.conflicts.count()).toBe(0);
    expect((await account.web.get(name))?.content).toBe('x from the web');
    await converged(account, device);
  });

  it('[M5] a second conflict while the first is unresolved keeps both local versions visible', async () => {
    const { account, device, name } = await synced('title\nbody');
    for (const [mine, theirs] of [
      ['title\nalpha (device)', 'title\nbeta (web)'],
      ['title\ngamma (device)', 'title\ndelta (web)'],
    ] as const) {
      await device.notebook.update(name, { content: mine });
      await account.web.editContent(name, theirs);
      await device.syncOk('delta');
    }
    const records = await device.conflictRecords();
    expect(records).toHaveLength(1);
    expect(records[0]?.localContent).toBe('title\ngamma (device)\n\ntitle\nalpha (device)');
    expect((await account.web.listAll()).map((m) => m.content)).toEqual(['title\ndelta (web)']);
    await converged(account, device);
  });
});

describe('edits made while a push is in flight', () => {
  it('[O3] an edit made during the PATCH stays pending and is pushed next, on top of the merged result', async () => {
    const { account, device, name } = await synced('a\nb\nc');
    await account.web.editContent(name, 'A (web)\nb\nc');
    await device.notebook.update(name, { content: 'a\nb\nc\nmine' });
    device.transport.on({
      method: 'PATCH',
      path: name,
      after: async () => {
        await device.notebook.update(name, { content: 'a\nb\nc\nmine\nmore' });
      },
    });
    await device.syncOk('delta');
    expect((await account.web.get(name))?.content).toBe('A (web)\nb\nc\nmine');
    expect((await device.memo(name))?.content).toBe('A (web)\nb\nc\nmine\nmore');
    expect(await device.outbox()).toHaveLength(1);
    expect((await device.base(name))?.content).toBe('A (web)\nb\nc\nmine');

    device.transport.clearLog();
    await device.syncOk('delta');
    expect(writesTo(device, name).find((r) => r.method === 'PATCH')?.body).toEqual({
      content: 'A (web)\nb\nc\nmine\nmore',
    });
    expect(await device.conflictRecords()).toEqual([]);
    await converged(account, device);
  });

  it('[O3] a pin made during the PATCH of a content edit is kept and pushed next', async () => {
    const { account, device, name } = await synced('pin during push');
    await device.notebook.update(name, { content: 'pin during push, edited' });
    device.transport.on({
      method: 'PATCH',
      path: name,
      before: async () => {
        await device.notebook.update(name, { pinned: true });
      },
    });
    await device.syncOk('delta');
    expect(await account.web.get(name)).toMatchObject({ content: 'pin during push, edited', pinned: false });
    expect(await device.memo(name)).toMatchObject({ content: 'pin during push, edited', pinned: true });
    await device.syncOk('delta');
    expect(await account.web.get(name)).toMatchObject({ content: 'pin during push, edited', pinned: true });
    await converged(account, device);
  });

  it('[O3][M4] an in-flight edit that clashes with the text the push merged in becomes a conflict', async () => {
    const { account, device, name } = await synced('first\nsecond');
    await account.web.editContent(name, 'FIRST (web)\nsecond');
    await device.notebook.update(name, { content: 'first\nsecond\nthird' });
    device.transport.on({
      method: 'PATCH',
      path: name,
      after: async () => {
        await device.notebook.update(name, { content: 'first (device)\nsecond\nthird' });
      },
    });
    const report = await device.syncOk('delta');
    expect(report.ok).toBe(true);
    expect((await device.memo(name))?.content).toBe('FIRST (web)\nsecond\nthird');
    expect(await device.conflictRecords()).toEqual([
      expect.objectContaining({ name, localContent: 'first (device)\nsecond\nthird' }),
    ]);
    await device.syncOk('delta');
    expect((await account.web.listAll()).map((m) => m.content)).toEqual(['FIRST (web)\nsecond\nthird']);
    await converged(account, device);
  });
});
