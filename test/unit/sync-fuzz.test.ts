/**
 * Seeded randomized multi-device fuzz of the sync engine against the fake Memos server,
 * with transport faults, lost/duplicated/reordered live events, interleaved actors and
 * devices killed mid-sync (see sync-fuzz/ for the simulator and the invariants).
 * Regressions (seeds that once failed, each with the bug it caught) run first; then the
 * fixed seed range. A failure prints the seed, the violated invariant, the op log and a
 * shorter failing run when one exists.
 */
import { afterAll, describe, expect, it } from 'vitest';
import regressions from './sync-fuzz/regressions.json';
import { coverage, describeFailure, runSeed, type SeedOutcome, shrinkSteps } from './sync-fuzz/run-seed';

const FIRST_SEED = 1;
const SEED_COUNT = 500;

interface Regression {
  seed: number;
  steps?: number;
  bug: string;
}

const totals: Record<string, number> = {};
let runs = 0;

/** SYNC_FUZZ_STEPS=n plays longer scenarios (a larger budget for a nightly run). */
const stepsOverride = process.env.SYNC_FUZZ_STEPS ? Number(process.env.SYNC_FUZZ_STEPS) : undefined;

async function expectClean(seed: number, steps = stepsOverride): Promise<void> {
  const outcome = await runSeed(seed, steps === undefined ? {} : { steps });
  runs++;
  for (const [key, count] of Object.entries(coverage(outcome.log))) totals[key] = (totals[key] ?? 0) + count;
  if (outcome.violations.length === 0) return;
  const shorter: SeedOutcome | undefined =
    process.env.SYNC_FUZZ_SHRINK === '0' ? undefined : await shrinkSteps(seed, outcome.steps);
  const report = shorter
    ? `${describeFailure(outcome)}\n\nshortest failing prefix:\n${describeFailure(shorter)}`
    : describeFailure(outcome);
  expect.fail(report);
}

/** SYNC_FUZZ_SEED=7 or =7,12,40 replays only those seeds (regressions included). */
const only = process.env.SYNC_FUZZ_SEED?.split(',').map(Number);
const seeds = only ?? Array.from({ length: SEED_COUNT }, (_, i) => FIRST_SEED + i);

afterAll(() => {
  const summary = Object.entries(totals).map(([key, count]) => `${key} ${count}`);
  console.log(`sync fuzz: ${runs} runs; ${summary.join(', ')}`);
});

describe('sync fuzz: regressions', () => {
  for (const regression of regressions as Regression[]) {
    it(`seed ${regression.seed}: ${regression.bug}`, () => expectClean(regression.seed, regression.steps));
  }
});

describe(`sync fuzz: seeds ${seeds[0]}..${seeds[seeds.length - 1]} (3 devices, faults, quiescence)`, () => {
  for (const seed of seeds) {
    it(`seed ${seed}`, () => expectClean(seed));
  }
});
