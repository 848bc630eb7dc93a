/**
 * The Trash [R1–R5]: every memo that leaves the notebook, whether the user deleted it or
 * the server no longer has it, is kept here for 30 days with its conflict record and the
 * account it belonged to. Invariants:
 *  - A memo leaves `memos` only in the same transaction that puts it here (`trashMemos`).
 *  - Restore puts the memo back as it was. When the notebook's account is the one the memo
 *    came from (or it never had one), an outbox `create` entry goes with it, so sync puts it
 *    back on the server under the same name [R3]. A memo of another account comes back on
 *    this device only (`localOnly`), never uploaded without the account question [R4, A1].
 *  - A name already back in the notebook (the server restored it) is restored as a new memo
 *    when the texts differ, and simply leaves the Trash when they are equal.
 *  - Only "Delete forever", "Empty trash" and the 30-day expiry destroy a memo.
 */
import { type MemoName, type MemoUid, memoNameOf, newMemoUid } from '../core/ids';
import { type LocalMemo, MEMO_FIELDS } from '../core/memo';
import { carryConflict } from '../core/plan';
import { sameFields } from '../core/remote';
import { deleteAttachmentsOf, markRestoredAttachments } from './attachments';
import type { ChangeFeed } from './change-feed';
import { readIdentity } from './meta';
import type { AccountRef, MemosDatabase, TrashReason, TrashRow } from './schema';
import { withStorageErrors } from './storage-errors';

export const TRASH_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

export function sameAccount(a: AccountRef | undefined, b: AccountRef | undefined): boolean {
  return a?.serverUrl === b?.serverUrl && a?.user === b?.user;
}

/**
 * Moves these memos (rows already read) from the notebook to the Trash. Must run inside a
 * transaction over memos, conflicts, trash and meta. Returns the names moved.
 */
export async function trashMemos(
  db: MemosDatabase,
  memos: readonly LocalMemo[],
  reason: TrashReason,
  removedAt: number,
): Promise<MemoName[]> {
  if (memos.length === 0) return [];
  const account = await readIdentity(db);
  const names = memos.map((m) => m.name);
  const conflicts = await db.conflicts.bulkGet(names);
  await db.trash.bulkPut(
    memos.map((memo, i) => {
      const conflict = conflicts[i];
      return {
        name: memo.name,
        memo,
        removedAt,
        reason,
        ...(conflict ? { conflict } : {}),
        ...(account ? { account } : {}),
      };
    }),
  );
  await db.conflicts.bulkDelete(names);
  await db.memos.bulkDelete(names);
  return names;
}

/**
 * [R5] These memos are back in the notebook (the server has them again): they leave the
 * Trash, and a conflict record one took along comes back with it (carried over onto a
 * newer one, never dropped). Must run inside a transaction over trash and conflicts.
 * Returns how many left the Trash.
 */
export async function leaveTrash(db: MemosDatabase, names: readonly MemoName[]): Promise<number> {
  const rows = (await db.trash.bulkGet([...names])).filter((row) => row !== undefined);
  for (const row of rows) {
    if (!row.conflict) continue;
    const current = await db.conflicts.get(row.name);
    await db.conflicts.put(current ? { ...current, ...carryConflict(row.conflict, current) } : row.conflict);
  }
  await db.trash.bulkDelete(rows.map((row) => row.name));
  return rows.length;
}

export type RestoreOutcome =
  /** Back in the notebook; `synced`: it will be re-created on its account's server. */
  | { kind: 'restored'; name: MemoName; synced: boolean }
  /** The server had brought it back already, identical: it just left the Trash. */
  | { kind: 'already-back'; name: MemoName }
  | { kind: 'missing' };

export interface Trash {
  list(): Promise<TrashRow[]>;
  count(): Promise<number>;
  restore(name: MemoName): Promise<RestoreOutcome>;
  deleteForever(name: MemoName): Promise<void>;
  empty(): Promise<void>;
  /** Drops memos kept longer than 30 days; returns how many. */
  purgeExpired(): Promise<number>;
}

export interface TrashDeps {
  db: MemosDatabase;
  feed: ChangeFeed;
  now: () => number;
  newUid?: () => MemoUid;
}

export function createTrash(deps: TrashDeps): Trash {
  const { db, feed, now } = deps;
  const newUid = deps.newUid ?? (() => newMemoUid());
  const announceTrash = () => feed.publish({ type: 'trash' });

  /** [R2] These Trash rows go for good, with their attachments' bytes (unless back in use). */
  async function destroy(select: () => Promise<TrashRow[]>): Promise<number> {
    const count = await withStorageErrors(() =>
      db.transaction('rw', [db.trash, db.memos, db.attachments, db.attachmentBlobs], async () => {
        const rows = await select();
        const names = rows.map((row) => row.name);
        await db.trash.bulkDelete(names);
        const back = new Set(
          (await db.memos.bulkGet(names)).filter((m) => m !== undefined).map((m) => m.name),
        );
        await deleteAttachmentsOf(
          db,
          names.filter((name) => !back.has(name)),
        );
        return rows.length;
      }),
    );
    if (count > 0) announceTrash();
    return count;
  }

  return {
    list: () => db.trash.orderBy('removedAt').reverse().toArray(),
    count: () => db.trash.count(),
    async restore(name) {
      const outcome = await withStorageErrors(() =>
        db.transaction(
          'rw',
          [db.memos, db.outbox, db.conflicts, db.trash, db.meta, db.attachments],
          async () => {
            const row = await db.trash.get(name);
            if (!row) return { kind: 'missing' } as const;
            const identity = await readIdentity(db);
            const current = await db.memos.get(name);
            await db.trash.delete(name);
            if (current && sameFields(current, row.memo)) return { kind: 'already-back', name } as const;
            const target = current ? memoNameOf(newUid()) : name;
            const ownAccount = row.account === undefined || sameAccount(row.account, identity);
            const { localOnly: _wasLocalOnly, syncIssue: _issue, ...memo } = row.memo;
            const restored: LocalMemo = {
              ...memo,
              name: target,
              ...(ownAccount ? {} : { localOnly: true as const }),
            };
            if (target !== name) {
              delete restored.creator;
              // The memo that is back owns the attachments; the restored copy is its text.
              restored.attachments = [];
            } else {
              // [R3, F3] The server may have deleted them with the memo: sync checks each first.
              await markRestoredAttachments(db, name, name);
            }
            await db.memos.put(restored);
            if (ownAccount) {
              await db.outbox.add({ name: target, op: 'create', fields: [...MEMO_FIELDS], at: now() });
            }
            if (row.conflict && !(await db.conflicts.get(target))) {
              await db.conflicts.put({ ...row.conflict, name: target });
            }
            return { kind: 'restored', name: target, synced: ownAccount } as const;
          },
        ),
      );
      if (outcome.kind !== 'missing') {
        feed.publish({ type: 'memos', names: [outcome.name] });
        if (outcome.kind === 'restored' && outcome.synced) feed.publish({ type: 'outbox', origin: 'local' });
        feed.publish({ type: 'conflicts' });
        announceTrash();
      }
      return outcome;
    },
    async deleteForever(name) {
      await destroy(() => db.trash.where('name').equals(name).toArray());
    },
    async empty() {
      await destroy(() => db.trash.toArray());
    },
    async purgeExpired() {
      const cutoff = now() - TRASH_RETENTION_MS;
      return destroy(() => db.trash.where('removedAt').below(cutoff).toArray());
    },
  };
}
