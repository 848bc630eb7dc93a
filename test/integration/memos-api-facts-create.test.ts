/**
 * Executable facts about the real Memos REST API (v0.29.1 and v0.30.0, by MEMOS_VERSION;
 * facts that differ are given for both with `onVersion`) that the sync client relies on:
 * creating, reading and deleting memos, ids, times and content length (§2, §3.1, §3.2, §3.5, §11).
 * One `it()` per claim of /work/shared/memos-api.md (section numbers in the titles), checked
 * with plain `fetch` against a fresh private instance. Where the server disagrees with the
 * document, the test asserts what the server does and says so in its title;
 * test/fixtures/memos/FINDINGS.md lists those places. Tests never skip and never assert
 * durations; each creates the memos it inspects, and tests that need an isolated memo set
 * use their own user.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  asMemo,
  bob,
  call,
  createMemo,
  nowSecs,
  onVersion,
  patchMemo,
  RFC3339_SECONDS,
  rec,
  secs,
  uidOf,
  useMemosInstance,
} from './memos-api-facts/harness';

useMemosInstance();

describe('§2/§3 memo create, get, delete', () => {
  it('§3.1 create with ?memoId=<uuidv4> → 200 with name memos/<uuid>; full memo with location/parent absent', async () => {
    const uid = randomUUID();
    const res = await call('POST', `/api/v1/memos?memoId=${uid}`, {
      body: { content: 'hello #inbox', visibility: 'PRIVATE' },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    const memo = asMemo(res.body);
    expect(memo.name).toBe(`memos/${uid}`);
    expect(Object.keys(rec(res.body)).sort()).toEqual(
      [
        'attachments',
        'content',
        'createTime',
        'creator',
        'name',
        'pinned',
        'property',
        'reactions',
        'relations',
        'snippet',
        'state',
        'tags',
        'updateTime',
        'visibility',
      ].sort(),
    );
    expect(memo).toMatchObject({
      state: 'NORMAL',
      creator: 'users/admin',
      content: 'hello #inbox',
      visibility: 'PRIVATE',
      tags: ['inbox'],
      pinned: false,
      attachments: [],
      relations: [],
      reactions: [],
      snippet: 'hello #inbox',
    });
    const got = await call('GET', `/api/v1/memos/${uid}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(res.body);
  });

  it('§2 without memoId the server picks a 22-character id', async () => {
    const res = await call('POST', '/api/v1/memos', { body: { content: 'server-named' } });
    expect(res.status).toBe(200);
    expect(asMemo(res.body).name).toMatch(/^memos\/[A-Za-z0-9]{22}$/);
  });

  it('§2 visibility defaults to PRIVATE on create', async () => {
    const memo = await createMemo({ content: 'no visibility given' });
    expect(memo.visibility).toBe('PRIVATE');
  });

  it('§3.1 duplicate memoId → 409 {code: 6, message: memo with ID "<uid>" already exists, details: []}', async () => {
    const uid = randomUUID();
    await createMemo({ content: 'first' }, { uid });
    const res = await call('POST', `/api/v1/memos?memoId=${uid}`, { body: { content: 'second' } });
    expect(res.status).toBe(409);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.body).toEqual({ code: 6, message: `memo with ID "${uid}" already exists`, details: [] });
    const got = asMemo((await call('GET', `/api/v1/memos/${uid}`)).body);
    expect(got.content).toBe('first');
  });

  it('§2 uids are unique across users: another user reusing the uid → 409', async () => {
    const uid = randomUUID();
    await createMemo({ content: 'admin owns this uid' }, { uid });
    const res = await call('POST', `/api/v1/memos?memoId=${uid}`, {
      token: bob().token,
      body: { content: 'bob' },
    });
    expect(res.status).toBe(409);
    expect(rec(res.body).code).toBe(6);
  });

  it('§2/§11 memoId format: 1–36 of [A-Za-z0-9-], alphanumeric at both ends; 37 chars → 400 (the message differs between 0.29 and 0.30)', async () => {
    const message = onVersion({
      '0.29.1':
        'invalid ID format: must be 1-36 characters, alphanumeric and hyphens only, cannot start or end with hyphen',
      '0.30.0':
        'invalid UID: must be 1-36 characters, contain only letters, digits, or hyphens, and start and end with a letter or digit',
    });
    for (const bad of [
      `${randomUUID()}a`,
      `-${randomUUID().slice(1)}`,
      'abc-',
      'with_underscore',
      'dot.ted',
    ]) {
      const res = await call('POST', `/api/v1/memos?memoId=${encodeURIComponent(bad)}`, {
        body: { content: 'x' },
      });
      expect(res.status, bad).toBe(400);
      expect(res.body, bad).toEqual({ code: 3, message, details: [] });
    }
    const suffix = randomUUID().replaceAll('-', '');
    for (const good of ['Q', `Z${suffix.slice(0, 5)}`, suffix.slice(0, 26).toUpperCase(), 'q'.repeat(36)]) {
      const res = await call('POST', `/api/v1/memos?memoId=${good}`, { body: { content: 'x' } });
      expect(res.status, good).toBe(200);
      expect(asMemo(res.body).name).toBe(`memos/${good}`);
    }
  });

  it('§3.2/§11 GET, PATCH and DELETE of an unknown memo → 404 {code: 5, message: "memo not found"}', async () => {
    const uid = randomUUID();
    const expected = { code: 5, message: 'memo not found', details: [] };
    const get = await call('GET', `/api/v1/memos/${uid}`);
    const patch = await patchMemo(uid, 'content', { content: 'x' });
    const del = await call('DELETE', `/api/v1/memos/${uid}`);
    for (const res of [get, patch, del]) {
      expect(res.status).toBe(404);
      expect(res.body).toEqual(expected);
    }
  });

  it('§3.5 DELETE → 200 {}; the second DELETE → 404; GET afterwards → 404', async () => {
    const memo = await createMemo({ content: 'to delete' });
    const first = await call('DELETE', `/api/v1/${memo.name}`);
    expect(first.status).toBe(200);
    expect(first.text).toBe('{}');
    const second = await call('DELETE', `/api/v1/${memo.name}`);
    expect(second.status).toBe(404);
    expect(rec(second.body)).toMatchObject({ code: 5, message: 'memo not found' });
    expect((await call('GET', `/api/v1/${memo.name}`)).status).toBe(404);
  });

  it('§2 createTime/updateTime settable on create; kept in the past, truncated to whole seconds', async () => {
    const memo = await createMemo({
      content: 'imported',
      createTime: '2020-01-02T03:04:05.678Z',
      updateTime: '2020-01-02T03:04:06.999Z',
    });
    expect(memo.createTime).toBe('2020-01-02T03:04:05Z');
    expect(memo.updateTime).toBe('2020-01-02T03:04:06Z');
  });

  it('§2 createTime alone on create: updateTime defaults to the server clock', async () => {
    const before = nowSecs();
    const memo = await createMemo({ content: 'old create only', createTime: '2019-05-05T05:05:05Z' });
    expect(memo.createTime).toBe('2019-05-05T05:05:05Z');
    expect(secs(memo.updateTime)).toBeGreaterThanOrEqual(before - 1);
  });

  it('§0.2 timestamps are RFC 3339 UTC with whole seconds', async () => {
    const memo = await createMemo({ content: 'times' });
    expect(memo.createTime).toMatch(RFC3339_SECONDS);
    expect(memo.updateTime).toMatch(RFC3339_SECONDS);
  });

  it('§3.1 pinned and state in the create body are ignored', async () => {
    const memo = await createMemo({ content: 'pinned archived?', pinned: true, state: 'ARCHIVED' });
    expect(memo.pinned).toBe(false);
    expect(memo.state).toBe('NORMAL');
  });
});

describe('§11 content length', () => {
  const tooLong = { code: 3, message: 'content too long (max 8192 characters)', details: [] };

  it('8192 ASCII bytes are accepted, 8193 → 400 "content too long (max 8192 characters)"', async () => {
    await createMemo({ content: 'a'.repeat(8192) });
    const res = await call('POST', '/api/v1/memos', { body: { content: 'a'.repeat(8193) } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(tooLong);
  });

  it('the limit counts UTF-8 bytes, not characters (4097 × "é" = 8194 bytes → 400)', async () => {
    await createMemo({ content: 'é'.repeat(4096) });
    const res = await call('POST', '/api/v1/memos', { body: { content: 'é'.repeat(4097) } });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(tooLong);
  });

  it('the same limit applies to PATCH content', async () => {
    const memo = await createMemo({ content: 'short' });
    const res = await patchMemo(uidOf(memo), 'content', { content: 'b'.repeat(8193) });
    expect(res.status).toBe(400);
    expect(res.body).toEqual(tooLong);
  });
});
