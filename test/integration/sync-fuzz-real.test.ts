/**
 * The seeded 3-device fuzz of test/unit/sync-fuzz/ (same simulator, ops, faults and
 * invariants) against a REAL Memos server (MEMOS_VERSION; 40 seeds on the default v0.30.0,
 * 12 on other releases, to keep their leg of `npm test` short) instead of the in-memory fake: one
 * instance for this file, fresh users and uid prefix per seed (sync-fuzz-real/real-server.ts
 * says what is real and what is emulated). The devices reach Memos through a fault-injecting
 * loopback proxy (sync-fuzz-real/fault-proxy.ts): dropped requests and responses, duplicate
 * delivery, 500s and truncated bodies happen on real sockets; timeouts and kills in the
 * device's fetch. Regressions are op logs in the unit fuzz's format (sync-fuzz-real/
 * regressions/*.json, found here; and the unit fuzz's own logs of a private instance, found
 * on the fake: a log names memos by labels, so it plays on any server); they run first, then
 * the fixed seed range. A failure prints the seed, the violated invariant, the trace and op
 * log of the shrunk run, and the replay commands. A replay repeats every choice of the run;
 * the server's clock and generated ids are its own.
 */
import { basename } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MEMOS_VERSION, memosVersionUnderTest } from '../helpers/memos-binary';
import { type MemosInstance, startMemos } from '../helpers/memos-instance';
import { logsFromEnv, readRegressions, reportFailure } from '../unit/sync-fuzz/failures';
import type { FuzzLog } from '../unit/sync-fuzz/oplog';
import { coverage, type FuzzConfig, replayLog, runSeed } from '../unit/sync-fuzz/run-seed';
import { WIRE_FAULTS } from './sync-fuzz-real/fault-proxy';
import { realServerFactory } from './sync-fuzz-real/real-server';

const FIRST_SEED = 1;
/** SYNC_FUZZ_REAL_COUNT=n runs more seeds (a larger budget for a nightly run). */
const SEED_COUNT = Number(
  process.env.SYNC_FUZZ_REAL_COUNT ?? (memosVersionUnderTest() === DEFAULT_MEMOS_VERSION ? 40 : 12),
);
/** The fake's scenario length; a seed takes about a second of real HTTP and SQLite here. */
const STEPS = 45;
/** A failing seed's log is shrunk for at most this long (each replay is a real run). */
const SHRINK_MS = 8 * 60_000;
const TEST = 'npx vitest run --project integration test/integration/sync-fuzz-real.test.ts';

let instance: MemosInstance | undefined;
/** Faults the loopback proxy performed on real sockets during this file, by kind. */
const wireFaults: Record<string, number> = {};
const makeServer = realServerFactory(() => {
  if (!instance) throw new Error('the Memos instance is not running');
  return instance;
}, wireFaults);

beforeAll(async () => {
  instance = await startMemos();
});
afterAll(async () => {
  await instance?.stop();
});

const totals: Record<string, number> = {};
let runs = 0;

/** SYNC_FUZZ_REAL_STEPS=n plays longer scenarios. */
const steps = process.env.SYNC_FUZZ_REAL_STEPS ? Number(process.env.SYNC_FUZZ_REAL_STEPS) : STEPS;

async function expectClean(seed: number): Promise<void> {
  // The real instance is private (anonymous reads are refused): no public-instance seeds.
  const overrides: Partial<FuzzConfig> = { steps, publicInstance: false };
  const outcome = await runSeed(seed, overrides, makeServer);
  runs++;
  for (const [key, count] of Object.entries(coverage(outcome.lines)))
    totals[key] = (totals[key] ?? 0) + count;
  if (outcome.violations.length === 0) return;
  expect.fail(
    await reportFailure({
      name: `real-seed-${seed}`,
      title: `sync fuzz against a real Memos failed: seed ${seed} (${steps} steps)`,
      outcome,
      makeServer,
      replaySeed: `SYNC_FUZZ_REAL_SEED=${seed} SYNC_FUZZ_REAL_STEPS=${steps} ${TEST}`,
      replayLog: (path) => `SYNC_FUZZ_REAL_LOG=${path} ${TEST}`,
      shrink: process.env.SYNC_FUZZ_SHRINK !== '0',
      budget: { maxMs: SHRINK_MS, maxRuns: 300 },
    }),
  );
}

async function expectLogClean(file: string, log: FuzzLog, trace: boolean): Promise<void> {
  const outcome = await replayLog(log, makeServer, { trace });
  runs++;
  if (outcome.violations.length === 0) return;
  expect.fail(
    await reportFailure({
      name: `real-log-${basename(file, '.json')}`,
      title: `sync fuzz log failed against a real Memos: ${file}${log.bug ? ` (${log.bug})` : ''}`,
      outcome,
      makeServer,
      replayLog: (path) => `SYNC_FUZZ_REAL_LOG=${path} ${TEST}`,
      shrink: process.env.SYNC_FUZZ_SHRINK !== '0',
      budget: { maxMs: SHRINK_MS, maxRuns: 300 },
    }),
  );
}

/** SYNC_FUZZ_REAL_SEED=7 or =7,12,40 plays only those seeds; SYNC_FUZZ_REAL_LOG=a.json,… only those logs. */
const onlySeeds = process.env.SYNC_FUZZ_REAL_SEED?.split(',').map(Number);
const onlyLogs = logsFromEnv(process.env.SYNC_FUZZ_REAL_LOG);
const seeds = onlySeeds ?? Array.from({ length: SEED_COUNT }, (_, i) => FIRST_SEED + i);

afterAll(() => {
  const summary = Object.entries(totals).map(([key, count]) => `${key} ${count}`);
  const wire = Object.entries(wireFaults).map(([kind, count]) => `${kind} ${count}`);
  console.log(`sync fuzz (real Memos): ${runs} runs; ${summary.join(', ')}; on the wire: ${wire.join(', ')}`);
});

if (onlyLogs) {
  describe('sync fuzz against a real Memos: the logs named in SYNC_FUZZ_REAL_LOG', () => {
    for (const { file, log } of onlyLogs)
      it(file, () => expectLogClean(file, log, true), SHRINK_MS + 120_000);
  });
} else {
  if (!onlySeeds) {
    // Logs of a public instance, or of 0.31, need the fake (the real test instance is a private 0.29/0.30).
    const onReal = (log: FuzzLog) => !log.world.publicInstance && (log.world.profile ?? '0.30') !== '0.31';
    const logs = [
      ...readRegressions('test/integration/sync-fuzz-real/regressions'),
      ...readRegressions('test/unit/sync-fuzz/regressions').filter((r) => onReal(r.log)),
    ];
    if (logs.length > 0) {
      describe('sync fuzz against a real Memos: regressions (shrunk op logs)', () => {
        for (const { file, log } of logs)
          it(
            `${file}: ${log.bug ?? '(no bug line)'}`,
            () => expectLogClean(file, log, false),
            SHRINK_MS + 120_000,
          );
      });
    }
  }
  describe(`sync fuzz against a real Memos: seeds ${seeds[0]}..${seeds[seeds.length - 1]} (3 devices, faults, quiescence)`, () => {
    for (const seed of seeds) it(`seed ${seed}`, () => expectClean(seed), SHRINK_MS + 120_000);
  });
  if (!onlySeeds) {
    describe('sync fuzz against a real Memos: the faults were real', () => {
      it('every wire fault kind went through the loopback proxy', () => {
        for (const kind of WIRE_FAULTS) expect(wireFaults[kind] ?? 0, kind).toBeGreaterThan(0);
      });
    });
  }
}
