/**
 * The engine bugs the sync fuzz found, each replayed as one small deterministic scenario
 * (real engine, real REST client, fake Memos server), so they stay pinned even when the
 * fuzz's random scenarios change. A hook on the transport lets the "user" act while a
 * chosen request is in flight. Named after the SPEC rules they protect.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpMemosApi, type FetchLike } from '../../sync/api/http-client';
import { type MemoName, type MemoUid, parseMemoName } from '../../sync/core/ids';
import { createMetaStore } from '../../sync/db/meta';
import type { SyncReport } from '../../sync/engine/engine';
import { runSyncPass } from '../../sync/engine/sync-pass';
import { createSyncStore } from '../../sync/engine/sync-store';
import { FakeMemosServer } from '../fakes/fake-memos-server';
import { createFaultyFetch } from '../fakes/faulty-fetch';
import { createTestNotebook } from '../helpers/notebook-fixture';

type Hook = (method: string, path: string, phase: 'before' | 'after') => Promise<void> | void;

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

function world(options: { publicInstance?: boolean } = {}) {
  const server = new FakeMemosServer({ startTime: Date.UTC(2026, 0, 1), ...options });
  server.accounts.createUser('alice', 'pw');
  server.accounts.createUser('bob', 'pw');
  const token = server.accounts.createAccessToken('alice').token;
  const device = createTestNotebook(Date.UTC(2026, 0, 1));
  disposers.push(device.dispose);
  let hook: Hook = () => undefined;
  const hooked: FetchLike = async (url, init) => {
    const method = init?.method ?? 'GET';
    const path = new URL(url).pathname;
    await hook(method, path, 'before');
    const response = await server.fetch(url, init);
    await hook(method, path, 'after');
    return response;
  };
  let fault: string | undefined;
  const faulty = createFaultyFetch({
    inner: hooked,
    decide: (request) => {
      if (request.method !== fault) return undefined;
      fault = undefined;
      return 'drop-response';
    },
  });
  const api = createHttpMemosApi({ baseUrl: 'http://memos.test', token, fetch: faulty.fetch });
  const meta = createMetaStore(device.db, device.feed);
  const store = createSyncStore(device.db, device.feed, device.clock.now);
  const sync = (mode: 'full' | 'delta' = 'full', hints: MemoName[] = []): Promise<SyncReport> =>
    runSyncPass(
      {
        api,
        store,
        meta,
        now: device.clock.now,
        newUid: () => crypto.randomUUID() as MemoUid,
        isOnline: () => true,
        expectedUser: 'users/alice',
      },
      { mode, hints },
    );
  const uid = (name: MemoName) => name.slice('memos/'.length);
  return {
    server,
    token,
    ...device,
    sync,
    uid,
    web: server.webUi('alice'),
    /** Runs `action` once, when `method path` is at `phase`. */
    when(method: string, pathPart: string, phase: 'before' | 'after', action: () => Promise<void> | void) {
      let done = false;
      hook = async (m, p, ph) => {
        if (done || m !== method || ph !== phase || !p.includes(pathPart)) return;
        done = true;
        await action();
      };
    },
    dropNextResponseOf(method: string) {
      fault = method;
    },
  };
}

describe('sync engine races found by the fuzz', () => {
  it("[P5] a hint naming another user's PUBLIC memo is not mirrored (fuzz seed 1)", async () => {
    const w = world();
    const bobs = w.server.webUi('bob').create('hello from bob', 'PUBLIC');
    const name = parseMemoName(`memos/${bobs.uid}`);
    if (!name) throw new Error('bad name');
    expect((await w.sync('full', [name])).ok).toBe(true);
    expect(await w.db.memos.get(name)).toBeUndefined();
  });

  it('[O3] an edit made while its push is in flight is rebased, never reverting the merged server edit (fuzz seed 396)', async () => {
    const w = world();
    const memo = await w.notebook.create({ content: 'a\nb\nc', visibility: 'PRIVATE' });
    await w.sync();
    w.web.editContent(w.uid(memo.name), 'A\nb\nc');
    await w.notebook.update(memo.name, { content: 'a\nb\nc\nmine' });
    w.when('PATCH', 'memos/', 'after', () =>
      w.notebook.update(memo.name, { content: 'a\nb\nc\nmine\nmore' }).then(() => undefined),
    );
    await w.sync();
    expect((await w.db.memos.get(memo.name))?.content).toBe('A\nb\nc\nmine\nmore');
    await w.sync();
    expect(w.server.memo(w.uid(memo.name))?.content).toBe('A\nb\nc\nmine\nmore');
    expect(await w.db.conflicts.count()).toBe(0);
  });

  it('[O3][D3] a memo deleted while its push is in flight comes back when the server had an edit it never saw (fuzz seed 269)', async () => {
    const w = world();
    const memo = await w.notebook.create({ content: 'a', visibility: 'PRIVATE' });
    await w.sync();
    await w.notebook.update(memo.name, { pinned: true });
    w.when('GET', w.uid(memo.name), 'after', async () => {
      w.web.editContent(w.uid(memo.name), 'a\nfrom the web');
      await w.notebook.remove(memo.name);
    });
    await w.sync();
    const report = await w.sync();
    expect(report.notices).toContainEqual({ kind: 'restored-after-remote-edit', name: memo.name });
    expect(w.server.memo(w.uid(memo.name))?.content).toBe('a\nfrom the web');
    expect((await w.db.memos.get(memo.name))?.content).toBe('a\nfrom the web');
  });

  it('[D3] deleting a memo whose create landed unseen keeps a later server edit (fuzz seed 371)', async () => {
    const w = world();
    const memo = await w.notebook.create({ content: 'draft', visibility: 'PRIVATE' });
    w.dropNextResponseOf('POST');
    expect((await w.sync()).ok).toBe(false);
    w.web.editContent(w.uid(memo.name), 'draft\nedited on the web');
    await w.notebook.remove(memo.name);
    const report = await w.sync();
    expect(report.notices).toContainEqual({ kind: 'restored-after-remote-edit', name: memo.name });
    expect((await w.db.memos.get(memo.name))?.content).toBe('draft\nedited on the web');
  });

  it('[D3] deleting a memo whose create landed unseen, with no server edit, deletes it', async () => {
    const w = world();
    const memo = await w.notebook.create({ content: 'draft', visibility: 'PRIVATE' });
    w.dropNextResponseOf('POST');
    await w.sync();
    await w.notebook.remove(memo.name);
    expect((await w.sync()).ok).toBe(true);
    expect(w.server.memo(w.uid(memo.name))).toBeUndefined();
  });

  it('[S1][S4] a token revoked mid-pass does not delete archived memos locally (fuzz seed 109)', async () => {
    const w = world({ publicInstance: true });
    const memo = await w.notebook.create({ content: 'old thought', visibility: 'PRIVATE' });
    await w.notebook.update(memo.name, { state: 'ARCHIVED' });
    await w.sync();
    expect(w.server.memo(w.uid(memo.name))?.state).toBe('ARCHIVED');
    w.when('GET', '/api/v1/memos', 'before', () => w.server.accounts.suspendToken(w.token, true));
    const report = await w.sync();
    expect(report.error?.kind).toBe('unauthorized');
    expect(report.deleted).toBe(0);
    expect(await w.db.memos.get(memo.name)).toBeDefined();
  });

  it('[D4] a pending delete is not forgotten on a 404 read while the token is revoked (fuzz seed 343)', async () => {
    const w = world({ publicInstance: true });
    const memo = await w.notebook.create({ content: 'to go', visibility: 'PRIVATE' });
    await w.notebook.update(memo.name, { state: 'ARCHIVED' });
    await w.sync();
    await w.notebook.remove(memo.name);
    w.when('GET', w.uid(memo.name), 'before', () => w.server.accounts.suspendToken(w.token, true));
    const r = await w.sync('delta');
    expect(r.ok).toBe(false);
    expect(await w.db.outbox.count()).toBe(1);
    w.server.accounts.suspendToken(w.token, false);
    expect((await w.sync()).ok).toBe(true);
    expect(w.server.memo(w.uid(memo.name))).toBeUndefined();
  });

  it('[M5] a second conflict on a memo keeps the first unresolved local version (fuzz seed 282)', async () => {
    const w = world();
    const memo = await w.notebook.create({ content: 'title\nbody', visibility: 'PRIVATE' });
    await w.sync();
    for (const [mine, theirs] of [
      ['title\nalpha', 'title\nbeta'],
      ['title\ngamma', 'title\ndelta'],
    ] as const) {
      await w.notebook.update(memo.name, { content: mine });
      w.web.editContent(w.uid(memo.name), theirs);
      await w.sync();
    }
    const record = await w.db.conflicts.get(memo.name);
    expect(record?.localContent).toBe('title\ngamma\n\ntitle\nalpha');
    expect(w.server.memo(w.uid(memo.name))?.content).toBe('title\ndelta');
  });

  it('[U2] an edit made after a create whose answer was lost pushes cleanly, no conflict', async () => {
    const w = world();
    const memo = await w.notebook.create({ content: 'first line', visibility: 'PRIVATE' });
    w.dropNextResponseOf('POST');
    expect((await w.sync()).ok).toBe(false);
    await w.notebook.update(memo.name, { content: 'first line\nadded before the next sync' });
    expect((await w.sync()).ok).toBe(true);
    expect(w.server.memo(w.uid(memo.name))?.content).toBe('first line\nadded before the next sync');
    expect(await w.db.conflicts.count()).toBe(0);
  });

  it('[M2] lines appended at the same place on two sides are both kept', async () => {
    const w = world();
    const memo = await w.notebook.create({ content: 'thread:', visibility: 'PRIVATE' });
    await w.sync();
    w.web.editContent(w.uid(memo.name), 'thread:\nserver reply');
    await w.notebook.update(memo.name, { content: 'thread:\nlocal reply' });
    await w.sync();
    expect(w.server.memo(w.uid(memo.name))?.content).toBe('thread:\nserver reply\nlocal reply');
    expect(await w.db.conflicts.count()).toBe(0);
  });

  it('[P3] after an empty first listing, later passes are deltas, not full listings', async () => {
    const w = world();
    const first = await w.sync('delta');
    expect(first.mode).toBe('full');
    const second = await w.sync('delta');
    expect(second.mode).toBe('delta');
  });
});
