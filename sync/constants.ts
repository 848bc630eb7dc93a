/**
 * Names shared by the page, the workers and the service worker: the IndexedDB database,
 * the BroadcastChannel of the change feed, Web Lock and Background Sync names, and the keys
 * of the `meta` table. Every one of them lives here and nowhere else, so two threads can
 * never disagree about a name.
 */

export const DEFAULT_DB_NAME = 'memos-offline';
/** The change feed's BroadcastChannel (sync/db/change-feed.ts). */
export const CHANGE_CHANNEL = 'memos-offline-changes';
/** The Web Lock held by the one tab (or service worker) that syncs [T1]. */
export const SYNC_LOCK_NAME = 'memos-offline-sync';
/** The Background Sync tag the service worker answers. */
export const BACKGROUND_SYNC_TAG = 'memos-offline-sync';
/** The Web Lock and BroadcastChannel of the recall workers (one leader embeds). */
export const RECALL_LOCK = 'memos-offline-recall';
export const RECALL_CHANNEL = 'memos-offline-recall';

/** Keys of the `meta` table; each has one owner module (sync/db/meta.ts reads and writes them). */
export const META_KEYS = {
  connection: 'connection',
  identity: 'sync.identity',
  cursor: 'sync.cursor',
  status: 'sync.status',
  removals: 'sync.removals',
  offlineBudget: 'media.offlineBudget',
  server: 'sync.server',
  /** "Index on this device" (workers/recall/vector-supply.ts owns it): boolean, absent = on */
  localIndexing: 'recall.localIndexing',
} as const;
