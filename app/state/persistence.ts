/**
 * Persistent storage: after the first saved memo the app asks the browser once to keep
 * its data (navigator.storage.persist), and Settings reports usage and the answer.
 */

const ASKED_KEY = 'memos-offline:persist-asked';

export interface StorageReport {
  usageBytes: number | undefined;
  quotaBytes: number | undefined;
  persisted: boolean | undefined;
}

export async function requestPersistenceOnce(): Promise<boolean | undefined> {
  try {
    if (localStorage.getItem(ASKED_KEY)) return undefined;
    localStorage.setItem(ASKED_KEY, new Date().toISOString());
  } catch {
    return undefined;
  }
  return requestPersistence();
}

export async function requestPersistence(): Promise<boolean | undefined> {
  if (!navigator.storage?.persist) return undefined;
  try {
    return await navigator.storage.persist();
  } catch {
    return undefined;
  }
}

export async function storageReport(): Promise<StorageReport> {
  const storage = navigator.storage;
  const [estimate, persisted] = await Promise.all([
    storage?.estimate ? storage.estimate().catch(() => undefined) : Promise.resolve(undefined),
    storage?.persisted ? storage.persisted().catch(() => undefined) : Promise.resolve(undefined),
  ]);
  return { usageBytes: estimate?.usage, quotaBytes: estimate?.quota, persisted };
}
