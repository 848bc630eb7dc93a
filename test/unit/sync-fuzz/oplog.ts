/**
 * The operation log of one fuzz run: every decision the run made, as data, so a replayer
 * can play it again without the PRNG (replay-director.ts), a shrinker can delete parts of it
 * (shrink.ts), and a regression can be kept as the log itself (regressions/*.json) instead
 * of a seed whose meaning changes whenever the simulator's random choices do.
 *
 * Invariants of the format:
 *  - Memos are named by LABELS given when the log created them (`A3`: device A's third
 *    create; `W2`: the web UI's second; `bob1`: bob's first), never by uids, which differ
 *    between runs (server-made ids, and any op removed shifts the counters). An op whose
 *    memo does not exist at that moment is skipped, so any sub-log is still a valid log.
 *  - A request is named by method and target (`PATCH A3`, `GET list NORMAL`, `GET me`)
 *    and its number among the same requests of that pass (`n`, default 1); faults and
 *    other actors' ops during it hang off that name (`before`, `after`; `before2`,
 *    `after2` around the second delivery of a duplicated request).
 *  - Live-event faults name the event (`memo.updated A3`), the device whose stream it is
 *    and its number among those; everything not listed is delivered.
 *  - Quiescence (faults off, full passes until nothing changes) is not in the log: it is
 *    the same fixed procedure for every run.
 */
import type { MemoState, Visibility } from '../../../sync/core/memo';
import type { FakeProfileName } from '../../fakes/fake-memos-profiles';
import type { SseFaultDecision } from '../../fakes/fake-memos-sse';
import type { FaultKind } from '../../fakes/faulty-fetch';
import { FAULT_KINDS } from '../../fakes/faulty-fetch';
import {
  ATTACHMENT_OPS,
  type AttachmentOp,
  checkAttachmentOp,
  checkFileSpec,
  type FileSpec,
} from './attachment-ops';
import type { EditKind } from './ledger';

export const LOG_FORMAT = 'memos-offline/sync-fuzz-log@1';

export type ScalarPatch = { state: MemoState } | { pinned: boolean } | { visibility: Visibility };

export type Op =
  /** Advances the world clock (device clocks, live-event reconnect timers; the fake's clock). */
  | { do: 'clock'; ms: number }
  /** `file`: a file attached at capture [F1] (absent in logs older than attachments). */
  | { do: 'create'; device: string; memo: string; visibility: Visibility; tag?: string; file?: FileSpec }
  | { do: 'edit'; device: string; memo: string; edit: EditKind; at: number; big?: boolean }
  | { do: 'set'; device: string; memo: string; patch: ScalarPatch }
  | { do: 'delete'; device: string; memo: string }
  | { do: 'resolve'; device: string; memo: string; keep: 'server' | 'mine' }
  | { do: 'web-create'; user: 'alice' | 'bob'; memo: string; visibility: Visibility; tag?: string }
  | { do: 'web-edit'; memo: string; edit: EditKind; at: number }
  | { do: 'web-set'; memo: string; patch: ScalarPatch }
  | { do: 'web-delete'; memos: string[] }
  | { do: 'web-old-time'; memo: string; secondsBack: number }
  /** 0.31: the web UI places a memo in a Space (SPACE visibility; update_time stays). */
  | { do: 'web-space'; memo: string }
  /** 0.31: the web UI comments on a memo (a comment is a memo of its own there). */
  | { do: 'web-comment'; on: string; comment: string }
  | { do: 'web-comment-edit'; comment: string; text: string }
  /** Attachments (attachment-ops.ts): a device's or the web UI's add or removal. */
  | AttachmentOp
  | SyncOp
  | { do: 'restart'; device: string }
  /** Ends every live-event stream (the devices reconnect after their backoff). */
  | { do: 'cut' }
  /** Revokes the devices' token or gives it back (the user reconnects). */
  | { do: 'token'; revoked: boolean };

export interface SyncOp {
  do: 'sync';
  device: string;
  mode: 'delta' | 'full';
  /** false: the hints the live stream gave are dropped unused. */
  hints: boolean;
  /** The order the hints were used in (labels); hints not listed come after, as received. */
  order?: string[];
  /** What happened to this pass's requests (those not listed went through untouched). */
  requests?: RequestPlan[];
  /** [S3] The user's answer if this pass holds deletions back (default: approve). */
  held?: 'approve' | 'keep';
}

export type Phase = 'before' | 'after' | 'before2' | 'after2';
export const PHASES: readonly Phase[] = ['before', 'after', 'before2', 'after2'];

export interface RequestPlan {
  /** `METHOD target`: `GET me`, `GET list NORMAL`, `POST A3`, `GET W2`, `PATCH A3`, … */
  req: string;
  /** The n-th request with this name in the pass (default 1). */
  n?: number;
  fault?: FaultKind;
  /** 0.31: the server answers this update with a transient FAILED_PRECONDITION (…2: the second delivery). */
  precondition?: boolean;
  precondition2?: boolean;
  before?: Op[];
  after?: Op[];
  before2?: Op[];
  after2?: Op[];
}

export interface EventFault {
  /** `memo.created A3`, `memo.updated W2`, … */
  event: string;
  /** The device whose live stream it is. */
  to: string;
  /** The n-th such event on that stream (default 1). */
  n?: number;
  decision: Exclude<SseFaultDecision, 'deliver'>;
}

export interface WorldSetup {
  /** The Memos release the fake plays (default 0.30); a real server is what it is. */
  profile?: FakeProfileName;
  devices: Array<{ skewMs: number; contentLimitBytes: number }>;
  maxPageSize: number;
  /** Anonymous reads see PUBLIC memos (fake only: the real test instance is private). */
  publicInstance: boolean;
}

export interface FuzzLog {
  format: typeof LOG_FORMAT;
  /** What the log once caught (regressions). */
  bug?: string;
  /** Where it came from (for the reader; the replay does not use it). */
  origin?: string;
  world: WorldSetup;
  ops: Op[];
  events?: EventFault[];
  /** The values each device's live-event client drew for its reconnect jitter, in order. */
  liveRandom?: Record<string, number[]>;
}

// ---- reading a log from disk: every mistake is named, nothing is guessed ----

class LogError extends Error {}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const VISIBILITIES = ['PRIVATE', 'PROTECTED', 'PUBLIC'];
const EDIT_KINDS = ['append', 'insert', 'replace'];
const DECISIONS = ['drop', 'duplicate', 'hold'];

function fail(where: string, what: string): never {
  throw new LogError(`${where}: ${what}`);
}

function check(ok: boolean, where: string, what: string): void {
  if (!ok) fail(where, what);
}

function str(value: unknown, where: string): string {
  check(typeof value === 'string' && value !== '', where, 'expected a non-empty string');
  return value as string;
}

function num(value: unknown, where: string): number {
  check(typeof value === 'number' && Number.isFinite(value), where, 'expected a number');
  return value as number;
}

function oneOf(value: unknown, allowed: readonly string[], where: string): void {
  check(typeof value === 'string' && allowed.includes(value), where, `expected one of ${allowed.join(', ')}`);
}

function checkPatch(value: unknown, where: string): void {
  check(
    isRecord(value) && Object.keys(value).length === 1,
    where,
    'expected one of {state}, {pinned}, {visibility}',
  );
  const patch = value as Record<string, unknown>;
  if ('state' in patch) oneOf(patch.state, ['NORMAL', 'ARCHIVED'], `${where}.state`);
  else if ('pinned' in patch)
    check(typeof patch.pinned === 'boolean', `${where}.pinned`, 'expected a boolean');
  else if ('visibility' in patch) oneOf(patch.visibility, VISIBILITIES, `${where}.visibility`);
  else check(false, where, 'expected one of {state}, {pinned}, {visibility}');
}

function checkOps(value: unknown, where: string): void {
  check(Array.isArray(value), where, 'expected a list of ops');
  for (const [i, op] of (value as unknown[]).entries()) checkOp(op, `${where}[${i}]`);
}

function checkOp(op: unknown, where: string): void {
  check(isRecord(op), where, 'expected an op object');
  const o = op as Record<string, unknown>;
  switch (o.do) {
    case 'clock':
      num(o.ms, `${where}.ms`);
      return;
    case 'create':
    case 'web-create':
      if (o.do === 'create') str(o.device, `${where}.device`);
      else oneOf(o.user, ['alice', 'bob'], `${where}.user`);
      str(o.memo, `${where}.memo`);
      oneOf(o.visibility, VISIBILITIES, `${where}.visibility`);
      if (o.tag !== undefined) str(o.tag, `${where}.tag`);
      if (o.do === 'create' && o.file !== undefined) {
        check(isRecord(o.file), `${where}.file`, 'expected {file, name}');
        checkFileSpec(o.file as Record<string, unknown>, `${where}.file`, fail);
      }
      return;
    case 'edit':
    case 'web-edit':
      if (o.do === 'edit') str(o.device, `${where}.device`);
      str(o.memo, `${where}.memo`);
      oneOf(o.edit, EDIT_KINDS, `${where}.edit`);
      num(o.at, `${where}.at`);
      return;
    case 'set':
    case 'web-set':
      if (o.do === 'set') str(o.device, `${where}.device`);
      str(o.memo, `${where}.memo`);
      checkPatch(o.patch, `${where}.patch`);
      return;
    case 'delete':
    case 'restart':
      str(o.device, `${where}.device`);
      if (o.do === 'delete') str(o.memo, `${where}.memo`);
      return;
    case 'resolve':
      str(o.device, `${where}.device`);
      str(o.memo, `${where}.memo`);
      oneOf(o.keep, ['server', 'mine'], `${where}.keep`);
      return;
    case 'web-delete':
      check(Array.isArray(o.memos), `${where}.memos`, 'expected a list of labels');
      for (const [i, m] of (o.memos as unknown[]).entries()) str(m, `${where}.memos[${i}]`);
      return;
    case 'web-old-time':
      str(o.memo, `${where}.memo`);
      num(o.secondsBack, `${where}.secondsBack`);
      return;
    case 'web-space':
      str(o.memo, `${where}.memo`);
      return;
    case 'web-comment':
      str(o.on, `${where}.on`);
      str(o.comment, `${where}.comment`);
      return;
    case 'web-comment-edit':
      str(o.comment, `${where}.comment`);
      str(o.text, `${where}.text`);
      return;
    case 'sync':
      checkSync(o, where);
      return;
    case 'cut':
      return;
    case 'token':
      check(typeof o.revoked === 'boolean', `${where}.revoked`, 'expected a boolean');
      return;
    default:
      if (typeof o.do === 'string' && ATTACHMENT_OPS.includes(o.do)) {
        checkAttachmentOp(o, where, fail);
        return;
      }
      check(false, `${where}.do`, `unknown op ${JSON.stringify(o.do)}`);
  }
}

function checkSync(o: Record<string, unknown>, where: string): void {
  str(o.device, `${where}.device`);
  oneOf(o.mode, ['delta', 'full'], `${where}.mode`);
  check(typeof o.hints === 'boolean', `${where}.hints`, 'expected a boolean');
  if (o.order !== undefined) {
    check(Array.isArray(o.order), `${where}.order`, 'expected a list of labels');
    for (const [i, m] of (o.order as unknown[]).entries()) str(m, `${where}.order[${i}]`);
  }
  if (o.held !== undefined) oneOf(o.held, ['approve', 'keep'], `${where}.held`);
  if (o.requests === undefined) return;
  check(Array.isArray(o.requests), `${where}.requests`, 'expected a list');
  (o.requests as unknown[]).forEach((plan, i) => {
    const at = `${where}.requests[${i}]`;
    check(isRecord(plan), at, 'expected a request plan');
    const p = plan as Record<string, unknown>;
    str(p.req, `${at}.req`);
    if (p.n !== undefined) num(p.n, `${at}.n`);
    if (p.fault !== undefined) oneOf(p.fault, FAULT_KINDS, `${at}.fault`);
    for (const key of ['precondition', 'precondition2'])
      if (p[key] !== undefined) check(typeof p[key] === 'boolean', `${at}.${key}`, 'expected a boolean');
    for (const phase of PHASES) if (p[phase] !== undefined) checkOps(p[phase], `${at}.${phase}`);
  });
}

/** Validates a parsed JSON value as a log; throws naming the first thing that is wrong. */
export function parseLog(value: unknown, source = 'log'): FuzzLog {
  try {
    check(isRecord(value), source, 'expected a JSON object');
    const log = value as Record<string, unknown>;
    check(log.format === LOG_FORMAT, `${source}.format`, `expected "${LOG_FORMAT}"`);
    check(isRecord(log.world), `${source}.world`, 'expected the world setup');
    const world = log.world as Record<string, unknown>;
    if (world.profile !== undefined)
      oneOf(world.profile, ['0.29', '0.30', '0.31'], `${source}.world.profile`);
    check(
      Array.isArray(world.devices) && world.devices.length > 0,
      `${source}.world.devices`,
      'expected devices',
    );
    (world.devices as unknown[]).forEach((d, i) => {
      check(isRecord(d), `${source}.world.devices[${i}]`, 'expected {skewMs, contentLimitBytes}');
      const device = d as Record<string, unknown>;
      num(device.skewMs, `${source}.world.devices[${i}].skewMs`);
      num(device.contentLimitBytes, `${source}.world.devices[${i}].contentLimitBytes`);
    });
    num(world.maxPageSize, `${source}.world.maxPageSize`);
    check(typeof world.publicInstance === 'boolean', `${source}.world.publicInstance`, 'expected a boolean');
    checkOps(log.ops, `${source}.ops`);
    if (log.events !== undefined) {
      check(Array.isArray(log.events), `${source}.events`, 'expected a list');
      (log.events as unknown[]).forEach((e, i) => {
        const at = `${source}.events[${i}]`;
        check(isRecord(e), at, 'expected an event fault');
        const event = e as Record<string, unknown>;
        str(event.event, `${at}.event`);
        str(event.to, `${at}.to`);
        if (event.n !== undefined) num(event.n, `${at}.n`);
        oneOf(event.decision, DECISIONS, `${at}.decision`);
      });
    }
    if (log.liveRandom !== undefined) {
      check(isRecord(log.liveRandom), `${source}.liveRandom`, 'expected {device: [numbers]}');
      for (const [device, values] of Object.entries(log.liveRandom as Record<string, unknown>)) {
        check(Array.isArray(values), `${source}.liveRandom.${device}`, 'expected a list of numbers');
        for (const [i, v] of (values as unknown[]).entries()) num(v, `${source}.liveRandom.${device}[${i}]`);
      }
    }
    return value as FuzzLog;
  } catch (error) {
    if (error instanceof LogError) throw new Error(`not a sync fuzz log: ${error.message}`);
    throw error;
  }
}

/** A deep copy (logs are plain JSON). */
export function cloneLog(log: FuzzLog): FuzzLog {
  return JSON.parse(JSON.stringify(log)) as FuzzLog;
}

/** The number of ops in a log, nested ones included (how big a shrunk log still is). */
export function countOps(ops: readonly Op[]): number {
  let count = 0;
  for (const op of ops) {
    count++;
    if (op.do !== 'sync') continue;
    for (const plan of op.requests ?? []) for (const phase of PHASES) count += countOps(plan[phase] ?? []);
  }
  return count;
}

/**
 * A log as JSON that stays readable in a diff: one op per line at the top level, nested
 * plans inline.
 */
export function formatLog(log: FuzzLog): string {
  const { ops, events, liveRandom, ...head } = log;
  const lines = [`{`];
  for (const [key, value] of Object.entries(head))
    lines.push(`  ${JSON.stringify(key)}: ${JSON.stringify(value)},`);
  lines.push('  "ops": [');
  for (const [i, op] of ops.entries())
    lines.push(`    ${JSON.stringify(op)}${i < ops.length - 1 ? ',' : ''}`);
  lines.push(`  ]${events || liveRandom ? ',' : ''}`);
  if (events) {
    lines.push('  "events": [');
    for (const [i, e] of events.entries())
      lines.push(`    ${JSON.stringify(e)}${i < events.length - 1 ? ',' : ''}`);
    lines.push(`  ]${liveRandom ? ',' : ''}`);
  }
  if (liveRandom) lines.push(`  "liveRandom": ${JSON.stringify(liveRandom)}`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
