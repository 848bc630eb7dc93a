/**
 * A device as the app runs it: the sync controller (connect, scheduler, live SSE stream,
 * status record) over its own fake-indexeddb database, with injected virtual timers and a
 * recording, fault-injecting transport in front of the real server.
 *
 * Virtual timers: time stands still until `advance(ms)`; a timer whose delay is 0 fires on
 * the next macrotask (like a browser's), any other timer only when `advance` reaches it. So
 * a debounced or backed-off pass runs exactly when the test says so. Invariants: every
 * controller is disposed (SSE closed, timers dropped) by `dispose()`.
 */
import { randomUUID } from 'node:crypto';
import { createSyncController, type SyncController } from '../../../sync/controller';
import type { SyncNotice } from '../../../sync/core/plan';
import { type ChangeFeed, createChangeFeed } from '../../../sync/db/change-feed';
import { createMetaStore, type MetaStore, type SyncStatusRecord } from '../../../sync/db/meta';
import { createNotebook, type Notebook } from '../../../sync/db/notebook';
import { MemosDatabase } from '../../../sync/db/schema';
import { until } from './device';
import { createTransport, type Transport } from './transport';

export interface VirtualTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** Moves virtual time forward and fires every timer that came due, in due order. */
  advance(ms: number): void;
  /** Delays (from now) of the timers not yet fired. */
  pending(): number[];
  hasDue(): boolean;
  dispose(): void;
}

export function createVirtualTimers(start = Date.now()): VirtualTimers {
  let time = start;
  let nextId = 0;
  let disposed = false;
  const timers = new Map<number, { due: number; callback: () => void }>();
  const fireDue = () => {
    const due = [...timers.entries()]
      .filter(([, t]) => t.due <= time)
      .sort((a, b) => a[1].due - b[1].due || a[0] - b[0]);
    for (const [id, timer] of due) {
      if (!timers.delete(id) || disposed) continue;
      timer.callback();
    }
  };
  return {
    now: () => time,
    setTimeout(callback, ms) {
      const id = ++nextId;
      const delay = Math.max(0, ms);
      timers.set(id, { due: time + delay, callback });
      if (delay === 0) setTimeout(fireDue, 0);
      return id;
    },
    clearTimeout(handle) {
      if (typeof handle === 'number') timers.delete(handle);
    },
    advance(ms) {
      time += ms;
      fireDue();
    },
    pending: () => [...timers.values()].map((t) => t.due - time).sort((a, b) => a - b),
    hasDue: () => [...timers.values()].some((t) => t.due <= time),
    dispose() {
      disposed = true;
      timers.clear();
    },
  };
}

export interface AppDevice {
  db: MemosDatabase;
  feed: ChangeFeed;
  notebook: Notebook;
  meta: MetaStore;
  dbName: string;
  transport: Transport;
  timers: VirtualTimers;
  controller: SyncController;
  notices: SyncNotice[];
  status(): Promise<SyncStatusRecord>;
  /** Waits until no pass runs or is due, no request is in flight and the status is stable. */
  settle(): Promise<void>;
  /** A second controller over the same database (a page reload): the old one is disposed. */
  reload(): AppDevice;
  dispose(): Promise<void>;
}

export function createAppDevice(shared?: { db: MemosDatabase; dbName: string }): AppDevice {
  const dbName = shared?.dbName ?? `it-app-${randomUUID()}`;
  const db = shared?.db ?? new MemosDatabase(dbName);
  const feed = createChangeFeed(dbName, undefined);
  const timers = createVirtualTimers();
  const transport = createTransport();
  const notices: SyncNotice[] = [];
  let statusWrites = 0;
  feed.subscribe((change) => {
    if (change.type === 'meta') statusWrites++;
  });
  const meta = createMetaStore(db, feed);
  const notebook = createNotebook({ db, feed, now: timers.now });
  const controller = createSyncController({
    db,
    feed,
    now: timers.now,
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    random: () => 0.5,
    isOnline: () => true,
    fetch: transport.fetch,
    deviceLabel: 'integration test',
    onNotice: (notice) => notices.push(notice),
  });
  let ownsDb = true;

  const device: AppDevice = {
    db,
    feed,
    notebook,
    meta,
    dbName,
    transport,
    timers,
    controller,
    notices,
    status: () => meta.status(),
    async settle() {
      let stableSince = -1;
      let seen = -1;
      await until(async () => {
        const quiet =
          transport.inFlight === 0 && !timers.hasDue() && (await meta.status()).phase !== 'syncing';
        if (!quiet || statusWrites !== seen) {
          seen = statusWrites;
          stableSince = quiet ? Date.now() : -1;
          return false;
        }
        return stableSince >= 0 && Date.now() - stableSince >= 150;
      }, 'the sync controller to settle');
    },
    reload() {
      controller.dispose();
      timers.dispose();
      feed.close();
      ownsDb = false;
      return createAppDevice({ db, dbName });
    },
    async dispose() {
      controller.dispose();
      timers.dispose();
      feed.close();
      if (ownsDb) {
        db.close();
        await MemosDatabase.delete(dbName);
      }
    },
  };
  return device;
}
