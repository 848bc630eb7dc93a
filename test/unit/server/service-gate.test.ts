/**
 * The gate in front of the home server's own services: only tokens Memos accepts, cached
 * briefly by hash; off without MEMOS_URL unless turned on.
 */
import { describe, expect, it } from 'vitest';
import { createServiceGate } from '../../../server/service-gate';

function fakeMemos(users: Record<string, string>) {
  const calls: string[] = [];
  let down = false;
  const fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const auth = new Headers(init?.headers).get('authorization') ?? '';
    calls.push(`${url} ${auth}`);
    if (down) throw new TypeError('fetch failed');
    const token = auth.replace(/^Bearer /, '');
    const user = users[token];
    return user
      ? new Response(JSON.stringify({ user: { name: user } }), { status: 200 })
      : new Response('{"code":16,"message":"unauthenticated"}', { status: 401 });
  };
  return {
    calls,
    fetch,
    setDown(value: boolean) {
      down = value;
    },
  };
}

describe('service gate', () => {
  it('is off without MEMOS_URL unless the operator turns it on', async () => {
    const off = createServiceGate({ memosUrl: undefined, openWithoutMemos: false, serviceName: 'x' });
    expect(await off.check('Bearer anything')).toMatchObject({ ok: false, status: 403 });
    const on = createServiceGate({ memosUrl: undefined, openWithoutMemos: true, serviceName: 'x' });
    expect(await on.check(undefined)).toEqual({ ok: true, user: 'local' });
  });

  it('accepts only tokens Memos accepts, names the user, and caches the verdict briefly', async () => {
    let t = 0;
    const memos = fakeMemos({ good: 'users/alice' });
    const gate = createServiceGate({
      memosUrl: 'http://memos.test',
      openWithoutMemos: false,
      serviceName: 'x',
      fetch: memos.fetch,
      now: () => t,
      acceptTtlMs: 1_000,
      refuseTtlMs: 100,
    });
    expect(await gate.check(undefined)).toMatchObject({ ok: false, status: 401 });
    expect(await gate.check('Basic abc')).toMatchObject({ ok: false, status: 401 });
    expect(memos.calls).toHaveLength(0);
    expect(await gate.check('Bearer good')).toEqual({ ok: true, user: 'users/alice' });
    expect(await gate.check('Bearer good')).toEqual({ ok: true, user: 'users/alice' });
    expect(memos.calls).toEqual(['http://memos.test/api/v1/auth/me Bearer good']);
    expect(await gate.check('Bearer bad')).toMatchObject({ ok: false, status: 401 });
    t = 1_001;
    expect(await gate.check('Bearer good')).toEqual({ ok: true, user: 'users/alice' });
    expect(memos.calls).toHaveLength(3);
  });

  it('refuses with 503 while Memos is unreachable, and does not cache that', async () => {
    const memos = fakeMemos({ good: 'users/alice' });
    const gate = createServiceGate({
      memosUrl: 'http://memos.test',
      openWithoutMemos: true,
      serviceName: 'x',
      fetch: memos.fetch,
    });
    memos.setDown(true);
    expect(await gate.check('Bearer good')).toMatchObject({ ok: false, status: 503 });
    memos.setDown(false);
    expect(await gate.check('Bearer good')).toEqual({ ok: true, user: 'users/alice' });
  });

  it('asks Memos once for concurrent checks of one token', async () => {
    const memos = fakeMemos({ good: 'users/bob' });
    const gate = createServiceGate({
      memosUrl: 'http://memos.test',
      openWithoutMemos: false,
      serviceName: 'x',
      fetch: memos.fetch,
    });
    const verdicts = await Promise.all([gate.check('Bearer good'), gate.check('Bearer good')]);
    expect(verdicts).toEqual([
      { ok: true, user: 'users/bob' },
      { ok: true, user: 'users/bob' },
    ]);
    expect(memos.calls).toHaveLength(1);
  });
});
