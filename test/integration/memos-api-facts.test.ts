/**
 * Executable facts about the real Memos v0.30.0 REST API that the sync client relies on.
 * One `it()` per claim of /work/shared/memos-api.md (section numbers in the titles), checked
 * with plain `fetch` against a fresh private instance (no --instance-url). Where the server
 * disagrees with the document, the test asserts what the server does and says so in its
 * title; test/fixtures/memos/FINDINGS.md lists those places.
 *
 * Invariants: tests never skip and never assert durations; each test creates the memos it
 * inspects (uuids), and tests that need an isolated memo set use their own user.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MemosInstance, startMemos } from '../helpers/memos-instance';

interface Res {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

interface Property {
  hasLink: boolean;
  hasTaskList: boolean;
  hasCode: boolean;
  hasIncompleteTasks: boolean;
  title: string;
}

interface Memo {
  name: string;
  state: string;
  creator: string;
  createTime: string;
  updateTime: string;
  content: string;
  visibility: string;
  tags: string[];
  pinned: boolean;
  attachments: unknown[];
  relations: unknown[];
  reactions: unknown[];
  property: Property;
  snippet: string;
  parent?: string;
  location?: unknown;
}

interface GoldenCase {
  content: string;
  tags: string[];
  property: Property;
  snippet: string;
}

type User = { username: string; token: string };

const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const ORIGIN = 'http://192.168.1.50:4173';

let memos: MemosInstance;
let bob: User;

beforeAll(async () => {
  memos = await startMemos();
  bob = await memos.createUser('bob', 'bob-pass-123');
});

afterAll(async () => {
  await memos?.stop();
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rec(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * One HTTP call. `token`: undefined → the admin PAT, null → anonymous. `body` is sent as
 * JSON; `rawBody` verbatim.
 */
async function call(
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? memos.admin.token : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const init: RequestInit = { method, headers };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  } else if (opts.rawBody !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = opts.rawBody;
  }
  const res = await fetch(`${memos.baseUrl}${path}`, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

function asMemo(value: unknown): Memo {
  const m = rec(value);
  for (const key of [
    'name',
    'state',
    'creator',
    'createTime',
    'updateTime',
    'content',
    'visibility',
    'snippet',
  ]) {
    expect(typeof m[key], `memo.${key}`).toBe('string');
  }
  expect(Array.isArray(m.tags)).toBe(true);
  expect(typeof m.pinned).toBe('boolean');
  expect(isRecord(m.property)).toBe(true);
  return m as unknown as Memo;
}

function memoList(res: Res): { memos: Memo[]; nextPageToken: string } {
  expect(res.status, res.text).toBe(200);
  const body = rec(res.body);
  expect(Array.isArray(body.memos)).toBe(true);
  expect(typeof body.nextPageToken).toBe('string');
  const list = Array.isArray(body.memos) ? body.memos.map(asMemo) : [];
  return { memos: list, nextPageToken: String(body.nextPageToken) };
}

async function createMemo(
  body: Record<string, unknown>,
  opts: { token?: string; uid?: string } = {},
): Promise<Memo> {
  const uid = opts.uid ?? randomUUID();
  const res = await call('POST', `/api/v1/memos?memoId=${uid}`, { body, ...tokenOpt(opts.token) });
  expect(res.status, res.text).toBe(200);
  return asMemo(res.body);
}

function tokenOpt(token: string | undefined): { token?: string } {
  return token === undefined ? {} : { token };
}

async function patchMemo(uid: string, mask: string | undefined, body: unknown, token?: string): Promise<Res> {
  const query = mask === undefined ? '' : `?updateMask=${mask}`;
  return call('PATCH', `/api/v1/memos/${uid}${query}`, { body, ...tokenOpt(token) });
}

function uidOf(memo: Memo): string {
  return memo.name.slice('memos/'.length);
}

function secs(iso: string): number {
  return Date.parse(iso) / 1000;
}

function nowSecs(): number {
  return Math.floor(Date.now() / 1000);
}

function listQuery(params: Record<string, string>): string {
  return `/api/v1/memos?${new URLSearchParams(params).toString()}`;
}

/** Runs `fn` over `items` with bounded concurrency. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await fn(item);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** A fetch-based reader of /api/v1/sse. */
async function openSse(token: string): Promise<{
  res: Response;
  raw: () => string;
  events: () => Array<Record<string, unknown>>;
  waitFor: (pred: (raw: string) => boolean, what: string) => Promise<void>;
  close: () => void;
}> {
  const ctrl = new AbortController();
  const res = await fetch(`${memos.baseUrl}/api/v1/sse`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: ctrl.signal,
  });
  expect(res.status).toBe(200);
  const body = res.body;
  if (body === null) throw new Error('SSE response has no body');
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const waitFor = async (pred: (raw: string) => boolean, what: string): Promise<void> => {
    const deadline = setTimeout(() => ctrl.abort(), 15_000);
    try {
      while (!pred(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`SSE ended before ${what}: ${JSON.stringify(text)}`);
        text += decoder.decode(value, { stream: true });
      }
    } catch (err) {
      throw new Error(`SSE: never saw ${what}; got ${JSON.stringify(text)} (${String(err)})`);
    } finally {
      clearTimeout(deadline);
    }
  };
  const events = (): Array<Record<string, unknown>> =>
    text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => rec(JSON.parse(line.slice('data: '.length))));
  return { res, raw: () => text, events, waitFor, close: () => ctrl.abort() };
}

// ---------------------------------------------------------------------------------------------

describe('§0/§1/§9 server, auth and bootstrap', () => {
  it('§0.1 GET /healthz answers plain text "Service ready."', async () => {
    const res = await call('GET', '/healthz', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toBe('Service ready.');
  });

  it('§9 instance profile (anonymous on a private instance): version "dev", commit "unknown", needsSetup false', async () => {
    const res = await call('GET', '/api/v1/instance/profile', { token: null });
    expect(res.status).toBe(200);
    const body = rec(res.body);
    expect(Object.keys(body).sort()).toEqual([
      'admin',
      'commit',
      'demo',
      'instanceUrl',
      'needsSetup',
      'version',
    ]);
    expect(body).toMatchObject({
      version: 'dev',
      commit: 'unknown',
      demo: false,
      instanceUrl: '',
      needsSetup: false,
    });
    expect(rec(body.admin)).toMatchObject({ name: 'users/admin', role: 'ADMIN', username: 'admin' });
  });

  it('§1.2 GET /auth/me → {user: User}; User JSON also carries an always-empty "password" field', async () => {
    const res = await call('GET', '/api/v1/auth/me');
    expect(res.status).toBe(200);
    const body = rec(res.body);
    expect(Object.keys(body)).toEqual(['user']);
    const user = rec(body.user);
    expect(Object.keys(user).sort()).toEqual(
      [
        'avatarUrl',
        'createTime',
        'description',
        'displayName',
        'email',
        'name',
        'password',
        'role',
        'state',
        'updateTime',
        'username',
      ].sort(),
    );
    expect(user).toMatchObject({
      name: 'users/admin',
      role: 'ADMIN',
      username: 'admin',
      state: 'NORMAL',
      password: '',
    });
    expect(String(user.createTime)).toMatch(RFC3339_SECONDS);
  });

  it('§1.2 /auth/me without a token → 401', async () => {
    const res = await call('GET', '/api/v1/auth/me', { token: null });
    expect(res.status).toBe(401);
  });

  it('§1.1 sign-in: JWT expires in 15 min (nanosecond timestamp); refresh cookie arrives as Grpc-Metadata-Set-Cookie', async () => {
    const res = await call('POST', '/api/v1/auth/signin', {
      token: null,
      body: { passwordCredentials: { username: 'admin', password: memos.admin.password } },
    });
    expect(res.status).toBe(200);
    const body = rec(res.body);
    expect(Object.keys(body).sort()).toEqual(['accessToken', 'accessTokenExpiresAt', 'user']);
    expect(String(body.accessToken)).toMatch(/^eyJ/);
    // Not whole seconds: sub-second digits are present on this timestamp.
    expect(String(body.accessTokenExpiresAt)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/);
    const minutes = (Date.parse(String(body.accessTokenExpiresAt)) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(res.headers.get('grpc-metadata-set-cookie')).toMatch(
      /^memos_refresh=[^;]+; Path=\/; HttpOnly; Expires=.*SameSite=Lax/,
    );
    // The JWT is accepted as a Bearer token.
    const me = await call('GET', '/api/v1/auth/me', { token: String(body.accessToken) });
    expect(me.status).toBe(200);
  });

  it('§1.2 wrong password → 400 "unmatched username and password"', async () => {
    const res = await call('POST', '/api/v1/auth/signin', {
      token: null,
      body: { passwordCredentials: { username: 'admin', password: 'wrong' } },
    });
    expect(res.status).toBe(400);
    expect(rec(res.body)).toMatchObject({ code: 3, message: 'unmatched username and password' });
  });

  it('§1.2 PAT create/list: memos_pat_ token shown once; expiresAt/lastUsedAt are null (not omitted); nanosecond createdAt', async () => {
    const signIn = rec(
      (
        await call('POST', '/api/v1/auth/signin', {
          token: null,
          body: { passwordCredentials: { username: 'admin', password: memos.admin.password } },
        })
      ).body,
    );
    const created = await call('POST', '/api/v1/users/admin/personalAccessTokens', {
      token: String(signIn.accessToken),
      body: { description: 'facts', expiresInDays: 0 },
    });
    expect(created.status).toBe(200);
    const body = rec(created.body);
    expect(String(body.token)).toMatch(/^memos_pat_[A-Za-z0-9]+$/);
    const pat = rec(body.personalAccessToken);
    expect(String(pat.name)).toMatch(/^users\/admin\/personalAccessTokens\/[0-9a-f-]{36}$/);
    expect(pat).toMatchObject({ description: 'facts', expiresAt: null, lastUsedAt: null });
    expect(String(pat.createdAt)).toMatch(/\.\d+Z$/);

    await call('GET', '/api/v1/auth/me', { token: String(body.token) });
    // lastUsedAt is written by the server after it answers (not in the same request), so poll.
    let mine: Record<string, unknown> | undefined;
    for (let attempt = 0; attempt < 50; attempt++) {
      const list = await call('GET', '/api/v1/users/admin/personalAccessTokens', {
        token: String(body.token),
      });
      expect(list.status).toBe(200);
      const listed = rec(list.body);
      expect(Object.keys(listed).sort()).toEqual(['nextPageToken', 'personalAccessTokens']);
      mine = (Array.isArray(listed.personalAccessTokens) ? listed.personalAccessTokens : [])
        .map(rec)
        .find((p) => p.name === pat.name);
      if (typeof mine?.lastUsedAt === 'string') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(mine).toBeDefined();
    expect(mine && 'token' in mine).toBe(false);
    expect(typeof mine?.lastUsedAt).toBe('string');
  });

  it('§0.3/§1.1 invalid PAT on a private instance → 401, text/plain body {"code": 16, ...}, no WWW-Authenticate', async () => {
    const res = await call('GET', '/api/v1/memos', { token: 'memos_pat_thisIsNotAValidToken0000000' });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(res.text).toBe('{"code": 16, "message": "authentication required"}\n');
    expect(res.body).toEqual({ code: 16, message: 'authentication required' });
  });

  it('§1.1 an invalid JWT-looking token and no token at all get the same 401', async () => {
    for (const token of ['eyJnot.a.jwt', null]) {
      const res = await call('GET', '/api/v1/memos', { token });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 16, message: 'authentication required' });
    }
    const anonGet = await call('GET', `/api/v1/memos/${randomUUID()}`, { token: null });
    expect(anonGet.status).toBe(401);
  });

  it('§1.1 a revoked PAT → 401 on list, get and /auth/me (private instance)', async () => {
    const signIn = rec(
      (
        await call('POST', '/api/v1/auth/signin', {
          token: null,
          body: { passwordCredentials: { username: 'admin', password: memos.admin.password } },
        })
      ).body,
    );
    const created = rec(
      (
        await call('POST', '/api/v1/users/admin/personalAccessTokens', {
          token: String(signIn.accessToken),
          body: { description: 'to-revoke' },
        })
      ).body,
    );
    const token = String(created.token);
    const name = String(rec(created.personalAccessToken).name);
    const memo = await createMemo({ content: 'seen before revocation', visibility: 'PUBLIC' });
    expect((await call('GET', '/api/v1/memos', { token })).status).toBe(200);
    const del = await call('DELETE', `/api/v1/${name}`, { token });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({});
    for (const path of ['/api/v1/memos', `/api/v1/${memo.name}`, '/api/v1/auth/me']) {
      const res = await call('GET', path, { token });
      expect(res.status, path).toBe(401);
      expect(res.body).toEqual({ code: 16, message: 'authentication required' });
    }
  });

  it('§1.3 anonymous sign-up after bootstrap is allowed by default on a private instance and yields a USER', async () => {
    const res = await call('POST', '/api/v1/users', {
      token: null,
      body: { username: 'walkin', password: 'walkin-pass-1' },
    });
    expect(res.status).toBe(200);
    expect(rec(res.body)).toMatchObject({ name: 'users/walkin', role: 'USER', username: 'walkin' });
    const general = await call('GET', '/api/v1/instance/settings/GENERAL', { token: null });
    expect(general.status).toBe(200);
    expect(rec(rec(general.body).generalSetting)).toMatchObject({ disallowUserRegistration: false });
  });

  it('§9 MEMO_RELATED setting is public: contentLengthLimit 8192', async () => {
    const res = await call('GET', '/api/v1/instance/settings/MEMO_RELATED', { token: null });
    expect(res.status).toBe(200);
    expect(rec(rec(res.body).memoRelatedSetting)).toMatchObject({ contentLengthLimit: 8192 });
  });
});

describe('§2/§3 memo create, get, update, delete', () => {
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
      token: bob.token,
      body: { content: 'bob' },
    });
    expect(res.status).toBe(409);
    expect(rec(res.body).code).toBe(6);
  });

  it('§2/§11 memoId format: 1–36 of [A-Za-z0-9-], alphanumeric at both ends; 37 chars → 400', async () => {
    const message =
      'invalid UID: must be 1-36 characters, contain only letters, digits, or hyphens, and start and end with a letter or digit';
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

  it('§3.3 PATCH updateMask=content does NOT bump updateTime; content,update_time does (server clock)', async () => {
    const memo = await createMemo({ content: 'v1', updateTime: '2020-06-01T00:00:00Z' });
    const uid = uidOf(memo);
    const plain = await patchMemo(uid, 'content', { content: 'v2 #t' });
    expect(plain.status).toBe(200);
    const afterPlain = asMemo(plain.body);
    expect(afterPlain.content).toBe('v2 #t');
    expect(afterPlain.tags).toEqual(['t']);
    expect(afterPlain.updateTime).toBe('2020-06-01T00:00:00Z');

    const before = nowSecs();
    const bumped = await patchMemo(uid, 'content,update_time', { content: 'v3' });
    expect(bumped.status).toBe(200);
    const afterBump = asMemo(bumped.body);
    expect(afterBump.content).toBe('v3');
    expect(afterBump.tags).toEqual([]);
    expect(secs(afterBump.updateTime)).toBeGreaterThanOrEqual(before - 1);
    expect(secs(afterBump.updateTime)).toBeLessThanOrEqual(nowSecs() + 1);
  });

  it('§3.3 update_time with an explicit value stores it, even in the past', async () => {
    const memo = await createMemo({ content: 'x' });
    const res = await patchMemo(uidOf(memo), 'content,update_time', {
      content: 'y',
      updateTime: '2001-02-03T04:05:06Z',
    });
    expect(asMemo(res.body).updateTime).toBe('2001-02-03T04:05:06Z');
  });

  it('§3.3/§3.4 PATCH pinned, state and visibility without update_time apply but do not bump updateTime', async () => {
    const memo = await createMemo({ content: 'flags', updateTime: '2020-06-01T00:00:00Z' });
    const uid = uidOf(memo);
    const pinned = asMemo((await patchMemo(uid, 'pinned', { pinned: true })).body);
    expect(pinned.pinned).toBe(true);
    const visible = asMemo((await patchMemo(uid, 'visibility', { visibility: 'PROTECTED' })).body);
    expect(visible.visibility).toBe('PROTECTED');
    const archived = asMemo((await patchMemo(uid, 'state', { state: 'ARCHIVED' })).body);
    expect(archived.state).toBe('ARCHIVED');
    for (const m of [pinned, visible, archived]) expect(m.updateTime).toBe('2020-06-01T00:00:00Z');
    const restored = asMemo((await patchMemo(uid, 'state,update_time', { state: 'NORMAL' })).body);
    expect(restored.state).toBe('NORMAL');
    expect(secs(restored.updateTime)).toBeGreaterThan(secs('2020-06-01T00:00:00Z'));
  });

  it('§0.4 a camelCase mask path (updateTime) is silently ignored; alone it makes the PATCH a 200 no-op', async () => {
    const memo = await createMemo({ content: 'camel', updateTime: '2020-06-01T00:00:00Z' });
    const uid = uidOf(memo);
    const mixed = await patchMemo(uid, 'content,updateTime', { content: 'camel 2' });
    expect(mixed.status).toBe(200);
    expect(asMemo(mixed.body)).toMatchObject({ content: 'camel 2', updateTime: '2020-06-01T00:00:00Z' });
    const alone = await patchMemo(uid, 'updateTime', { content: 'camel 3' });
    expect(alone.status).toBe(200);
    expect(asMemo(alone.body)).toMatchObject({ content: 'camel 2', updateTime: '2020-06-01T00:00:00Z' });
  });

  it('§3.3 unknown mask paths (tags) are ignored', async () => {
    const memo = await createMemo({ content: '#keep' });
    const res = await patchMemo(uidOf(memo), 'tags', { tags: ['other'] });
    expect(res.status).toBe(200);
    expect(asMemo(res.body).tags).toEqual(['keep']);
  });

  it('§0.4/§11 an unknown key in the PATCH body → 400 could not find field, with or without updateMask', async () => {
    const memo = await createMemo({ content: 'strict' });
    const expected = {
      code: 3,
      message: 'could not find field "localDirty" in "memos.api.v1.Memo"',
      details: [],
    };
    for (const mask of ['content', undefined]) {
      const res = await patchMemo(uidOf(memo), mask, { content: 'changed', localDirty: true });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(expected);
    }
    expect(asMemo((await call('GET', `/api/v1/${memo.name}`)).body).content).toBe('strict');
  });

  it('§2/§3.3 displayTime in the body → 400; display_time in the mask → 400 "display_time is not supported"', async () => {
    const memo = await createMemo({ content: 'dt' });
    const body = await patchMemo(uidOf(memo), 'content', {
      content: 'x',
      displayTime: '2020-01-01T00:00:00Z',
    });
    expect(body.status).toBe(400);
    expect(rec(body.body).message).toBe('could not find field "displayTime" in "memos.api.v1.Memo"');
    const mask = await patchMemo(uidOf(memo), 'display_time', {});
    expect(mask.status).toBe(400);
    expect(rec(mask.body)).toMatchObject({ code: 3, message: 'display_time is not supported' });
  });

  it('§3.3 no updateMask and no body → 400 "update mask is required"', async () => {
    const memo = await createMemo({ content: 'mask' });
    const res = await call('PATCH', `/api/v1/${memo.name}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 3, message: 'update mask is required', details: [] });
  });

  it('§3.3 DISAGREES: no updateMask and body {} → 200 no-op (inferred mask is [""], not empty)', async () => {
    const memo = await createMemo({ content: 'empty body', updateTime: '2020-06-01T00:00:00Z' });
    const res = await call('PATCH', `/api/v1/${memo.name}`, { rawBody: '{}' });
    expect(res.status).toBe(200);
    expect(asMemo(res.body)).toMatchObject({ content: 'empty body', updateTime: '2020-06-01T00:00:00Z' });
  });

  it('§3.3 an empty ?updateMask= overrides the inferred mask: 200 no-op even with a body', async () => {
    const memo = await createMemo({ content: 'kept', updateTime: '2020-06-01T00:00:00Z' });
    const res = await call('PATCH', `/api/v1/${memo.name}?updateMask=`, { body: { content: 'lost' } });
    expect(res.status).toBe(200);
    expect(asMemo(res.body)).toMatchObject({ content: 'kept', updateTime: '2020-06-01T00:00:00Z' });
  });

  it('§0.2 request bodies accept snake_case keys and enum numbers', async () => {
    const memo = await createMemo({ content: 'snake', create_time: '2018-01-01T00:00:00Z', visibility: 3 });
    expect(memo.createTime).toBe('2018-01-01T00:00:00Z');
    expect(memo.visibility).toBe('PUBLIC');
    const res = await patchMemo(uidOf(memo), 'update_time', { update_time: '2018-02-02T00:00:00Z' });
    expect(asMemo(res.body).updateTime).toBe('2018-02-02T00:00:00Z');
  });

  it('§3.3 mask inferred from body keys when updateMask is omitted (content applied, no bump)', async () => {
    const memo = await createMemo({ content: 'infer', updateTime: '2020-06-01T00:00:00Z' });
    const res = await patchMemo(uidOf(memo), undefined, { content: 'inferred' });
    expect(asMemo(res.body)).toMatchObject({ content: 'inferred', updateTime: '2020-06-01T00:00:00Z' });
  });

  it('§3.3 echoing a full memo back (no mask) writes the echoed updateTime: it moves backwards', async () => {
    const original = await createMemo({ content: 'v1 #old', updateTime: '2021-05-05T05:05:05Z' });
    const uid = uidOf(original);
    const edited = asMemo((await patchMemo(uid, 'content,update_time', { content: 'v2' })).body);
    expect(secs(edited.updateTime)).toBeGreaterThan(secs(original.updateTime));
    const echoed = await call('PATCH', `/api/v1/${original.name}`, { body: original });
    expect(echoed.status).toBe(200);
    expect(asMemo(echoed.body)).toMatchObject({
      content: 'v1 #old',
      tags: ['old'],
      updateTime: '2021-05-05T05:05:05Z',
    });
  });

  it('§3.3 create_time in the mask without a value sets createTime to 1970-01-01', async () => {
    const memo = await createMemo({ content: 'epoch' });
    const res = await patchMemo(uidOf(memo), 'create_time', {});
    expect(res.status).toBe(200);
    expect(asMemo(res.body).createTime).toBe('1970-01-01T00:00:00Z');
  });

  it('§3.3 location: dropped by mask inference, applied with an explicit location mask', async () => {
    const memo = await createMemo({ content: 'where' });
    const location = { placeholder: 'Home', latitude: 48.5, longitude: 2.25 };
    const inferred = await patchMemo(uidOf(memo), undefined, { location });
    expect(inferred.status).toBe(200);
    expect('location' in rec(inferred.body)).toBe(false);
    const explicit = await patchMemo(uidOf(memo), 'location', { location });
    expect(rec(explicit.body).location).toEqual(location);
  });

  it('§3.2 visibility rules: PRIVATE → 403 for others (admins too); PROTECTED/PUBLIC readable by users', async () => {
    const priv = await createMemo({ content: 'admin private', visibility: 'PRIVATE' });
    const prot = await createMemo({ content: 'admin protected', visibility: 'PROTECTED' });
    const pub = await createMemo({ content: 'admin public', visibility: 'PUBLIC' });
    const denied = await call('GET', `/api/v1/${priv.name}`, { token: bob.token });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ code: 7, message: 'permission denied', details: [] });
    expect((await call('GET', `/api/v1/${prot.name}`, { token: bob.token })).status).toBe(200);
    expect((await call('GET', `/api/v1/${pub.name}`, { token: bob.token })).status).toBe(200);
    const bobs = await createMemo({ content: 'bob private' }, { token: bob.token });
    expect((await call('GET', `/api/v1/${bobs.name}`)).status).toBe(403);
  });

  it('§3.3/§3.5 only the creator or an admin may PATCH/DELETE (403 otherwise); an admin may PATCH a PRIVATE memo it cannot GET', async () => {
    const pub = await createMemo({ content: 'admin public', visibility: 'PUBLIC' });
    const patch = await patchMemo(uidOf(pub), 'content', { content: 'bob was here' }, bob.token);
    expect(patch.status).toBe(403);
    expect(rec(patch.body)).toMatchObject({ code: 7 });
    expect((await call('DELETE', `/api/v1/${pub.name}`, { token: bob.token })).status).toBe(403);
    const bobs = await createMemo({ content: 'bob private' }, { token: bob.token });
    const adminPatch = await patchMemo(uidOf(bobs), 'pinned', { pinned: true });
    expect(adminPatch.status).toBe(200);
    expect(asMemo(adminPatch.body).pinned).toBe(true);
  });

  it('§3.2/§3.4 an ARCHIVED memo is readable by its creator, 404 for everyone else (even admins)', async () => {
    const memo = await createMemo({ content: 'bob archived', visibility: 'PUBLIC' }, { token: bob.token });
    await patchMemo(uidOf(memo), 'state', { state: 'ARCHIVED' }, bob.token);
    const own = await call('GET', `/api/v1/${memo.name}`, { token: bob.token });
    expect(asMemo(own.body).state).toBe('ARCHIVED');
    const admin = await call('GET', `/api/v1/${memo.name}`);
    expect(admin.status).toBe(404);
    expect(rec(admin.body)).toMatchObject({ code: 5, message: 'memo not found' });
  });

  it('§3.1 comments: CreateMemoComment response has NO parent (DISAGREES); listed comments have it; visibility copied', async () => {
    const parent = await createMemo({ content: 'parent', visibility: 'PUBLIC' });
    const commentId = randomUUID();
    const res = await call('POST', `/api/v1/${parent.name}/comments?commentId=${commentId}`, {
      body: { content: 'a comment', visibility: 'PRIVATE' },
    });
    expect(res.status).toBe(200);
    const comment = asMemo(res.body);
    expect(comment.name).toBe(`memos/${commentId}`);
    expect(comment.visibility).toBe('PUBLIC');
    expect('parent' in rec(res.body)).toBe(false);
    const listed = await call('GET', `/api/v1/${parent.name}/comments`);
    const comments = memoList(listed).memos;
    expect(comments.map((c) => c.name)).toEqual([comment.name]);
    expect(comments[0]?.parent).toBe(parent.name);
    const got = asMemo((await call('GET', `/api/v1/${comment.name}`)).body);
    expect(got.parent).toBe(parent.name);
    // The parent's relations list the COMMENT relation.
    const parentNow = asMemo((await call('GET', `/api/v1/${parent.name}`)).body);
    expect(parentNow.relations).toEqual([
      {
        memo: { name: comment.name, snippet: 'a comment' },
        relatedMemo: { name: parent.name, snippet: 'parent' },
        type: 'COMMENT',
      },
    ]);
  });

  it('§2 relation snippets are filled by Get/Create but empty ("") in ListMemos and list comments', async () => {
    const parent = await createMemo({ content: 'rel parent', visibility: 'PUBLIC' });
    const ref = await createMemo({
      content: 'rel source',
      relations: [{ relatedMemo: { name: parent.name }, type: 'REFERENCE' }],
    });
    const expected = (snippets: boolean): unknown[] => [
      {
        memo: { name: ref.name, snippet: snippets ? 'rel source' : '' },
        relatedMemo: { name: parent.name, snippet: snippets ? 'rel parent' : '' },
        type: 'REFERENCE',
      },
    ];
    expect(ref.relations).toEqual(expected(true));
    expect(asMemo((await call('GET', `/api/v1/${ref.name}`)).body).relations).toEqual(expected(true));
    const listed = memoList(await call('GET', listQuery({ filter: 'content == "rel source"' }))).memos;
    expect(listed.map((m) => m.relations)).toEqual([expected(false)]);
  });

  it('§3.6 reactions: upsert → 200 with name memos/<uid>/reactions/<n>; repeating it → 500; updateTime not bumped', async () => {
    const memo = await createMemo({ content: 'react', updateTime: '2020-06-01T00:00:00Z' });
    const body = { reaction: { contentId: memo.name, reactionType: '👍' } };
    const first = await call('POST', `/api/v1/${memo.name}/reactions`, { body });
    expect(first.status).toBe(200);
    expect(rec(first.body)).toMatchObject({
      creator: 'users/admin',
      contentId: memo.name,
      reactionType: '👍',
    });
    expect(String(rec(first.body).name)).toMatch(new RegExp(`^${memo.name}/reactions/\\d+$`));
    const again = await call('POST', `/api/v1/${memo.name}/reactions`, { body });
    expect(again.status).toBe(500);
    expect(again.body).toEqual({ code: 13, message: 'failed to upsert reaction', details: [] });
    const now = asMemo((await call('GET', `/api/v1/${memo.name}`)).body);
    expect(now.updateTime).toBe('2020-06-01T00:00:00Z');
    expect(now.reactions).toHaveLength(1);
  });

  it('§3.1 a relation to a missing memo → 500 (Echo body) while the memo itself was created', async () => {
    const uid = randomUUID();
    const res = await call('POST', `/api/v1/memos?memoId=${uid}`, {
      body: {
        content: 'dangling',
        relations: [{ relatedMemo: { name: `memos/${randomUUID()}` }, type: 'REFERENCE' }],
      },
    });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ message: 'Internal Server Error' });
    expect((await call('GET', `/api/v1/memos/${uid}`)).status).toBe(200);
  });

  it('§5 attachments: int64 size as a string, content "" and motionMedia null in output; duplicate attachmentId → 500', async () => {
    const id = randomUUID();
    const body = { filename: 'a.txt', type: 'text/plain', content: Buffer.from('hello').toString('base64') };
    const res = await call('POST', `/api/v1/attachments?attachmentId=${id}`, { body });
    expect(res.status).toBe(200);
    expect(rec(res.body)).toMatchObject({
      name: `attachments/${id}`,
      filename: 'a.txt',
      content: '',
      externalLink: '',
      type: 'text/plain',
      size: '5',
      motionMedia: null,
    });
    const dup = await call('POST', `/api/v1/attachments?attachmentId=${id}`, { body });
    expect(dup.status).toBe(500);
    expect(rec(dup.body)).toMatchObject({ code: 13 });
    expect(String(rec(dup.body).message)).toContain('UNIQUE constraint failed: attachment.uid');
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
    lister = await memos.createUser('lister', 'lister-pass-123');
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
    const res = await call('GET', listQuery({ filter: 'creator == "users/lister"' }), { token: bob.token });
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
    bulk = await memos.createUser('bulk', 'bulk-pass-123');
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
    const user = await memos.createUser('stats', 'stats-pass-123');
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

describe('§7 SSE', () => {
  it('Bearer via fetch: ": connected" first, then unnamed data events for create/update/delete (any mask)', async () => {
    const sse = await openSse(memos.admin.token);
    try {
      expect(sse.res.headers.get('content-type')).toBe('text/event-stream');
      expect(sse.res.headers.get('cache-control')).toBe('no-cache');
      expect(sse.res.headers.get('x-accel-buffering')).toBe('no');
      await sse.waitFor((raw) => raw.includes('\n\n'), 'the first comment');
      expect(sse.raw().startsWith(': connected\n\n')).toBe(true);

      const memo = await createMemo({ content: 'live' });
      await patchMemo(uidOf(memo), 'pinned', { pinned: true });
      await patchMemo(uidOf(memo), 'content,update_time', { content: 'live 2' });
      await call('DELETE', `/api/v1/${memo.name}`);
      await sse.waitFor((raw) => raw.includes('"memo.deleted"') && raw.endsWith('\n\n'), 'memo.deleted');

      const mine = sse.events().filter((e) => e.name === memo.name);
      expect(mine).toEqual([
        { type: 'memo.created', name: memo.name },
        { type: 'memo.updated', name: memo.name },
        { type: 'memo.updated', name: memo.name },
        { type: 'memo.deleted', name: memo.name },
      ]);
      expect(sse.raw()).not.toMatch(/^(event|id|retry):/m);
    } finally {
      sse.close();
    }
  });

  it('comment creation emits memo.comment.created with the PARENT name (and no memo.created)', async () => {
    const parent = await createMemo({ content: 'sse parent' });
    const sse = await openSse(memos.admin.token);
    try {
      await sse.waitFor((raw) => raw.includes(': connected'), 'connected');
      const res = await call('POST', `/api/v1/${parent.name}/comments`, { body: { content: 'sse comment' } });
      const comment = asMemo(res.body);
      await sse.waitFor(
        (raw) => raw.includes('"memo.comment.created"') && raw.endsWith('\n\n'),
        'comment event',
      );
      expect(sse.events()).toEqual([{ type: 'memo.comment.created', name: parent.name }]);
      expect(sse.raw()).not.toContain(comment.name);
    } finally {
      sse.close();
    }
  });

  it('events of PRIVATE memos go only to their creator; PUBLIC ones to every user', async () => {
    const sse = await openSse(bob.token);
    try {
      await sse.waitFor((raw) => raw.includes(': connected'), 'connected');
      const priv = await createMemo({ content: 'secret', visibility: 'PRIVATE' });
      const pub = await createMemo({ content: 'announce', visibility: 'PUBLIC' });
      await sse.waitFor((raw) => raw.includes(pub.name) && raw.endsWith('\n\n'), 'the public memo event');
      expect(sse.events()).toEqual([{ type: 'memo.created', name: pub.name }]);
      expect(sse.raw()).not.toContain(priv.name);
    } finally {
      sse.close();
    }
  });

  it('without a token (or with an invalid one) → 401 {"error": "authentication required"}, JSON', async () => {
    for (const headers of [{}, { Authorization: 'Bearer memos_pat_invalid000000000000000000' }]) {
      const res = await fetch(`${memos.baseUrl}/api/v1/sse`, { headers });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({ error: 'authentication required' });
    }
  });
});

describe('§8 CORS', () => {
  it('preflight from any origin → 204 reflecting the origin and requested headers, no credentials, no max-age', async () => {
    const res = await fetch(`${memos.baseUrl}/api/v1/memos`, {
      method: 'OPTIONS',
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'PATCH',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,HEAD,PUT,PATCH,POST,DELETE');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('access-control-max-age')).toBeNull();
  });

  it('actual Bearer requests (REST and SSE) get the origin reflected, without credentials or expose-headers', async () => {
    const res = await call('GET', '/api/v1/memos?pageSize=1', { headers: { Origin: ORIGIN } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('access-control-expose-headers')).toBeNull();
    const ctrl = new AbortController();
    const sse = await fetch(`${memos.baseUrl}/api/v1/sse`, {
      headers: { Origin: ORIGIN, Authorization: `Bearer ${memos.admin.token}` },
      signal: ctrl.signal,
    });
    expect(sse.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    ctrl.abort();
  });

  it('the literal "null" origin is not reflected; the same-host origin also gets credentials', async () => {
    const nul = await fetch(`${memos.baseUrl}/api/v1/memos`, {
      method: 'OPTIONS',
      headers: { Origin: 'null', 'Access-Control-Request-Method': 'GET' },
    });
    expect(nul.headers.get('access-control-allow-origin')).toBeNull();
    const same = await fetch(`${memos.baseUrl}/api/v1/memos`, {
      method: 'OPTIONS',
      headers: { Origin: memos.baseUrl, 'Access-Control-Request-Method': 'POST' },
    });
    expect(same.headers.get('access-control-allow-origin')).toBe(memos.baseUrl);
    expect(same.headers.get('access-control-allow-credentials')).toBe('true');
  });
});

describe('§2/§6 derived tags, property and snippet (golden corpus)', () => {
  const golden: unknown = JSON.parse(
    readFileSync(new URL('../fixtures/memos/tags-golden.json', import.meta.url), 'utf8'),
  );
  const cases: GoldenCase[] = Array.isArray(rec(golden).cases) ? (rec(golden).cases as GoldenCase[]) : [];
  let tagger: User;

  beforeAll(async () => {
    tagger = await memos.createUser('tagger', 'tagger-pass-123');
  });

  it('the corpus has ≥ 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it('the live server derives exactly the recorded tags, property and snippet for every case', async () => {
    const mismatches: unknown[] = [];
    for (const c of cases) {
      const memo = await createMemo({ content: c.content }, { token: tagger.token });
      const got = { tags: memo.tags, property: memo.property, snippet: memo.snippet };
      const want = { tags: c.tags, property: c.property, snippet: c.snippet };
      if (JSON.stringify(got) !== JSON.stringify(want)) mismatches.push({ content: c.content, got, want });
    }
    expect(mismatches).toEqual([]);
  });

  it.each<[string, string, string[]]>([
    ['hierarchical', '#a/b', ['a/b']],
    ['code block and inline code are not tags', '```\n#incode\n```\n`#inline` #out', ['out']],
    ['URL fragment is not a tag', 'https://example.com/page#frag', []],
    ['headings are not tags', '# Title\n## Sub', []],
    ['CJK', '#中文', ['中文']],
    ['trailing punctuation stops a tag', '#tag.', ['tag']],
    ['digits only', '#123', ['123']],
    ['double hash', '##x', ['x']],
    ['emoji', '#🚀', ['🚀']],
    ['duplicates collapse, case kept', '#x #X #x', ['x', 'X']],
  ])('tags: %s', async (_title, content, tags) => {
    const memo = await createMemo({ content }, { token: tagger.token });
    expect(memo.tags).toEqual(tags);
  });

  it('property: hasLink only for Markdown links (not bare URLs); title = first H1 text; task flags', async () => {
    const link = await createMemo({ content: '[x](https://x.example)' }, { token: tagger.token });
    expect(link.property.hasLink).toBe(true);
    const bare = await createMemo(
      { content: 'https://x.example and <https://y.example>' },
      { token: tagger.token },
    );
    expect(bare.property.hasLink).toBe(false);
    const doc = await createMemo({ content: '# Plan\n\n- [ ] a\n- [x] b\n\n`c`' }, { token: tagger.token });
    expect(doc.property).toEqual({
      hasLink: false,
      hasTaskList: true,
      hasCode: true,
      hasIncompleteTasks: true,
      title: 'Plan',
    });
    const h2 = await createMemo({ content: '## Not a title' }, { token: tagger.token });
    expect(h2.property.title).toBe('');
  });

  it('snippet: plain text without Markdown markup or code blocks, long content cut with " ..."', async () => {
    const memo = await createMemo(
      { content: '**Bold** and _it_\n\n```\nhidden\n```\n\n[link](https://x.example)' },
      { token: tagger.token },
    );
    expect(memo.snippet).toBe('Bold and it link');
    const long = await createMemo({ content: 'word '.repeat(40) }, { token: tagger.token });
    expect(long.snippet.endsWith(' ...')).toBe(true);
    expect(long.snippet.length).toBeLessThan(80);
  });
});

describe('§9 instance profile admin', () => {
  it('profile.admin is the NEWEST admin account, not the first one', async () => {
    const res = await call('POST', '/api/v1/users', {
      body: { username: 'zadmin', password: 'zadmin-pass-123', role: 'ADMIN' },
    });
    expect(res.status).toBe(200);
    expect(rec(res.body).role).toBe('ADMIN');
    const profile = rec((await call('GET', '/api/v1/instance/profile', { token: null })).body);
    expect(rec(profile.admin).username).toBe('zadmin');
  });
});
