/**
 * What becomes of the notebook when its account changes or the user wipes the device.
 * Each function is one transaction:
 *  - resetForNewServer [V2, A1]: the user chose to upload the notebook to another server or
 *    account: every local memo (also those kept on this device only) becomes a pending
 *    create with its original create time; the old bases, cursor and removal guard go.
 *  - leaveAccount [A1]: the user chose to start the other account's notebook here (after
 *    downloading an export): every local memo moves to the Trash, still marked as the old
 *    account's, so it can come back on this device but never reaches the new account.
 *  - clearNotebook: "Disconnect and delete": nothing of the notebook stays on the device.
 * Reconnecting to the SAME server and user calls none of these, so nothing is uploaded twice.
 */
import { META_KEYS } from './constants';
import { type AttachmentName, attachmentNameOf, canonicalSet } from './core/attachments';
import { type MemoUid, newMemoUid } from './core/ids';
import { MEMO_FIELDS } from './core/memo';
import type { ChangeFeed } from './db/change-feed';
import type { MemosDatabase } from './db/schema';
import { trashMemos } from './db/trash';

const SYNC_STATE_KEYS = [META_KEYS.cursor, META_KEYS.removals];

export async function resetForNewServer(
  db: MemosDatabase,
  feed: ChangeFeed,
  now: () => number,
  newUid: () => MemoUid = () => newMemoUid(),
): Promise<void> {
  await db.transaction(
    'rw',
    [db.memos, db.outbox, db.bases, db.meta, db.attachments, db.attachmentBlobs],
    async () => {
      const memos = await db.memos.orderBy('updateTime').toArray();
      await db.bases.clear();
      await db.outbox.clear();
      const renamed = await renameAttachmentsForNewAccount(db);
      await db.memos.bulkPut(
        memos.map((m) => {
          const { localOnly: _dropped, ...rest } = m;
          return {
            ...rest,
            attachments: canonicalSet(
              m.attachments.flatMap((name) => {
                const next = renamed.get(name);
                return next ? [next] : [];
              }),
            ),
          };
        }),
      );
      await db.outbox.bulkAdd(
        memos.map((m) => ({
          name: m.name,
          op: 'create' as const,
          fields: [...MEMO_FIELDS],
          at: now(),
        })),
      );
      await db.meta.bulkDelete(SYNC_STATE_KEYS);
    },
  );
  feed.publish({ type: 'reset' });
  feed.publish({ type: 'outbox', origin: 'local' });

  /**
   * The old account's attachment ids may exist on the new server (the same server, another
   * account), and Memos would refuse them: every attachment whose original is here gets a
   * fresh id and will be uploaded; one whose bytes are not here cannot move and is dropped.
   */
  async function renameAttachmentsForNewAccount(
    database: MemosDatabase,
  ): Promise<Map<AttachmentName, AttachmentName>> {
    const renamed = new Map<AttachmentName, AttachmentName>();
    for (const row of await database.attachments.toArray()) {
      const blobs = await database.attachmentBlobs.where('name').equals(row.name).toArray();
      await database.attachments.delete(row.name);
      await database.attachmentBlobs.where('name').equals(row.name).delete();
      if (row.detached || !blobs.some((b) => b.kind === 'original')) continue;
      const name = attachmentNameOf(newUid());
      renamed.set(row.name, name);
      await database.attachments.add({ ...row, name, server: 'local' });
      await database.attachmentBlobs.bulkPut(blobs.map((b) => ({ ...b, name })));
    }
    return renamed;
  }
}

export async function leaveAccount(db: MemosDatabase, feed: ChangeFeed, now: () => number): Promise<void> {
  await db.transaction('rw', [db.memos, db.outbox, db.bases, db.conflicts, db.trash, db.meta], async () => {
    await trashMemos(db, await db.memos.toArray(), 'left-with-account', now());
    await db.bases.clear();
    await db.outbox.clear();
    await db.conflicts.clear();
    await db.meta.bulkDelete(SYNC_STATE_KEYS);
  });
  feed.publish({ type: 'reset' });
  feed.publish({ type: 'trash' });
}

export async function clearNotebook(db: MemosDatabase, feed: ChangeFeed): Promise<void> {
  const tables = [
    db.memos,
    db.outbox,
    db.bases,
    db.conflicts,
    db.trash,
    db.meta,
    db.attachments,
    db.attachmentBlobs,
  ];
  await db.transaction('rw', tables, async () => {
    await Promise.all([
      db.memos.clear(),
      db.outbox.clear(),
      db.bases.clear(),
      db.conflicts.clear(),
      db.trash.clear(),
      db.attachments.clear(),
      db.attachmentBlobs.clear(),
    ]);
    await db.meta.bulkDelete([...SYNC_STATE_KEYS, META_KEYS.identity]);
  });
  feed.publish({ type: 'reset' });
  feed.publish({ type: 'trash' });
}
