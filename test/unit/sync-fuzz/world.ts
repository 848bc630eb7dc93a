/**
 * The simulated world of one fuzz seed: the server side (a ServerHandle: the in-memory fake,
 * or a real Memos; server-handle.ts), N devices, the edit ledger, manual timers (for the
 * live-event reconnects), fault switches and the op log. Determinism: every random choice
 * comes from the seed's PRNG and time only from the world clock; with the fake, the JS event
 * loop has no real I/O at all, with a real server only the server's own clock and generated
 * ids vary between runs. `syncPass` runs one engine pass on a device; a kill abandons that
 * engine instance and reboots the device. `interleave` lets other actors act while a request
 * is in flight.
 */
import type { SyncReport } from '../../../sync/engine/engine';
import type { FakeProfileName } from '../../fakes/fake-memos-profiles';
import type { FaultKind, RequestInfo } from '../../fakes/faulty-fetch';
import { Device, DeviceKilledError, type ManualTimers } from './device';
import type { Violation } from './invariants';
import { Ledger } from './ledger';
import type { Prng } from './prng';
import { andThen, type MaybePromise, type ServerHandle, type ServerMemo, type WebUi } from './server-handle';

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

export class World {
  readonly ledger = new Ledger();
  readonly lines: string[] = [];
  readonly devices: Device[] = [];
  readonly alice: WebUi;
  readonly bob: WebUi;
  /** Invariant violations seen while the scenario runs (checked with the final ones). */
  readonly violations: Violation[] = [];
  tokenRevoked = false;
  faultsOn = true;
  interleaveOn = true;
  depth = 0;
  step = 0;
  /**
   * The memo inside some device's read-modify-write window (between the answer to its GET
   * and its PATCH/DELETE, and between two deliveries of one write). Memos has no
   * conditional write, so a remote write landing there is lost by the API itself, whatever
   * the engine does; the fuzz keeps remote writers away from it (memos-api.md §13, "an
   * unavoidable race window").
   */
  lockedUid: string | undefined;
  /** Comments alice made in the web UI (0.31 worlds): their uids, to edit them later. */
  readonly comments: string[] = [];
  /** Called by `interleave`; set by the op module (avoids an import cycle). */
  concurrentStep: (device: Device) => Promise<void> = async () => undefined;
  private readonly timerQueue = new Map<number, { due: number; run: () => void }>();
  private timerIds = 0;

  constructor(
    readonly seed: number,
    readonly prng: Prng,
    readonly config: FuzzConfig,
    readonly server: ServerHandle,
  ) {
    this.alice = server.alice;
    this.bob = server.bob;
    server.sse.faults = () => {
      if (!this.faultsOn) return 'deliver';
      return this.prng.weighted({ deliver: 70, drop: 12, duplicate: 8, hold: 10 });
    };
    // 0.31: now and then the server refuses a memo update as "memo state changed".
    server.newer?.setTransientPrecondition((uid) => {
      if (!this.faultsOn || !this.prng.chance(0.08)) return false;
      this.log(`    server answers FAILED_PRECONDITION to an update of ${uid.slice(0, 8)}…`);
      return true;
    });
    const timers: ManualTimers = {
      setTimeout: (run, ms) => {
        const id = ++this.timerIds;
        this.timerQueue.set(id, { due: server.clock.now() + ms, run });
        return id;
      },
      clearTimeout: (handle) => {
        if (typeof handle === 'number') this.timerQueue.delete(handle);
      },
    };
    for (let i = 0; i < config.devices; i++) {
      const skew = i === 0 ? 0 : (this.prng.pick([0, 0, 3_600_000, -7_200_000, 86_400_000 * 3]) ?? 0);
      const device = new Device(i, seed, skew, {
        server,
        timers,
        random: this.prng.next,
        decideFault: (_, request) => this.decideFault(request.method),
        interleave: (d, phase, request) => this.interleave(d, phase, request),
        log: (line) => this.log(line),
        onLocalRemoval: (d, names, how) => this.checkRemoval(d, names, how),
        ...(config.trace ? { trace: (line: string) => this.log(line) } : {}),
      });
      if (this.prng.chance(0.25)) device.contentLimitBytes = 12_000;
      this.devices.push(device);
    }
  }

  log(line: string): void {
    this.lines.push(line);
  }

  /**
   * (d) NO SPURIOUS LOCAL DELETE: sync removes a memo here only when the server has no such
   * memo, or it was absent at some moment of this pass (deleted, or re-created by another
   * device, after the pass began: the 404 it saw was true then).
   */
  private checkRemoval(device: Device, names: readonly string[], how: string): MaybePromise<void> {
    if (names.length === 0) return;
    return andThen(this.aliceMemos(), (memos) => this.noteRemoval(device, memos, names, how));
  }

  private noteRemoval(device: Device, memos: ServerMemo[], names: readonly string[], how: string): void {
    const present = new Set(memos.map((m) => `memos/${m.uid}`));
    for (const name of names) {
      if (!present.has(name)) continue;
      const uid = name.replace(/^memos\//, '');
      if (this.server.churnSeq(uid) > device.passStartSeq) continue;
      const message = `step ${this.step}: ${device.label} ${how} ${name} while the server still has it`;
      this.log(`    !!! ${message}`);
      this.violations.push({ invariant: 'no-spurious-delete', message });
    }
  }

  /** Faults, interleavings and the server's rate limit off: the world settles. */
  calm(): void {
    this.faultsOn = false;
    this.interleaveOn = false;
    this.server.newer?.setRateLimiting(false);
  }

  /** Revokes alice's token (every device turns anonymous) or restores it. */
  toggleToken(): MaybePromise<void> {
    this.tokenRevoked = !this.tokenRevoked;
    return andThen(this.server.setTokenRevoked(this.tokenRevoked), () =>
      this.log(`token ${this.tokenRevoked ? 'REVOKED (requests are anonymous)' : 'restored'}`),
    );
  }

  boot(): void {
    for (const device of this.devices) device.boot();
  }

  async dispose(): Promise<void> {
    await this.server.dispose();
    for (const device of this.devices) await device.dispose();
  }

  /** Alice's memos as the server holds them now. */
  aliceMemos(): MaybePromise<ServerMemo[]> {
    return this.server.memos();
  }

  /**
   * Advances the world clock and fires due timers (live-event reconnects). With a real
   * server only the device clocks and the timers move: its own clock keeps real time.
   */
  advance(ms: number): void {
    this.server.clock.advance(ms);
    const now = this.server.clock.now();
    for (const [id, timer] of [...this.timerQueue]) {
      if (timer.due > now) continue;
      this.timerQueue.delete(id);
      timer.run();
    }
  }

  /** Lets queued stream chunks reach the devices' live-event readers. */
  async flushEvents(): Promise<void> {
    for (let i = 0; i < 4; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  private decideFault(method: string): FaultKind | undefined {
    if (!this.faultsOn || !this.prng.chance(this.config.faultRate)) return undefined;
    const fault = this.prng.weighted(FAULT_WEIGHTS);
    // A GET changes nothing on the server: "after" means nothing more than "before".
    if (fault === 'kill-after' && method === 'GET') return 'kill-before';
    return fault;
  }

  private async interleave(device: Device, phase: 'before' | 'after', request: RequestInfo): Promise<void> {
    if (!this.interleaveOn || this.depth > 0 || !this.prng.chance(this.config.interleaveRate)) return;
    const memo = /\/api\/v1\/memos\/([^/?]+)$/.exec(new URL(request.url, 'http://memos.test').pathname)?.[1];
    // The window runs from the answer to a GET to the write; a write may be delivered twice
    // (the duplicate fault), so the moment after a write is inside the window too.
    const write = request.method === 'PATCH' || request.method === 'DELETE';
    const inWindow = (phase === 'after' && request.method === 'GET') || write;
    this.lockedUid = memo !== undefined && inWindow ? decodeURIComponent(memo) : undefined;
    this.depth++;
    try {
      const count = this.prng.range(1, 2);
      for (let i = 0; i < count; i++) await this.concurrentStep(device);
    } finally {
      this.depth--;
      this.lockedUid = undefined;
    }
  }

  /** One engine pass on `device`; returns undefined when the device was killed mid-pass. */
  async syncPass(device: Device, mode: 'delta' | 'full', useHints: boolean): Promise<SyncReport | undefined> {
    if (device.busy) return undefined;
    await this.flushEvents();
    const taken = device.hints.splice(0);
    const hints = useHints ? this.prng.shuffle(taken) : [];
    const { pass, killed } = device.parts;
    const generation = device.generation;
    device.busy = true;
    device.passStartSeq = this.server.writeSeq();
    try {
      const report = await Promise.race([pass({ mode, hints }), killed]);
      if (report.heldDeletions) {
        // [S3] The user answers the question: delete them here too, or keep (upload) them.
        const names = report.heldDeletions.names;
        if (this.prng.chance(0.5)) {
          await device.parts.approveHeld();
          this.log(`    ${device.label} user approves ${names.length} held deletions`);
        } else {
          await device.parts.keepHeld();
          this.log(`    ${device.label} user keeps ${names.length} memos the server no longer has`);
        }
      }
      const outcome = report.ok ? 'ok' : `error ${report.error?.kind}: ${report.error?.message}`;
      this.log(
        `    ${device.label} ${report.mode} pass: ${outcome}; pulled ${report.pulled}, deleted ${report.deleted}, pushed ${report.pushed}, rejected ${report.rejected}${report.notices.length > 0 ? `, notices ${report.notices.map((n) => n.kind).join(',')}` : ''}${report.heldDeletions ? `, HELD ${report.heldDeletions.names.length}` : ''}`,
      );
      return report;
    } catch (error) {
      if (!(error instanceof DeviceKilledError)) throw error;
      this.log(`    ${device.label} KILLED: ${error.message}`);
      if (device.generation === generation) device.reboot();
      return undefined;
    } finally {
      if (device.generation === generation) device.busy = false;
    }
  }
}
