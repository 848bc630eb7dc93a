/**
 * Moving a notebook to a different server or account: the old bases and pending
 * operations mean nothing there, so every local memo becomes a pending create (kept with
 * its original create time) and the old bases and cursor are dropped. Reconnecting to the
 * SAME server and user keeps everything, so nothing is uploaded twice.
 */
import { MEMO_FIELDS } from './core/memo';
import type { ChangeFeed } from './db/change-feed';
import type { MemosDatabase } from './db/schema';

export async function resetForNewServer(
  db: MemosDatabase,
  feed: ChangeFeed,
  now: () => number,
): Promise<void> {
  await db.transaction('rw', [db.memos, db.outbox, db.bases, db.meta], async () => {
    const memos = await db.memos.orderBy('updateTime').toArray();
    await db.bases.clear();
    await db.outbox.clear();
    await db.outbox.bulkAdd(
      memos.map((m) => ({
        name: m.name,
        op: 'create' as const,
        fields: [...MEMO_FIELDS],
        at: now(),
      })),
    );
    await db.meta.delete('sync.cursor');
  });
  feed.publish({ type: 'outbox', origin: 'local' });
}
