/**
 * The op log of a fuzz run is the run: replaying a seed's recorded log (no PRNG) repeats it
 * step for step, which is what makes a shrunk log a faithful regression. Also: the log
 * reader names what is wrong with a malformed log, and the shrinker keeps exactly what a
 * failure needs.
 */
import { describe, expect, it } from 'vitest';
import { cloneLog, type FuzzLog, LOG_FORMAT, type Op, parseLog } from './sync-fuzz/oplog';
import { replayLog, runSeed } from './sync-fuzz/run-seed';
import { shrinkLog } from './sync-fuzz/shrink';

/** SYNC_FUZZ_REPLAY_SEEDS=n checks more seeds. */
const SEEDS = Array.from({ length: Number(process.env.SYNC_FUZZ_REPLAY_SEEDS ?? 6) }, (_, i) => 1 + i * 37);

describe('a recorded run replays exactly', () => {
  const runs = [...SEEDS.map((seed) => ['0.30', seed] as const), ['0.31', 2] as const, ['0.31', 39] as const];
  it.each(runs)('Memos %s, seed %i: the same trace, the same verdict', async (profile, seed) => {
    const generated = await runSeed(seed, { profile });
    const replayed = await replayLog(JSON.parse(JSON.stringify(generated.log)) as FuzzLog);
    // Line 0 is the header (seed vs replay); everything after it must be identical.
    expect(replayed.lines.slice(1)).toEqual(generated.lines.slice(1));
    expect(replayed.violations).toEqual(generated.violations);
    expect(generated.log.ops.length).toBeGreaterThan(45);
  });
});

const world = { devices: [{ skewMs: 0, contentLimitBytes: 8192 }], maxPageSize: 1000, publicInstance: false };

describe('reading a log', () => {
  it('accepts a log and names the first mistake in a malformed one', () => {
    const log = { format: LOG_FORMAT, world, ops: [{ do: 'clock', ms: 5 }] };
    expect(parseLog(log).ops).toHaveLength(1);
    expect(() => parseLog({ ...log, format: 'x' })).toThrow(
      /log\.format: expected "memos-offline\/sync-fuzz-log@1"/,
    );
    expect(() =>
      parseLog({ ...log, ops: [{ do: 'edit', device: 'A', memo: 'A1', edit: 'rewrite', at: 1 }] }),
    ).toThrow(/log\.ops\[0\]\.edit: expected one of append, insert, replace/);
    expect(() =>
      parseLog({
        ...log,
        ops: [
          {
            do: 'sync',
            device: 'A',
            mode: 'full',
            hints: true,
            requests: [{ req: 'GET me', fault: 'explode' }],
          },
        ],
      }),
    ).toThrow(/log\.ops\[0\]\.requests\[0\]\.fault: expected one of drop-request/);
    expect(() => parseLog({ ...log, ops: [{ do: 'fly' }] })).toThrow(/log\.ops\[0\]\.do: unknown op "fly"/);
  });
});

describe('shrinking a log', () => {
  const sync = (device: string, requests: NonNullable<Extract<Op, { do: 'sync' }>['requests']>): Op => ({
    do: 'sync',
    device,
    mode: 'delta',
    hints: true,
    requests,
  });
  const big: FuzzLog = {
    format: LOG_FORMAT,
    world,
    ops: [
      ...Array.from({ length: 20 }, (_, i): Op => ({ do: 'clock', ms: i })),
      { do: 'create', device: 'A', memo: 'A1', visibility: 'PRIVATE' },
      ...Array.from({ length: 20 }, (_, i): Op => ({ do: 'clock', ms: 100 + i })),
      sync('A', [
        { req: 'GET me', fault: 'http-500' },
        {
          req: 'POST A1',
          fault: 'drop-response',
          after: [
            { do: 'clock', ms: 7 },
            { do: 'edit', device: 'A', memo: 'A1', edit: 'append', at: 0 },
          ],
        },
      ]),
    ],
    events: [{ event: 'memo.created A1', to: 'B', decision: 'drop' }],
  };
  /** A stand-in failure: needs the create, the lost POST answer and the edit made meanwhile. */
  const fails = async (log: FuzzLog) => {
    const text = JSON.stringify(log);
    return text.includes('"do":"create"') && text.includes('"drop-response"') && text.includes('"do":"edit"');
  };

  it('deletes everything the failure does not need, nested ops and faults included', async () => {
    const shrunk = await shrinkLog(cloneLog(big), fails);
    expect(shrunk.log.ops).toEqual([
      { do: 'create', device: 'A', memo: 'A1', visibility: 'PRIVATE' },
      {
        ...sync('A', [
          {
            req: 'POST A1',
            fault: 'drop-response',
            after: [{ do: 'edit', device: 'A', memo: 'A1', edit: 'append', at: 0 }],
          },
        ]),
        hints: false, // a simpler pass that still fails
      },
    ]);
    expect(shrunk.log.events).toBeUndefined();
    expect(shrunk.from).toBe(44);
    expect(shrunk.to).toBe(3);
    expect(await fails(shrunk.log)).toBe(true);
  });

  it('stops at its budget with a log that still fails', async () => {
    const shrunk = await shrinkLog(cloneLog(big), fails, { maxRuns: 3 });
    expect(shrunk.runs).toBe(3);
    expect(await fails(shrunk.log)).toBe(true);
    expect(shrunk.to).toBeLessThanOrEqual(shrunk.from);
  });
});
