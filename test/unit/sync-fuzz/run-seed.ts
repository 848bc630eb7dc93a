/**
 * Runs one fuzz seed end to end: build the world from the seed, play random steps with
 * faults and interleavings, then QUIESCENCE (faults, SSE faults and interleaving off; every
 * device runs full passes, round after round, until a round changes nothing), then check
 * the invariants. The same seed and config always replay the same run against the fake;
 * against a real server (`makeServer`), the same choices in the same order, with the
 * server's clock and generated ids as the only differences.
 */
import { checkInvariants, fingerprint, type Violation } from './invariants';
import { concurrentStep, randomStep } from './ops';
import { Prng } from './prng';
import { createFakeServer, type ServerFactory } from './server-handle';
import { type FuzzConfig, World } from './world';

export const DEFAULT_CONFIG: FuzzConfig = {
  steps: 45,
  devices: 3,
  faultRate: 0.12,
  interleaveRate: 0.12,
  maxPageSize: 1000,
  publicInstance: false,
  profile: '0.30',
};

export interface SeedOutcome {
  seed: number;
  violations: Violation[];
  log: string[];
  steps: number;
}

/** What a run exercised, counted from its op log (to show the fuzz reaches the hard cases). */
export function coverage(log: readonly string[]): Record<string, number> {
  const patterns: Record<string, RegExp> = {
    passes: / pass: /,
    'failed passes': / pass: error/,
    faults: / fault /,
    kills: / KILLED: /,
    interleavings: /while .*in flight/,
    conflicts: /notices .*conflict/,
    'restored after remote edit': /restored-after-remote-edit/,
    're-created after remote delete': /recreated-after-remote-delete/,
    'rejected (400)': /rejected [1-9]/,
    'held deletions': /HELD/,
    'token revoked': /token REVOKED/,
    'rate limited': / pass: error rate-limited/,
    'precondition retried': /FAILED_PRECONDITION|precondition/,
    'space moves': /web move .* into a Space/,
    comments: /web comment/,
  };
  const counts: Record<string, number> = {};
  for (const [key, pattern] of Object.entries(patterns))
    counts[key] = log.filter((line) => pattern.test(line)).length;
  return counts;
}

const MAX_QUIESCENCE_ROUNDS = 8;

/** Per-seed variety: fault intensity and page-size cap are drawn from the seed too. */
export function configFor(seed: number, overrides: Partial<FuzzConfig> = {}): FuzzConfig {
  const prng = new Prng(seed ^ 0x5bd1e995);
  return {
    ...DEFAULT_CONFIG,
    faultRate: prng.pick([0.03, 0.12, 0.12, 0.3]) ?? 0.12,
    interleaveRate: prng.pick([0.05, 0.12, 0.25]) ?? 0.12,
    maxPageSize: prng.pick([1000, 1000, 3]) ?? 1000,
    publicInstance: prng.chance(0.5),
    ...overrides,
  };
}

export async function runSeed(
  seed: number,
  overrides: Partial<FuzzConfig> = {},
  makeServer: ServerFactory = createFakeServer,
): Promise<SeedOutcome> {
  const config = configFor(seed, overrides);
  const server = await makeServer({
    maxPageSize: config.maxPageSize,
    publicInstance: config.publicInstance,
    profile: config.profile,
  });
  const world = new World(seed, new Prng(seed), config, server);
  world.concurrentStep = (device) => concurrentStep(world, device);
  world.log(
    `seed ${seed}${server.kind === 'real' ? ' (real Memos)' : ''}: ${JSON.stringify(config)}; skews ${world.devices.map((d) => `${d.label}${d.skewMs}`).join(' ')}`,
  );
  try {
    world.boot();
    for (world.step = 1; world.step <= config.steps; world.step++) {
      world.log(`#${world.step}`);
      await randomStep(world);
    }
    world.calm();
    const restored = world.tokenRevoked ? world.toggleToken() : undefined;
    if (restored instanceof Promise) await restored;
    world.log('--- quiescence ---');
    let converged = false;
    for (let round = 1; round <= MAX_QUIESCENCE_ROUNDS && !converged; round++) {
      const before = await fingerprint(world);
      let allOk = true;
      for (const device of world.devices) {
        const report = await world.syncPass(device, 'full', true);
        if (!report?.ok) allOk = false;
      }
      converged = allOk && (await fingerprint(world)) === before;
    }
    const violations = [
      ...world.violations,
      ...(converged
        ? []
        : [
            {
              invariant: 'quiescence' as const,
              message: `no fixpoint after ${MAX_QUIESCENCE_ROUNDS} rounds of full passes`,
            },
          ]),
      ...(await checkInvariants(world)),
    ];
    return { seed, violations, log: world.lines, steps: config.steps };
  } finally {
    await world.dispose();
  }
}

/** The shortest step count (≤ the failing one) that still violates an invariant: a smaller op log to read. */
export async function shrinkSteps(
  seed: number,
  failingSteps: number,
  makeServer: ServerFactory = createFakeServer,
  overrides: Partial<FuzzConfig> = {},
): Promise<SeedOutcome | undefined> {
  let best: SeedOutcome | undefined;
  let low = 0;
  let high = failingSteps;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    const outcome = await runSeed(seed, { ...overrides, steps: mid, trace: true }, makeServer);
    if (outcome.violations.length > 0) {
      best = outcome;
      high = mid;
    } else {
      low = mid + 1;
    }
  }
  return best;
}

export function describeFailure(
  outcome: SeedOutcome,
  replay = `SYNC_FUZZ_SEED=${outcome.seed} npx vitest run --project unit test/unit/sync-fuzz.test.ts`,
): string {
  const violations = outcome.violations.map((v) => `  [${v.invariant}] ${v.message}`).join('\n');
  return [
    `sync fuzz failed: seed ${outcome.seed} (${outcome.steps} steps)`,
    violations,
    'op log:',
    ...outcome.log.map((line) => `  ${line}`),
    `replay: ${replay}`,
  ].join('\n');
}
