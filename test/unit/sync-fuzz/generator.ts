/**
 * The random director of the sync fuzz: a seeded PRNG decides every step, fault,
 * interleaving, live-event fault, hint order and answer, and each decision is RECORDED into
 * `log` (oplog.ts) as it is made, so the run can be replayed without the PRNG, shrunk, and
 * kept as a regression. Decisions look at the world (which memos a device has, which the
 * server has) the way the user or the web UI would, then name memos by their labels.
 * Invariant: only this module draws random numbers; ops.ts and world.ts only execute.
 */
import type { LocalMemo, MemoFields, Visibility } from '../../../sync/core/memo';
import type { FakeProfileName } from '../../fakes/fake-memos-profiles';
import type { SseFaultDecision } from '../../fakes/fake-memos-sse';
import type { FaultKind } from '../../fakes/faulty-fetch';
import { captureFile, deviceAttachmentOps, faultRateFor, webAttachmentOps } from './attachment-draws';
import type { Device } from './device';
import { type Director, planFor, type RequestId } from './director';
import type { EditKind } from './ledger';
import {
  type FuzzLog,
  LOG_FORMAT,
  type Op,
  type Phase,
  type ScalarPatch,
  type SyncOp,
  type WorldSetup,
} from './oplog';
import { perform } from './ops';
import { Prng } from './prng';
import type { World } from './world';

export interface FuzzConfig {
  steps: number;
  devices: number;
  /** Probability that a request gets some fault. */
  faultRate: number;
  /** Probability that other actors act while a request is in flight. */
  interleaveRate: number;
  /**
   * Server page-size cap (a small one exercises keyset paging). A real server has no such
   * knob: its handle lowers the page size the devices ask for instead.
   */
  maxPageSize: number;
  /** Log every request that reaches the server (used when replaying a failure). */
  trace?: boolean;
  /**
   * Anonymous reads see PUBLIC memos (a revoked token then lists less, the S1 trap). Fake
   * only: the real test instance is private.
   */
  publicInstance: boolean;
  /**
   * Which Memos release the fake plays: 0.30 (the seeds as they always were) or 0.31 (Spaces,
   * comments as memos, rate limits and transient FAILED_PRECONDITION answers).
   */
  profile: FakeProfileName;
}

/** Relative weights of the transport faults (their sum is scaled to `faultRate`). */
const FAULT_WEIGHTS: Record<FaultKind, number> = {
  'drop-request': 4,
  'drop-response': 4,
  duplicate: 3,
  'http-500': 3,
  'timeout-before': 2,
  'timeout-after': 2,
  malformed: 2,
  'kill-before': 1,
  'kill-after': 1,
};

const VISIBILITIES: Visibility[] = ['PRIVATE', 'PROTECTED', 'PUBLIC'];
const TAGS = ['work', 'idea', 'home/garden', 'todo'];
const EDITS: EditKind[] = ['append', 'insert', 'replace'];

type LocalKind = 'create' | 'edit' | 'scalar' | 'delete' | 'resolve' | 'attach' | 'detach';
const LOCAL_WEIGHTS: Record<LocalKind, number> = {
  create: 6,
  edit: 14,
  scalar: 7,
  delete: 3,
  resolve: 2,
  attach: 4,
  detach: 2,
};

export class RandomDirector implements Director {
  readonly prng: Prng;
  readonly setup: WorldSetup;
  readonly log: FuzzLog;
  private readonly created = new Map<string, number>();
  /** Labels of the comments alice made in the web UI (0.31 worlds), to edit them later. */
  private readonly comments: string[] = [];

  constructor(
    readonly seed: number,
    readonly config: FuzzConfig,
  ) {
    this.prng = new Prng(seed);
    const devices: WorldSetup['devices'] = [];
    for (let i = 0; i < config.devices; i++) {
      const skewMs = i === 0 ? 0 : (this.prng.pick([0, 0, 3_600_000, -7_200_000, 86_400_000 * 3]) ?? 0);
      devices.push({ skewMs, contentLimitBytes: this.prng.chance(0.25) ? 12_000 : 8192 });
    }
    this.setup = {
      profile: config.profile,
      devices,
      maxPageSize: config.maxPageSize,
      publicInstance: config.publicInstance,
    };
    this.log = {
      format: LOG_FORMAT,
      origin: `seed ${seed}`,
      world: this.setup,
      ops: [],
      events: [],
      liveRandom: {},
    };
  }

  /** A fresh label for the next memo `owner` makes (`A3`, `W2`, `bob1`). */
  private nextLabel(owner: string): string {
    const n = (this.created.get(owner) ?? 0) + 1;
    this.created.set(owner, n);
    return `${owner}${n}`;
  }

  /** Records `op` as the next top-level op, then plays it. */
  private async play(world: World, op: Op): Promise<void> {
    world.step = this.log.ops.length;
    world.log(`#${world.step}`);
    this.log.ops.push(op);
    await world.flushEvents();
    await perform(world, op);
  }

  /** One top-level step of the scenario (one to three ops). */
  async step(world: World): Promise<void> {
    // A revoked token stays revoked for a few steps, then the user reconnects.
    if (world.tokenRevoked && this.prng.chance(0.3)) await this.play(world, { do: 'token', revoked: false });
    const kind = this.prng.weighted({
      local: 32,
      server: 12,
      sync: 30,
      clock: 8,
      restart: 1,
      cut: 1,
      token: 1,
    });
    const device = this.pickDevice(world);
    await this.play(world, { do: 'clock', ms: this.prng.range(0, 700) });
    let ops: Op[];
    switch (kind) {
      case 'local':
        ops = await this.localOps(world, device);
        break;
      case 'server':
        ops = await this.serverOps(world);
        break;
      case 'sync':
        ops = [this.syncOp(device, this.prng.chance(0.35) ? 'full' : 'delta', this.prng.chance(0.7))];
        break;
      case 'clock': {
        // With a real server only the device clocks and timers jump (world.advance).
        const ms = this.prng.chance(0.8) ? this.prng.range(0, 4_000) : this.prng.range(60_000, 1_200_000);
        ops = [{ do: 'clock', ms }];
        break;
      }
      case 'restart':
        ops = device.busy ? [] : [{ do: 'restart', device: device.label }];
        break;
      case 'cut':
        ops = [{ do: 'cut' }];
        break;
      case 'token':
        ops = [{ do: 'token', revoked: !world.tokenRevoked }];
        break;
    }
    for (const op of ops) await this.play(world, op);
  }

  private pickDevice(world: World): Device {
    const device = this.prng.pick(world.devices);
    if (!device) throw new Error('no devices');
    return device;
  }

  private syncOp(device: Device, mode: 'delta' | 'full', hints: boolean): SyncOp {
    return { do: 'sync', device: device.label, mode, hints };
  }

  private readonly nextFile = () => this.nextLabel('f');

  private newMemo(): { tag?: string } {
    return this.prng.chance(0.3) ? { tag: this.prng.pick(TAGS) ?? 'work' } : {};
  }

  private async localOps(world: World, device: Device): Promise<Op[]> {
    const kind = this.prng.weighted(LOCAL_WEIGHTS);
    const who = device.label;
    if (kind === 'attach' || kind === 'detach')
      return deviceAttachmentOps(this.prng, world, device, kind, this.nextFile);
    if (kind === 'resolve') {
      const record = this.prng.pick(await device.parts.conflicts.list());
      if (!record || !(await device.parts.notebook.get(record.name))) return [];
      return [
        {
          do: 'resolve',
          device: who,
          memo: world.label(record.name),
          keep: this.prng.chance(0.5) ? 'server' : 'mine',
        },
      ];
    }
    const memo: LocalMemo | undefined =
      kind === 'create' ? undefined : this.prng.pick(await device.parts.db.memos.orderBy('name').toArray());
    if (kind === 'create' || (kind === 'edit' && !memo)) {
      const tag = this.newMemo();
      const visibility = this.prng.pick(VISIBILITIES) ?? 'PRIVATE';
      const file = captureFile(this.prng, this.nextFile);
      return [{ do: 'create', device: who, memo: this.nextLabel(who), visibility, ...tag, ...file }];
    }
    if (!memo) return [];
    const label = world.label(memo.name);
    if (kind === 'edit') {
      const big = device.contentLimitBytes > 8192 && this.prng.chance(0.15);
      const edit = this.prng.pick(EDITS) ?? 'append';
      return [
        { do: 'edit', device: who, memo: label, edit, at: this.prng.int(1000), ...(big ? { big } : {}) },
      ];
    }
    if (kind === 'scalar') return [{ do: 'set', device: who, memo: label, patch: this.scalarPatch(memo) }];
    return [{ do: 'delete', device: who, memo: label }];
  }

  private scalarPatch(memo: Pick<MemoFields, 'state' | 'pinned' | 'visibility'>): ScalarPatch {
    switch (this.prng.int(3)) {
      case 0:
        return { state: memo.state === 'NORMAL' ? 'ARCHIVED' : 'NORMAL' };
      case 1:
        return { pinned: !memo.pinned };
      default:
        return { visibility: this.prng.pick(VISIBILITIES.filter((v) => v !== memo.visibility)) ?? 'PUBLIC' };
    }
  }

  /** One action of the official web UI (alice's, sometimes bob's). */
  private async serverOps(world: World): Promise<Op[]> {
    const memos = await world.aliceMemos();
    const memo = this.prng.pick(memos.filter((m) => m.uid !== world.lockedUid));
    const actions = {
      edit: 8,
      scalar: 6,
      delete: 2,
      create: 3,
      oldTime: 1,
      bob: 1,
      bulk: 0.6,
      purge: 0.6,
      attach: 3,
      detach: 1.5,
    };
    // Only a newer server adds actions (Spaces, comments).
    const newer = world.server.newer !== undefined;
    const kind: keyof typeof actions | 'space' | 'comment' = newer
      ? this.prng.weighted({ ...actions, space: 1, comment: 1.5 })
      : this.prng.weighted(actions);
    if (memo && kind === 'space') return [{ do: 'web-space', memo: world.label(memo.uid) }];
    if (memo && kind === 'comment') return [this.commentOp(world, memo.uid)];
    if (memo && (kind === 'attach' || kind === 'detach'))
      return webAttachmentOps(this.prng, world, memo, kind, this.nextFile);
    if (kind === 'bulk') {
      return Array.from({ length: 12 }, () => {
        const tag = this.newMemo();
        return { do: 'web-create', user: 'alice', memo: this.nextLabel('W'), visibility: 'PRIVATE', ...tag };
      });
    }
    if (kind === 'purge') {
      const victims = memos.filter((m) => m.uid !== world.lockedUid && this.prng.chance(0.8));
      return [{ do: 'web-delete', memos: victims.map((m) => world.label(m.uid)) }];
    }
    if (kind === 'bob') {
      const visibility = this.prng.chance(0.5) ? 'PUBLIC' : 'PROTECTED';
      return [{ do: 'web-create', user: 'bob', memo: this.nextLabel('bob'), visibility }];
    }
    if (kind === 'create' || !memo) {
      const tag = this.newMemo();
      const visibility = this.prng.pick(VISIBILITIES) ?? 'PRIVATE';
      return [{ do: 'web-create', user: 'alice', memo: this.nextLabel('W'), visibility, ...tag }];
    }
    const label = world.label(memo.uid);
    if (kind === 'edit') {
      const edit = this.prng.pick(EDITS) ?? 'append';
      return [{ do: 'web-edit', memo: label, edit, at: this.prng.int(1000) }];
    }
    if (kind === 'delete') return [{ do: 'web-delete', memos: [label] }];
    if (kind === 'oldTime')
      return [{ do: 'web-old-time', memo: label, secondsBack: this.prng.range(60, 86_400 * 30) }];
    return [{ do: 'web-set', memo: label, patch: this.scalarPatch(memo) }];
  }

  /** 0.31: a new comment on `parentUid`, or an edit of an earlier one. */
  private commentOp(world: World, parentUid: string): Op {
    const existing = this.prng.chance(0.4) ? this.prng.pick(this.comments) : undefined;
    if (existing !== undefined)
      return { do: 'web-comment-edit', comment: existing, text: `${existing}, edited` };
    const comment = this.nextLabel('K');
    this.comments.push(comment);
    return { do: 'web-comment', on: world.label(parentUid), comment };
  }

  // ---- the world's questions ----

  fault(_world: World, _device: Device, pass: SyncOp, request: RequestId): FaultKind | undefined {
    if (!this.prng.chance(faultRateFor(request, this.config.faultRate))) return undefined;
    let fault = this.prng.weighted(FAULT_WEIGHTS);
    // A GET changes nothing on the server: "after" means nothing more than "before".
    if (fault === 'kill-after' && request.req.startsWith('GET ')) fault = 'kill-before';
    planFor(pass, request).fault = fault;
    return fault;
  }

  async *during(
    world: World,
    device: Device,
    pass: SyncOp,
    request: RequestId,
    phase: Phase,
  ): AsyncIterable<Op> {
    if (!this.prng.chance(this.config.interleaveRate)) return;
    const count = this.prng.range(1, 2);
    for (let i = 0; i < count; i++) {
      for (const op of await this.concurrentOps(world, device)) {
        const plan = planFor(pass, request);
        plan[phase] = [...(plan[phase] ?? []), op];
        yield op;
      }
    }
  }

  /** What other actors do while a request of `inFlight` is on the wire. */
  private async concurrentOps(world: World, inFlight: Device): Promise<Op[]> {
    const kind = this.prng.weighted({ sameDevice: 5, otherDevice: 3, server: 4, otherSync: 2, token: 0.5 });
    const other = this.pickDevice(world);
    // A token can be revoked mid-pass; it comes back only between passes (the user reconnects).
    if (kind === 'token') return world.tokenRevoked ? [] : [{ do: 'token', revoked: true }];
    if (kind === 'sameDevice') return this.localOps(world, inFlight);
    if (kind === 'otherDevice') return this.localOps(world, other);
    if (kind === 'server') return this.serverOps(world);
    // Another device's push could write the memo inside the in-flight read-modify-write window.
    if (other.busy || world.lockedUid !== undefined) return [];
    return [this.syncOp(other, this.prng.chance(0.5) ? 'full' : 'delta', true)];
  }

  precondition(_world: World, _device: Device, pass: SyncOp, request: RequestId, delivery: number): boolean {
    if (!this.prng.chance(0.08)) return false;
    planFor(pass, request)[delivery > 1 ? 'precondition2' : 'precondition'] = true;
    return true;
  }

  hintOrder(pass: SyncOp, hints: readonly string[]): string[] {
    const order = this.prng.shuffle(hints);
    pass.order = order;
    return order;
  }

  held(pass: SyncOp): 'approve' | 'keep' {
    pass.held = this.prng.chance(0.5) ? 'approve' : 'keep';
    return pass.held;
  }

  event(event: string, to: string, n: number): SseFaultDecision {
    const decision = this.prng.weighted({ deliver: 70, drop: 12, duplicate: 8, hold: 10 });
    if (decision !== 'deliver') this.log.events?.push({ event, to, ...(n > 1 ? { n } : {}), decision });
    return decision;
  }

  liveRandom(device: string): number {
    const value = this.prng.next();
    const drawn = this.log.liveRandom ?? {};
    drawn[device] = [...(drawn[device] ?? []), value];
    this.log.liveRandom = drawn;
    return value;
  }
}
