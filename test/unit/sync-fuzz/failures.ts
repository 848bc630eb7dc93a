/**
 * What the fuzz suites do with a failing run: check that its op log replays the failure,
 * shrink the log (shrink.ts) while it still violates the same invariant, save both logs
 * under .tmp/sync-fuzz/ (git-ignored), and build the report: the violations, the trace of
 * the shrunk run (with every request), the shrunk op log and the commands that replay the
 * seed and the logs. A shrunk log with a `bug` line added is a regression file as it is.
 * Also reads the regression logs of a directory.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Violation } from './invariants';
import { countOps, type FuzzLog, formatLog, parseLog } from './oplog';
import { describeFailure, type RunOutcome, replayLog } from './run-seed';
import type { ServerFactory } from './server-handle';
import { type ShrinkBudget, shrinkLog } from './shrink';

export interface FailedRun {
  /** File-name stem for the saved logs, e.g. `seed-17`. */
  name: string;
  /** First line of the report, e.g. `sync fuzz failed: seed 17 (45 steps)`. */
  title: string;
  outcome: RunOutcome;
  makeServer: ServerFactory;
  /** The command that replays a log file. */
  replayLog(path: string): string;
  /** The command that replays the run from its seed, if it has one. */
  replaySeed?: string;
  /** false: report without shrinking (SYNC_FUZZ_SHRINK=0). */
  shrink: boolean;
  budget?: ShrinkBudget;
}

const OUT_DIR = resolve('.tmp/sync-fuzz');

function save(name: string, log: FuzzLog): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const path = join(OUT_DIR, `${name}.json`);
  writeFileSync(path, formatLog(log));
  return relative(process.cwd(), path);
}

function violates(violations: readonly Violation[], invariant: Violation['invariant']): boolean {
  return violations.some((v) => v.invariant === invariant);
}

/** Builds the report of a failed run (shrinking its op log first, when asked). */
export async function reportFailure(run: FailedRun): Promise<string> {
  const fullPath = save(run.name, run.outcome.log);
  const replays = [...(run.replaySeed ? [run.replaySeed] : []), run.replayLog(fullPath)];
  const target = run.outcome.violations[0]?.invariant;
  if (!run.shrink || target === undefined) return describeFailure(run.title, run.outcome, replays);

  const again = await replayLog(run.outcome.log, run.makeServer);
  if (!violates(again.violations, target)) {
    return describeFailure(
      `${run.title}\n(its op log does NOT replay the failure: the simulator is not deterministic here; fix that first)`,
      run.outcome,
      replays,
    );
  }
  const shrunk = await shrinkLog(
    run.outcome.log,
    async (candidate) => violates((await replayLog(candidate, run.makeServer)).violations, target),
    run.budget,
  );
  const traced = await replayLog(shrunk.log, run.makeServer, { trace: true });
  const shrunkPath = save(`${run.name}.shrunk`, shrunk.log);
  return describeFailure(
    `${run.title}\n[${target}] shrunk from ${shrunk.from} to ${shrunk.to} ops in ${shrunk.runs} replays; first violations of the full run:\n${run.outcome.violations
      .slice(0, 5)
      .map((v) => `  [${v.invariant}] ${v.message}`)
      .join('\n')}\nthe shrunk run:`,
    traced,
    [...replays, run.replayLog(shrunkPath)],
  );
}

export interface Regression {
  file: string;
  log: FuzzLog;
}

/** The regression logs in `dir` (every *.json), sorted by file name; a malformed one throws. */
export function readRegressions(dir: string): Regression[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const file = join(dir, f);
      return {
        file: relative(process.cwd(), file),
        log: parseLog(JSON.parse(readFileSync(file, 'utf8')), f),
      };
    });
}

/** The logs named in an environment variable (comma-separated paths), if any. */
export function logsFromEnv(value: string | undefined): Regression[] | undefined {
  if (!value) return undefined;
  return value.split(',').map((file) => ({
    file,
    log: parseLog(JSON.parse(readFileSync(file, 'utf8')), file),
  }));
}

export { countOps };
