/**
 * The random director's attachment decisions (generator.ts calls these): which file a device
 * attaches (at capture or later) and to which memo, which listed attachment a device or the
 * web UI removes, and how often attachment requests meet a transport fault. Each decision is
 * an op (attachment-ops.ts) naming memos and adds by their labels.
 * Invariant: only the director's PRNG is drawn from, in a fixed order; a removal only ever
 * names an add the ledger knows (an attachment of unknown origin is left to the invariants).
 */
import { FILE_NAMES } from './attachment-ledger';
import type { AttachmentOp, FileSpec } from './attachment-ops';
import { serverSet } from './attachment-ops';
import type { Device } from './device';
import type { RequestId } from './director';
import type { Prng } from './prng';
import type { ServerMemo } from './server-handle';
import type { World } from './world';

/** Chance that a memo made on a device carries a file from the start [F1]. */
const CAPTURE_FILE_CHANCE = 0.2;
/** Attachment uploads and deletions meet a fault at least this often. */
const ATTACHMENT_FAULT_RATE = 0.25;

export function drawFile(prng: Prng, nextFile: () => string): FileSpec {
  return { file: nextFile(), name: prng.int(FILE_NAMES.length) };
}

/** A file attached at capture, sometimes. */
export function captureFile(prng: Prng, nextFile: () => string): { file?: FileSpec } {
  return prng.chance(CAPTURE_FILE_CHANCE) ? { file: drawFile(prng, nextFile) } : {};
}

/**
 * The fault rate for a request: raised for attachment requests (`POST att f3`, `DELETE att
 * f3`, `GET att f3`) and memo writes that set an attachment set.
 */
export function faultRateFor(request: RequestId, rate: number): number {
  return / att /.test(request.req) || request.files ? Math.max(rate, ATTACHMENT_FAULT_RATE) : rate;
}

/** A device adds a file to one of its memos, or removes one a memo lists. */
export async function deviceAttachmentOps(
  prng: Prng,
  world: World,
  device: Device,
  kind: 'attach' | 'detach',
  nextFile: () => string,
): Promise<AttachmentOp[]> {
  const memos = await device.parts.db.memos.orderBy('name').toArray();
  const who = device.label;
  if (kind === 'attach') {
    const memo = prng.pick(memos);
    if (!memo) return [];
    return [{ do: 'attach', device: who, memo: world.label(memo.name), ...drawFile(prng, nextFile) }];
  }
  const memo = prng.pick(memos.filter((m) => m.attachments.some((a) => world.files.ofUid(a))));
  const file = prng.pick(memo?.attachments.filter((a) => world.files.ofUid(a)) ?? []);
  const origin = file === undefined ? undefined : world.files.ofUid(file);
  if (!memo || !origin) return [];
  return [{ do: 'detach', device: who, memo: world.label(memo.name), file: origin.label }];
}

/** The web UI adds a file to `memo`, or removes one the server links to it. */
export async function webAttachmentOps(
  prng: Prng,
  world: World,
  memo: ServerMemo,
  kind: 'attach' | 'detach',
  nextFile: () => string,
): Promise<AttachmentOp[]> {
  const label = world.label(memo.uid);
  if (kind === 'attach') return [{ do: 'web-attach', memo: label, ...drawFile(prng, nextFile) }];
  const known = (await serverSet(world, memo.uid)).filter((uid) => world.files.ofUid(uid));
  const origin = world.files.ofUid(prng.pick(known) ?? '');
  return origin ? [{ do: 'web-detach', memo: label, file: origin.label }] : [];
}
