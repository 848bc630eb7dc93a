/**
 * What must hold for attachments after quiescence [F1–F7] (see attachment-ledger.ts for
 * what counts as an add and as a removal on purpose):
 *  (e) CONVERGENCE: every device's copy of a memo lists exactly the attachments the server
 *      links to it, has a row for each, and keeps no `detached` row (F4 is done);
 *  (f) NO LOST ATTACHMENT: every add not removed on purpose is, when its memo is on the
 *      server, linked to that memo there (and so, by (e), listed on every device); when its
 *      memo is not (deleted), listed by a copy the user can still restore: a memo in some
 *      device's Trash [F7] or one the server rejected, kept on a device, with its row. As
 *      with tokens, an add on one side and the removal of a different attachment on another
 *      both take effect [F2];
 *  (g) NO DUPLICATE: every attachment on the server or listed by a memo comes from exactly
 *      one add (its uid is that add's), no two server attachments hold one add's bytes, and
 *      an add is listed only by its own memo;
 *  (h) NO ORPHAN: every attachment of alice on the server is linked to a live memo of hers.
 *      Reading of F7: a memo in a device's Trash keeps its attachments (rows and bytes) on
 *      that device; on the server its deletion deleted them, and a Restore uploads them
 *      again [F3]. So a server attachment is never excused by a Trash copy: only one whose
 *      memo the server rejected and a device still holds pending may wait unlinked;
 *  (i) BYTES: the server stores each add's bytes and sanitized name [F6] unchanged (the fuzz
 *      attaches text and PNG-typed bytes, which Memos does not strip), and every original a
 *      device holds is the bytes that were attached.
 */
import type { AttachmentName } from '../../../sync/core/attachments';
import type { LocalMemo } from '../../../sync/core/memo';
import { sameBytes } from './attachment-ledger';
import type { Violation } from './invariants';
import type { ServerAttachment } from './server-handle';
import type { World } from './world';

const uidOf = (name: string) => name.replace(/^attachments\//, '');

interface Seen {
  violations: Violation[];
  /** Attachment uids listed by a memo the server rejected, kept pending on some device. */
  pending: Set<string>;
  /** Attachment uids listed by a memo in some device's Trash, with a row there. */
  trashed: Set<string>;
}

async function deviceChecks(world: World, serverSets: Map<string, string[]>, seen: Seen): Promise<void> {
  const { violations, pending, trashed } = seen;
  const add = (invariant: Violation['invariant'], message: string) => violations.push({ invariant, message });
  for (const device of world.devices) {
    const { db } = device.parts;
    const who = device.label;
    const rows = new Map((await db.attachments.toArray()).map((r) => [r.name as string, r]));
    const checkListed = (memo: Pick<LocalMemo, 'name' | 'attachments'>, where: string) => {
      const memoLabel = world.label(memo.name);
      if (new Set(memo.attachments).size !== memo.attachments.length)
        add('no-duplicate-attachment', `${who} ${where} ${memoLabel} lists one attachment twice`);
      for (const name of memo.attachments) {
        const origin = world.files.ofUid(name);
        if (!origin)
          add('no-duplicate-attachment', `${who} ${where} ${memoLabel} lists ${name}, from no add`);
        else if (world.uid(origin.memo) !== memo.name.replace(/^memos\//, ''))
          add(
            'no-duplicate-attachment',
            `${who} ${where} ${memoLabel} lists ${origin.label} of ${origin.memo}`,
          );
        if (!rows.has(name))
          add(
            'no-lost-attachment',
            `${who} ${where} ${memoLabel} lists ${world.label(uidOf(name))} without its row`,
          );
      }
    };
    for (const memo of await db.memos.toArray()) {
      checkListed(memo, 'memo');
      const serverSet = serverSets.get(memo.name.replace(/^memos\//, ''));
      if (memo.syncIssue && !memo.syncIssue.retry) {
        for (const name of memo.attachments) pending.add(uidOf(name));
        continue;
      }
      if (!serverSet) continue; // (a) reports the memo itself
      const here = [...memo.attachments].map(uidOf).sort();
      const there = [...serverSet].sort();
      if (here.join() !== there.join()) {
        const show = (uids: string[]) => uids.map((u) => world.label(u)).join(',') || 'none';
        add(
          'convergence',
          `${who} ${world.label(memo.name)} lists files [${show(here)}], the server [${show(there)}]`,
        );
      }
    }
    for (const row of await db.trash.toArray()) {
      checkListed(row.memo, 'Trash copy of');
      for (const name of row.memo.attachments) if (rows.has(name)) trashed.add(uidOf(name));
    }
    for (const row of rows.values()) {
      if (row.detached)
        add('convergence', `${who} still has ${world.label(uidOf(row.name))} detached (F4 not done)`);
      if (!row.original) continue;
      const blob = await db.attachmentBlobs.get([row.name as AttachmentName, 'original']);
      const origin = world.files.ofUid(row.name);
      if (!blob || !origin) continue;
      const bytes = new Uint8Array(await blob.bytes.arrayBuffer());
      if (!sameBytes(bytes, origin.bytes))
        add('attachment-bytes', `${who}'s original of ${origin.label} is not the bytes attached`);
    }
  }
}

function serverChecks(
  world: World,
  onServer: readonly ServerAttachment[],
  live: Set<string>,
  seen: Seen,
): void {
  const add = (invariant: Violation['invariant'], message: string) =>
    seen.violations.push({ invariant, message });
  const byBytes = new Map<string, string[]>();
  for (const a of onServer) {
    const key = new TextDecoder().decode(a.bytes);
    byBytes.set(key, [...(byBytes.get(key) ?? []), a.uid]);
    const origin = world.files.ofUid(a.uid);
    const at = a.memoUid === undefined ? 'unlinked' : `on ${world.label(a.memoUid)}`;
    if (!origin) {
      add('no-duplicate-attachment', `the server has ${a.uid} (${a.filename}, ${at}), from no add`);
      continue;
    }
    if (!sameBytes(a.bytes, origin.bytes) || a.filename !== origin.filename || a.type !== origin.type)
      add(
        'attachment-bytes',
        `the server's ${origin.label} is "${a.filename}" ${a.type} ${a.bytes.length} B, not as attached`,
      );
    if (a.memoUid !== undefined && a.memoUid !== world.uid(origin.memo))
      add(
        'no-duplicate-attachment',
        `the server links ${origin.label} of ${origin.memo} to ${world.label(a.memoUid)}`,
      );
    if ((a.memoUid === undefined || !live.has(a.memoUid)) && !seen.pending.has(a.uid))
      add(
        'no-orphan-attachment',
        `the server keeps ${origin.label} (by ${origin.by}, ${at}) for no live memo`,
      );
  }
  for (const [bytes, uids] of byBytes) {
    if (uids.length > 1)
      add('no-duplicate-attachment', `${uids.length} server attachments hold "${bytes.trim()}"`);
  }
}

export async function checkAttachmentInvariants(world: World): Promise<Violation[]> {
  const files = world.server.files;
  if (!files) return [];
  const onServer = await files.list();
  const live = new Set((await world.aliceMemos()).map((m) => m.uid));
  const serverSets = new Map<string, string[]>([...live].map((uid) => [uid, []]));
  for (const a of onServer) if (a.memoUid !== undefined) serverSets.get(a.memoUid)?.push(a.uid);
  const seen: Seen = { violations: [], pending: new Set(), trashed: new Set() };
  await deviceChecks(world, serverSets, seen);
  serverChecks(world, onServer, live, seen);
  for (const origin of world.files.live()) {
    const memoUid = world.uid(origin.memo);
    const linked = memoUid !== undefined && serverSets.get(memoUid)?.includes(origin.uid);
    // As a token may live in a rejected memo or the Trash, so may an attachment.
    if (linked || seen.trashed.has(origin.uid) || seen.pending.has(origin.uid)) continue;
    const where =
      memoUid !== undefined && live.has(memoUid)
        ? `is not on ${origin.memo} on the server`
        : `of deleted ${origin.memo} is in no Trash`;
    seen.violations.push({
      invariant: 'no-lost-attachment',
      message: `${origin.label} (by ${origin.by}) ${where}, nor on a memo the server rejected`,
    });
  }
  return seen.violations;
}

/** What sync may still change about attachments (part of the quiescence fingerprint). */
export async function attachmentFingerprint(world: World): Promise<unknown[]> {
  const parts: unknown[] = [(await world.server.files?.list())?.map((a) => [a.uid, a.memoUid]) ?? []];
  for (const device of world.devices) {
    const { db } = device.parts;
    parts.push(
      (await db.memos.toArray()).map((m) => [m.name, m.attachments]),
      (await db.attachments.toArray()).map((r) => [r.name, r.memo, r.server, r.detached ?? false]),
    );
  }
  return parts;
}
