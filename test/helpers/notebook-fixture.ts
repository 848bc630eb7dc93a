/**
 * A fresh notebook over fake-indexeddb for unit tests: unique database name per call,
 * a controllable clock, deterministic uids, and a change feed without BroadcastChannel.
 */

import type { MemoUid } from '../../sync/core/ids';
import { createChangeFeed, type StoreChange } from '../../sync/db/change-feed';
import { createNotebook } from '../../sync/db/notebook';
import { MemosDatabase } from '../../sync/db/schema';

let counter = 0;

export function uuidFromCounter(n: number): MemoUid {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}` as MemoUid;
}

export function createTestNotebook(startTime = Date.UTC(2026, 0, 1)) {
  counter++;
  const dbName = `test-notebook-${counter}-${Math.random().toString(36).slice(2)}`;
  const db = new MemosDatabase(dbName);
  const feed = createChangeFeed(dbName, undefined);
  const changes: StoreChange[] = [];
  feed.subscribe((change) => changes.push(change));
  let time = startTime;
  let uid = 0;
  const clock = {
    now: () => time,
    advance: (ms: number) => {
      time += ms;
    },
  };
  const notebook = createNotebook({ db, feed, now: clock.now, newUid: () => uuidFromCounter(++uid) });
  return {
    db,
    dbName,
    feed,
    changes,
    clock,
    notebook,
    async dispose() {
      db.close();
      await MemosDatabase.delete(dbName);
    },
  };
}
