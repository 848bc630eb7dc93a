/**
 * Seeded randomized multi-device fuzz of the sync engine against the fake Memos server,
 * with transport faults, lost/duplicated/reordered live events, interleaved actors and
 * devices killed mid-sync, attachments added and removed on devices (names that need
 * sanitising [F6] included) and in the web UI, their uploads and set changes under the same
 * faults (see sync-fuzz/ for the simulator and the invariants), once as
 * Memos 0.30 (500 seeds) and once as 0.31 from its published API (150 seeds: Spaces,
 * comments as memos, rate limits, transient FAILED_PRECONDITION).
 * Regressions are op logs (sync-fuzz/regressions/*.json: every decision of a shrunk failing
 * run, replayed without the PRNG, so they keep their meaning when the random simulator
 * changes); they run first, then the fixed seed ranges. A failure prints the seed, the
 * violated invariant, the trace and op log of the shrunk run, and the replay commands.
 * SYNC_FUZZ_SEED=7 (or =7,12,40) plays only those seeds; SYNC_FUZZ_PROFILE=0.31 only that
 * release; SYNC_FUZZ_LOG=file.json[,…] replays only those logs (with every request traced);
 * SYNC_FUZZ_STEPS=n plays longer scenarios; SYNC_FUZZ_SHRINK=0 reports without shrinking.
 * Attachment invariants (sync-fuzz/attachment-invariants.ts): none lost, none duplicated, no
 * orphan on the server, bytes as attached. Reading of F7 for orphans: a memo in a device's
 * Trash keeps its attachments' rows and bytes on that device, not on the server (deleting
 * the memo there deleted them; a Restore uploads them again), so every attachment of the
 * user on the server must be linked to a live memo; only one whose memo the server
 * rejected, still pending on a device, may wait unlinked.
 * The full seed ranges end with a coverage check: attachment ops and faults on attachment
 * requests must have occurred (the counts are printed after the run).
 */
import { basename } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FakeProfileName } from '../fakes/fake-memos-profiles';
import { logsFromEnv, readRegressions, reportFailure } from './sync-fuzz/failures';
import type { FuzzLog } from './sync-fuzz/oplog';
import { coverage, replayLog, runSeed } from './sync-fuzz/run-seed';
import { createFakeServer } from './sync-fuzz/server-handle';

const FIRST_SEED = 1;
/** Seeds per release the fake plays. */
const SEED_COUNTS: Partial<Record<FakeProfileName, number>> = { '0.30': 500, '0.31': 150 };
const TEST = 'npx vitest run --project unit test/unit/sync-fuzz.test.ts';
/** A failing seed's log is shrunk for at most this long (its test gets that much more time). */
const SHRINK_MS = 150_000;

const totals: Record<string, number> = {};
/** What the full seed ranges must have exercised at least this often (coverage() keys). */
const MIN_COVERAGE: Record<string, number> = {
  'device attaches': 20,
  'attached at capture': 10,
  'device detaches': 10,
  'web attaches': 10,
  'web detaches': 5,
  'attachment faults': 20,
  'lost upload answers': 5,
  'duplicate upload 500s': 3,
  'upload read-backs': 10,
  'lost attachment-set answers': 3,
};
let runs = 0;

const stepsOverride = process.env.SYNC_FUZZ_STEPS ? Number(process.env.SYNC_FUZZ_STEPS) : undefined;
const shrink = process.env.SYNC_FUZZ_SHRINK !== '0';

async function expectClean(seed: number, profile: FakeProfileName): Promise<void> {
  const outcome = await runSeed(seed, {
    profile,
    ...(stepsOverride === undefined ? {} : { steps: stepsOverride }),
  });
  runs++;
  for (const [key, count] of Object.entries(coverage(outcome.lines)))
    totals[key] = (totals[key] ?? 0) + count;
  if (outcome.violations.length === 0) return;
  const steps = stepsOverride === undefined ? '' : ` SYNC_FUZZ_STEPS=${stepsOverride}`;
  const release = profile === '0.30' ? '' : ` (Memos ${profile})`;
  expect.fail(
    await reportFailure({
      name: `seed-${profile === '0.30' ? '' : `${profile}-`}${seed}`,
      title: `sync fuzz failed${release}: seed ${seed} (${outcome.steps} steps)`,
      outcome,
      makeServer: createFakeServer,
      replaySeed: `SYNC_FUZZ_PROFILE=${profile} SYNC_FUZZ_SEED=${seed}${steps} ${TEST}`,
      replayLog: (path) => `SYNC_FUZZ_LOG=${path} ${TEST}`,
      shrink,
      budget: { maxMs: SHRINK_MS, maxRuns: 600 },
    }),
  );
}

async function expectLogClean(file: string, log: FuzzLog, trace: boolean) {
  const outcome = await replayLog(log, createFakeServer, { trace });
  if (outcome.violations.length === 0) return;
  expect.fail(
    await reportFailure({
      name: `log-${basename(file, '.json')}`,
      title: `sync fuzz log failed: ${file}${log.bug ? ` (${log.bug})` : ''}`,
      outcome,
      makeServer: createFakeServer,
      replayLog: (path) => `SYNC_FUZZ_LOG=${path} ${TEST}`,
      shrink,
      budget: { maxMs: SHRINK_MS, maxRuns: 600 },
    }),
  );
}

afterAll(() => {
  const summary = Object.entries(totals).map(([key, count]) => `${key} ${count}`);
  if (runs > 0) console.log(`sync fuzz: ${runs} runs; ${summary.join(', ')}`);
});

const onlyLogs = logsFromEnv(process.env.SYNC_FUZZ_LOG);
const onlySeeds = process.env.SYNC_FUZZ_SEED?.split(',').map(Number);

if (onlyLogs) {
  describe('sync fuzz: the logs named in SYNC_FUZZ_LOG', () => {
    for (const { file, log } of onlyLogs) it(file, () => expectLogClean(file, log, true), SHRINK_MS + 60_000);
  });
} else {
  const regressions = onlySeeds ? [] : readRegressions('test/unit/sync-fuzz/regressions');
  if (regressions.length > 0) {
    describe('sync fuzz: regressions (shrunk op logs)', () => {
      for (const { file, log } of regressions) {
        it(
          `${file}: ${log.bug ?? '(no bug line)'}`,
          () => expectLogClean(file, log, false),
          SHRINK_MS + 60_000,
        );
      }
    });
  }
  /** SYNC_FUZZ_PROFILE=0.31 plays only that release. */
  const onlyProfile = process.env.SYNC_FUZZ_PROFILE;
  const profiles = (Object.keys(SEED_COUNTS) as FakeProfileName[]).filter(
    (p) => onlyProfile === undefined || p === onlyProfile,
  );
  for (const profile of profiles) {
    const seeds = onlySeeds ?? Array.from({ length: SEED_COUNTS[profile] ?? 0 }, (_, i) => FIRST_SEED + i);
    describe(`sync fuzz, Memos ${profile}: seeds ${seeds[0]}..${seeds[seeds.length - 1]} (3 devices, faults, quiescence)`, () => {
      for (const seed of seeds) it(`seed ${seed}`, () => expectClean(seed, profile), SHRINK_MS + 60_000);
    });
  }
  if (!onlySeeds) {
    describe('sync fuzz: coverage of the seed ranges', () => {
      it('drew attachment ops and hit attachment requests with faults', () => {
        const short = Object.entries(MIN_COVERAGE).filter(([key, min]) => (totals[key] ?? 0) < min);
        expect(short.map(([key, min]) => `${key}: ${totals[key] ?? 0} < ${min}`)).toEqual([]);
      });
    });
  }
}
