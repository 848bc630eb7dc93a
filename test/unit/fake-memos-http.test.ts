/**
 * The fake Memos served over loopback HTTP (what the `unit-rules` project runs the rule
 * suites against): bootstrapped over REST like a real server, live events streamed as they
 * happen, a client that goes away ends its stream on the fake's side, the release under test
 * played and upgraded in place, and an unknown MEMOS_BACKEND is refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { serveFakeMemos } from '../fakes/fake-memos-http';
import { FakeMemosServer, SystemClock } from '../fakes/fake-memos-server';
import { memosBackendKind, startFakeMemos } from '../helpers/memos-backend';
import { bootstrapAccounts } from '../helpers/memos-instance';

const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function served() {
  const fake = new FakeMemosServer({ clock: new SystemClock(), version: 'dev' });
  const http = await serveFakeMemos(fake);
  stops.push(http.close);
  return { fake, http };
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the fake Memos over HTTP', () => {
  it('is bootstrapped over REST like a real server and answers with real status lines', async () => {
    const { http } = await served();
    const { admin, createUser } = await bootstrapAccounts(http.baseUrl);
    expect(admin.token).toMatch(/^memos_pat_/);
    const alice = await createUser('alice', 'alice-pass');
    const me = await fetch(`${http.baseUrl}/api/v1/auth/me`, {
      headers: { Authorization: `Bearer ${alice.token}` },
    });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { name: 'users/alice', role: 'USER' } });
    const profile = await fetch(`${http.baseUrl}/api/v1/instance/profile`);
    expect(await profile.json()).toMatchObject({ version: 'dev', needsSetup: false });
    const anonymous = await fetch(`${http.baseUrl}/api/v1/memos`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('content-type')).toMatch(/^text\/plain/);
  });

  it('streams live events as they happen and ends a stream whose client went away', async () => {
    const { fake, http } = await served();
    const { createUser } = await bootstrapAccounts(http.baseUrl);
    const alice = await createUser('alice', 'alice-pass');
    const aborted = new AbortController();
    const stream = await fetch(`${http.baseUrl}/api/v1/sse`, {
      headers: { Authorization: `Bearer ${alice.token}` },
      signal: aborted.signal,
    });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const reader = stream.body?.getReader();
    if (!reader) throw new Error('no body');
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (part: string) => {
      while (!text.includes(part)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${part}`);
        text += decoder.decode(value);
      }
    };
    await readUntil(': connected');
    const memo = fake.webUi('alice').create('hello', 'PRIVATE');
    await readUntil(`"name":"memos/${memo.uid}"`);
    expect(text).toContain('"type":"memo.created"');
    expect(fake.sse.subscriberCount).toBe(1);
    aborted.abort();
    await until(() => fake.sse.subscriberCount === 0);
  });

  it('plays the release under test and is upgraded in place by restartAs, keeping its data', async () => {
    const memos = await startFakeMemos('v0.29.1');
    stops.push(memos.stop);
    const profile = async () =>
      (await (await fetch(`${memos.baseUrl}/api/v1/instance/profile`)).json()) as Record<string, unknown>;
    expect(memos.version).toBe('0.29.1');
    expect(await profile()).toMatchObject({ version: '0.29.1' });
    expect(await profile()).not.toHaveProperty('needsSetup'); // 0.29 has no such field
    const alice = await memos.createUser('alice', 'alice-pass');
    await memos.restartAs('0.30.0');
    expect(memos.version).toBe('0.30.0');
    expect(await profile()).toMatchObject({ version: '0.30.0', needsSetup: false });
    const me = await fetch(`${memos.baseUrl}/api/v1/auth/me`, {
      headers: { Authorization: `Bearer ${alice.token}` },
    });
    expect(me.status).toBe(200);
    await expect(startFakeMemos('0.27.0')).rejects.toThrow('the fake Memos cannot play 0.27.0');
  });

  it('MEMOS_BACKEND is real by default, fake on request, and nothing else', () => {
    expect(memosBackendKind({})).toBe('real');
    expect(memosBackendKind({ MEMOS_BACKEND: 'fake' })).toBe('fake');
    expect(() => memosBackendKind({ MEMOS_BACKEND: 'mock' })).toThrow(
      'MEMOS_BACKEND must be "real" or "fake", not "mock"',
    );
  });
});
