/**
 * The random steps of the sync fuzz. Actors: the user on each device (create, edit by
 * append/insert/replace, archive/restore, pin/unpin, visibility, delete, resolve a conflict),
 * the official web UI on the server (content edits that bump update_time; pin, archive and
 * visibility that do not; deletes; creates; an explicit old update_time), another user
 * (bob) whose public memos show up in unfiltered lists, sync passes (delta or full, with
 * live-event hints), clock jumps, live-stream cuts and device restarts; on a 0.31 server
 * also moves into a Space and comments (which are memos of their own there). Every content
 * change goes through the ledger: new tokens are recorded, vanished ones are marked as
 * removed by the actor whose copy held them.
 */
import type { MemoName } from '../../../sync/core/ids';
import type { LocalMemo, MemoFields, Visibility } from '../../../sync/core/memo';
import { ContentRejectedError } from '../../../sync/db/notebook';
import type { Device } from './device';
import { applyEdit, type EditKind } from './ledger';
import { andThen, each, type MaybePromise, type ServerMemo } from './server-handle';
import type { World } from './world';

const VISIBILITIES: Visibility[] = ['PRIVATE', 'PROTECTED', 'PUBLIC'];
const TAGS = ['work', 'idea', 'home/garden', 'todo'];
const EDITS: EditKind[] = ['append', 'insert', 'replace'];

export function shortName(name: string): string {
  const uid = name.replace(/^memos\//, '');
  const device = /^[0-9a-f]{8}-0000-4000-800(\d)-0*([0-9a-f]+)$/.exec(uid);
  if (device) return `${'ABCDEFGH'[Number(device[1])] ?? '?'}${Number.parseInt(device[2] ?? '0', 16)}`;
  return `S:${uid.slice(0, 5)}`;
}

async function localMemos(device: Device): Promise<LocalMemo[]> {
  return device.parts.db.memos.orderBy('name').toArray();
}

function newContent(world: World): string {
  const tag = world.prng.chance(0.3) ? ` #${world.prng.pick(TAGS)}` : '';
  return `memo ${world.ledger.creationToken()}${tag}\n${world.ledger.editToken()}`;
}

function editedContent(world: World, content: string, big: boolean): string {
  const kind = world.prng.pick(EDITS) ?? 'append';
  const next = applyEdit(content, kind, world.ledger.editToken(), world.prng.int(1000));
  return big ? `${next}\n${'x'.repeat(8_300)}` : next;
}

export async function localCreate(world: World, device: Device): Promise<void> {
  const content = newContent(world);
  const visibility = world.prng.pick(VISIBILITIES) ?? 'PRIVATE';
  const memo = await device.parts.notebook.create({ content, visibility });
  world.ledger.noteChange(undefined, content);
  world.log(`${device.label} create ${shortName(memo.name)} ${visibility} "${content.replace(/\n/g, '⏎')}"`);
}

export async function localEdit(world: World, device: Device): Promise<void> {
  const memo = world.prng.pick(await localMemos(device));
  if (!memo) return localCreate(world, device);
  const big = device.contentLimitBytes > 8192 && world.prng.chance(0.15);
  const content = editedContent(world, memo.content, big);
  try {
    await device.parts.notebook.update(memo.name, { content });
  } catch (error) {
    if (error instanceof ContentRejectedError)
      return world.log(`${device.label} edit ${shortName(memo.name)} refused locally`);
    throw error;
  }
  const gone = world.ledger.noteChange(memo.content, content);
  world.log(
    `${device.label} edit ${shortName(memo.name)} → "${content.replace(/x{20,}/, 'x…').replace(/\n/g, '⏎')}"${gone.length ? ` (removes ${gone.join(',')})` : ''}`,
  );
}

function scalarPatch(
  world: World,
  memo: Pick<MemoFields, 'state' | 'pinned' | 'visibility'>,
): Partial<MemoFields> {
  switch (world.prng.int(3)) {
    case 0:
      return { state: memo.state === 'NORMAL' ? 'ARCHIVED' : 'NORMAL' };
    case 1:
      return { pinned: !memo.pinned };
    default:
      return { visibility: world.prng.pick(VISIBILITIES.filter((v) => v !== memo.visibility)) ?? 'PUBLIC' };
  }
}

export async function localScalar(world: World, device: Device): Promise<void> {
  const memo = world.prng.pick(await localMemos(device));
  if (!memo) return;
  const patch = scalarPatch(world, memo);
  await device.parts.notebook.update(memo.name, patch);
  world.log(`${device.label} set ${shortName(memo.name)} ${JSON.stringify(patch)}`);
}

export async function localDelete(world: World, device: Device): Promise<void> {
  const memo = world.prng.pick(await localMemos(device));
  if (!memo) return;
  await device.parts.notebook.remove(memo.name);
  const gone = world.ledger.noteChange(memo.content, undefined);
  world.log(`${device.label} delete ${shortName(memo.name)} (removes ${gone.join(',')})`);
}

export async function resolveConflict(world: World, device: Device): Promise<void> {
  const { conflicts, notebook } = device.parts;
  const record = world.prng.pick(await conflicts.list());
  if (!record) return;
  const memo = await notebook.get(record.name);
  if (!memo) return;
  if (world.prng.chance(0.5)) {
    await conflicts.keepServer(record.name);
    const gone = world.ledger.noteChange(record.localContent, memo.content);
    world.log(`${device.label} conflict ${shortName(record.name)}: keep server (drops ${gone.join(',')})`);
  } else {
    await conflicts.keepContent(record.name, record.localContent);
    const gone = world.ledger.noteChange(memo.content, record.localContent);
    world.log(`${device.label} conflict ${shortName(record.name)}: keep mine (drops ${gone.join(',')})`);
  }
}

/**
 * One action of the official web UI (alice's, sometimes bob's). Chained with `andThen`, so it
 * runs synchronously against the fake (no extra microtask turn: live-event timing, and so
 * every fake seed, is what it was before real servers were supported).
 */
export function serverStep(world: World): MaybePromise<void> {
  return andThen(world.aliceMemos(), (memos) => serverAction(world, memos));
}

function serverAction(world: World, memos: readonly ServerMemo[]): MaybePromise<void> {
  const memo = world.prng.pick(memos.filter((m) => m.uid !== world.lockedUid));
  const ui = world.alice;
  const actions = { edit: 8, scalar: 6, delete: 2, create: 3, oldTime: 1, bob: 1, bulk: 0.6, purge: 0.6 };
  // Only a newer server adds actions: the 0.30 seeds draw exactly what they always drew.
  const newer = world.server.newer;
  const kind: keyof typeof actions | 'space' | 'comment' = newer
    ? world.prng.weighted({ ...actions, space: 1, comment: 1.5 })
    : world.prng.weighted(actions);
  if (newer && memo && (kind === 'space' || kind === 'comment')) return newerAction(world, newer, memo, kind);
  if (kind === 'bulk') {
    const made = each(Array.from({ length: 12 }), () => {
      const content = newContent(world);
      return andThen(ui.create(content, 'PRIVATE'), () => void world.ledger.noteChange(undefined, content));
    });
    return andThen(made, () => world.log('web creates 12 memos'));
  }
  if (kind === 'purge') {
    const victims = memos.filter((m) => m.uid !== world.lockedUid && world.prng.chance(0.8));
    const removed = each(victims, (victim) =>
      andThen(ui.remove(victim.uid), () => void world.ledger.noteChange(victim.content, undefined)),
    );
    return andThen(removed, () => world.log(`web deletes ${victims.length} memos at once`));
  }
  if (kind === 'bob') {
    const created = world.bob.create(`bob says hi #shared`, world.prng.chance(0.5) ? 'PUBLIC' : 'PROTECTED');
    return andThen(created, (m) => world.log(`web(bob) create ${shortName(m.uid)}`));
  }
  if (kind === 'create' || !memo) {
    const content = newContent(world);
    return andThen(ui.create(content, world.prng.pick(VISIBILITIES)), (created) => {
      world.ledger.noteChange(undefined, content);
      world.log(`web create ${shortName(created.uid)} "${content.replace(/\n/g, '⏎')}"`);
    });
  }
  const label = shortName(memo.uid);
  if (kind === 'edit') {
    const content = editedContent(world, memo.content, false);
    return andThen(ui.editContent(memo.uid, content), () => {
      const gone = world.ledger.noteChange(memo.content, content);
      world.log(
        `web edit ${label} → "${content.replace(/\n/g, '⏎')}"${gone.length ? ` (removes ${gone.join(',')})` : ''}`,
      );
    });
  }
  if (kind === 'delete') {
    return andThen(ui.remove(memo.uid), () => {
      const gone = world.ledger.noteChange(memo.content, undefined);
      world.log(`web delete ${label} (removes ${gone.join(',')})`);
    });
  }
  if (kind === 'oldTime') {
    return andThen(ui.setOldUpdateTime(memo, world.prng.range(60, 86_400 * 30)), () =>
      world.log(`web set ${label} update_time into the past`),
    );
  }
  const patch = scalarPatch(world, memo);
  const { state, pinned, visibility } = patch;
  const set = state
    ? ui.setState(memo.uid, state)
    : pinned !== undefined
      ? ui.setPinned(memo.uid, pinned)
      : visibility
        ? ui.setVisibility(memo.uid, visibility)
        : undefined;
  return andThen(set, () => world.log(`web set ${label} ${JSON.stringify(patch)} (no update_time bump)`));
}

/** 0.31: a move into a Space, or a comment made or edited in the web UI. */
function newerAction(
  world: World,
  newer: NonNullable<World['server']['newer']>,
  memo: ServerMemo,
  kind: 'space' | 'comment',
): MaybePromise<void> {
  const label = shortName(memo.uid);
  if (kind === 'space') {
    return andThen(newer.moveToSpace(memo.uid), () => world.log(`web move ${label} into a Space (SPACE)`));
  }
  const existing = world.prng.chance(0.4) ? world.prng.pick(world.comments) : undefined;
  if (existing !== undefined) {
    return andThen(newer.editComment(existing, `comment ${world.step}, edited`), () =>
      world.log(`web comment ${existing.slice(0, 5)} edited`),
    );
  }
  return andThen(newer.comment(memo.uid, `comment on ${label}`), (uid) => {
    world.comments.push(uid);
    world.log(`web comment ${uid.slice(0, 5)} on ${label}`);
  });
}

export async function syncStep(world: World, device: Device): Promise<void> {
  const mode = world.prng.chance(0.35) ? 'full' : 'delta';
  const hints = world.prng.chance(0.7);
  world.log(`${device.label} sync ${mode}${hints ? ` hints[${device.hints.map(shortName).join(',')}]` : ''}`);
  await world.syncPass(device, mode, hints);
}

type LocalOp = 'create' | 'edit' | 'scalar' | 'delete' | 'resolve';
const LOCAL_WEIGHTS: Record<LocalOp, number> = { create: 6, edit: 14, scalar: 7, delete: 3, resolve: 2 };

export async function localStep(world: World, device: Device): Promise<void> {
  const op = world.prng.weighted(LOCAL_WEIGHTS);
  if (op === 'create') return localCreate(world, device);
  if (op === 'edit') return localEdit(world, device);
  if (op === 'scalar') return localScalar(world, device);
  if (op === 'delete') return localDelete(world, device);
  return resolveConflict(world, device);
}

function pickDevice(world: World): Device {
  const device = world.prng.pick(world.devices);
  if (!device) throw new Error('no devices');
  return device;
}

/** One top-level step of the scenario. */
export async function randomStep(world: World): Promise<void> {
  // A revoked token stays revoked for a few steps, then the user reconnects.
  if (world.tokenRevoked && world.prng.chance(0.3)) {
    const toggled = world.toggleToken();
    if (toggled instanceof Promise) await toggled;
  }
  const kind = world.prng.weighted({
    local: 32,
    server: 12,
    sync: 30,
    clock: 8,
    restart: 1,
    cut: 1,
    token: 1,
  });
  const device = pickDevice(world);
  world.advance(world.prng.range(0, 700));
  switch (kind) {
    case 'local':
      return localStep(world, device);
    case 'server':
      return serverStep(world);
    case 'sync':
      return syncStep(world, device);
    case 'clock': {
      // With a real server only the device clocks and timers jump (world.advance).
      const ms = world.prng.chance(0.8) ? world.prng.range(0, 4_000) : world.prng.range(60_000, 1_200_000);
      world.log(`clock +${ms} ms`);
      return world.advance(ms);
    }
    case 'restart':
      if (device.busy) return;
      world.log(`${device.label} restart`);
      return device.reboot();
    case 'cut':
      world.log('live streams cut');
      return world.server.sse.disconnectAll();
    case 'token':
      return world.toggleToken();
  }
}

/** What other actors do while a request of `inFlight` is on the wire. */
export async function concurrentStep(world: World, inFlight: Device): Promise<void> {
  const kind = world.prng.weighted({ sameDevice: 5, otherDevice: 3, server: 4, otherSync: 2, token: 0.5 });
  const other = pickDevice(world);
  world.log(`  (while ${inFlight.label}'s request is in flight)`);
  // A token can be revoked mid-pass; it comes back only between passes (the user reconnects).
  if (kind === 'token') return world.tokenRevoked ? undefined : world.toggleToken();
  if (kind === 'sameDevice') return localStep(world, inFlight);
  if (kind === 'otherDevice') return localStep(world, other);
  if (kind === 'server') return serverStep(world);
  // Another device's push could write the memo inside the in-flight read-modify-write window.
  if (other.busy || world.lockedUid !== undefined) return;
  world.log(`  ${other.label} sync (nested)`);
  await world.syncPass(other, world.prng.chance(0.5) ? 'full' : 'delta', true);
}

export type { MemoName };
