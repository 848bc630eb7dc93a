/**
 * Two devices (two local stores) and the official web UI editing one account on the real
 * Memos (MEMOS_VERSION): interleaved offline creates, edits, deletes, archives and pins,
 * synced in various orders. After quiescence both devices equal the server and no edit is
 * lost (each is on the server or in a visible conflict). Scripted scenarios name the rules
 * they exercise; a seeded random walk (fast-check, with transport faults) covers the orders
 * nobody thought of; fast-check prints the seed and the ops of a failing run. WALK_RUNS=n
 * runs more walks (default 12, to stay inside the CI budget).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MemoName } from '../../sync/core/ids';
import { type Device, expectMirrors, shape } from './helpers/device';
import { useMemosServer } from './helpers/server-suite';
import { randomWalk, runWalk } from './helpers/walk';
import type { Account } from './helpers/web';

const suite = useMemosServer();

async function pair() {
  const account = await suite.account();
  // A short client timeout: the random walks inject 'timeout-after' faults.
  const a = suite.device(account, { label: 'A', timeoutMs: 500 });
  const b = suite.device(account, { label: 'B', timeoutMs: 500 });
  return { account, a, b };
}

/** Full passes on both devices until a round writes nothing; then both mirror the server. */
/**
 * Full passes on every device until nothing is written. The memos a device deleted are
 * the user's own deletions, so when another device asks about them [S3] the user answers
 * "Delete them here too".
 */
async function converge(account: Account, devices: readonly Device[]): Promise<void> {
  for (let round = 0; round < 6; round++) {
    let wrote = false;
    for (const device of devices) {
      device.transport.clearLog();
      const report = await device.syncOk('full');
      wrote ||= device.transport.log.some((r) => r.method !== 'GET');
      if (report.heldDeletions) {
        await device.approveHeld();
        wrote = true;
      }
    }
    if (!wrote) break;
  }
  const server = await account.web.listAll();
  for (const device of devices) await expectMirrors(device, server);
}

async function content(device: Device, name: MemoName): Promise<string | undefined> {
  return (await device.memo(name))?.content;
}

describe('two devices, scripted', () => {
  it('[P1][C1][U1] offline work on different memos, synced B-A-B, converges everywhere', async () => {
    const { account, a, b } = await pair();
    const a1 = await a.write('a1');
    const b1 = await b.write('b1');
    await converge(account, [a, b]);

    await a.notebook.update(a1, { content: 'a1, edited on A' });
    await a.notebook.update(b1, { pinned: true });
    await b.notebook.update(a1, { state: 'ARCHIVED' });
    await b.notebook.update(b1, { content: 'b1, edited on B' });
    const a2 = await a.write('a2, made on A');
    const b2 = await b.write('b2, made on B', { visibility: 'PUBLIC' });
    await b.syncOk('delta');
    await a.syncOk('delta');
    await b.syncOk('delta');
    await converge(account, [a, b]);
    const server = await account.web.listAll();
    expect(server.map((m) => [m.name, m.content, m.state, m.pinned]).sort()).toEqual(
      [
        [a1, 'a1, edited on A', 'ARCHIVED', false],
        [b1, 'b1, edited on B', 'NORMAL', true],
        [a2, 'a2, made on A', 'NORMAL', false],
        [b2, 'b2, made on B', 'NORMAL', false],
      ].sort(),
    );
  });

  it('[M2] the same memo edited on both devices merges cleanly on both', async () => {
    const { account, a, b } = await pair();
    const name = await a.write('one\ntwo\nthree');
    await converge(account, [a, b]);
    await a.notebook.update(name, { content: 'ONE (A)\ntwo\nthree' });
    await b.notebook.update(name, { content: 'one\ntwo\nTHREE (B)' });
    await a.syncOk('delta');
    await b.syncOk('delta');
    await converge(account, [a, b]);
    expect(await content(a, name)).toBe('ONE (A)\ntwo\nTHREE (B)');
    expect(await b.conflictRecords()).toEqual([]);
  });

  it('[M4] clashing edits: the second device keeps its text as a conflict until it chooses', async () => {
    const { account, a, b } = await pair();
    const name = await a.write('lunch at noon');
    await converge(account, [a, b]);
    await a.notebook.update(name, { content: 'lunch at one (A)' });
    await b.notebook.update(name, { content: 'lunch at two (B)' });
    await a.syncOk('delta');
    await b.syncOk('delta');
    expect(await b.conflictRecords()).toEqual([
      expect.objectContaining({ name, localContent: 'lunch at two (B)', remoteContent: 'lunch at one (A)' }),
    ]);
    await converge(account, [a, b]);
    expect(await content(b, name)).toBe('lunch at one (A)');

    await b.conflicts.keepContent(name, 'lunch at two (B)');
    await converge(account, [a, b]);
    expect(await content(a, name)).toBe('lunch at two (B)');
    expect((await account.web.listAll()).map((m) => m.content)).toEqual(['lunch at two (B)']);
  });

  it('[C4] deleted on A, edited on B, A syncs first: the edit re-creates the memo on both', async () => {
    const { account, a, b } = await pair();
    const name = await a.write('contested');
    await converge(account, [a, b]);
    await a.notebook.remove(name);
    await b.notebook.update(name, { content: 'contested, but B kept working' });
    await a.syncOk('delta');
    expect((await b.syncOk('delta')).notices).toEqual([{ kind: 'recreated-after-remote-delete', name }]);
    await converge(account, [a, b]);
    expect(await content(a, name)).toBe('contested, but B kept working');
  });

  it('[D3] deleted on A, edited on B, B syncs first: A’s delete gives way to the edit', async () => {
    const { account, a, b } = await pair();
    const name = await a.write('contested');
    await converge(account, [a, b]);
    await a.notebook.remove(name);
    await b.notebook.update(name, { content: 'contested, but B kept working' });
    await b.syncOk('delta');
    expect((await a.syncOk('delta')).notices).toEqual([{ kind: 'restored-after-remote-edit', name }]);
    await converge(account, [a, b]);
    expect(await content(a, name)).toBe('contested, but B kept working');
  });

  it('[M1][M3][P4] archive on A, pin on B, visibility in the web UI: all three survive', async () => {
    const { account, a, b } = await pair();
    const name = await a.write('three hands');
    await converge(account, [a, b]);
    await a.notebook.update(name, { state: 'ARCHIVED' });
    await b.notebook.update(name, { pinned: true });
    await account.web.setVisibility(name, 'PROTECTED');
    await b.syncOk('delta');
    await a.syncOk('delta');
    await converge(account, [a, b]);
    expect(await account.web.get(name)).toMatchObject({
      state: 'ARCHIVED',
      pinned: true,
      visibility: 'PROTECTED',
    });
  });

  it('[D1][D4] both devices delete memos, some the same one: all gone everywhere, nothing else touched', async () => {
    const { account, a, b } = await pair();
    const [x, y, z, keep] = [
      await a.write('x'),
      await a.write('y'),
      await b.write('z'),
      await b.write('keep'),
    ];
    await converge(account, [a, b]);
    await a.notebook.remove(x);
    await a.notebook.remove(y);
    await b.notebook.remove(y);
    await b.notebook.remove(z);
    await b.syncOk('delta');
    await a.syncOk('delta');
    await converge(account, [a, b]);
    expect((await account.web.listAll()).map((m) => m.name)).toEqual([keep]);
    expect((await a.memos()).map(shape)).toEqual((await b.memos()).map(shape));
  });
});

const WALK_RUNS = Number(process.env.WALK_RUNS ?? 12);

describe('two devices, random walks', () => {
  it(
    '[O2][O3][C3][M1-M5][D1-D4][S2] random interleavings with faults converge and lose no edit',
    async () => {
      await fc.assert(
        fc.asyncProperty(randomWalk(), async (ops) => {
          const { account, a, b } = await pair();
          // Three memos both devices already share, so the walk's edits meet on them.
          for (const text of ['shared one', 'shared two', 'shared three']) await account.web.create(text);
          await a.syncOk();
          await b.syncOk();
          const ledger = await runWalk(ops, { account, devices: [a, b] });
          await converge(account, [a, b]);
          await ledger.check();
        }),
        { numRuns: WALK_RUNS, endOnFailure: true },
      );
    },
    Math.max(120_000, WALK_RUNS * 3_000),
  );
});
