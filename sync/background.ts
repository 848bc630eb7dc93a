/**
 * The public entry of `sync/` for the service worker: one sync pass over the app's own
 * database, composed exactly as the page's controller composes it (engine/sync-pass.ts),
 * with the real clock and uid generation bound here. Nothing else in `sync/` is imported
 * by the service worker.
 */
import { createHttpMemosApi, type FetchLike } from './api/http-client';
import { CHANGE_CHANNEL, DEFAULT_DB_NAME } from './constants';
import { newMemoUid } from './core/ids';
import { createChangeFeed } from './db/change-feed';
import { createMetaStore } from './db/meta';
import { MemosDatabase } from './db/schema';
import { runSyncPass, shouldRetry } from './engine/sync-pass';
import { createSyncStore } from './engine/sync-store';

export { BACKGROUND_SYNC_TAG, SYNC_LOCK_NAME } from './constants';

/** `retry`: a failure the network may fix (the browser should fire the event again). */
export type BackgroundOutcome = 'done' | 'not-connected' | 'retry' | 'failed';

export interface BackgroundPlatform {
  isOnline: () => boolean;
  /** Tests run the same pass over their own database and transport. */
  dbName?: string;
  fetch?: FetchLike;
}

export async function runBackgroundPass(platform: BackgroundPlatform): Promise<BackgroundOutcome> {
  const dbName = platform.dbName ?? DEFAULT_DB_NAME;
  const db = new MemosDatabase(dbName);
  const feed = createChangeFeed(platform.dbName === undefined ? CHANGE_CHANNEL : `${dbName}-background`);
  try {
    const meta = createMetaStore(db, feed);
    const connection = await meta.connection();
    if (!connection) return 'not-connected';
    const now = () => Date.now();
    const report = await runSyncPass(
      {
        api: createHttpMemosApi({
          baseUrl: connection.serverUrl,
          token: connection.token,
          ...(platform.fetch ? { fetch: platform.fetch } : {}),
        }),
        store: createSyncStore(db, feed, now),
        meta,
        now,
        newUid: () => newMemoUid(),
        isOnline: platform.isOnline,
        expectedUser: connection.user,
      },
      { mode: 'delta' },
    );
    if (report.ok) return 'done';
    return report.error && shouldRetry(report.error) ? 'retry' : 'failed';
  } finally {
    feed.close();
    db.close();
  }
}
