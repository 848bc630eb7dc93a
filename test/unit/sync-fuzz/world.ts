/**
 * The simulated world of one fuzz run: the server side (a ServerHandle: the in-memory fake,
 * or a real Memos; server-handle.ts), N devices, the edit ledger, manual timers (for the
 * live-event reconnects), the labels the op log names memos by, and the trace (`lines`).
 * The world executes; a Director (director.ts) decides: faults per request, other actors'
 * ops while a request is in flight (`interleave`), live-event faults, hint order, the
 * user's answer to held deletions. Determinism: with the fake, the JS event loop has no
 * real I/O at all; with a real server only the server's own clock and generated ids vary.
 * `syncPass` runs one engine pass on a device; a kill abandons that engine instance and
 * reboots the device. `scripted` is false during quiescence: no faults, no interleaving,
 * nothing asked of the director but the live clients' random numbers, and (0.31) no rate
 * limit.
 */
import type { MemoName } from '../../../sync/core/ids';
import type { SyncReport } from '../../../sync/engine/engine';
import type { SseEvent, SseSubscriberInfo } from '../../fakes/fake-memos-sse';
import type { FaultKind, RequestInfo } from '../../fakes/faulty-fetch';
import { AttachmentLedger } from './attachment-ledger';
import { Device, DeviceKilledError, type ManualTimers } from './device';
import type { Director, RequestId } from './director';
import type { Violation } from './invariants';
import { Ledger } from './ledger';
import type { Phase, SyncOp, WorldSetup } from './oplog';
import { perform } from './ops';
import type { ServerHandle, ServerMemo, WebUi } from './server-handle';

interface PassState {
  op: SyncOp;
  /** Requests of this pass so far, by name (numbers them). */
  counts: Map<string, number>;
  /** The request now on the wire and how many times it was delivered (duplicates: 2). */
  current?: { id: RequestId; deliveries: number };
}

export class World {
  readonly ledger = new Ledger();
  /** Every attachment added, and those removed on purpose (attachment-ledger.ts). */
  readonly files = new AttachmentLedger();
  /** The trace: what happened, step by step (printed with a failure). */
  readonly lines: string[] = [];
  readonly devices: Device[] = [];
  readonly alice: WebUi;
  readonly bob: WebUi;
  /** Invariant violations seen while the scenario runs (checked with the final ones). */
  readonly violations: Violation[] = [];
  tokenRevoked = false;
  /** False during quiescence: no faults, no interleaving, fixed answers. */
  scripted = true;
  depth = 0;
  /** The top-level op being played (its index in the log). */
  step = 0;
  /**
   * The memo inside some device's read-modify-write window (between the answer to its GET
   * and its PATCH/DELETE, and between two deliveries of one write). Memos has no
   * conditional write, so a remote write landing there is lost by the API itself, whatever
   * the engine does; remote writers keep away from it (memos-api.md §13, "an unavoidable
   * race window").
   */
  lockedUid: string | undefined;
  private readonly labels = new Map<string, string>();
  private readonly uids = new Map<string, string>();
  private readonly passes = new Map<Device, PassState>();
  /** The device request the server is answering right now (the fake answers synchronously). */
  private delivering: { device: Device; pass: SyncOp; id: RequestId; delivery: number } | undefined;
  private readonly eventCounts = new Map<string, number>();
  private readonly timerQueue = new Map<number, { due: number; run: () => void }>();
  private timerIds = 0;
  /** Worlds made in this process (their device databases get distinct names). */
  private static runs = 0;

  constructor(
    readonly setup: WorldSetup,
    readonly director: Director,
    readonly server: ServerHandle,
    readonly options: { trace?: boolean } = {},
  ) {
    this.alice = server.alice;
    this.bob = server.bob;
    World.runs++;
    server.sse.faults = (event, subscriber) => this.eventFault(event, subscriber);
    // 0.31: now and then the server refuses a memo update as "memo state changed".
    server.newer?.setTransientPrecondition((uid) => this.preconditionFault(uid));
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
    setup.devices.forEach((spec, i) => {
      const label = 'ABCDEFGH'[i] ?? `D${i}`;
      const device = new Device(i, World.runs, spec.skewMs, {
        server,
        timers,
        random: () => this.director.liveRandom(label),
        decideFault: (d, request) => this.decideFault(d, request),
        interleave: (d, phase, request) => this.interleave(d, phase, request),
        log: (line) => this.log(line),
        label: (uid) => this.label(uid),
        onLocalRemoval: (d, names, how) => this.checkRemoval(d, names, how),
        ...(options.trace ? { trace: (line: string) => this.log(line) } : {}),
      });
      device.contentLimitBytes = spec.contentLimitBytes;
      this.devices.push(device);
    });
  }

  log(line: string): void {
    this.lines.push(line);
  }

  device(label: string): Device | undefined {
    return this.devices.find((d) => d.label === label);
  }

  // ---- labels: the names the op log gives memos ----

  /** Records that the memo the log calls `label` has this uid (or `memos/uid`). */
  bind(label: string, uidOrName: string): void {
    const uid = uidOrName.replace(/^memos\//, '');
    this.labels.set(uid, label);
    this.uids.set(label, uid);
  }

  /** The label of a memo (`?<uid>` for one the log never made). */
  label(uidOrName: string): string {
    const uid = uidOrName.replace(/^memos\//, '');
    return this.labels.get(uid) ?? `?${uid}`;
  }

  /** The uid the log's label stands for in this run, if that memo was made. */
  uid(label: string): string | undefined {
    return this.uids.get(label);
  }

  name(label: string): MemoName | undefined {
    const uid = this.uid(label);
    return uid === undefined ? undefined : (`memos/${uid}` as MemoName);
  }

  /** A request's name in the op log: `GET me`, `GET list NORMAL`, `POST A3`, `PATCH W2`, … */
  requestName(request: RequestInfo): string {
    const url = new URL(request.url, 'http://memos.test');
    const path = url.pathname.replace(/^\/api\/v1\//, '');
    if (path === 'auth/me') return `${request.method} me`;
    if (path === 'memos' && request.method === 'GET')
      return `GET list ${url.searchParams.get('state') ?? 'NORMAL'}`;
    if (path === 'memos' && request.method === 'POST')
      return `POST ${this.label(url.searchParams.get('memoId') ?? '')}`;
    // Attachments by the label of the add they came from: `POST att f3`, `GET file f3`, …
    if (path === 'attachments' && request.method === 'POST')
      return `POST att ${this.label(url.searchParams.get('attachmentId') ?? '')}`;
    const attachment = /^(?:attachments|\/?file\/attachments)\/([^/]+)/.exec(path);
    if (attachment?.[1] !== undefined) {
      const kind = path.includes('file/') ? 'file' : 'att';
      return `${request.method} ${kind} ${this.label(decodeURIComponent(attachment[1]))}`;
    }
    const memo = /^memos\/([^/]+)$/.exec(path)?.[1];
    if (memo !== undefined) return `${request.method} ${this.label(decodeURIComponent(memo))}`;
    return `${request.method} ${path}`;
  }

  // ---- the director's hooks ----

  private decideFault(device: Device, request: RequestInfo): FaultKind | undefined {
    const pass = this.passes.get(device);
    if (!pass) return undefined;
    const req = this.requestName(request);
    const n = (pass.counts.get(req) ?? 0) + 1;
    pass.counts.set(req, n);
    if (req.startsWith('GET att ')) this.log(`    ${device.label} reads back ${req.slice(8)}`);
    pass.current = { id: { req, n }, deliveries: 0 };
    const files = request.method === 'PATCH' && /updateMask=[^&]*attachments/.test(request.url);
    const id = files ? { req, n, files } : { req, n };
    return this.scripted ? this.director.fault(this, device, pass.op, id) : undefined;
  }

  private async interleave(device: Device, phase: 'before' | 'after', request: RequestInfo): Promise<void> {
    this.delivering = undefined;
    const pass = this.passes.get(device);
    const current = pass?.current;
    if (!current || !pass) return;
    if (phase === 'before') current.deliveries++;
    await this.during(device, pass, current, phase, request);
    // What the server is about to answer (the hook runs once more after the answer).
    if (phase === 'before')
      this.delivering = { device, pass: pass.op, id: current.id, delivery: current.deliveries };
  }

  private async during(
    device: Device,
    pass: PassState,
    current: NonNullable<PassState['current']>,
    phase: 'before' | 'after',
    request: RequestInfo,
  ): Promise<void> {
    if (!this.scripted || this.depth > 0) return;
    const at: Phase = current.deliveries > 1 ? (phase === 'before' ? 'before2' : 'after2') : phase;
    const memo = /\/api\/v1\/memos\/([^/?]+)$/.exec(new URL(request.url, 'http://memos.test').pathname)?.[1];
    // The window runs from the answer to a GET to the write; a write may be delivered twice
    // (the duplicate fault), so the moment after a write is inside the window too.
    const write = request.method === 'PATCH' || request.method === 'DELETE';
    const inWindow = (phase === 'after' && request.method === 'GET') || write;
    this.lockedUid = memo !== undefined && inWindow ? decodeURIComponent(memo) : undefined;
    this.depth++;
    try {
      for await (const op of this.director.during(this, device, pass.op, current.id, at)) {
        this.log(`  (while ${device.label}'s request is in flight)`);
        await this.flushEvents();
        await perform(this, op);
      }
    } finally {
      this.depth--;
      this.lockedUid = undefined;
    }
  }

  /** 0.31's transient FAILED_PRECONDITION, asked for the update the server is answering. */
  private preconditionFault(uid: string): boolean {
    const d = this.delivering;
    if (!this.scripted || !d) return false;
    const refuse = this.director.precondition(this, d.device, d.pass, d.id, d.delivery);
    if (refuse) this.log(`    server answers FAILED_PRECONDITION to an update of ${this.label(uid)}`);
    return refuse;
  }

  private eventFault(event: SseEvent, subscriber: SseSubscriberInfo) {
    if (!this.scripted) return 'deliver';
    const name = `${event.type} ${this.label(event.name)}`;
    const to = subscriber.client ?? '?';
    const key = `${name}|${to}`;
    const n = (this.eventCounts.get(key) ?? 0) + 1;
    this.eventCounts.set(key, n);
    return this.director.event(name, to, n);
  }

  /**
   * (d) NO SPURIOUS LOCAL DELETE: sync removes a memo here only when the server has no such
   * memo, or it was absent at some moment of this pass (deleted, or re-created by another
   * device, after the pass began: the 404 it saw was true then).
   */
  private async checkRemoval(device: Device, names: readonly string[], how: string): Promise<void> {
    if (names.length === 0) return;
    const present = new Set((await this.aliceMemos()).map((m) => `memos/${m.uid}`));
    for (const name of names) {
      if (!present.has(name)) continue;
      const uid = name.replace(/^memos\//, '');
      if (this.server.churnSeq(uid) > device.passStartSeq) continue;
      const message = `op ${this.step}: ${device.label} ${how} ${this.label(name)} while the server still has it`;
      this.log(`    !!! ${message}`);
      this.violations.push({ invariant: 'no-spurious-delete', message });
    }
  }

  /** Revokes alice's token (every device turns anonymous) or gives it back. */
  async setToken(revoked: boolean): Promise<void> {
    if (revoked === this.tokenRevoked) return;
    this.tokenRevoked = revoked;
    await this.server.setTokenRevoked(revoked);
    this.log(`token ${revoked ? 'REVOKED (requests are anonymous)' : 'restored'}`);
  }

  boot(): void {
    for (const device of this.devices) device.boot();
  }

  async dispose(): Promise<void> {
    await this.server.dispose();
    for (const device of this.devices) await device.dispose();
  }

  /** Alice's memos as the server holds them now. */
  async aliceMemos(): Promise<ServerMemo[]> {
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

  /** One engine pass on `device`; returns undefined when the device was busy or killed mid-pass. */
  async syncPass(device: Device, op: SyncOp): Promise<SyncReport | undefined> {
    if (device.busy) return undefined;
    await this.flushEvents();
    const taken = device.hints.splice(0);
    const hints = !op.hints ? [] : this.orderHints(op, taken);
    const { pass, killed } = device.parts;
    const generation = device.generation;
    device.busy = true;
    device.passStartSeq = this.server.writeSeq();
    this.passes.set(device, { op, counts: new Map() });
    try {
      const report = await Promise.race([pass({ mode: op.mode, hints }), killed]);
      this.passes.delete(device);
      if (report.heldDeletions) await this.answerHeld(device, op, report.heldDeletions.names);
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
      this.passes.delete(device);
      if (device.generation === generation) device.busy = false;
    }
  }

  private orderHints(op: SyncOp, taken: readonly MemoName[]): MemoName[] {
    if (!this.scripted || taken.length < 2) return [...taken];
    const byLabel = new Map<string, MemoName[]>();
    for (const name of taken) byLabel.set(this.label(name), [...(byLabel.get(this.label(name)) ?? []), name]);
    return this.director
      .hintOrder(
        op,
        taken.map((name) => this.label(name)),
      )
      .map((label) => byLabel.get(label)?.shift())
      .filter((name): name is MemoName => name !== undefined);
  }

  /** [S3] The user answers the question: delete them here too, or keep (upload) them. */
  private async answerHeld(device: Device, op: SyncOp, names: MemoName[]): Promise<void> {
    const answer = this.scripted ? this.director.held(op) : 'approve';
    if (answer === 'approve') {
      await device.parts.approveHeld();
      this.log(`    ${device.label} user approves ${names.length} held deletions`);
    } else {
      await device.parts.keepHeld();
      this.log(`    ${device.label} user keeps ${names.length} memos the server no longer has`);
    }
  }
}
