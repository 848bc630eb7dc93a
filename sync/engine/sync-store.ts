/**
 * Persistence of sync results. Every write re-checks, inside its transaction, that no
 * local change slipped in since the plan was made [O3, P2]: a remote state is applied
 * only to memos still without pending entries, and a push result replaces the local row
 * only when no newer outbox entry exists (otherwise only the base moves). A memo sync
 * removes goes to the Trash in the same transaction [R1]. Listeners hear about changes
 * after each commit.
 */
import type { MemoName } from '../core/ids';
import { type LocalMemo, MEMO_FIELDS, type MemoFields, pickFields } from '../core/memo';
import { type ConflictDraft, carryConflict, type PendingSummary, rebaseLocal } from '../core/plan';
import { localFromRemote, type RemoteMemo } from '../core/remote';
import { detachAttachments, forgetDroppedAttachments, recordServerAttachments } from '../db/attachments';
import type { ChangeFeed } from '../db/change-feed';
import { applyPatch } from '../db/notebook';
import type { ConflictRecord, MemosDatabase, TrashReason } from '../db/schema';
import { withStorageErrors } from '../db/storage-errors';
import { leaveTrash, trashMemos } from '../db/trash';
import { type AttachmentStore, createAttachmentStore } from './attachment-store';

export interface PendingEntry extends PendingSummary {
  name: MemoName;
  firstSeq: number;
}

export interface SyncStore {
  /** Attachment rows and bytes [F3–F5]. */
  readonly attachments: AttachmentStore;
  pending(): Promise<PendingEntry[]>;
  locals(names: readonly MemoName[]): Promise<Map<MemoName, LocalMemo>>;
  bases(names?: readonly MemoName[]): Promise<Map<MemoName, RemoteMemo>>;
  localCount(): Promise<number>;
  /** [P1, P2] Applies server states to memos that are (still) clean. Returns the names applied. */
  applyRemote(remotes: readonly RemoteMemo[]): Promise<MemoName[]>;
  /**
   * [D1, R1] Moves memos the server no longer has to the Trash (and drops their bases), if
   * they are (still) clean. Returns the names moved.
   */
  moveToTrash(names: readonly MemoName[], reason: TrashReason): Promise<MemoName[]>;
  /** [D4] Drops base and outbox entries up to maxSeq. */
  forget(name: MemoName, maxSeq: number): Promise<void>;
  /**
   * After a successful push of `planned` (the local fields the plan was made from):
   * base := server; local := server, or, when newer edits exist, those edits rebased onto it.
   */
  pushed(
    name: MemoName,
    maxSeq: number,
    server: RemoteMemo,
    planned: MemoFields,
    conflict?: ConflictDraft,
  ): Promise<void>;
  /** [D3] Local delete lost to a remote edit: restore the memo, drop the delete. */
  restored(name: MemoName, maxSeq: number, server: RemoteMemo): Promise<void>;
  /** [O4, U3] The server rejected this memo; remember why on the memo (and whether to try again). */
  rejected(name: MemoName, message: string, retry?: boolean): Promise<void>;
  /**
   * [I1, C3] The server says this uid is another account's: the memo, its outbox entries and
   * its conflict record move to `newName` (one transaction). Undefined if the memo is gone.
   */
  rekey(name: MemoName, newName: MemoName): Promise<LocalMemo | undefined>;
  conflicts(): Promise<ConflictRecord[]>;
  /** [S3] The user chose to keep memos the server no longer has: upload them again. */
  keepAsLocal(names: readonly MemoName[]): Promise<void>;
}

export function createSyncStore(db: MemosDatabase, feed: ChangeFeed, now: () => number): SyncStore {
  const tables = [
    db.memos,
    db.outbox,
    db.bases,
    db.conflicts,
    db.trash,
    db.meta,
    db.attachments,
    db.attachmentBlobs,
  ] as const;
  const time = now;
  const tx = <T>(work: () => Promise<T>) => withStorageErrors(() => db.transaction('rw', [...tables], work));
  const announce = (names: readonly MemoName[], extra: Array<'outbox' | 'conflicts'> = []) => {
    if (names.length > 0) feed.publish({ type: 'memos', names: [...names] });
    for (const type of extra) feed.publish(type === 'outbox' ? { type, origin: 'sync' } : { type });
  };

  async function hasPendingAfter(name: MemoName, seq: number): Promise<boolean> {
    return (
      (await db.outbox
        .where('name')
        .equals(name)
        .filter((e) => (e.seq ?? 0) > seq)
        .count()) > 0
    );
  }

  async function dropOutbox(name: MemoName, maxSeq: number): Promise<void> {
    await db.outbox
      .where('name')
      .equals(name)
      .filter((e) => (e.seq ?? 0) <= maxSeq)
      .delete();
  }

  return {
    attachments: createAttachmentStore(db, feed),
    async pending() {
      const entries = await db.outbox.orderBy('seq').toArray();
      const byName = new Map<MemoName, PendingEntry>();
      for (const entry of entries) {
        const seq = entry.seq ?? 0;
        let current = byName.get(entry.name);
        if (!current) {
          current = {
            name: entry.name,
            firstSeq: seq,
            maxSeq: seq,
            created: entry.op === 'create',
            deleted: false,
          };
          byName.set(entry.name, current);
        }
        current.maxSeq = seq;
        current.deleted = entry.op === 'delete';
        if (entry.deleted) current.deletedFields = entry.deleted;
        else delete current.deletedFields;
        // A create after a delete (re-import) means the memo is new again.
        if (entry.op === 'create') {
          current.created = true;
          if (entry.created) current.createdFields = entry.created;
        }
      }
      return [...byName.values()].sort((a, b) => a.firstSeq - b.firstSeq);
    },
    async locals(names) {
      const rows = await db.memos.bulkGet([...names]);
      const map = new Map<MemoName, LocalMemo>();
      for (const row of rows) if (row) map.set(row.name, row);
      return map;
    },
    async bases(names) {
      const rows = names ? await db.bases.bulkGet([...names]) : await db.bases.toArray();
      const map = new Map<MemoName, RemoteMemo>();
      for (const row of rows) if (row) map.set(row.name, row);
      return map;
    },
    localCount: () => db.memos.count(),
    async applyRemote(remotes) {
      if (remotes.length === 0) return [];
      const applied = await tx(async () => {
        const incoming = remotes.map((r) => r.name);
        const dirty = new Set((await db.outbox.where('name').anyOf(incoming).toArray()).map((e) => e.name));
        const clean = remotes.filter((r) => !dirty.has(r.name));
        await db.bases.bulkPut(clean);
        await db.memos.bulkPut(clean.map(localFromRemote));
        for (const remote of clean) {
          // [F5] What the server says about each attachment; the ones it dropped go here too.
          await recordServerAttachments(db, remote.name, remote.files, time());
          await forgetDroppedAttachments(db, remote.name, remote.attachments);
        }
        const names = clean.map((r) => r.name);
        // [R5] A memo the server has again (restored there, or re-created elsewhere) leaves the Trash.
        return { names, back: await leaveTrash(db, names) };
      });
      announce(applied.names);
      if (applied.back > 0) {
        feed.publish({ type: 'trash' });
        feed.publish({ type: 'conflicts' });
      }
      return applied.names;
    },
    async moveToTrash(names, reason) {
      if (names.length === 0) return [];
      const moved = await tx(async () => {
        const dirty = new Set(
          (
            await db.outbox
              .where('name')
              .anyOf([...names])
              .toArray()
          ).map((e) => e.name),
        );
        const clean = names.filter((n) => !dirty.has(n));
        const rows = (await db.memos.bulkGet(clean)).filter((m): m is LocalMemo => m !== undefined);
        await trashMemos(db, rows, reason, now());
        await db.bases.bulkDelete(clean);
        return clean;
      });
      announce(moved);
      if (moved.length > 0) feed.publish({ type: 'trash' });
      return moved;
    },
    async forget(name, maxSeq) {
      await tx(async () => {
        await db.bases.delete(name);
        await dropOutbox(name, maxSeq);
      });
      announce([], ['outbox']);
    },
    async pushed(name, maxSeq, server, planned, conflict) {
      const recorded = await tx(async () => {
        const newer = await hasPendingAfter(name, maxSeq);
        const current = newer ? await db.memos.get(name) : undefined;
        // [O3, D3] Deleted here meanwhile: the delete applies to what this device had, so the
        // base keeps those fields; a server change it never saw then restores the memo.
        await db.bases.put(newer && !current ? { ...server, ...pickFields(planned) } : server);
        await dropOutbox(name, maxSeq);
        await recordServerAttachments(db, name, server.files, time());
        if (!newer) await forgetDroppedAttachments(db, name, server.attachments);
        let record = conflict;
        if (!newer) {
          await db.memos.put(localFromRemote(server));
        } else if (current) {
          // [O3] Newer edits are re-applied on top of the pushed result, never reverting it.
          const rebased = rebaseLocal(current, planned, server);
          await db.memos.put(applyPatch(current, rebased.fields, current.updateTime).memo);
          if (rebased.conflict) record = carryConflict(record, rebased.conflict);
        }
        if (record) {
          // [M5] An unresolved earlier conflict on this memo is carried over, never overwritten.
          const previous = await db.conflicts.get(name);
          await db.conflicts.put({ name, detectedAt: now(), ...carryConflict(previous, record) });
        }
        return record !== undefined;
      });
      announce([name], recorded ? ['outbox', 'conflicts'] : ['outbox']);
    },
    async restored(name, maxSeq, server) {
      await tx(async () => {
        await db.bases.put(server);
        await recordServerAttachments(db, name, server.files, time());
        const newer = await hasPendingAfter(name, maxSeq);
        await dropOutbox(name, maxSeq);
        if (!newer) {
          // [F4] What the deleted copy listed and the server's does not (an upload never
          // linked, a file added here) goes, from the server too; what the server's copy
          // lists stays, even if it was removed here before the delete.
          const listed = new Set(server.attachments);
          const rows = await db.attachments.where('memo').equals(name).toArray();
          await detachAttachments(
            db,
            rows.filter((row) => !listed.has(row.name) && !row.detached).map((row) => row.name),
          );
          for (const { detached: _back, ...row } of rows.filter((r) => r.detached && listed.has(r.name)))
            await db.attachments.put(row);
          await db.memos.put(localFromRemote(server));
          // [D3, R5] The delete lost to a remote edit: the memo is back, so it leaves the Trash.
          await leaveTrash(db, [name]);
        }
      });
      announce([name], ['outbox', 'conflicts']);
      feed.publish({ type: 'trash' });
    },
    async rejected(name, message, retry) {
      await tx(async () => {
        const memo = await db.memos.get(name);
        if (memo)
          await db.memos.put({
            ...memo,
            syncIssue: { message, at: now(), ...(retry ? { retry: true } : {}) },
          });
      });
      announce([name]);
    },
    async rekey(name, newName) {
      const moved = await tx(async () => {
        const memo = await db.memos.get(name);
        if (!memo) return undefined;
        // The old account's creator and any rejection of the old uid do not carry over.
        const { creator: _creator, syncIssue: _issue, ...rest } = memo;
        const next: LocalMemo = { ...rest, name: newName };
        await db.memos.delete(name);
        await db.memos.add(next);
        await db.outbox.where('name').equals(name).modify({ name: newName });
        await db.bases.delete(name);
        const conflict = await db.conflicts.get(name);
        if (conflict) {
          await db.conflicts.delete(name);
          await db.conflicts.put({ ...conflict, name: newName });
        }
        await db.attachments.where('memo').equals(name).modify({ memo: newName });
        return next;
      });
      if (moved) announce([name, newName], ['outbox']);
      return moved;
    },
    conflicts: () => db.conflicts.toArray(),
    async keepAsLocal(names) {
      await tx(async () => {
        const present = (await db.memos.bulkGet([...names])).filter((m) => m !== undefined);
        await db.bases.bulkDelete(present.map((m) => m.name));
        await db.outbox.bulkAdd(
          present.map((m) => ({
            name: m.name,
            op: 'create' as const,
            fields: [...MEMO_FIELDS],
            at: now(),
          })),
        );
      });
      announce([], ['outbox']);
    },
  };
}
