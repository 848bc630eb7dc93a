/**
 * Shrinks a failing op log: deletes ops, request plans, faults and live-event faults while
 * the log still fails, so what is left is (close to) the smallest story of the bug. Every
 * sub-log is playable (ops on memos that do not exist are skipped), so any deletion is a
 * candidate; the caller's `stillFails` replays it.
 *
 * Order of a round: top-level ops (largest first, then halves, quarters, … single ops),
 * live-event faults, then every nested list from the innermost out (an interleaving's ops
 * before the request plans that hold them), then single attributes (a fault, hint order,
 * live-event randomness), then simpler values (a world without clock skews, on a private
 * instance; passes without hints). Rounds repeat until one changes nothing or the budget is
 * spent.
 * Invariant: the result always fails (it is the last candidate that did), and is never
 * larger than the input.
 */
import { cloneLog, countOps, type FuzzLog, type Op, PHASES, type RequestPlan } from './oplog';

export interface ShrinkBudget {
  /** Replays at most (default 400). */
  maxRuns?: number;
  /** Wall-clock limit in ms (default 120 s). */
  maxMs?: number;
}

export interface Shrunk {
  log: FuzzLog;
  runs: number;
  /** Op counts before and after (nested ops included). */
  from: number;
  to: number;
}

type Path = Array<string | number>;

function at(root: unknown, path: Path): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function setAt(root: unknown, path: Path, value: unknown): void {
  const parent = at(root, path.slice(0, -1));
  const key = path[path.length - 1];
  if (typeof parent !== 'object' || parent === null || key === undefined)
    throw new Error(`bad path ${path.join('.')}`);
  const record = parent as Record<string | number, unknown>;
  if (value === undefined) delete record[key];
  else record[key] = value;
}

/** Paths of the nested lists (interleavings, request plans), innermost first. */
function nestedLists(ops: readonly Op[], base: Path): Path[] {
  const out: Path[] = [];
  ops.forEach((op, i) => {
    if (op.do !== 'sync' || !op.requests) return;
    op.requests.forEach((plan, j) => {
      for (const phase of PHASES) {
        const list = plan[phase];
        if (!list) continue;
        const path = [...base, i, 'requests', j, phase];
        out.push(...nestedLists(list, path), path);
      }
    });
    out.push([...base, i, 'requests']);
  });
  return out;
}

/** Paths of attributes worth deleting on their own. */
function attributes(ops: readonly Op[], base: Path): Path[] {
  const out: Path[] = [];
  ops.forEach((op, i) => {
    if (op.do !== 'sync') return;
    if (op.order) out.push([...base, i, 'order']);
    op.requests?.forEach((plan: RequestPlan, j) => {
      if (plan.fault) out.push([...base, i, 'requests', j, 'fault']);
      for (const phase of PHASES) {
        const list = plan[phase];
        if (list) out.push(...attributes(list, [...base, i, 'requests', j, phase]));
      }
    });
  });
  return out;
}

/**
 * Simpler values worth trying in place of the current ones: a plain world (no clock skew,
 * the default content limit and page size, a private instance: then the log also plays on
 * the real test instance) and passes that use no live-event hints.
 */
function simplifications(log: FuzzLog): Array<{ path: Path; value: unknown }> {
  const out: Array<{ path: Path; value: unknown }> = [];
  const offer = (path: Path, value: unknown) => {
    if (at(log, path) !== value) out.push({ path, value });
  };
  offer(['world', 'publicInstance'], false);
  offer(['world', 'maxPageSize'], 1000);
  log.world.devices.forEach((_, i) => {
    offer(['world', 'devices', i, 'skewMs'], 0);
    offer(['world', 'devices', i, 'contentLimitBytes'], 8192);
  });
  const passes = (ops: readonly Op[], base: Path) => {
    ops.forEach((op, i) => {
      if (op.do !== 'sync') return;
      offer([...base, i, 'hints'], false);
      op.requests?.forEach((plan, j) => {
        for (const phase of PHASES) {
          const list = plan[phase];
          if (list) passes(list, [...base, i, 'requests', j, phase]);
        }
      });
    });
  };
  passes(log.ops, ['ops']);
  return out;
}

/** Drops empty plans and lists a shrink leaves behind. */
export function tidy(log: FuzzLog): FuzzLog {
  const clean = (ops: Op[]) => {
    for (const op of ops) {
      if (op.do !== 'sync' || !op.requests) continue;
      for (const plan of op.requests) {
        for (const phase of PHASES) {
          const list = plan[phase];
          if (!list) continue;
          clean(list);
          if (list.length === 0) delete plan[phase];
        }
      }
      op.requests = op.requests.filter((p) => p.fault !== undefined || PHASES.some((phase) => p[phase]));
      if (op.requests.length === 0) delete op.requests;
    }
  };
  const out = cloneLog(log);
  clean(out.ops);
  if (out.events?.length === 0) delete out.events;
  if (out.liveRandom && Object.keys(out.liveRandom).length === 0) delete out.liveRandom;
  return out;
}

export async function shrinkLog(
  input: FuzzLog,
  stillFails: (candidate: FuzzLog) => Promise<boolean>,
  budget: ShrinkBudget = {},
): Promise<Shrunk> {
  const maxRuns = budget.maxRuns ?? 400;
  const deadline = Date.now() + (budget.maxMs ?? 120_000);
  let best = tidy(input);
  let runs = 0;
  const spent = () => runs >= maxRuns || Date.now() > deadline;

  const attempt = async (candidate: FuzzLog): Promise<boolean> => {
    if (spent()) return false;
    runs++;
    const tidied = tidy(candidate);
    if (!(await stillFails(tidied))) return false;
    best = tidied;
    return true;
  };

  /** Deletes chunks of the list at `path` (halving the chunk size) while the log still fails. */
  const reduceList = async (path: Path): Promise<boolean> => {
    let progressed = false;
    const length = () => {
      const list = at(best, path);
      return Array.isArray(list) ? list.length : 0;
    };
    for (
      let chunk = Math.ceil(length() / 2);
      chunk >= 1 && !spent();
      chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)
    ) {
      for (let start = 0; start < length() && !spent(); ) {
        const candidate = cloneLog(best);
        const list = at(candidate, path);
        if (!Array.isArray(list)) return progressed;
        list.splice(start, chunk);
        if (await attempt(candidate)) progressed = true;
        else start += chunk;
      }
    }
    return progressed;
  };

  const replace = async (path: Path, value: unknown): Promise<boolean> => {
    if (at(best, path) === value) return false;
    const candidate = cloneLog(best);
    setAt(candidate, path, value);
    return attempt(candidate);
  };

  for (let progressed = true; progressed && !spent(); ) {
    progressed = await reduceList(['ops']);
    if (best.events) progressed = (await reduceList(['events'])) || progressed;
    for (const path of nestedLists(best.ops, ['ops'])) progressed = (await reduceList(path)) || progressed;
    for (const path of attributes(best.ops, ['ops']).reverse())
      progressed = (await replace(path, undefined)) || progressed;
    if (best.liveRandom) progressed = (await replace(['liveRandom'], undefined)) || progressed;
    for (const { path, value } of simplifications(best))
      progressed = (await replace(path, value)) || progressed;
  }
  return { log: best, runs, from: countOps(input.ops), to: countOps(best.ops) };
}
