/**
 * Seeded randomized multi-device fuzz of the sync engine against the fake Memos server,
 * with transport faults, lost/duplicated/reordered live events, interleaved actors and
 * devices killed mid-sync (see sync-fuzz/ for the simulator and the invariants), once as
 * Memos 0.30 (500 seeds) and once as 0.31 from its published API (150 seeds: Spaces,
 * comments as memos, rate limits, transient FAILED_PRECONDITION).
 * Regressions (seeds that once failed, each with the bug it caught) run first; then the
 * fixed seed ranges. A failure prints the seed, the violated invariant, the op log and a
 * shorter failing run when one exists.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { FakeProfileName } from '../fakes/fake-memos-profiles';
import regressions from './sync-fuzz/regressions.json';
import { coverage, describeFailure, runSeed, type SeedOutcome, shrinkSteps } from './sync-fuzz/run-seed';
import { createFakeServer } from './sync-fuzz/server-handle';

const FIRST_SEED = 1;
/** Seeds per release the fake plays. */
const SEED_COUNTS: Partial<Record<FakeProfileName, number>> = { '0.30': 500, '0.31': 150 };

interface Regression {
  seed: number;
  steps?: number;
  /** The release the seed failed on (default 0.30). */
  profile?: FakeProfileName;
  bug: string;
}

const totals: Record<string, number> = {};
let runs = 0;

/** SYNC_FUZZ_STEPS=n plays longer scenarios (a larger budget for a nightly run). */
const stepsOverride = process.env.SYNC_FUZZ_STEPS ? Number(process.env.SYNC_FUZZ_STEPS) : undefined;

async function expectClean(seed: number, profile: FakeProfileName, steps = stepsOverride): Promise<void> {
  const overrides = { profile, ...(steps === undefined ? {} : { steps }) };
  const outcome = await runSeed(seed, overrides);
  runs++;
  for (const [key, count] of Object.entries(coverage(outcome.log))) totals[key] = (totals[key] ?? 0) + count;
  if (outcome.violations.length === 0) return;
  const shorter: SeedOutcome | undefined =
    process.env.SYNC_FUZZ_SHRINK === '0'
      ? undefined
      : await shrinkSteps(seed, outcome.steps, createFakeServer, { profile });
  const replay = `SYNC_FUZZ_PROFILE=${profile} SYNC_FUZZ_SEED=${seed} npx vitest run --project unit test/unit/sync-fuzz.test.ts`;
  const report = shorter
    ? `${describeFailure(outcome, replay)}\n\nshortest failing prefix:\n${describeFailure(shorter, replay)}`
    : describeFailure(outcome, replay);
  expect.fail(report);
}

/** SYNC_FUZZ_SEED=7 or =7,12,40 replays only those seeds (regressions included). */
const only = process.env.SYNC_FUZZ_SEED?.split(',').map(Number);
/** SYNC_FUZZ_PROFILE=0.31 plays only that release. */
const onlyProfile = process.env.SYNC_FUZZ_PROFILE as FakeProfileName | undefined;
const profiles = (Object.keys(SEED_COUNTS) as FakeProfileName[]).filter(
  (p) => onlyProfile === undefined || p === onlyProfile,
);
const seedsOf = (profile: FakeProfileName): number[] =>
  only ?? Array.from({ length: SEED_COUNTS[profile] ?? 0 }, (_, i) => FIRST_SEED + i);

afterAll(() => {
  const summary = Object.entries(totals).map(([key, count]) => `${key} ${count}`);
  console.log(`sync fuzz: ${runs} runs; ${summary.join(', ')}`);
});

const replayed = (regressions as Regression[]).filter((r) => profiles.includes(r.profile ?? '0.30'));
if (replayed.length > 0) {
  describe('sync fuzz: regressions', () => {
    for (const regression of replayed) {
      const profile = regression.profile ?? '0.30';
      const title = `${profile === '0.30' ? '' : `Memos ${profile} `}seed ${regression.seed}: ${regression.bug}`;
      it(title, () => expectClean(regression.seed, profile, regression.steps));
    }
  });
}

for (const profile of profiles) {
  const seeds = seedsOf(profile);
  describe(`sync fuzz, Memos ${profile}: seeds ${seeds[0]}..${seeds[seeds.length - 1]} (3 devices, faults, quiescence)`, () => {
    for (const seed of seeds) {
      it(`seed ${seed}`, () => expectClean(seed, profile));
    }
  });
}
