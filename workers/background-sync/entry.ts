/**
 * Background Sync for the service worker (imported into the generated sw.js with
 * importScripts; built as a classic script). When the browser fires the
 * `memos-offline-sync` sync event (connectivity came back after changes were made
 * offline), an open tab is asked to sync; with no tab open, one delta pass runs right here,
 * under the same Web Lock the tabs use, so two syncs never overlap [T1].
 */
import { createHttpMemosApi } from '../../sync/api/http-client';
import { createChangeFeed } from '../../sync/db/change-feed';
import { createMetaStore } from '../../sync/db/meta';
import { MemosDatabase } from '../../sync/db/schema';
import { createSyncEngine } from '../../sync/engine/engine';
import { createSyncStore } from '../../sync/engine/sync-store';
import { BACKGROUND_SYNC_TAG } from '../../sync/live/background-sync';
import { SYNC_LOCK_NAME } from '../../sync/live/tab-leader';

interface SyncEventLike extends Event {
  tag: string;
  waitUntil(promise: Promise<unknown>): void;
}

interface ServiceWorkerScope {
  clients: { matchAll(options: { type: 'window' }): Promise<Array<{ postMessage(message: unknown): void }>> };
  addEventListener(type: 'sync', listener: (event: SyncEventLike) => void): void;
}

const scope = self as unknown as ServiceWorkerScope;

async function syncHere(): Promise<void> {
  const db = new MemosDatabase();
  const feed = createChangeFeed('memos-offline-changes');
  try {
    const meta = createMetaStore(db, feed);
    const connection = await meta.connection();
    if (!connection) return;
    const now = () => Date.now();
    const engine = createSyncEngine({
      api: createHttpMemosApi({ baseUrl: connection.serverUrl, token: connection.token }),
      store: createSyncStore(db, feed, now),
      cursor: { load: meta.cursor, save: meta.setCursor },
      now,
    });
    const report = await engine.syncOnce({ mode: 'delta' });
    const previous = await meta.status();
    await meta.setStatus(
      report.ok
        ? { phase: 'idle', lastSyncAt: now() }
        : { ...previous, phase: 'error', message: report.error?.message ?? 'background sync failed' },
    );
    // A failure makes the browser retry the sync event later.
    if (!report.ok && report.error?.kind === 'offline') throw new Error(report.error.message);
  } finally {
    feed.close();
    db.close();
  }
}

async function onSync(): Promise<void> {
  const windows = await scope.clients.matchAll({ type: 'window' });
  if (windows.length > 0) {
    for (const client of windows) client.postMessage({ type: 'background-sync' });
    return;
  }
  await navigator.locks.request(SYNC_LOCK_NAME, { ifAvailable: true }, async (lock) => {
    if (lock) await syncHere();
  });
}

scope.addEventListener('sync', (event) => {
  if (event.tag === BACKGROUND_SYNC_TAG) event.waitUntil(onSync());
});
