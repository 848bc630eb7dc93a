/**
 * Connecting through the sync controller to the real Memos server (MEMOS_VERSION): the
 * version check [V1], moving a notebook between accounts and servers only after asking
 * [V2, A1] (and what the Trash does with another account's memos [R4]), and the one-time
 * exchange of a username and password for a personal access token that Disconnect revokes
 * [V3].
 */
import { describe, expect, it } from 'vitest';
import type { ExistingMemosChoice } from '../../sync/controller';
import { createTrash } from '../../sync/db/trash';
import { memosVersionUnderTest } from '../helpers/memos-binary';
import { type AppDevice, createAppDevice } from './helpers/app-device';
import { shape, until } from './helpers/device';
import { useMemosServer } from './helpers/server-suite';
import type { Account } from './helpers/web';

const suite = useMemosServer();

function app(): AppDevice {
  const device = createAppDevice();
  suite.cleanup(() => device.dispose());
  return device;
}

async function connectWithToken(
  device: AppDevice,
  account: Account,
  serverUrl = suite.baseUrl,
  existingMemos?: ExistingMemosChoice,
) {
  const streams = device.transport.streamsOpened;
  const connected = await device.controller.connect(
    { serverUrl, token: account.token },
    existingMemos ? { existingMemos } : {},
  );
  if (!connected.ok) throw new Error(`connect failed: ${connected.error.message}`);
  await until(() => device.transport.streamsOpened > streams, 'the live event stream');
  return connected.value;
}

/** Memos captured before connecting (two of them days ago), with one pinned and one archived. */
async function captureOffline(device: AppDevice): Promise<void> {
  await device.notebook.create({ content: 'captured first', visibility: 'PRIVATE' });
  device.timers.advance(2 * 24 * 60 * 60 * 1000);
  const b = await device.notebook.create({ content: 'captured second', visibility: 'PUBLIC' });
  await device.notebook.update(b.name, { pinned: true });
  const c = await device.notebook.create({ content: 'captured third', visibility: 'PRIVATE' });
  await device.notebook.update(c.name, { state: 'ARCHIVED' });
}

async function localShapes(device: AppDevice) {
  return (await device.db.memos.orderBy('name').toArray()).map(shape);
}

const writes = (device: AppDevice) =>
  device.transport.log.filter((r) => r.method === 'POST' || r.method === 'PATCH' || r.method === 'DELETE');

describe('version', () => {
  it('[V1] the real server reports its release (no "v") and is accepted as tested', async () => {
    const account = await suite.account();
    const device = app();
    const connection = await connectWithToken(device, account);
    expect(connection.user).toBe(account.user);
    const profile = device.transport.requests('GET', '/api/v1/instance/profile');
    expect(JSON.parse(profile[0]?.responseText ?? '{}')).toMatchObject({ version: memosVersionUnderTest() });
    await device.settle();
    expect(await device.status()).toMatchObject({ phase: 'idle', lastSyncAt: expect.any(Number) });
    expect(await device.meta.server()).toMatchObject({
      version: memosVersionUnderTest(),
      support: 'tested',
      description: `Memos ${memosVersionUnderTest()}: tested with Memos 0.29.1 and 0.30.0.`,
    });
  });

  it('[V1] a server older than supported gets one sentence naming the oldest supported version; nothing is stored', async () => {
    const account = await suite.account();
    const device = app();
    device.transport.on({
      path: '/api/v1/instance/profile',
      respond: () => Response.json({ version: '0.28.2' }),
    });
    const result = await device.controller.connect({ serverUrl: suite.baseUrl, token: account.token });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({
      kind: 'unsupported-version',
      message: 'Memos 0.28.2 is older than this app supports; it needs Memos 0.29.0 or newer.',
    });
    expect(await device.meta.connection()).toBeUndefined();
    expect(device.transport.log.map((r) => r.path)).toEqual(['/api/v1/instance/profile']);
  });
});

describe('version, as other servers would report it', () => {
  // What the profile says at connect time (then the real server answers the passes, so its
  // real version replaces it: the capabilities are derived again on every pass).
  const accepted: Array<[string, unknown, string]> = [
    ['0.30.1', '0.30.1', '0.30.1'],
    ['0.29.0', '0.29.0', '0.29.0'],
    ['v0.31.0', 'v0.31.0', '0.31.0'],
    ['26.10 (calendar version)', '26.10', '26.10'],
    ['dev', 'dev', 'dev'],
    ['garbage', 'banana', 'banana'],
    ['no version at all', undefined, 'unknown'],
  ];
  it.each(accepted)(
    '[V1] a server reporting %s is accepted, and the next pass follows the real version',
    async (_, version, shown) => {
      const account = await suite.account();
      const device = app();
      device.transport.on({
        path: '/api/v1/instance/profile',
        respond: () => Response.json(version === undefined ? { demo: false } : { version }),
      });
      await connectWithToken(device, account);
      await device.settle();
      expect(await device.status()).toMatchObject({ phase: 'idle', lastSyncAt: expect.any(Number) });
      expect(await device.meta.server()).toMatchObject({
        version: memosVersionUnderTest(),
        support: 'tested',
        changedFrom: shown,
      });
    },
  );

  const refused: Array<[string, number, unknown, string]> = [
    [
      '0.28.2',
      200,
      '0.28.2',
      'Memos 0.28.2 is older than this app supports; it needs Memos 0.29.0 or newer.',
    ],
    [
      '0.25.0',
      200,
      '0.25.0',
      'Memos 0.25.0 is older than this app supports; it needs Memos 0.29.0 or newer.',
    ],
    [
      '(no profile endpoint)',
      404,
      undefined,
      'This server has no /api/v1/instance/profile, so it runs Memos older than 0.26; this app needs Memos 0.29.0 or newer.',
    ],
  ];
  it.each(refused)('[V1] a server reporting %s is refused', async (_, status, version, refusal) => {
    const account = await suite.account();
    const device = app();
    device.transport.on({
      path: '/api/v1/instance/profile',
      respond: () =>
        status === 200
          ? Response.json({ version })
          : Response.json({ code: 5, message: 'Not Found' }, { status }),
    });
    const result = await device.controller.connect({ serverUrl: suite.baseUrl, token: account.token });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ kind: 'unsupported-version', message: refusal });
    expect(await device.meta.connection()).toBeUndefined();
  });
});

describe('moving a notebook', () => {
  it('[V2] reconnecting to the same server and account uploads nothing twice', async () => {
    const account = await suite.account();
    const device = app();
    await captureOffline(device);
    await connectWithToken(device, account);
    await until(async () => (await account.web.listAll()).length === 3, 'the captured memos on the server');
    await device.settle();
    expect((await account.web.listAll()).map(shape)).toEqual(await localShapes(device));

    await device.controller.disconnect({ clearData: false });
    device.transport.clearLog();
    await connectWithToken(device, account);
    await device.settle();
    expect(writes(device)).toEqual([]);
    expect(await device.db.bases.count()).toBe(3);
    expect((await device.status()).phase).toBe('idle');
  });

  it('[V2][A1] connecting the notebook to another account asks first; "upload" sends every memo there', async () => {
    const alice = await suite.account('alice');
    const bob = await suite.account('bob');
    const device = app();
    await captureOffline(device);
    await connectWithToken(device, alice);
    await until(async () => (await alice.web.listAll()).length === 3, 'the memos in the first account');
    await device.settle();

    device.transport.clearLog();
    const asked = await device.controller.connect({ serverUrl: suite.baseUrl, token: bob.token });
    expect(asked.ok).toBe(false);
    if (asked.ok) return;
    expect(asked.error).toMatchObject({
      kind: 'account-switch',
      localCount: 3,
      from: { user: alice.user },
      to: { user: bob.user },
    });
    expect(writes(device)).toEqual([]);
    expect((await device.meta.connection())?.user).toBe(alice.user);

    await connectWithToken(device, bob, suite.baseUrl, 'upload');
    await until(async () => (await bob.web.listAll()).length === 3, 'the memos in the second account');
    await device.settle();
    const inBob = await bob.web.listAll();
    const project = (m: { content: string; pinned: boolean; state: string; createTime: number }) => [
      m.content,
      m.pinned,
      m.state,
      m.createTime,
    ];
    expect(inBob.map(project).sort()).toEqual((await alice.web.listAll()).map(project).sort());
    expect(await localShapes(device)).toEqual(inBob.map(shape));
    expect((await device.status()).phase).toBe('idle');
  });

  it('[V2][C3] the same account reached through another URL: every memo is sent again and adopted, none duplicated', async () => {
    const account = await suite.account();
    const device = app();
    await captureOffline(device);
    await connectWithToken(device, account);
    await until(async () => (await account.web.listAll()).length === 3, 'the memos on the server');
    await device.settle();

    device.transport.clearLog();
    await connectWithToken(device, account, suite.baseUrl.replace('127.0.0.1', 'localhost'), 'upload');
    await device.settle();
    expect(device.transport.requests('POST').map((r) => r.status)).toEqual([409, 409, 409]);
    expect(device.transport.requests('PATCH')).toEqual([]);
    const server = await account.web.listAll();
    expect(server).toHaveLength(3);
    expect(await localShapes(device)).toEqual(server.map(shape));
    expect(await device.db.conflicts.count()).toBe(0);
  });
});

describe('another account’s memos', () => {
  it('[A1] after user A disconnects, B connecting never receives A’s memos without the question', async () => {
    const alice = await suite.account('alice');
    const bob = await suite.account('bob');
    const device = app();
    await captureOffline(device);
    await connectWithToken(device, alice);
    await until(async () => (await alice.web.listAll()).length === 3, 'the memos in the first account');
    await device.settle();
    await device.controller.disconnect({ clearData: false });

    const asked = await device.controller.connect({ serverUrl: suite.baseUrl, token: bob.token });
    expect(!asked.ok && asked.error.kind).toBe('account-switch');
    if (!asked.ok && asked.error.kind === 'account-switch')
      await device.controller.cancelConnect(asked.error.credential);
    expect(await device.meta.connection()).toBeUndefined();
    expect(await bob.web.listAll()).toEqual([]);
    expect(await device.db.memos.count()).toBe(3);
  });

  it('[A1][R4] "start fresh": the old memos wait in the Trash, restore on this device only, and never reach the new account', async () => {
    const alice = await suite.account('alice');
    const bob = await suite.account('bob');
    await bob.web.create('bob’s own memo');
    const device = app();
    await captureOffline(device);
    await connectWithToken(device, alice);
    await until(async () => (await alice.web.listAll()).length === 3, 'the memos in the first account');
    await device.settle();

    await connectWithToken(device, bob, suite.baseUrl, 'start-fresh');
    await until(async () => (await device.db.memos.count()) === 1, 'bob’s notebook');
    await device.settle();
    expect((await device.db.memos.toArray()).map((m) => m.content)).toEqual(['bob’s own memo']);
    const trash = await device.db.trash.toArray();
    expect(trash).toHaveLength(3);
    expect(trash.every((row) => row.reason === 'left-with-account' && row.account?.user === alice.user)).toBe(
      true,
    );

    const trashApi = createTrash({ db: device.db, feed: device.feed, now: device.timers.now });
    const [first] = trash;
    if (!first) throw new Error('setup');
    expect(await trashApi.restore(first.name)).toEqual({ kind: 'restored', name: first.name, synced: false });
    expect(await device.db.memos.get(first.name)).toMatchObject({ localOnly: true });
    // Editing it here still never sends it to bob.
    await device.notebook.update(first.name, { content: 'edited after restoring' });
    device.controller.trigger('manual', { full: true });
    await device.settle();
    expect((await bob.web.listAll()).map((m) => m.content)).toEqual(['bob’s own memo']);
    expect(await device.db.outbox.count()).toBe(0);
    // Alice's server copies were never touched.
    expect(await alice.web.listAll()).toHaveLength(3);
  });
});

describe('password sign-in', () => {
  it('[V3] a username and password are exchanged once for a personal access token; the password is stored nowhere', async () => {
    const account = await suite.account();
    const device = app();
    await device.notebook.create({ content: 'before signing in', visibility: 'PRIVATE' });
    const result = await device.controller.connect({
      serverUrl: suite.baseUrl,
      username: account.username,
      password: account.password,
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.token).toMatch(/^memos_pat_/);
    expect(device.transport.requests('POST', '/auth/signin')).toHaveLength(1);
    expect(device.transport.requests('POST', '/personalAccessTokens')).toHaveLength(1);
    await until(async () => (await account.web.listAll()).length === 1, 'the memo on the server');
    await device.settle();

    // Every request after the sign-in uses the minted token, never the password.
    const afterSignIn = device.transport.log.filter((r) => !r.path.endsWith('/auth/signin'));
    expect(JSON.stringify(afterSignIn.map((r) => r.body))).not.toContain(account.password);
    for (const table of device.db.tables) {
      const rows = JSON.stringify(await table.toArray());
      expect(rows, `table ${table.name}`).not.toContain(account.password);
    }
    expect((await device.meta.connection())?.token).toBe(result.value.token);
  });

  it('[V3] Disconnect revokes the token the app minted; a pasted token is never revoked', async () => {
    const account = await suite.account();
    const device = app();
    const result = await device.controller.connect({
      serverUrl: suite.baseUrl,
      username: account.username,
      password: account.password,
    });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.mintedToken).toMatch(new RegExp(`^${account.user}/personalAccessTokens/`));
    await device.settle();
    const minted = result.value.token;
    expect(
      (await fetch(`${suite.baseUrl}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${minted}` } }))
        .status,
    ).toBe(200);

    // The controller pauses for the server's last-use stamp before it confirms the revoke:
    // virtual time moves no faster than real time here, so the pause is a real one.
    const disconnecting = device.controller.disconnect({ clearData: false });
    let settled = false;
    void disconnecting.finally(() => {
      settled = true;
    });
    while (!settled) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      device.timers.advance(25);
    }
    const outcome = await disconnecting;
    const revokes = device.transport.requests('DELETE', '/personalAccessTokens/').map((r) => r.status);
    expect(revokes.length).toBeGreaterThanOrEqual(1);
    expect(revokes.every((status) => status === 200)).toBe(true);
    // Once every last-use stamp has landed, the app's word holds: revoked means refused.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const after = (
      await fetch(`${suite.baseUrl}/api/v1/auth/me`, { headers: { Authorization: `Bearer ${minted}` } })
    ).status;
    if (memosVersionUnderTest().startsWith('0.29') && outcome.revokeProblem !== undefined) {
      // Memos 0.29 writes a token revoked by a request it authenticated back into the list
      // (FINDINGS X12), often every time: the app says so and names where to remove it.
      expect(outcome.revokeProblem).toMatch(/still accepts it.*Access Tokens in Memos' settings/);
      expect(after).toBe(200);
    } else {
      expect(outcome).toEqual({});
      expect(after).toBe(401);
    }

    // A token the user pasted stays valid after Disconnect.
    const pasted = app();
    await connectWithToken(pasted, account);
    await pasted.settle();
    expect(await pasted.controller.disconnect({ clearData: false })).toEqual({});
    expect(pasted.transport.requests('DELETE')).toEqual([]);
    expect(
      (
        await fetch(`${suite.baseUrl}/api/v1/auth/me`, {
          headers: { Authorization: `Bearer ${account.token}` },
        })
      ).status,
    ).toBe(200);
  });

  it('[V3] a wrong password is refused and nothing is stored', async () => {
    const account = await suite.account();
    const device = app();
    const result = await device.controller.connect({
      serverUrl: suite.baseUrl,
      username: account.username,
      password: 'not the password',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('unauthorized');
    expect(await device.meta.connection()).toBeUndefined();
  });
});
