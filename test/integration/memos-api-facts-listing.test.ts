/**
 * Executable facts about the real Memos v0.30.0 REST API that the sync client relies on:
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
  patchMemo,
  pool,
  rec,
  secs,
  server,
  type User,
  uidOf,
  useMemosInstance,
} from './memos-api-facts/harness';

useMemosInstance();

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

  it('§4.2 delta pull: creator + updated_ts >= timestamp(N), orderBy update_time asc (ties: newest id first), NORMAL', async () => {
    const res = await call(
      'GET',
      listQuery({
        filter: `creator == "users/lister" && updated_ts >= timestamp(${secs(T.b)})`,
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
        filter: `creator == "users/lister" && updated_ts >= timestamp(${secs(T.b)})`,
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

  it('§4.2 timestamp("RFC 3339") is equivalent to timestamp(epoch); >= is inclusive', async () => {
    const res = await call(
      'GET',
      listQuery({
        filter: `creator == "users/lister" && updated_ts >= timestamp("${T.c}")`,
        orderBy: 'update_time asc',
      }),
      { token: lister.token },
    );
    expect(memoList(res).memos.map((m) => m.name)).toEqual(n('p', 'c'));
  });

  it('§4.1 default order is create_time desc; comments are never listed', async () => {
    const res = await call('GET', listQuery({ filter: 'creator == "users/lister"' }), {
      token: lister.token,
    });
    const list = memoList(res).memos;
    expect(list.map((m) => m.name)).toEqual(n('p', 'c', 'd', 'b', 'a'));
    expect(list.some((m) => m.content.startsWith('comment'))).toBe(false);
  });

  it('§4.1 visibility scoping: others see PUBLIC and PROTECTED memos of a user, never PRIVATE', async () => {
    const res = await call('GET', listQuery({ filter: 'creator == "users/lister"' }), { token: bob().token });
    expect(memoList(res).memos.map((m) => m.name)).toEqual(n('p', 'c'));
  });

  it('§4.2 bare epoch comparison "updated_ts > N" → 400 (timestamp vs int)', async () => {
    const res = await call('GET', listQuery({ filter: 'updated_ts > 1600000000' }));
    expect(res.status).toBe(400);
    expect(rec(res.body).code).toBe(3);
    expect(String(rec(res.body).message)).toContain(
      "invalid filter: failed to compile filter: failed to compile filter: ERROR: <input>:1:12: found no matching overload for '_>_' applied to '(timestamp, int)'",
    );
  });

  it('§4.2 now() → 400; now and now - duration() work', async () => {
    const bad = await call('GET', listQuery({ filter: 'updated_ts > now()' }));
    expect(bad.status).toBe(400);
    expect(String(rec(bad.body).message)).toContain("undeclared reference to 'now'");
    const good = await call(
      'GET',
      listQuery({
        filter: 'creator == "users/lister" && created_ts <= now && created_ts > now - duration("1h")',
      }),
      { token: lister.token },
    );
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

  it('default pageSize is 50; pageSize ≤ 0 also means 50', async () => {
    for (const params of [{}, { pageSize: '0' }, { pageSize: '-5' }]) {
      const page = memoList(await call('GET', listQuery({ ...mine, ...params }), { token: bulk.token }));
      expect(page.memos).toHaveLength(50);
      expect(decodeToken(page.nextPageToken)).toEqual([0x08, 50, 0x10, 50]);
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
  it('users/{u}:getStats shape; totalMemoCount counts NORMAL non-comment memos; pinnedMemos lists pins', async () => {
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
      pinnedMemos: [coded.name],
      tagCount: { 's/a': 1, s: 1 },
      memoTypeStats: { linkCount: 1, codeCount: 1, todoCount: 1, undoCount: 1 },
    });
    expect(stats.memoCreatedTimestamps).toHaveLength(3);
    expect(stats.memoUpdatedTimestamps).toHaveLength(3);
  });
});
