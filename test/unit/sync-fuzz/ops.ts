/**
 * Executes the ops of a fuzz log (oplog.ts) in a world. Actors: the user on each device
 * (create, edit by append/insert/replace, archive/restore, pin/unpin, visibility, delete,
 * resolve a conflict; attach a file at capture), the official web UI on the server (content edits that bump
 * update_time; pin, archive and visibility that do not; deletes; creates; an explicit old
 * update_time), another user (bob) whose shared memos show up in live events, sync passes,
 * clock jumps, live-stream cuts, device restarts and token revocation; on a 0.31 server also
 * moves into a Space and comments (which are memos of their own there). The other
 * attachment ops live in attachment-ops.ts; a memo's deletion also removes, in the
 * attachment ledger, the files the deleting actor's copy listed.
 *
 * Invariants: an op whose memo does not exist for its actor at that moment (never made,
 * deleted, or a web op on the memo inside a device's read-modify-write window) is skipped
 * and says so in the trace, so every sub-log of a log is playable. Every content change
 * goes through the ledger: new tokens are recorded, vanished ones are marked as removed by
 * the actor whose copy held them. Nothing here draws a random number.
 */
import type { LocalMemo } from '../../../sync/core/memo';
import { ContentRejectedError } from '../../../sync/db/notebook';
import { deviceFile, noteDeviceAdd, noteMemoRemoved, performAttachmentOp, serverSet } from './attachment-ops';
import type { Device } from './device';
import { applyEdit } from './ledger';
import type { Op, ScalarPatch, SyncOp } from './oplog';
import type { ServerMemo } from './server-handle';
import type { World } from './world';

const BIG = 'x'.repeat(8_300);

const oneLine = (content: string) => content.replace(/x{20,}/, 'x…').replace(/\n/g, '⏎');

function newContent(world: World, tag: string | undefined): string {
  return `memo ${world.ledger.creationToken()}${tag ? ` #${tag}` : ''}\n${world.ledger.editToken()}`;
}

async function localMemo(world: World, device: Device, label: string): Promise<LocalMemo | undefined> {
  const name = world.name(label);
  return name === undefined ? undefined : device.parts.db.memos.get(name);
}

/** Alice's memo `label` on the server, unless it is inside a read-modify-write window. */
async function serverMemo(world: World, label: string): Promise<ServerMemo | undefined> {
  const uid = world.uid(label);
  if (uid === undefined || uid === world.lockedUid) return undefined;
  return (await world.aliceMemos()).find((m) => m.uid === uid);
}

function skipped(world: World, what: string): void {
  world.log(`${what} (skipped: no such memo here now)`);
}

async function deviceOp(world: World, device: Device, op: Extract<Op, { device: string }>): Promise<void> {
  const { notebook, conflicts } = device.parts;
  const who = device.label;
  switch (op.do) {
    case 'create': {
      const content = newContent(world, op.tag);
      const files = op.file ? [deviceFile(op.file)] : [];
      const memo = await notebook.create({ content, visibility: op.visibility, files });
      world.bind(op.memo, memo.name);
      world.ledger.noteChange(undefined, content);
      const [attached] = memo.attachments;
      if (op.file && attached) noteDeviceAdd(world, who, op.memo, op.file, attached);
      const withFile = op.file ? ` with ${op.file.file} ("${files[0]?.filename}")` : '';
      world.log(`${who} create ${op.memo} ${op.visibility} "${oneLine(content)}"${withFile}`);
      return;
    }
    case 'edit': {
      const memo = await localMemo(world, device, op.memo);
      if (!memo) return skipped(world, `${who} edit ${op.memo}`);
      const edited = applyEdit(memo.content, op.edit, world.ledger.editToken(), op.at);
      const content = op.big ? `${edited}\n${BIG}` : edited;
      try {
        await notebook.update(memo.name, { content });
      } catch (error) {
        if (error instanceof ContentRejectedError) return world.log(`${who} edit ${op.memo} refused locally`);
        throw error;
      }
      const gone = world.ledger.noteChange(memo.content, content);
      world.log(
        `${who} edit ${op.memo} → "${oneLine(content)}"${gone.length ? ` (removes ${gone.join(',')})` : ''}`,
      );
      return;
    }
    case 'set': {
      const memo = await localMemo(world, device, op.memo);
      if (!memo) return skipped(world, `${who} set ${op.memo}`);
      await notebook.update(memo.name, op.patch);
      world.log(`${who} set ${op.memo} ${JSON.stringify(op.patch)}`);
      return;
    }
    case 'delete': {
      const memo = await localMemo(world, device, op.memo);
      if (!memo) return skipped(world, `${who} delete ${op.memo}`);
      await notebook.remove(memo.name);
      const gone = world.ledger.noteChange(memo.content, undefined);
      const files = noteMemoRemoved(world, memo.attachments);
      world.log(`${who} delete ${op.memo} (removes ${gone.join(',')})${files}`);
      return;
    }
    case 'resolve': {
      const name = world.name(op.memo);
      const record = (await conflicts.list()).find((r) => r.name === name);
      const memo = record ? await notebook.get(record.name) : undefined;
      if (!record || !memo) return skipped(world, `${who} resolve the conflict on ${op.memo}`);
      if (op.keep === 'server') {
        await conflicts.keepServer(record.name);
        const gone = world.ledger.noteChange(record.localContent, memo.content);
        world.log(`${who} conflict ${op.memo}: keep server (drops ${gone.join(',')})`);
      } else {
        await conflicts.keepContent(record.name, record.localContent);
        const gone = world.ledger.noteChange(memo.content, record.localContent);
        world.log(`${who} conflict ${op.memo}: keep mine (drops ${gone.join(',')})`);
      }
      return;
    }
    case 'sync':
      return syncOp(world, device, op);
    case 'restart':
      if (device.busy) return world.log(`${who} restart (skipped: a pass is running)`);
      world.log(`${who} restart`);
      return device.reboot();
  }
}

async function syncOp(world: World, device: Device, op: SyncOp): Promise<void> {
  const nested = world.depth > 0;
  if (nested && (device.busy || world.lockedUid !== undefined)) {
    // Another device's push could write the memo inside the in-flight read-modify-write window.
    return world.log(`  ${device.label} sync (skipped: busy, or inside another device's write window)`);
  }
  const hints = op.hints ? ` hints[${device.hints.map((n) => world.label(n)).join(',')}]` : '';
  world.log(nested ? `  ${device.label} sync (nested)` : `${device.label} sync ${op.mode}${hints}`);
  await world.syncPass(device, op);
}

async function webSet(world: World, memo: ServerMemo, patch: ScalarPatch): Promise<void> {
  if ('state' in patch) return world.alice.setState(memo.uid, patch.state);
  if ('pinned' in patch) return world.alice.setPinned(memo.uid, patch.pinned);
  return world.alice.setVisibility(memo.uid, patch.visibility);
}

async function webOp(world: World, op: Extract<Op, { do: `web-${string}` }>): Promise<void> {
  switch (op.do) {
    case 'web-create': {
      if (op.user === 'bob') {
        const made = await world.bob.create('bob says hi #shared', op.visibility);
        world.bind(op.memo, made.uid);
        return world.log(`web(bob) create ${op.memo} ${op.visibility}`);
      }
      const content = newContent(world, op.tag);
      const made = await world.alice.create(content, op.visibility);
      world.bind(op.memo, made.uid);
      world.ledger.noteChange(undefined, content);
      return world.log(`web create ${op.memo} ${op.visibility} "${oneLine(content)}"`);
    }
    case 'web-edit': {
      const memo = await serverMemo(world, op.memo);
      if (!memo) return skipped(world, `web edit ${op.memo}`);
      const content = applyEdit(memo.content, op.edit, world.ledger.editToken(), op.at);
      await world.alice.editContent(memo.uid, content);
      const gone = world.ledger.noteChange(memo.content, content);
      return world.log(
        `web edit ${op.memo} → "${oneLine(content)}"${gone.length ? ` (removes ${gone.join(',')})` : ''}`,
      );
    }
    case 'web-set': {
      const memo = await serverMemo(world, op.memo);
      if (!memo) return skipped(world, `web set ${op.memo}`);
      await webSet(world, memo, op.patch);
      return world.log(`web set ${op.memo} ${JSON.stringify(op.patch)} (no update_time bump)`);
    }
    case 'web-delete': {
      const removed: string[] = [];
      for (const label of op.memos) {
        const memo = await serverMemo(world, label);
        if (!memo) continue;
        const attached = await serverSet(world, memo.uid);
        await world.alice.remove(memo.uid);
        world.ledger.noteChange(memo.content, undefined);
        removed.push(`${label}${noteMemoRemoved(world, attached)}`);
      }
      return world.log(
        `web deletes ${removed.length} of [${op.memos.join(',')}]: ${removed.join(',') || 'none there'}`,
      );
    }
    case 'web-old-time': {
      const memo = await serverMemo(world, op.memo);
      if (!memo) return skipped(world, `web set ${op.memo} update_time`);
      await world.alice.setOldUpdateTime(memo, op.secondsBack);
      return world.log(`web set ${op.memo} update_time ${op.secondsBack} s into the past`);
    }
    case 'web-space':
    case 'web-comment':
    case 'web-comment-edit':
      return newerOp(world, op);
  }
}

/** 0.31 only: a move into a Space, a comment made or edited in the web UI. */
async function newerOp(
  world: World,
  op: Extract<Op, { do: 'web-space' | 'web-comment' | 'web-comment-edit' }>,
): Promise<void> {
  const newer = world.server.newer;
  if (!newer) return world.log(`${op.do} (skipped: the server is older than 0.31)`);
  if (op.do === 'web-space') {
    const memo = await serverMemo(world, op.memo);
    if (!memo) return skipped(world, `web move ${op.memo} into a Space`);
    await newer.moveToSpace(memo.uid);
    return world.log(`web move ${op.memo} into a Space (SPACE)`);
  }
  if (op.do === 'web-comment') {
    const parent = await serverMemo(world, op.on);
    if (!parent) return skipped(world, `web comment on ${op.on}`);
    world.bind(op.comment, await newer.comment(parent.uid, `comment on ${op.on}`));
    return world.log(`web comment ${op.comment} on ${op.on}`);
  }
  const uid = world.uid(op.comment);
  if (uid === undefined) return skipped(world, `web comment ${op.comment} edited`);
  await newer.editComment(uid, op.text);
  return world.log(`web comment ${op.comment} edited`);
}

/** Plays one op of a log. */
export async function perform(world: World, op: Op): Promise<void> {
  switch (op.do) {
    case 'clock':
      world.log(`clock +${op.ms} ms`);
      return world.advance(op.ms);
    case 'cut':
      world.log('live streams cut');
      return world.server.sse.disconnectAll();
    case 'token':
      return world.setToken(op.revoked);
    case 'web-create':
    case 'web-edit':
    case 'web-set':
    case 'web-delete':
    case 'web-old-time':
    case 'web-space':
    case 'web-comment':
    case 'web-comment-edit':
      return webOp(world, op);
    case 'attach':
    case 'detach':
    case 'web-attach':
    case 'web-detach':
      return performAttachmentOp(world, op);
    default: {
      const device = world.device(op.device);
      if (!device)
        throw new Error(`the log names device ${op.device}, the world has ${world.devices.length}`);
      return deviceOp(world, device, op);
    }
  }
}
