/**
 * The attachment ops of the sync fuzz [F1–F7]: a device attaches a file to one of its memos
 * (or to a new memo at capture, see ops.ts) or removes one from a memo's set; the official
 * web UI attaches a file to a memo (upload, then the memo's set = the server's current set
 * plus it) or removes one (the set without it: the server deletes it). Their op-log shapes
 * and checks live here too, so oplog.ts only names them.
 *
 * Invariants: like every op, one whose memo (or attachment) does not exist for its actor at
 * that moment is skipped and says so, so every sub-log stays playable; every add and every
 * removal goes through the attachment ledger (attachment-ledger.ts) with the label the log
 * gives it. File names drawn for devices include ones Memos refuses as they are [F6]; the
 * web UI sends what a browser would (the last path segment). Nothing here draws a random
 * number.
 */
import type { AttachmentName } from '../../../sync/core/attachments';
import type { LocalMemo } from '../../../sync/core/memo';
import { fileBytes, fileName } from './attachment-ledger';
import type { Device } from './device';
import type { World } from './world';

/** A file attached in an op: the add's label (`f3`) and its name's index in FILE_NAMES. */
export interface FileSpec {
  file: string;
  name: number;
}

export type AttachmentOp =
  | ({ do: 'attach'; device: string; memo: string } & FileSpec)
  | { do: 'detach'; device: string; memo: string; file: string }
  | ({ do: 'web-attach'; memo: string } & FileSpec)
  | { do: 'web-detach'; memo: string; file: string };

export const ATTACHMENT_OPS: readonly string[] = ['attach', 'detach', 'web-attach', 'web-detach'];

/** Checks an attachment op read from disk; `fail(where, what)` throws. */
export function checkAttachmentOp(
  o: Record<string, unknown>,
  where: string,
  fail: (where: string, what: string) => never,
): void {
  if (o.do === 'attach' || o.do === 'detach') {
    if (typeof o.device !== 'string' || o.device === '')
      fail(`${where}.device`, 'expected a non-empty string');
  }
  if (typeof o.memo !== 'string' || o.memo === '') fail(`${where}.memo`, 'expected a non-empty string');
  checkFileSpec(o, where, fail, o.do === 'attach' || o.do === 'web-attach');
}

/** `file` (a label) and, for an add, `name` (an index): also the optional file of a create. */
export function checkFileSpec(
  o: Record<string, unknown>,
  where: string,
  fail: (where: string, what: string) => never,
  withName = true,
): void {
  if (typeof o.file !== 'string' || o.file === '') fail(`${where}.file`, 'expected a label');
  if (withName && !(typeof o.name === 'number' && Number.isInteger(o.name) && o.name >= 0))
    fail(`${where}.name`, 'expected an index into FILE_NAMES');
}

/** The file a device attaches for `spec`, as the user picked it (its name may need sanitising). */
export function deviceFile(spec: FileSpec): { filename: string; type: string; bytes: Blob } {
  const { given, type } = fileName(spec.name);
  return { filename: given, type, bytes: new Blob([fileBytes(spec.file, spec.name)], { type }) };
}

/** Records that `memo` (label) on `who` gained `name` for `spec`. */
export function noteDeviceAdd(world: World, who: string, memo: string, spec: FileSpec, name: string): void {
  const uid = name.replace(/^attachments\//, '');
  const { stored, type } = fileName(spec.name);
  world.bind(spec.file, uid);
  world.files.noteAdded({
    label: spec.file,
    memo,
    uid,
    filename: stored,
    type,
    bytes: fileBytes(spec.file, spec.name),
    by: who,
  });
}

function labels(world: World, names: readonly string[]): string {
  return names.map((n) => world.label(n.replace(/^attachments\//, ''))).join(',');
}

/** A memo's deletion by an actor whose copy listed `names`: those go on purpose. */
export function noteMemoRemoved(world: World, names: readonly string[]): string {
  const gone = world.files.noteRemoved(names);
  return gone.length > 0 ? ` (and its files ${gone.join(',')})` : '';
}

/** The attachments of alice's memo `memoUid` on the server now (uids). */
export async function serverSet(world: World, memoUid: string): Promise<string[]> {
  const files = world.server.files;
  if (!files) return [];
  return (await files.list()).filter((a) => a.memoUid === memoUid).map((a) => a.uid);
}

async function localMemo(world: World, device: Device, label: string): Promise<LocalMemo | undefined> {
  const name = world.name(label);
  return name === undefined ? undefined : device.parts.db.memos.get(name);
}

async function deviceOp(
  world: World,
  device: Device,
  op: Extract<AttachmentOp, { device: string }>,
): Promise<void> {
  const who = device.label;
  const memo = await localMemo(world, device, op.memo);
  if (op.do === 'attach') {
    if (!memo) return world.log(`${who} attach ${op.file} to ${op.memo} (skipped: no such memo here now)`);
    const before = new Set<string>(memo.attachments);
    const after = await device.parts.notebook.attach(memo.name, [deviceFile(op)]);
    const added = after?.attachments.find((a) => !before.has(a));
    if (!added) return world.log(`${who} attach ${op.file} to ${op.memo} (skipped: not attached)`);
    noteDeviceAdd(world, who, op.memo, op, added);
    return world.log(`${who} attach ${op.file} ("${fileName(op.name).given}") to ${op.memo}`);
  }
  const uid = world.uid(op.file);
  const name = uid === undefined ? undefined : (`attachments/${uid}` as AttachmentName);
  if (!memo || !name || !memo.attachments.includes(name))
    return world.log(`${who} detach ${op.file} from ${op.memo} (skipped: not listed here now)`);
  const left = memo.attachments.filter((a) => a !== name);
  await device.parts.notebook.update(memo.name, { attachments: left });
  world.files.noteRemoved([name]);
  world.log(`${who} detach ${op.file} from ${op.memo} (left: ${labels(world, left) || 'none'})`);
}

async function webOp(world: World, op: Extract<AttachmentOp, { do: `web-${string}` }>): Promise<void> {
  const files = world.server.files;
  const uid = world.uid(op.memo);
  const memo =
    uid === undefined || uid === world.lockedUid
      ? undefined
      : (await world.aliceMemos()).find((m) => m.uid === uid);
  const what =
    op.do === 'web-attach' ? `web attach ${op.file} to ${op.memo}` : `web detach ${op.file} from ${op.memo}`;
  if (!files) return world.log(`${what} (skipped: this server handle has no attachments)`);
  if (!memo) return world.log(`${what} (skipped: no such memo there now)`);
  if (op.do === 'web-attach') {
    const { stored, type } = fileName(op.name);
    const bytes = fileBytes(op.file, op.name);
    const made = await files.attach(memo.uid, { filename: stored, type, bytes });
    world.bind(op.file, made);
    world.files.noteAdded({
      label: op.file,
      memo: op.memo,
      uid: made,
      filename: stored,
      type,
      bytes,
      by: 'web',
    });
    return world.log(`${what} ("${stored}")`);
  }
  const file = world.uid(op.file);
  if (file === undefined || !(await serverSet(world, memo.uid)).includes(file))
    return world.log(`${what} (skipped: not listed there now)`);
  await files.detach(memo.uid, file);
  world.files.noteRemoved([file]);
  return world.log(what);
}

/** Plays one attachment op. */
export async function performAttachmentOp(world: World, op: AttachmentOp): Promise<void> {
  if (op.do === 'web-attach' || op.do === 'web-detach') return webOp(world, op);
  const device = world.device(op.device);
  if (!device) throw new Error(`the log names device ${op.device}, the world has ${world.devices.length}`);
  return deviceOp(world, device, op);
}
