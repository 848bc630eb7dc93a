/**
 * Background Sync for the service worker (imported into the generated sw.js with
 * importScripts; built as a classic script). When the browser fires the
 * `memos-offline-sync` sync event (connectivity came back after changes were made
 * offline), an open tab is asked to sync; with no tab open, one delta pass runs right here,
 * under the same Web Lock the tabs use, so two syncs never overlap [T1]. The pass is the
 * same composition every caller runs (`runBackgroundPass`), so it keeps every rule the
 * tabs keep, [S3] included.
 */
import { BACKGROUND_SYNC_TAG, runBackgroundPass, SYNC_LOCK_NAME } from '../../sync/background';
import { listenForShares } from '../share-target/receive';

interface SyncEventLike extends Event {
  tag: string;
  waitUntil(promise: Promise<unknown>): void;
}

interface ServiceWorkerScope {
  clients: { matchAll(options: { type: 'window' }): Promise<Array<{ postMessage(message: unknown): void }>> };
  addEventListener(type: 'sync', listener: (event: SyncEventLike) => void): void;
}

// The share target's POST (text, links and files from other apps), offline too.
listenForShares(self as unknown as Parameters<typeof listenForShares>[0]);

const scope = self as unknown as ServiceWorkerScope;

async function onSync(): Promise<void> {
  const windows = await scope.clients.matchAll({ type: 'window' });
  if (windows.length > 0) {
    for (const client of windows) client.postMessage({ type: 'background-sync' });
    return;
  }
  await navigator.locks.request(SYNC_LOCK_NAME, { ifAvailable: true }, async (lock) => {
    if (!lock) return;
    const outcome = await runBackgroundPass({ isOnline: () => navigator.onLine });
    // A failure the network may fix makes the browser retry the sync event later.
    if (outcome === 'retry') throw new Error('background sync failed; the browser will retry');
  });
}

scope.addEventListener('sync', (event) => {
  if (event.tag === BACKGROUND_SYNC_TAG) event.waitUntil(onSync());
});
