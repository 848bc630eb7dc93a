/**
 * Exactly one tab of this origin syncs at a time [T1]: the holder of the Web Lock
 * "memos-offline-sync" runs the engine and the live stream; other tabs wait for the lock
 * and see the results through the database. Without Web Locks (very old browsers) every
 * tab leads, which is still safe because each sync step is transactional.
 */

import { SYNC_LOCK_NAME } from '../constants';

export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

export function whileLeader(locks: LockManagerLike | undefined, lead: () => () => void): { release(): void } {
  const controller = new AbortController();
  if (!locks) {
    const stop = lead();
    return {
      release() {
        stop();
      },
    };
  }
  let stop: (() => void) | undefined;
  let releaseLock: (() => void) | undefined;
  locks
    .request(SYNC_LOCK_NAME, { signal: controller.signal }, () => {
      stop = lead();
      return new Promise<void>((resolve) => {
        releaseLock = resolve;
      });
    })
    .catch(() => undefined);
  return {
    release() {
      controller.abort();
      stop?.();
      releaseLock?.();
    },
  };
}
