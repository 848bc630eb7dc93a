/**
 * Runs the sync fuzz: `runSeed` plays a seed (the random director decides and records an op
 * log), `replayLog` plays an op log (no PRNG). Both end the same way: QUIESCENCE (no faults,
 * no interleaving; every device runs full passes, round after round, until a round changes
 * nothing), then the invariants. Against the fake a replay repeats its run exactly; against
 * a real server (`makeServer`) the same ops in the same order, with the server's clock and
 * generated ids as the only differences.
 */

import { ReplayDirector } from './director';
import type { FuzzConfig } from './generator';
import { RandomDirector } from './generator';
import { checkInvariants, fingerprint, type Violation } from './invariants';
import { cloneLog, countOps, type FuzzLog, formatLog, type SyncOp } from './oplog';
import { perform } from './ops';
import { Prng } from './prng';
import { createFakeServer, type ServerFactory } from './server-handle';
import { World } from './world';

export type { FuzzConfig };

export const DEFAULT_CONFIG: FuzzConfig = {
  steps: 45,
  devices: 3,
  faultRate: 0.12,
  interleaveRate: 0.12,
  maxPageSize: 1000,
  publicInstance: false,
  profile: '0.30',
};

export interface RunOutcome {
  violations: Violation[];
  /** The trace of the run (what happened, line by line). */
  lines: string[];
  /** The op log of the run (for a replay: the log that was played). */
  log: FuzzLog;
}

export interface SeedOutcome extends RunOutcome {
  seed: number;
  steps: number;
}

/** What a run exercised, counted from its trace (to show the fuzz reaches the hard cases). */
export function coverage(lines: readonly string[]): Record<string, number> {
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
    'device attaches': /^[A-H] attach f\d+ \(/,
    'attached at capture': /^[A-H] create \S+ .* with f\d+ \(/,
    'device detaches': /^[A-H] detach f\d+ from \S+ \(left/,
    'web attaches': /^web attach f\d+ to \S+ \("/,
    'web detaches': /^web detach f\d+ from \S+$/,
    'attachment faults': / fault \S+ on (POST|GET|DELETE) attachments/,
    'lost upload answers': / fault (drop-response|timeout-after|kill-after|duplicate) on POST attachments/,
    'duplicate upload 500s': / upload of f\d+ answered 500/,
    'upload read-backs': / reads back f\d+/,
    'lost attachment-set answers':
      / fault (drop-response|timeout-after|kill-after|duplicate) on PATCH .*updateMask=.*attachments/,
  };
  const counts: Record<string, number> = {};
  for (const [key, pattern] of Object.entries(patterns))
    counts[key] = lines.filter((line) => pattern.test(line)).length;
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

/** Quiescence, then the invariants (the end of every run). */
async function finish(world: World): Promise<Violation[]> {
  world.scripted = false;
  world.server.newer?.setRateLimiting(false);
  await world.setToken(false);
  world.log('--- quiescence ---');
  let converged = false;
  for (let round = 1; round <= MAX_QUIESCENCE_ROUNDS && !converged; round++) {
    const before = await fingerprint(world);
    let allOk = true;
    for (const device of world.devices) {
      const pass: SyncOp = { do: 'sync', device: device.label, mode: 'full', hints: true };
      const report = await world.syncPass(device, pass);
      // A pass that holds deletions back waits for the user's answer: not a fixpoint yet.
      if (!report?.ok || report.heldDeletions) allOk = false;
    }
    converged = allOk && (await fingerprint(world)) === before;
  }
  return [
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
}

/** Plays seed `seed` with the random director; the outcome carries the recorded op log. */
export async function runSeed(
  seed: number,
  overrides: Partial<FuzzConfig> = {},
  makeServer: ServerFactory = createFakeServer,
): Promise<SeedOutcome> {
  const config = configFor(seed, overrides);
  const director = new RandomDirector(seed, config);
  const server = await makeServer({
    maxPageSize: config.maxPageSize,
    publicInstance: config.publicInstance,
    profile: config.profile,
  });
  const world = new World(director.setup, director, server, config.trace ? { trace: true } : {});
  world.log(
    `seed ${seed}${server.kind === 'real' ? ' (real Memos)' : ''}: ${JSON.stringify(config)}; skews ${world.devices.map((d) => `${d.label}${d.skewMs}`).join(' ')}`,
  );
  try {
    world.boot();
    for (let step = 1; step <= config.steps; step++) await director.step(world);
    const violations = await finish(world);
    return { seed, steps: config.steps, violations, lines: world.lines, log: director.log };
  } finally {
    await world.dispose();
  }
}

/** Plays an op log (no PRNG: every decision comes from the log). */
export async function replayLog(
  log: FuzzLog,
  makeServer: ServerFactory = createFakeServer,
  options: { trace?: boolean } = {},
): Promise<RunOutcome> {
  const played = cloneLog(log);
  const director = new ReplayDirector(played);
  const server = await makeServer({
    maxPageSize: played.world.maxPageSize,
    publicInstance: played.world.publicInstance,
    profile: played.world.profile ?? '0.30',
  });
  const world = new World(played.world, director, server, options);
  world.log(
    `replay${log.origin ? ` of ${log.origin}` : ''}${server.kind === 'real' ? ' (real Memos)' : ''}: ${countOps(log.ops)} ops; world ${JSON.stringify(log.world)}`,
  );
  try {
    world.boot();
    for (const [i, op] of played.ops.entries()) {
      world.step = i;
      world.log(`#${i}`);
      await world.flushEvents();
      await perform(world, op);
    }
    const violations = await finish(world);
    return { violations, lines: world.lines, log };
  } finally {
    await world.dispose();
  }
}

/** The report of a failed run: violations, the trace, the op log and how to replay it. */
export function describeFailure(title: string, outcome: RunOutcome, replay: readonly string[]): string {
  const violations = outcome.violations.map((v) => `  [${v.invariant}] ${v.message}`).join('\n');
  return [
    title,
    violations,
    'trace:',
    ...outcome.lines.map((line) => `  ${line}`),
    `op log (${countOps(outcome.log.ops)} ops):`,
    formatLog(outcome.log).trimEnd(),
    ...replay.map((line) => `replay: ${line}`),
  ].join('\n');
}
