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
import { MEMO_FIELDS } from './core/memo';
import type { ChangeFeed } from './db/change-feed';
import type { MemosDatabase } from './db/schema';
import { trashMemos } from './db/trash';

const SYNC_STATE_KEYS = [META_KEYS.cursor, META_KEYS.removals];

export async function resetForNewServer(
  db: MemosDatabase,
  feed: ChangeFeed,
  now: () => number,
): Promise<void> {
  await db.transaction('rw', [db.memos, db.outbox, db.bases, db.meta], async () => {
    const memos = await db.memos.orderBy('updateTime').toArray();
    await db.bases.clear();
    await db.outbox.clear();
    const wasLocalOnly = memos.filter((m) => m.localOnly);
    await db.memos.bulkPut(
      wasLocalOnly.map((m) => {
        const { localOnly: _dropped, ...rest } = m;
        return rest;
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
  });
  feed.publish({ type: 'reset' });
  feed.publish({ type: 'outbox', origin: 'local' });
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
  await db.transaction('rw', [db.memos, db.outbox, db.bases, db.conflicts, db.trash, db.meta], async () => {
    await Promise.all([
      db.memos.clear(),
      db.outbox.clear(),
      db.bases.clear(),
      db.conflicts.clear(),
      db.trash.clear(),
    ]);
    await db.meta.bulkDelete([...SYNC_STATE_KEYS, META_KEYS.identity]);
  });
  feed.publish({ type: 'reset' });
  feed.publish({ type: 'trash' });
}
