/**
 * Executable facts about the real Memos REST API (v0.29.1 and v0.30.0, by MEMOS_VERSION)
 * that the sync client relies on: the server, authentication, tokens, bootstrap and the
 * instance profile (§0, §1, §9). Facts that differ between the releases are given for both
 * (`onVersion`) and say so in their titles.
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
  call,
  createMemo,
  onVersion,
  RFC3339_SECONDS,
  rec,
  server,
  useMemosInstance,
  VERSION,
} from './memos-api-facts/harness';

useMemosInstance();

describe('§0/§1/§9 server, auth and bootstrap', () => {
  it('§0.1 GET /healthz answers plain text "Service ready."', async () => {
    const res = await call('GET', '/healthz', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(res.text).toBe('Service ready.');
  });

  it('§9 instance profile (anonymous): a release build reports "0.29.1" / "0.30.0" (no "v") and its commit; needsSetup only since 0.30', async () => {
    const res = await call('GET', '/api/v1/instance/profile', { token: null });
    expect(res.status).toBe(200);
    const body = rec(res.body);
    expect(Object.keys(body).sort()).toEqual(
      onVersion({
        '0.29.1': ['admin', 'commit', 'demo', 'instanceUrl', 'version'],
        '0.30.0': ['admin', 'commit', 'demo', 'instanceUrl', 'needsSetup', 'version'],
      }),
    );
    expect(body).toMatchObject({ version: VERSION, demo: false, instanceUrl: '' });
    expect(String(body.commit)).toMatch(/^[0-9a-f]{40}$/);
    if (VERSION === '0.30.0') expect(body.needsSetup).toBe(false);
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
      body: { passwordCredentials: { username: 'admin', password: server().admin.password } },
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

  it('§1.2 PAT create/list: memos_pat_ token shown once; expiresAt/lastUsedAt are null (not omitted); nanosecond createdAt; the list has totalSize until 0.29', async () => {
    const signIn = rec(
      (
        await call('POST', '/api/v1/auth/signin', {
          token: null,
          body: { passwordCredentials: { username: 'admin', password: server().admin.password } },
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
      expect(Object.keys(listed).sort()).toEqual(
        onVersion({
          '0.29.1': ['nextPageToken', 'personalAccessTokens', 'totalSize'],
          '0.30.0': ['nextPageToken', 'personalAccessTokens'],
        }),
      );
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

  it('§0.3/§1.1 invalid PAT, no instance URL: 0.30 refuses it (401 text/plain "authentication required"); 0.29 treats it as anonymous (ListMemos 200, PUBLIC only)', async () => {
    await createMemo({ content: 'public, for the anonymous view', visibility: 'PUBLIC' });
    await createMemo({ content: 'private, never anonymous', visibility: 'PRIVATE' });
    const res = await call('GET', '/api/v1/memos', { token: 'memos_pat_thisIsNotAValidToken0000000' });
    expect(res.headers.get('www-authenticate')).toBeNull();
    if (VERSION === '0.30.0') {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(res.text).toBe('{"code": 16, "message": "authentication required"}\n');
      expect(res.body).toEqual({ code: 16, message: 'authentication required' });
    } else {
      // 0.29's gateway middleware never learns the method name, so it never refuses: the
      // public methods answer as for an anonymous caller, even without --instance-url.
      expect(res.status).toBe(200);
      const visibilities = (rec(res.body).memos as unknown[]).map((m) => rec(m).visibility);
      expect(visibilities.length).toBeGreaterThan(0);
      expect(new Set(visibilities)).toEqual(new Set(['PUBLIC']));
    }
  });

  it('§1.1 an invalid JWT-looking token and no token at all get the same answer (0.30: 401 everywhere; 0.29: public methods answer, the others 401 JSON "user not …")', async () => {
    for (const token of ['eyJnot.a.jwt', null]) {
      const res = await call('GET', '/api/v1/memos', { token });
      expect(res.status).toBe(onVersion({ '0.29.1': 200, '0.30.0': 401 }));
      if (VERSION === '0.30.0') expect(res.body).toEqual({ code: 16, message: 'authentication required' });
      const me = await call('GET', '/api/v1/auth/me', { token });
      expect(me.status).toBe(401);
      expect(me.headers.get('content-type')).toBe(
        onVersion({ '0.29.1': 'application/json', '0.30.0': 'text/plain; charset=utf-8' }),
      );
      expect(me.body).toEqual(
        onVersion({
          '0.29.1': { code: 16, message: 'user not found', details: [] },
          '0.30.0': { code: 16, message: 'authentication required' },
        }),
      );
    }
    const anonGet = await call('GET', `/api/v1/memos/${randomUUID()}`, { token: null });
    expect(anonGet.status).toBe(onVersion({ '0.29.1': 404, '0.30.0': 401 }));
  });

  it('§1.1 a revoked PAT → 401 on /auth/me; on list and get 401 (0.30) or anonymous answers (0.29: list 200 PUBLIC only, own PRIVATE memo 401, own ARCHIVED memo 404)', async () => {
    const signIn = rec(
      (
        await call('POST', '/api/v1/auth/signin', {
          token: null,
          body: { passwordCredentials: { username: 'admin', password: server().admin.password } },
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
    const memo = await createMemo({ content: 'seen before revocation', visibility: 'PRIVATE' });
    const archived = await createMemo({ content: 'archived before revocation', visibility: 'PRIVATE' });
    const uid = archived.name.slice('memos/'.length);
    expect(
      (await call('PATCH', `/api/v1/memos/${uid}?updateMask=state`, { body: { state: 'ARCHIVED' } })).status,
    ).toBe(200);
    expect((await call('GET', '/api/v1/memos', { token })).status).toBe(200);
    // Revoked with the session token, then checked until it stays gone: 0.29 stamps a PAT's
    // last use by rewriting the whole token list after answering, which can bring a token
    // revoked meanwhile back (FINDINGS X12).
    const session = String(signIn.accessToken);
    const listed = async () =>
      JSON.stringify(
        (await call('GET', '/api/v1/users/admin/personalAccessTokens', { token: session })).body,
      ).includes(name);
    const del = await call('DELETE', `/api/v1/${name}`, { token: session });
    expect(del.status).toBe(200);
    expect(del.body).toEqual({});
    for (let attempt = 0; attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 150));
      if (!(await listed())) break;
      await call('DELETE', `/api/v1/${name}`, { token: session });
    }
    expect(await listed()).toBe(false);
    const authRequired = { status: 401, body: { code: 16, message: 'authentication required' } };
    const expected = onVersion({
      '0.29.1': {
        '/api/v1/memos': { status: 200, body: undefined },
        [`/api/v1/${memo.name}`]: {
          status: 401,
          body: { code: 16, message: 'user not authenticated', details: [] },
        },
        [`/api/v1/${archived.name}`]: {
          status: 404,
          body: { code: 5, message: 'memo not found', details: [] },
        },
        '/api/v1/auth/me': { status: 401, body: { code: 16, message: 'user not found', details: [] } },
      },
      '0.30.0': {
        '/api/v1/memos': authRequired,
        [`/api/v1/${memo.name}`]: authRequired,
        [`/api/v1/${archived.name}`]: authRequired,
        '/api/v1/auth/me': authRequired,
      },
    });
    for (const [path, want] of Object.entries(expected)) {
      const res = await call('GET', path, { token });
      expect(res.status, path).toBe(want.status);
      if (want.body) expect(res.body, path).toEqual(want.body);
      else expect((rec(res.body).memos as unknown[]).map((m) => rec(m).name)).not.toContain(memo.name);
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

describe('§9 instance profile admin', () => {
  it('profile.admin is the NEWEST admin account, not the first one', async () => {
    // Newest by created_ts, in seconds: 0.30 breaks a tie by id, 0.29 leaves it to SQLite (the
    // older row first), so the second admin is made in a later second than the first.
    const before = rec((await call('GET', '/api/v1/instance/profile', { token: null })).body);
    const firstCreated = Date.parse(String(rec(before.admin).createTime));
    while (Math.floor(Date.now() / 1000) <= Math.floor(firstCreated / 1000))
      await new Promise((resolve) => setTimeout(resolve, 50));
    const res = await call('POST', '/api/v1/users', {
      body: { username: 'zadmin', password: 'zadmin-pass-123', role: 'ADMIN' },
    });
    expect(res.status).toBe(200);
    expect(rec(res.body).role).toBe('ADMIN');
    const profile = rec((await call('GET', '/api/v1/instance/profile', { token: null })).body);
    expect(rec(profile.admin).username).toBe('zadmin');
  });
});
