/**
 * The seeded 3-device fuzz of test/unit/sync-fuzz/ (same simulator, ops, faults and
 * invariants) against a REAL Memos server (MEMOS_VERSION; 40 seeds on the default v0.30.0,
 * 12 on other releases, to keep their leg of `npm test` short) instead of the in-memory fake: one
 * instance for this file, fresh users and uid prefix per seed (sync-fuzz-real/real-server.ts
 * says what is real and what is emulated). The devices reach Memos through a fault-injecting
 * loopback proxy (sync-fuzz-real/fault-proxy.ts): dropped requests and responses, duplicate
 * delivery, 500s and truncated bodies happen on real sockets; timeouts and kills in the
 * device's fetch. Regressions (real-server seeds that once failed, with the
 * bug or fake difference they caught) run first, then the fixed seed range.
 * A failure prints the seed, the violated invariant, the op log and the replay command.
 * Replays repeat every choice of the run; the server's clock and generated ids are its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MEMOS_VERSION, memosVersionUnderTest } from '../helpers/memos-binary';
import { type MemosInstance, startMemos } from '../helpers/memos-instance';
import { coverage, describeFailure, runSeed, shrinkSteps } from '../unit/sync-fuzz/run-seed';
import type { FuzzConfig } from '../unit/sync-fuzz/world';
import { WIRE_FAULTS } from './sync-fuzz-real/fault-proxy';
import { realServerFactory } from './sync-fuzz-real/real-server';
import regressions from './sync-fuzz-real/regressions.json';

const FIRST_SEED = 1;
/** SYNC_FUZZ_REAL_COUNT=n runs more seeds (a larger budget for a nightly run). */
const SEED_COUNT = Number(
  process.env.SYNC_FUZZ_REAL_COUNT ?? (memosVersionUnderTest() === DEFAULT_MEMOS_VERSION ? 40 : 12),
);
/** The fake's scenario length; a seed takes about a second of real HTTP and SQLite here. */
const STEPS = 45;

interface Regression {
  seed: number;
  steps?: number;
  bug: string;
}

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
const stepsOverride = process.env.SYNC_FUZZ_REAL_STEPS ? Number(process.env.SYNC_FUZZ_REAL_STEPS) : STEPS;

async function expectClean(seed: number, steps: number): Promise<void> {
  // The real instance is private (anonymous reads are refused): no public-instance seeds.
  const overrides: Partial<FuzzConfig> = { steps, publicInstance: false };
  const outcome = await runSeed(seed, overrides, makeServer);
  runs++;
  for (const [key, count] of Object.entries(coverage(outcome.log))) totals[key] = (totals[key] ?? 0) + count;
  if (outcome.violations.length === 0) return;
  const replay = `SYNC_FUZZ_REAL_SEED=${seed} SYNC_FUZZ_REAL_STEPS=${steps} npx vitest run --project integration test/integration/sync-fuzz-real.test.ts`;
  const shorter =
    process.env.SYNC_FUZZ_SHRINK === '0'
      ? undefined
      : await shrinkSteps(seed, outcome.steps, makeServer, { publicInstance: false });
  const report = shorter
    ? `${describeFailure(outcome, replay)}\n\nshortest failing prefix:\n${describeFailure(shorter, replay)}`
    : describeFailure(outcome, replay);
  expect.fail(report);
}

/** SYNC_FUZZ_REAL_SEED=7 or =7,12,40 replays only those seeds (regressions included). */
const only = process.env.SYNC_FUZZ_REAL_SEED?.split(',').map(Number);
const seeds = only ?? Array.from({ length: SEED_COUNT }, (_, i) => FIRST_SEED + i);

afterAll(() => {
  const summary = Object.entries(totals).map(([key, count]) => `${key} ${count}`);
  const wire = Object.entries(wireFaults).map(([kind, count]) => `${kind} ${count}`);
  console.log(`sync fuzz (real Memos): ${runs} runs; ${summary.join(', ')}; on the wire: ${wire.join(', ')}`);
});

const named = regressions as Regression[];
if (named.length > 0) {
  describe('sync fuzz against a real Memos: regressions', () => {
    for (const regression of named) {
      it(`seed ${regression.seed}: ${regression.bug}`, () =>
        expectClean(regression.seed, regression.steps ?? stepsOverride));
    }
  });
}

describe(`sync fuzz against a real Memos: seeds ${seeds[0]}..${seeds[seeds.length - 1]} (3 devices, faults, quiescence)`, () => {
  for (const seed of seeds) {
    it(`seed ${seed}`, () => expectClean(seed, stepsOverride));
  }
});

if (!only) {
  describe('sync fuzz against a real Memos: the faults were real', () => {
    it('every wire fault kind went through the loopback proxy', () => {
      for (const kind of WIRE_FAULTS) expect(wireFaults[kind] ?? 0, kind).toBeGreaterThan(0);
    });
  });
}
