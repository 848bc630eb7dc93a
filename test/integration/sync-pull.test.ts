/**
 * Pulling from the real Memos (MEMOS_VERSION): the first full reconciliation [P4], clean memos
 * following the server including the web UI's changes that do not bump update_time [P1],
 * pending memos left alone [P2], delta pulls and keyset paging [P3], and live-event hints
 * [P5]. Memos are made through the API ("the web UI"); old update times are set explicitly
 * where a test needs memos outside the delta window.
 */
import { describe, expect, it } from 'vitest';
import { listMemos } from '../../sync/engine/listing';
import { asName, expectMirrors } from './helpers/device';
import { useMemosServer } from './helpers/server-suite';
import type { RecordedRequest } from './helpers/transport';
import { capabilitiesUnderTest, filterTime } from './helpers/version';
import type { ServerMemo, WebUi } from './helpers/web';

const suite = useMemosServer();
const YEAR_2024 = Date.UTC(2024, 0, 1);
const MINUTE = 60_000;

/** Runs `fn` over `items`, `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let item = items[next++]; item !== undefined; item = items[next++]) await fn(item);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** A filter on one second of a time field, in this release's form (`== 1741…` or `== timestamp(1741…)`). */
const SAME_SECOND =
  capabilitiesUnderTest().timeFilter === 'timestamp' ? /_ts == timestamp\(\d+\)$/ : /_ts == \d+$/;

function listedNames(requests: readonly RecordedRequest[]): string[] {
  return requests.flatMap((r) => {
    const body: unknown = JSON.parse(r.responseText ?? '{}');
    const memos = (body as { memos?: Array<{ name: string }> }).memos ?? [];
    return memos.map((m) => m.name);
  });
}

async function oldMemos(web: WebUi, count: number): Promise<ServerMemo[]> {
  const made: ServerMemo[] = [];
  for (let i = 0; i < count; i++) {
    const at = YEAR_2024 + i * MINUTE;
    made.push(await web.create(`old memo ${i}`, { createTime: at, updateTime: at }));
  }
  return made;
}

describe('full reconciliation', () => {
  it('[P4] the first sync mirrors every own memo: normal, archived, pinned, every visibility', async () => {
    const { account, device } = await suite.solo();
    const web = account.web;
    const a = await web.create('normal private');
    const b = await web.create('public, pinned', { visibility: 'PUBLIC' });
    await web.setPinned(b.name, true);
    const c = await web.create('protected, archived', { visibility: 'PROTECTED' });
    await web.setState(c.name, 'ARCHIVED');
    await web.create('from 2020', { createTime: Date.UTC(2020, 5, 1), updateTime: Date.UTC(2020, 5, 2) });
    await device.syncOk();
    const server = await web.listAll();
    expect(server).toHaveLength(4);
    await expectMirrors(device, server);
    expect((await device.memo(a.name))?.creator).toBe(account.user);
    const lists = device.transport.requests('GET', /^\/api\/v1\/memos$/);
    expect(lists.map((r) => r.query.get('state')).sort()).toEqual(['ARCHIVED', 'NORMAL']);
    for (const list of lists) {
      expect(list.query.get('filter')).toBe(`creator == "${account.user}"`);
      expect(list.query.get('orderBy')).toBe('create_time asc');
      expect(list.query.get('pageSize')).toBe('1000');
    }
  });

  it('[P1][P4] pin, archive and visibility changed in the web UI (no update_time bump) are caught by the full pass', async () => {
    const { account, device } = await suite.solo();
    const web = account.web;
    const [pin, archive, share] = await oldMemos(web, 3);
    if (!pin || !archive || !share) throw new Error('setup');
    await web.create('recent memo: the delta cursor is now');
    await device.syncOk();
    await web.setPinned(pin.name, true);
    await web.setState(archive.name, 'ARCHIVED');
    await web.setVisibility(share.name, 'PUBLIC');

    // The delta window starts 5 s before the newest update: these changes are outside it.
    await device.syncOk('delta');
    expect(await device.memo(pin.name)).toMatchObject({ pinned: false });
    expect(await device.memo(archive.name)).toMatchObject({ state: 'NORMAL' });

    const report = await device.syncOk('full');
    expect(report.pulled).toBe(3);
    expect(await device.memo(pin.name)).toMatchObject({ pinned: true, pinRank: 1 });
    expect(await device.memo(archive.name)).toMatchObject({ state: 'ARCHIVED' });
    expect(await device.memo(share.name)).toMatchObject({ visibility: 'PUBLIC' });
    await expectMirrors(device, await web.listAll());
  });

  it('[P1] a clean memo takes a content edit made on the server, text and derived tags alike', async () => {
    const { account, device } = await suite.solo();
    const memo = await account.web.create('plain');
    await device.syncOk();
    await account.web.editContent(memo.name, 'now with a #tag');
    await device.syncOk('delta');
    expect(await device.memo(memo.name)).toMatchObject({ content: 'now with a #tag', tags: ['tag'] });
    await expectMirrors(device, await account.web.listAll());
  });
});

describe('pending memos', () => {
  it('[P2] a pull never overwrites a memo with pending changes and never moves its base', async () => {
    const { account, device } = await suite.solo();
    const memo = await account.web.create('line one\nline two');
    await device.syncOk();
    const base = await device.base(memo.name);
    await device.notebook.update(asName(memo.name), { content: 'line one (device)\nline two' });
    await account.web.editContent(memo.name, 'line one\nline two (web)');
    // The push's read fails: the pass ends after the pull.
    device.transport.on({ method: 'GET', path: memo.name, fault: 'http-500' });
    expect((await device.sync('full')).ok).toBe(false);
    expect((await device.memo(memo.name))?.content).toBe('line one (device)\nline two');
    expect(await device.base(memo.name)).toEqual(base);

    await device.syncOk('delta');
    expect((await account.web.get(memo.name))?.content).toBe('line one (device)\nline two (web)');
    await expectMirrors(device, await account.web.listAll());
  });

  it('[P2] an edit made while a listing is in flight is not overwritten by that listing', async () => {
    const { account, device } = await suite.solo();
    const memo = await account.web.create('before');
    await device.syncOk();
    await account.web.editContent(memo.name, 'before, edited on the web');
    device.transport.on({
      method: 'GET',
      path: /^\/api\/v1\/memos$/,
      after: async () => {
        await device.notebook.update(asName(memo.name), { pinned: true });
      },
    });
    await device.syncOk('full');
    expect(await account.web.get(memo.name)).toMatchObject({
      content: 'before, edited on the web',
      pinned: true,
    });
    await expectMirrors(device, await account.web.listAll());
  });
});

describe('delta pulls and paging', () => {
  it('[P3] a delta pull asks for updated_ts >= cursor - 5 s and gets only the memos changed since', async () => {
    const { account, device } = await suite.solo();
    const web = account.web;
    const old = await oldMemos(web, 20);
    const anchor = await web.create('anchor: the newest memo sets the cursor');
    await device.syncOk();
    // The device clock is days off: the cursor must come from the server, not from it.
    device.clock.setOffset(3 * 24 * 60 * MINUTE);
    const changed = [old[3], old[11]].filter((m) => m !== undefined);
    for (const memo of changed) await web.editContent(memo.name, `${memo.content}, changed`);
    const fresh = await web.create('created after the full pass', { visibility: 'PUBLIC' });

    device.transport.clearLog();
    const report = await device.syncOk('delta');
    const lists = device.transport.requests('GET', /^\/api\/v1\/memos$/);
    expect(lists.map((r) => r.query.get('state')).sort()).toEqual(['ARCHIVED', 'NORMAL']);
    const since = Math.floor((anchor.updateTime - 5_000) / 1000);
    for (const list of lists) {
      expect(list.query.get('filter')).toBe(
        `creator == "${account.user}" && updated_ts >= ${filterTime(since)}`,
      );
      expect(list.query.get('orderBy')).toBe('update_time asc');
    }
    const names = listedNames(lists);
    expect(new Set(names)).toEqual(new Set([anchor.name, fresh.name, ...changed.map((m) => m.name)]));
    expect(report.pulled).toBe(3);
    await expectMirrors(device, await web.listAll());
  });

  it('[P6] a memo stamped a year in the future does not blind later delta pulls', async () => {
    const { account, device } = await suite.solo();
    const web = account.web;
    const plain = await web.create('an ordinary memo');
    // Another client with its clock a year ahead (or a restored database) wrote this one.
    await web.create('written by a skewed clock', { updateTime: Date.now() + 365 * 24 * 60 * MINUTE });
    await device.syncOk();
    const cursor = (await device.meta.cursor()).cursor ?? 0;
    expect(cursor).toBeLessThanOrEqual(Date.now() + 5_000);

    await web.editContent(plain.name, 'an ordinary memo, edited on the web');
    const fresh = await web.create('created after the full pass');
    const report = await device.syncOk('delta');
    expect(report.mode).toBe('delta');
    expect((await device.memo(plain.name))?.content).toBe('an ordinary memo, edited on the web');
    expect(await device.memo(fresh.name)).toBeDefined();
    await expectMirrors(device, await web.listAll());
  });

  it('[P3][P4] 1,050 memos sharing one second: all mirrored, page tokens used only inside that second', async () => {
    const { account, device } = await suite.solo();
    const second = Date.UTC(2025, 2, 3, 4, 5, 6);
    const indices = Array.from({ length: 1050 }, (_, i) => i);
    await pool(indices, 2, (i) =>
      account.web.create(`bulk ${i}`, { createTime: second, updateTime: second + 1000 }),
    );
    await device.syncOk();
    expect(await device.db.memos.count()).toBe(1050);
    const lists = device.transport.requests('GET', /^\/api\/v1\/memos$/);
    const tokened = lists.filter((r) => r.query.get('pageToken'));
    expect(tokened.length).toBeGreaterThan(0);
    for (const list of tokened) expect(list.query.get('filter')).toMatch(SAME_SECOND);

    // The same second seen by a delta pull (update time): every memo, once.
    device.transport.clearLog();
    await device.syncOk('delta');
    const delta = listedNames(device.transport.requests('GET', /^\/api\/v1\/memos$/));
    expect(new Set(delta).size).toBe(1050);
    await expectMirrors(device, await account.web.listAll());
  });

  it('[P3] keyset paging with a small page finds every memo exactly once, even if one is edited mid-scan', async () => {
    const { account, device } = await suite.solo();
    const web = account.web;
    const base = Date.UTC(2025, 0, 1);
    // Seconds: 1 memo, then 5 in one second, 2, and 4 in one second.
    const seconds = [0, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3];
    const made: ServerMemo[] = [];
    for (const [i, s] of seconds.entries()) {
      made.push(
        await web.create(`keyset ${i}`, { createTime: base + s * 1000, updateTime: base + s * 1000 }),
      );
    }
    const first = made[0];
    if (!first) throw new Error('setup');
    device.transport.on({
      method: 'GET',
      path: /^\/api\/v1\/memos$/,
      after: async () => {
        await web.editContent(first.name, 'edited mid-scan: moves to the end of the update order');
      },
    });
    const stats = { requests: 0, bytes: 0 };
    const listed = await listMemos(
      device.api,
      { user: account.user, state: 'NORMAL', by: 'update', since: base, pageSize: 3 },
      stats,
    );
    if (!listed.ok) throw new Error(listed.error.message);
    expect([...listed.value.keys()].sort()).toEqual(made.map((m) => m.name).sort());
    expect(listed.value.get(asName(first.name))?.content).toMatch(/^edited mid-scan/);
    const filters = device.transport.requests('GET', /^\/api\/v1\/memos$/).map((r) => ({
      filter: r.query.get('filter'),
      token: r.query.get('pageToken') !== null,
    }));
    expect(filters.some((f) => SAME_SECOND.test(f.filter ?? ''))).toBe(true);
    for (const f of filters) if (f.token) expect(f.filter).toMatch(SAME_SECOND);
  });
});

describe('live-event hints', () => {
  it('[P5] a hint fetches the named memo: a pin made in the web UI arrives with a delta pass', async () => {
    const { account, device } = await suite.solo();
    const [old] = await oldMemos(account.web, 1);
    if (!old) throw new Error('setup');
    await account.web.create('recent');
    await device.syncOk();
    await account.web.setPinned(old.name, true);
    await device.syncOk('delta', { hints: [asName(old.name)] });
    expect((await device.memo(old.name))?.pinned).toBe(true);
  });

  it('[P5] a hint naming another user’s PUBLIC memo is ignored', async () => {
    const { account, device } = await suite.solo();
    const bob = await suite.account('bob');
    const theirs = await bob.web.create('bob says hi', { visibility: 'PUBLIC' });
    await account.web.create('mine');
    const report = await device.syncOk('delta', { hints: [asName(theirs.name)] });
    expect(device.transport.requests('GET', theirs.name).map((r) => r.status)).toEqual([200]);
    expect(report.pulled).toBe(1);
    expect(await device.memo(theirs.name)).toBeUndefined();
    await expectMirrors(device, await account.web.listAll());
  });

  it('[P5] a hint for another user’s memo that has turned PRIVATE (403) or ARCHIVED (404) is ignored', async () => {
    const { account, device } = await suite.solo();
    const bob = await suite.account('bob');
    const hidden = await bob.web.create('was public', { visibility: 'PUBLIC' });
    const archived = await bob.web.create('was public too', { visibility: 'PUBLIC' });
    await bob.web.setVisibility(hidden.name, 'PRIVATE');
    await bob.web.setState(archived.name, 'ARCHIVED');
    await account.web.create('mine');
    await device.syncOk('delta', { hints: [asName(hidden.name), asName(archived.name)] });
    expect(device.transport.requests('GET', hidden.name).map((r) => r.status)).toEqual([403]);
    expect(device.transport.requests('GET', archived.name).map((r) => r.status)).toEqual([404]);
    await expectMirrors(device, await account.web.listAll());
  });
});
