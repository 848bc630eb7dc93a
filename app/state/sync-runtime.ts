/**
 * Runs sync in this page: builds the controller with the browser's services (fetch, Web
 * Locks, timers, online state), wires the page triggers (online, tab visible, a message
 * from the service worker's Background Sync) and exposes the reactive sync state every
 * tab shows: connection, the server's version, status, the [S3] question, pending count, conflicts and the Trash
 * (whose 30-day expiry it runs on start and every few hours).
 */
import { type Accessor, createSignal } from 'solid-js';
import {
  assertNever,
  type ConflictRecord,
  type Conflicts,
  type Connection,
  createConflicts,
  createMetaStore,
  createSyncController,
  createTrash,
  type MemoName,
  type RemovalLedger,
  requestBackgroundSync,
  type ServerRecord,
  type SyncController,
  type SyncNotice,
  type SyncStatusRecord,
  type Trash,
  type TrashRow,
} from '../../sync';
import type { AppServices } from './services';

export interface SyncState {
  controller: SyncController;
  conflicts: Conflicts;
  trash: Trash;
  connection: Accessor<Connection | undefined>;
  /** The Memos server's version as the latest check saw it, and what the app knows of it [V4]. */
  server: Accessor<ServerRecord | undefined>;
  status: Accessor<SyncStatusRecord>;
  /** [S3] The removal guard; `held` is the standing question. */
  removals: Accessor<RemovalLedger>;
  trashList: Accessor<readonly TrashRow[]>;
  pending: Accessor<number>;
  conflictList: Accessor<readonly ConflictRecord[]>;
  online: Accessor<boolean>;
}

function deviceLabel(): string {
  const platform = (navigator as Navigator & { userAgentData?: { platform?: string } }).userAgentData
    ?.platform;
  return platform || navigator.platform || 'browser';
}

/** `snippet` gives a memo's first words (for notices about one memo). */
export function describeNotice(notice: SyncNotice, snippet: (name: MemoName) => string): string {
  switch (notice.kind) {
    case 'conflict':
      return `“${snippet(notice.name)}” was changed here and on the server in the same place. The server's version is shown; yours is kept under Conflicts.`;
    case 'recreated-after-remote-delete':
      return `“${snippet(notice.name)}” had been deleted on the server while you edited it here; your version was put back on the server.`;
    case 'restored-after-remote-edit':
      return `“${snippet(notice.name)}” was edited on the server after you deleted it here, so it was restored with those edits.`;
    case 'attachments-missing':
      return `${notice.filenames.length === 1 ? `“${notice.filenames[0]}”` : `${notice.filenames.length} attachments`} of “${snippet(notice.name)}” could not be sent: the file is no longer on this device.`;
    case 'moved-to-trash':
      return notice.names.length === 1
        ? 'A memo the server no longer has was moved to the Trash on this device.'
        : `${notice.names.length} memos the server no longer has were moved to the Trash on this device.`;
    default:
      return assertNever(notice, 'sync notice');
  }
}

const TRASH_PURGE_INTERVAL_MS = 6 * 60 * 60 * 1000;

export function startSyncRuntime(services: AppServices, onNotice: (notice: SyncNotice) => void): SyncState {
  const meta = createMetaStore(services.db, services.feed);
  const conflicts = createConflicts(services.db, services.feed, services.notebook);
  const [connection, setConnection] = createSignal<Connection>();
  const [server, setServer] = createSignal<ServerRecord>();
  const [status, setStatus] = createSignal<SyncStatusRecord>({ phase: 'idle' });
  const [removals, setRemovals] = createSignal<RemovalLedger>({
    reference: 0,
    removedSince: 0,
    approved: [],
  });
  const [trashList, setTrashList] = createSignal<readonly TrashRow[]>([]);
  const trash = createTrash({ db: services.db, feed: services.feed, now: services.now });
  const [pending, setPending] = createSignal(0);
  const [conflictList, setConflictList] = createSignal<readonly ConflictRecord[]>([]);
  const [online, setOnline] = createSignal(navigator.onLine);

  const controller = createSyncController({
    db: services.db,
    feed: services.feed,
    now: services.now,
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
    random: Math.random,
    isOnline: () => navigator.onLine,
    ...(navigator.locks ? { locks: navigator.locks } : {}),
    deviceLabel: deviceLabel(),
    onNotice,
  });

  const refreshMeta = async () => {
    setConnection(await meta.connection());
    setServer(await meta.server());
    setStatus(await meta.status());
    setRemovals(await meta.removals());
  };
  const refreshTrash = async () => setTrashList(await trash.list());
  const refreshPending = async () =>
    setPending((await services.db.outbox.orderBy('name').uniqueKeys()).length);
  const refreshConflicts = async () => setConflictList(await conflicts.list());

  services.feed.subscribe((change) => {
    // Changes made offline: let the browser wake the service worker when the network is back.
    if (change.type === 'outbox' && change.origin === 'local' && !navigator.onLine && connection()) {
      void requestBackgroundSync();
    }
    if (change.type === 'meta') void refreshMeta();
    else if (change.type === 'outbox') void refreshPending();
    else if (change.type === 'conflicts') void refreshConflicts();
    else if (change.type === 'trash') void refreshTrash();
    else if (change.type === 'reset')
      void Promise.all([refreshMeta(), refreshPending(), refreshConflicts(), refreshTrash()]);
  });
  void trash.purgeExpired().catch(() => undefined);
  window.setInterval(() => void trash.purgeExpired().catch(() => undefined), TRASH_PURGE_INTERVAL_MS);
  void Promise.all([refreshMeta(), refreshPending(), refreshConflicts(), refreshTrash()]).then(() =>
    controller.start(),
  );

  window.addEventListener('online', () => {
    setOnline(true);
    controller.trigger('online', { full: true });
  });
  window.addEventListener('offline', () => setOnline(false));
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') controller.trigger('visible');
  });
  navigator.serviceWorker?.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { type?: unknown } | null;
    if (data?.type === 'background-sync') controller.trigger('background');
  });

  return {
    controller,
    conflicts,
    trash,
    connection,
    server,
    status,
    removals,
    trashList,
    pending,
    conflictList,
    online,
  };
}
