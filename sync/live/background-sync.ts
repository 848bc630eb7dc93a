/**
 * Asks the browser for a Background Sync (where it has one): when connectivity returns,
 * the service worker syncs even if every tab of the app has been closed
 * (workers/background-sync/entry.ts). Harmless where unsupported.
 */

import { BACKGROUND_SYNC_TAG } from '../constants';

interface SyncManagerLike {
  register(tag: string): Promise<void>;
}

export async function requestBackgroundSync(): Promise<boolean> {
  if (typeof navigator === 'undefined' || !navigator.serviceWorker) return false;
  try {
    const registration = (await navigator.serviceWorker.getRegistration()) as
      | (ServiceWorkerRegistration & { sync?: SyncManagerLike })
      | undefined;
    if (!registration?.sync) return false;
    await registration.sync.register(BACKGROUND_SYNC_TAG);
    return true;
  } catch {
    return false;
  }
}
