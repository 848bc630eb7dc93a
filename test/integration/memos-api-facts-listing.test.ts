/**
 * Executable facts about the real Memos REST API (v0.29.1 and v0.30.0, by MEMOS_VERSION;
 * facts that differ are given for both with `onVersion`) that the sync client relies on:
 * listing, filters, paging and user stats (§4, §4.1, §6).
 * One `it()` per claim of /work/shared/memos-api.md (section numbers in the titles), checked
 * with plain `fetch` against a fresh private instance. Where the server disagrees with the
 * document, the test asserts what the server does and says so in its title;
 * test/fixtures/memos/FINDINGS.md lists those places. Tests never skip and never assert
 * durations; each creates the memos it inspects, and tests that need an isolated memo set
 * use their own user.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bob,
  call,
  createMemo,
  listQuery,
  memoList,
  onVersion,
  patchMemo,
  pool,
  rec,
  secs,
  server,
  type User,
  uidOf,
  useMemosInstance,
  VERSION,
} from './memos-api-facts/harness';

useMemosInstance();

/** A moment in a filter as this release compares times: an int until 0.29, a timestamp since 0.30. */
const at = (seconds: number) => onVersion({ '0.29.1': String(seconds), '0.30.0': `timestamp(${seconds})` });

describe('§4 listing and filters', () => {
  let lister: User;
  const T = {
    a: '2021-01-01T00:00:00Z',
    b: '2022-01-01T00:00:00Z',
    c: '2023-01-01T00:00:00Z',
    e: '2024-01-01T00:00:00Z',
  };
  const names: Record<string, string> = {};

  beforeAll(async () => {
    lister = await server().createUser('lister', 'lister-pass-123');
    // b and d share one second; e is archived; p is PUBLIC; a comment must never be listed.
    for (const [key, updateTime, visibility] of [
      ['a', T.a, 'PRIVATE'],
      ['b', T.b, 'PRIVATE'],
      ['d', T.b, 'PRIVATE'],
      ['c', T.c, 'PROTECTED'],
      ['e', T.e, 'PRIVATE'],
      ['p', T.c, 'PUBLIC'],
    ] as const) {
      const memo = await createMemo(
        { content: `${key} #list/${key}`, updateTime, visibility },
        { token: lister.token, uid: `${key}-${randomUUID().slice(0, 30)}` },
      );
      names[key] = memo.name;
    }
    const e = names.e ?? '';
    await patchMemo(e.slice('memos/'.length), 'state', { state: 'ARCHIVED' }, lister.token);
    const comment = await call('POST', `/api/v1/${names.a}/comments`, {
      token: lister.token,
      body: { content: 'comment, not listed' },
    });
    expect(comment.status).toBe(200);
  });

  function n(...keys: string[]): string[] {
    return keys.map((k) => names[k] ?? `missing ${k}`);
  }

  it('§4.2 delta pull: creator + updated_ts >= N (0.29: epoch int; 0.30: timestamp(N)), orderBy update_time asc (ties: newest id first), NORMAL', async () => {
    const res = await call(
      'GET',
      listQuery({
        filter: `creator == "users/lister" && updated_ts >= ${at(secs(T.b))}`,
        orderBy: 'update_time asc',
        pageSize: '1000',
      }),
      { token: lister.token },
    );
    const { memos: list, nextPageToken } = memoList(res);
    expect(list.map((m) => m.name)).toEqual(n('d', 'b', 'p', 'c'));
    expect(list.every((m) => m.state === 'NORMAL')).toBe(true);
    expect(nextPageToken).toBe('');
  });

  it('§4.1 state=ARCHIVED with the same filter returns only the archived memos', async () => {
    const res = await call(
      'GET',
      listQuery({
        filter: `creator == "users/lister" && updated_ts >= ${at(secs(T.b))}`,
        orderBy: 'update_time asc',
        state: 'ARCHIVED',
      }),
      { token: lister.token },
    );
    const { memos: list } = memoList(res);
    expect(list.map((m) => m.name)).toEqual(n('e'));
    expect(list[0]?.state).toBe('ARCHIVED');
  });

  it('§4.1 ARCHIVED lists only the caller’s own archived memos', async () => {
    const res = await call('GET', listQuery({ state: 'ARCHIVED', filter: 'creator == "users/lister"' }));
    expect(memoList(res).memos).toEqual([]);
  });

  it('§4.2 0.30: timestamp("RFC 3339") is equivalent to timestamp(epoch); 0.29 has no timestamp form (400 int vs timestamp); >= is inclusive', async () => {
    const res = await call(
      'GET',
      listQuery({
        filter: `creator == "users/lister" && updated_ts >= timestamp("${T.c}")`,
        orderBy: 'update_time asc',
      }),
      { token: lister.token },
    );
    if (VERSION === '0.30.0') expect(memoList(res).memos.map((m) => m.name)).toEqual(n('p', 'c'));
    else {
      expect(res.status).toBe(400);
      expect(String(rec(res.body).message)).toContain(
        "found no matching overload for '_>=_' applied to '(int, timestamp)'",
      );
      const epoch = await call(
        'GET',
        listQuery({
          filter: `creator == "users/lister" && updated_ts >= ${secs(T.c)}`,
          orderBy: 'update_time asc',
        }),
        { token: lister.token },
      );
      expect(memoList(epoch).memos.map((m) => m.name)).toEqual(n('p', 'c'));
    }
  });

  it('§4.1 default order is create_time desc; comments are never listed', async () => {
    const res = await call('GET', listQuery({ filter: 'creator == "users/lister"' }), {
      token: lister.token,
    });
    const list = memoList(res).memos;
    expect(list.map((m) => m.name)).toEqual(n('p', 'c', 'd', 'b', 'a'));
    expect(list.some((m) => m.content.startsWith('comment'))).toBe(false);
  });

  it('§4.1 a comment is never listed, whatever the filter, state or caller (its parent lists it as a COMMENT relation)', async () => {
    const comment = memoList(await call('GET', `/api/v1/${names.a}/comments`, { token: lister.token }))
      .memos[0];
    if (!comment) throw new Error('the comment made in beforeAll is missing');
    expect(comment.parent).toBe(names.a);
    const archive = await patchMemo(uidOf(comment), 'state', { state: 'ARCHIVED' }, lister.token);
    expect(archive.status).toBe(200);
    const queries: Array<[Record<string, string>, string]> = [
      [{}, lister.token],
      [{ filter: 'creator == "users/lister"', pageSize: '1000' }, lister.token],
      [{ filter: 'content.contains("comment")' }, lister.token],
      [
        { filter: `creator == "users/lister" && updated_ts >= ${at(0)}`, orderBy: 'update_time asc' },
        lister.token,
      ],
      [{ state: 'ARCHIVED' }, lister.token],
      [{}, server().admin.token],
    ];
    for (const [params, token] of queries) {
      const listed = memoList(await call('GET', listQuery(params), { token })).memos.map((m) => m.name);
      expect(listed, JSON.stringify(params)).not.toContain(comment.name);
    }
    await patchMemo(uidOf(comment), 'state', { state: 'NORMAL' }, lister.token);
  });

  it('§4.1 visibility scoping: others see PUBLIC and PROTECTED memos of a user, never PRIVATE', async () => {
    const res = await call('GET', listQuery({ filter: 'creator == "users/lister"' }), { token: bob().token });
    expect(memoList(res).memos.map((m) => m.name)).toEqual(n('p', 'c'));
  });

  it('§4.2 bare epoch comparison "updated_ts > N": 400 on 0.30 (timestamp vs int), the form 0.29 takes', async () => {
    const res = await call('GET', listQuery({ filter: 'updated_ts > 1600000000' }));
    if (VERSION === '0.29.1') {
      expect(res.status).toBe(200);
      return;
    }
    expect(res.status).toBe(400);
    expect(rec(res.body).code).toBe(3);
    expect(String(rec(res.body).message)).toContain(
      "invalid filter: failed to compile filter: failed to compile filter: ERROR: <input>:1:12: found no matching overload for '_>_' applied to '(timestamp, int)'",
    );
  });

  it('§4.2 relative times: 0.30 has the variable now (now() → 400) and durations; 0.29 the function now() (now → 400) and seconds', async () => {
    const [badFilter, goodFilter] = onVersion({
      '0.29.1': ['updated_ts > now', 'created_ts <= now() && created_ts > now() - 3600'],
      '0.30.0': ['updated_ts > now()', 'created_ts <= now && created_ts > now - duration("1h")'],
    });
    const bad = await call('GET', listQuery({ filter: badFilter }));
    expect(bad.status).toBe(400);
    expect(String(rec(bad.body).message)).toContain("undeclared reference to 'now'");
    const good = await call('GET', listQuery({ filter: `creator == "users/lister" && ${goodFilter}` }), {
      token: lister.token,
    });
    expect(memoList(good).memos).toHaveLength(5);
  });

  it('§4.2/§4.3 tags: "x" in tags is exact; tag in [...] also matches the hierarchy; tag:x and tag == "x" → 400', async () => {
    const exact = await call('GET', listQuery({ filter: '"list/a" in tags' }), { token: lister.token });
    expect(memoList(exact).memos.map((m) => m.name)).toEqual(n('a'));
    const prefix = await call('GET', listQuery({ filter: 'creator == "users/lister" && tag in ["list"]' }), {
      token: lister.token,
    });
    expect(memoList(prefix).memos).toHaveLength(5);
    const notExact = await call('GET', listQuery({ filter: '"list" in tags' }), { token: lister.token });
    expect(memoList(notExact).memos).toEqual([]);
    for (const filter of ['tag:list', 'tag == "list"', 'content:weather']) {
      const res = await call('GET', listQuery({ filter }), { token: lister.token });
      expect(res.status, filter).toBe(400);
      expect(String(rec(res.body).message), filter).toMatch(/^invalid filter: /);
    }
  });

  it('§4.2 create_time/update_time are not filter identifiers → 400', async () => {
    const res = await call('GET', listQuery({ filter: 'update_time > timestamp(0)' }));
    expect(res.status).toBe(400);
  });

  it('§0.2 snake_case query parameter names work too (page_size, order_by)', async () => {
    const res = await call(
      'GET',
      listQuery({ filter: 'creator == "users/lister"', page_size: '2', order_by: 'update_time asc' }),
      { token: lister.token },
    );
    const page = memoList(res);
    expect(page.memos.map((m) => m.name)).toEqual(n('a', 'd'));
    expect(page.nextPageToken).not.toBe('');
  });
});

describe('§4.1 paging', () => {
  let bulk: User;

  beforeAll(async () => {
    bulk = await server().createUser('bulk', 'bulk-pass-123');
    const indexes = Array.from({ length: 1001 }, (_, i) => i);
    await pool(indexes, 4, async (i) => {
      const res = await call('POST', '/api/v1/memos', { token: bulk.token, body: { content: `bulk ${i}` } });
      if (res.status !== 200) throw new Error(`bulk create ${i}: ${res.status} ${res.text}`);
    });
  });

  // Without a creator filter other users' PUBLIC/PROTECTED memos would be listed too.
  const mine = { filter: 'creator == "users/bulk"' };

  function decodeToken(token: string): number[] {
    return [...Buffer.from(token, 'base64')];
  }

  it('pageSize is capped at 1000 (larger values coerced); the token is base64 protobuf {limit, offset}', async () => {
    const first = memoList(
      await call('GET', listQuery({ ...mine, pageSize: '5000' }), { token: bulk.token }),
    );
    expect(first.memos).toHaveLength(1000);
    expect(first.nextPageToken).toBe('COgHEOgH');
    // field 1 (limit) = 1000, field 2 (offset) = 1000, as varints.
    expect(decodeToken(first.nextPageToken)).toEqual([0x08, 0xe8, 0x07, 0x10, 0xe8, 0x07]);
    const second = memoList(
      await call('GET', listQuery({ ...mine, pageToken: first.nextPageToken }), { token: bulk.token }),
    );
    expect(second.memos).toHaveLength(1);
    expect(second.nextPageToken).toBe('');
    const all = new Set([...first.memos, ...second.memos].map((m) => m.name));
    expect(all.size).toBe(1001);
  });

  it('default pageSize is 50 (0.29: 10); pageSize ≤ 0 also means the default', async () => {
    const size = onVersion({ '0.29.1': 10, '0.30.0': 50 });
    for (const params of [{}, { pageSize: '0' }, { pageSize: '-5' }]) {
      const page = memoList(await call('GET', listQuery({ ...mine, ...params }), { token: bulk.token }));
      expect(page.memos).toHaveLength(size);
      expect(decodeToken(page.nextPageToken)).toEqual([0x08, size, 0x10, size]);
    }
  });

  it('with a pageToken the page size inside the token wins over pageSize', async () => {
    const first = memoList(await call('GET', listQuery({ ...mine, pageSize: '2' }), { token: bulk.token }));
    expect(first.nextPageToken).toBe('CAIQAg==');
    const next = memoList(
      await call('GET', listQuery({ ...mine, pageSize: '10', pageToken: first.nextPageToken }), {
        token: bulk.token,
      }),
    );
    expect(next.memos).toHaveLength(2);
    expect(decodeToken(next.nextPageToken)).toEqual([0x08, 2, 0x10, 4]);
  });

  it('a malformed pageToken → 400 invalid page token', async () => {
    const res = await call('GET', listQuery({ pageToken: 'not-a-token!' }), { token: bulk.token });
    expect(res.status).toBe(400);
    expect(String(rec(res.body).message)).toMatch(/^invalid page token/);
  });
});

describe('§6 user stats', () => {
  it('users/{u}:getStats shape; totalMemoCount counts NORMAL non-comment memos; pinnedMemos lists pins (0.29: as users/{u}/memos/{internal id}, not memo names)', async () => {
    const user = await server().createUser('stats', 'stats-pass-123');
    const opts = { token: user.token };
    const linked = await createMemo({ content: '[x](https://x.example) #s/a' }, opts);
    const coded = await createMemo({ content: '`code` #s' }, opts);
    await createMemo({ content: '- [ ] open' }, opts);
    const archived = await createMemo({ content: 'archived #gone' }, opts);
    await patchMemo(uidOf(archived), 'state', { state: 'ARCHIVED' }, user.token);
    await patchMemo(uidOf(coded), 'pinned', { pinned: true }, user.token);
    const comment = await call('POST', `/api/v1/${linked.name}/comments`, {
      token: user.token,
      body: { content: 'comment #c' },
    });
    expect(comment.status).toBe(200);

    const res = await call('GET', '/api/v1/users/stats:getStats', opts);
    expect(res.status).toBe(200);
    const stats = rec(res.body);
    expect(Object.keys(stats).sort()).toEqual(
      [
        'memoCreatedTimestamps',
        'memoTypeStats',
        'memoUpdatedTimestamps',
        'name',
        'pinnedMemos',
        'tagCount',
        'totalMemoCount',
      ].sort(),
    );
    expect(stats).toMatchObject({
      name: 'users/stats/stats',
      totalMemoCount: 3,
      pinnedMemos: onVersion({
        '0.29.1': [expect.stringMatching(/^users\/stats\/memos\/\d+$/)],
        '0.30.0': [coded.name],
      }),
      tagCount: { 's/a': 1, s: 1 },
      memoTypeStats: { linkCount: 1, codeCount: 1, todoCount: 1, undoCount: 1 },
    });
    expect(stats.memoCreatedTimestamps).toHaveLength(3);
    expect(stats.memoUpdatedTimestamps).toHaveLength(3);
  });
});
