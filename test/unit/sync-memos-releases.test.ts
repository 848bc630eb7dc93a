/**
 * One sync engine against the Memos releases people run, in the unit tier: the fake server's
 * 0.29, 0.30 and 0.31 profiles (test/fakes/fake-memos-profiles.ts; 0.31 from its published
 * API). The request shapes follow the version the profile reports, re-read every pass
 * [V1]; comments never become memos of the notebook [P7]; Space memos are mirrored [P8];
 * 0.31's explicit masks [U1], FAILED_PRECONDITION [U3] and rate limits [T4] are handled.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpMemosApi, type FetchLike } from '../../sync/api/http-client';
import { type MemoName, type MemoUid, parseMemoName } from '../../sync/core/ids';
import { createMetaStore } from '../../sync/db/meta';
import type { SyncReport } from '../../sync/engine/engine';
import { runSyncPass } from '../../sync/engine/sync-pass';
import { createSyncStore } from '../../sync/engine/sync-store';
import type { FakeProfileName } from '../fakes/fake-memos-profiles';
import { FakeMemosServer } from '../fakes/fake-memos-server';
import { createTestNotebook } from '../helpers/notebook-fixture';

const T0 = Date.UTC(2026, 9, 1, 9, 0, 0);
const RELEASES: FakeProfileName[] = ['0.29', '0.30', '0.31'];

const disposers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const dispose of disposers.splice(0)) await dispose();
});

type Alter = (method: string, path: string, body: unknown) => unknown;

function world(profile: FakeProfileName, options: { version?: string } = {}) {
  const server = new FakeMemosServer({
    startTime: T0,
    profile,
    ...(options.version !== undefined ? { version: options.version } : {}),
  });
  server.accounts.createUser('alice', 'pw');
  server.accounts.createUser('bob', 'pw');
  const token = server.accounts.createAccessToken('alice').token;
  const device = createTestNotebook(T0);
  disposers.push(device.dispose);
  let alter: Alter | undefined;
  const fetch: FetchLike = async (url, init) => {
    const response = await server.fetch(url, init);
    if (!alter || !response.ok) return response;
    const body: unknown = JSON.parse(await response.text());
    const changed = alter(init?.method ?? 'GET', new URL(url).pathname, body);
    return new Response(JSON.stringify(changed), { status: response.status, headers: response.headers });
  };
  const api = createHttpMemosApi({ baseUrl: 'http://memos.test', token, fetch, now: server.clock.now });
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
  return {
    server,
    ...device,
    api,
    meta,
    sync,
    web: server.webUi('alice'),
    name: (uid: string): MemoName => {
      const name = parseMemoName(`memos/${uid}`);
      if (!name) throw new Error(`bad uid ${uid}`);
      return name;
    },
    uid: (name: MemoName) => name.slice('memos/'.length),
    /** The filters of every ListMemos request so far (then forgets them). */
    filters(): string[] {
      const seen = server.requests
        .filter((r) => r.method === 'GET' && r.url.startsWith('/api/v1/memos?'))
        .map((r) => new URL(r.url, 'http://memos.test').searchParams.get('filter') ?? '');
      server.requests.splice(0);
      return seen;
    },
    setAlter(next: Alter | undefined) {
      alter = next;
    },
  };
}

describe('[V1] the request shapes follow the version the server reports, every pass', () => {
  it.each<[FakeProfileName, RegExp]>([
    ['0.29', /^creator == "users\/alice" && updated_ts >= \d+$/],
    ['0.30', /^creator == "users\/alice" && updated_ts >= timestamp\(\d+\)$/],
    ['0.31', /^creator == "users\/alice" && updated_ts >= timestamp\(\d+\)$/],
  ])('Memos %s: a delta pass asks with the filter form the release takes', async (profile, delta) => {
    const w = world(profile);
    w.web.create('from the web');
    await w.notebook.create({ content: 'from here', visibility: 'PRIVATE' });
    expect((await w.sync()).ok).toBe(true);
    w.filters();
    w.web.create('later, from the web');
    const report = await w.sync('delta');
    expect(report).toMatchObject({ ok: true, mode: 'delta', pulled: 1 });
    expect(report.server?.capabilities.version).toMatchObject({ kind: 'release' });
    const filters = w.filters();
    expect(filters).toHaveLength(2);
    for (const filter of filters) expect(filter).toMatch(delta);
    expect(w.server.requests).toEqual([]);
    expect(await w.db.memos.count()).toBe(3);
  });

  it.each<[FakeProfileName, string | undefined]>([
    ['0.29', 'dev'],
    ['0.29', 'banana'],
    ['0.29', undefined],
    ['0.30', 'dev'],
    ['0.30', '¯\\_(ツ)_/¯'],
    ['0.30', undefined],
  ])('Memos %s reporting %j: the filter form is probed, then every pass syncs', async (profile, version) => {
    const w = world(profile, { version: 'placeholder' });
    w.server.reportedVersion = { value: version };
    w.web.create('on the server');
    const report = await w.sync();
    expect(report.ok).toBe(true);
    expect(report.server?.capabilities).toMatchObject({
      support: 'undetermined',
      timeFilter: profile === '0.29' ? 'epoch-seconds' : 'timestamp',
    });
    await w.notebook.create({ content: 'from here', visibility: 'PRIVATE' });
    expect((await w.sync('delta')).ok).toBe(true);
    expect(
      w.server
        .memos()
        .map((m) => m.content)
        .sort(),
    ).toEqual(['from here', 'on the server']);
  });

  it('an upgrade between passes (0.29.1 → 0.30.0 in place): the next pass sends timestamps; nothing is lost', async () => {
    const w = world('0.29');
    const kept = await w.notebook.create({ content: 'synced on 0.29', visibility: 'PRIVATE' });
    expect((await w.sync()).ok).toBe(true);
    const edited = await w.notebook.create({
      content: 'made offline during the upgrade',
      visibility: 'PUBLIC',
    });
    await w.notebook.update(kept.name, { content: 'synced on 0.29, edited during the upgrade' });
    w.server.upgradeTo('0.30');
    w.filters();
    const report = await w.sync('delta');
    expect(report.ok).toBe(true);
    expect(report.server?.capabilities).toMatchObject({ support: 'tested', timeFilter: 'timestamp' });
    expect(w.filters().every((f) => /updated_ts >= timestamp\(-?\d+\)$/.test(f))).toBe(true);
    expect(w.server.memo(w.uid(kept.name))?.content).toBe('synced on 0.29, edited during the upgrade');
    expect(w.server.memo(w.uid(edited.name))?.visibility).toBe('PUBLIC');
    expect(await w.db.outbox.count()).toBe(0);
  });

  it('a server that now reports a version older than supported stops the pass with one sentence; nothing here changes', async () => {
    const w = world('0.30');
    await w.notebook.create({ content: 'kept', visibility: 'PRIVATE' });
    expect((await w.sync()).ok).toBe(true);
    await w.notebook.create({ content: 'pending', visibility: 'PRIVATE' });
    const before = await w.db.memos.toArray();
    w.server.reportedVersion = { value: '0.28.2' };
    const report = await w.sync();
    expect(report.ok).toBe(false);
    expect(report.error).toEqual({
      kind: 'unsupported-version',
      version: '0.28.2',
      message: 'Memos 0.28.2 is older than this app supports; it needs Memos 0.29.0 or newer.',
    });
    expect(await w.db.memos.toArray()).toEqual(before);
    expect(await w.db.outbox.count()).toBe(1);
    w.server.reportedVersion = undefined;
    expect((await w.sync()).ok).toBe(true);
    expect(await w.db.outbox.count()).toBe(0);
  });

  it('a profile that is not a JSON object is a clear failure, not a guess', async () => {
    const w = world('0.30');
    w.setAlter((_, path, body) => (path === '/api/v1/instance/profile' ? ['not', 'a', 'profile'] : body));
    const report = await w.sync();
    expect(report.error).toEqual({
      kind: 'server',
      message: 'the server did not describe itself (is this a Memos server?)',
    });
  });
});

describe('[P7] comments are never memos of the notebook, on any release', () => {
  it.each(RELEASES)(
    'Memos %s: a live hint for a comment edited on the web never fails the pass',
    async (profile) => {
      const w = world(profile);
      const parent = w.web.create('parent');
      const comment = w.web.comment(parent.uid, 'a comment', 'PRIVATE');
      w.web.editContent(comment.uid, 'a comment, edited');
      const report = await w.sync('full', [w.name(comment.uid), w.name(parent.uid)]);
      expect(report.ok).toBe(true);
      expect((await w.db.memos.toArray()).map((m) => m.content)).toEqual(['parent']);
    },
  );

  it.each(RELEASES)(
    'Memos %s: a comment inside a listing page is dropped, and the page still counts',
    async (profile) => {
      const w = world(profile);
      const parent = w.web.create('parent');
      const comment = w.web.comment(parent.uid, 'a comment');
      const commentJson = await (
        await w.server.fetch(`http://memos.test/api/v1/memos/${comment.uid}`, {
          headers: { Authorization: `Bearer ${w.server.accounts.createAccessToken('alice').token}` },
        })
      ).json();
      w.setAlter((method, path, body) => {
        if (method !== 'GET' || path !== '/api/v1/memos') return body;
        const page = body as { memos: unknown[] };
        return { ...page, memos: [...page.memos, commentJson] };
      });
      const report = await w.sync();
      expect(report.ok).toBe(true);
      expect((await w.db.memos.toArray()).map((m) => m.content)).toEqual(['parent']);
    },
  );

  it('Memos 0.31: a comment outlives its deleted parent, and is still not mirrored', async () => {
    const w = world('0.31');
    const parent = w.web.create('parent');
    const comment = w.web.comment(parent.uid, 'survives the parent', 'PUBLIC');
    expect((await w.sync()).ok).toBe(true);
    w.web.remove(parent.uid);
    expect(w.server.memo(comment.uid)?.visibility).toBe('PUBLIC');
    const report = await w.sync('full', [w.name(parent.uid), w.name(comment.uid)]);
    expect(report).toMatchObject({ ok: true, deleted: 1 });
    expect(await w.db.memos.count()).toBe(0);
  });
});

describe('Memos 0.31, from its published API', () => {
  it('[P8] a memo moved into a Space (SPACE visibility) is listed and mirrored; the rest of the page too', async () => {
    const w = world('0.31');
    const spaced = w.web.create('team notes');
    w.web.create('my own');
    w.web.moveToSpace(spaced.uid, 'spaces/team');
    const report = await w.sync();
    expect(report.ok).toBe(true);
    const local = await w.db.memos.get(w.name(spaced.uid));
    expect(local).toMatchObject({ content: 'team notes', visibility: 'SPACE' });
    expect(await w.db.memos.count()).toBe(2);
  });

  it('[P8] a Space memo edited here keeps its audience and its Space; choosing Private takes the audience away', async () => {
    const w = world('0.31');
    const spaced = w.web.create('team notes');
    w.web.moveToSpace(spaced.uid, 'spaces/team');
    await w.sync();
    const name = w.name(spaced.uid);
    await w.notebook.update(name, { content: 'team notes\nedited offline' });
    expect((await w.sync()).ok).toBe(true);
    expect(w.server.memo(spaced.uid)).toMatchObject({
      content: 'team notes\nedited offline',
      visibility: 'SPACE',
      space: 'spaces/team',
    });
    await w.notebook.update(name, { visibility: 'PRIVATE' });
    expect((await w.sync()).ok).toBe(true);
    expect(w.server.memo(spaced.uid)).toMatchObject({ visibility: 'PRIVATE', space: 'spaces/team' });
  });

  it('unset message fields are omitted, not null (no profile.admin, no memo.property): read as their defaults', async () => {
    const w = world('0.31');
    const drop = (record: unknown, key: string) => {
      const { [key]: _dropped, ...rest } = record as Record<string, unknown>;
      return rest;
    };
    w.setAlter((method, path, body) => {
      if (path === '/api/v1/instance/profile') return drop(body, 'admin');
      if (method === 'GET' && path === '/api/v1/memos') {
        const page = body as { memos: unknown[] };
        return { ...page, memos: page.memos.map((m) => drop(m, 'property')) };
      }
      return body;
    });
    w.web.create('# Title with a [link](https://x.example)');
    expect((await w.sync()).ok).toBe(true);
    const [memo] = await w.db.memos.toArray();
    expect(memo?.property).toEqual({
      hasLink: false,
      hasTaskList: false,
      hasCode: false,
      hasIncompleteTasks: false,
      title: '',
    });
  });

  it('[U1] the server refuses a PATCH without updateMask; the client always names the fields', async () => {
    const w = world('0.31');
    const memo = w.web.create('to edit');
    const raw = await w.server.fetch(`http://memos.test/api/v1/memos/${memo.uid}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${w.server.accounts.createAccessToken('alice').token}` },
      body: JSON.stringify({ content: 'inferred' }),
    });
    expect(raw.status).toBe(400);
    await w.sync();
    await w.notebook.update(w.name(memo.uid), { content: 'to edit, edited', pinned: true });
    w.server.requests.splice(0);
    expect((await w.sync()).ok).toBe(true);
    const patch = w.server.requests.find((r) => r.method === 'PATCH');
    expect(new URL(patch?.url ?? '', 'http://memos.test').searchParams.get('updateMask')).toBe(
      'content,pinned,update_time',
    );
    expect(w.server.memo(memo.uid)).toMatchObject({ content: 'to edit, edited', pinned: true });
  });

  it('[U3] FAILED_PRECONDITION on an update ("memo state changed"): read again, plan again, write once more', async () => {
    const w = world('0.31');
    const memo = await w.notebook.create({ content: 'a\nb\nc', visibility: 'PRIVATE' });
    await w.sync();
    await w.notebook.update(memo.name, { content: 'a\nb\nc\nmine' });
    let refusals = 0;
    w.server.transientPrecondition = () => {
      if (refusals > 0) return false;
      refusals++;
      w.web.editContent(w.uid(memo.name), 'A\nb\nc');
      return true;
    };
    const report = await w.sync();
    expect(report).toMatchObject({ ok: true, rejected: 0, notices: [] });
    expect(refusals).toBe(1);
    expect(w.server.memo(w.uid(memo.name))?.content).toBe('A\nb\nc\nmine');
    expect(await w.db.outbox.count()).toBe(0);
  });

  it('[U3] a content the server keeps refusing (an unbound managed image) is marked and tried again every pass; the rest syncs', async () => {
    const w = world('0.31');
    const memo = await w.notebook.create({ content: 'photo', visibility: 'PRIVATE' });
    await w.sync();
    await w.notebook.update(memo.name, { content: 'photo ![](/file/attachments/abc/p.jpg)' });
    const other = await w.notebook.create({ content: 'unrelated', visibility: 'PRIVATE' });
    const report = await w.sync();
    expect(report).toMatchObject({ ok: true, rejected: 1 });
    expect((await w.db.memos.get(memo.name))?.syncIssue).toMatchObject({
      message: 'attachment "attachments/abc" is not bound to this memo',
      retry: true,
    });
    expect(w.server.memo(w.uid(other.name))?.content).toBe('unrelated');
    expect(w.server.memo(w.uid(memo.name))?.content).toBe('photo');
    w.server.requests.splice(0);
    expect(await w.sync('delta')).toMatchObject({ ok: true, rejected: 1 });
    expect(w.server.requests.filter((r) => r.method === 'PATCH')).toHaveLength(2);
    await w.notebook.update(memo.name, { content: 'photo (the image is gone)' });
    expect(await w.sync('delta')).toMatchObject({ ok: true, rejected: 0 });
    expect(w.server.memo(w.uid(memo.name))?.content).toBe('photo (the image is gone)');
    expect((await w.db.memos.get(memo.name))?.syncIssue).toBeUndefined();
  });

  it('[T4] 429 RESOURCE_EXHAUSTED ends the pass as rate-limited with the Retry-After delay; after it, all syncs', async () => {
    const w = world('0.31');
    for (let i = 0; i < 130; i++) await w.notebook.create({ content: `memo ${i}`, visibility: 'PRIVATE' });
    const report = await w.sync();
    expect(report.ok).toBe(false);
    expect(report.error).toEqual({
      kind: 'rate-limited',
      message: 'the server asked to slow down (too many requests, try again later)',
      retryAfterMs: 60_000,
    });
    expect(report.pushed).toBeGreaterThan(100);
    w.server.clock.advance(60_000);
    expect((await w.sync()).ok).toBe(true);
    expect(w.server.memos()).toHaveLength(130);
    expect(await w.db.outbox.count()).toBe(0);
  });
});
