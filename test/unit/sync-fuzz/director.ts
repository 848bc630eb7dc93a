/**
 * Who decides what happens in a fuzz world. The world (world.ts) and the ops (ops.ts) only
 * execute; every choice that is not a consequence of the code under test comes from a
 * Director: the random one (generator.ts: a seeded PRNG, which also RECORDS each choice into
 * an op log) or the replay one below (reads the choices back from a log, no PRNG at all).
 *
 * Invariant: the world asks the director the same questions, in the same order, whichever
 * director it is, so a recorded run replays exactly (test/unit/sync-fuzz-replay.test.ts).
 * Only scripted time asks at all: during quiescence the world uses fixed defaults.
 */
import type { SseFaultDecision } from '../../fakes/fake-memos-sse';
import type { FaultKind } from '../../fakes/faulty-fetch';
import type { Device } from './device';
import type { FuzzLog, Op, Phase, RequestPlan, SyncOp } from './oplog';
import type { World } from './world';

/** A request of a pass, by name and number (see oplog.ts). */
export interface RequestId {
  req: string;
  n: number;
  /** A memo write that sets its attachment set (not in the log: the director may fault it more). */
  files?: boolean;
}

export interface Director {
  /** The fault (if any) for this request of the pass `pass`. */
  fault(world: World, device: Device, pass: SyncOp, request: RequestId): FaultKind | undefined;
  /** Other actors' ops while the request is in flight; each runs before the next is asked for. */
  during(world: World, device: Device, pass: SyncOp, request: RequestId, phase: Phase): AsyncIterable<Op>;
  /**
   * 0.31: whether the server answers this memo update (its `delivery`-th arrival: a
   * duplicated request arrives twice) with a transient FAILED_PRECONDITION.
   */
  precondition(world: World, device: Device, pass: SyncOp, request: RequestId, delivery: number): boolean;
  /** The order to use the live-event hints in (labels; at least two). */
  hintOrder(pass: SyncOp, hints: readonly string[]): string[];
  /** [S3] The user's answer to held deletions. */
  held(pass: SyncOp): 'approve' | 'keep';
  /** What happens to the n-th live event `event` on `to`'s stream. */
  event(event: string, to: string, n: number): SseFaultDecision;
  /** The next random number device `device`'s live-event client draws (reconnect jitter). */
  liveRandom(device: string): number;
}

/** The plan of request `id` in `pass`, if the log has one. */
export function findPlan(pass: SyncOp, id: RequestId): RequestPlan | undefined {
  return pass.requests?.find((p) => p.req === id.req && (p.n ?? 1) === id.n);
}

/** The plan of request `id` in `pass`, made when missing (recording). */
export function planFor(pass: SyncOp, id: RequestId): RequestPlan {
  const found = findPlan(pass, id);
  if (found) return found;
  const plan: RequestPlan = { req: id.req, ...(id.n > 1 ? { n: id.n } : {}) };
  pass.requests = [...(pass.requests ?? []), plan];
  return plan;
}

/** Plays a log back: every answer is read from it; what it does not mention goes untouched. */
export class ReplayDirector implements Director {
  private readonly events = new Map<string, Exclude<SseFaultDecision, 'deliver'>>();
  private readonly randoms = new Map<string, number[]>();

  constructor(readonly log: FuzzLog) {
    for (const e of log.events ?? []) this.events.set(`${e.event}|${e.to}|${e.n ?? 1}`, e.decision);
    for (const [device, values] of Object.entries(log.liveRandom ?? {}))
      this.randoms.set(device, [...values]);
  }

  fault(_world: World, _device: Device, pass: SyncOp, request: RequestId): FaultKind | undefined {
    return findPlan(pass, request)?.fault;
  }

  async *during(
    _world: World,
    _device: Device,
    pass: SyncOp,
    request: RequestId,
    phase: Phase,
  ): AsyncIterable<Op> {
    for (const op of findPlan(pass, request)?.[phase] ?? []) yield op;
  }

  precondition(_world: World, _device: Device, pass: SyncOp, request: RequestId, delivery: number): boolean {
    const plan = findPlan(pass, request);
    return (delivery > 1 ? plan?.precondition2 : plan?.precondition) === true;
  }

  hintOrder(pass: SyncOp, hints: readonly string[]): string[] {
    // Each recorded position takes the first unused hint with that label (a hint may repeat).
    const rest = [...hints];
    const ordered: string[] = [];
    for (const label of pass.order ?? []) {
      const at = rest.indexOf(label);
      if (at !== -1) ordered.push(...rest.splice(at, 1));
    }
    return [...ordered, ...rest];
  }

  held(pass: SyncOp): 'approve' | 'keep' {
    return pass.held ?? 'approve';
  }

  event(event: string, to: string, n: number): SseFaultDecision {
    return this.events.get(`${event}|${to}|${n}`) ?? 'deliver';
  }

  liveRandom(device: string): number {
    return this.randoms.get(device)?.shift() ?? 0.5;
  }
}
