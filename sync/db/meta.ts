/**
 * Typed access to the small `meta` key/value table: the server connection, the sync
 * cursor and the last sync status. Each key has one owner; values are validated on read
 * (the disk can hold anything), so a corrupt row reads as "absent", never as a crash.
 */
import type { ChangeFeed } from './change-feed';
import type { MemosDatabase } from './schema';

export interface Connection {
  /** '' = the origin that served the app (through its proxy) */
  serverUrl: string;
  token: string;
  user: string;
  displayName: string;
  connectedAt: number;
}

export interface CursorState {
  cursor: number | undefined;
  lastFullAt: number | undefined;
}

export type SyncPhase = 'idle' | 'syncing' | 'offline' | 'error';

export interface SyncStatusRecord {
  phase: SyncPhase;
  /** One sentence for the user when phase is 'error' (or 'offline'). */
  message?: string;
  lastSyncAt?: number;
  /** Deletions waiting for the user's approval [S3]. */
  heldDeletions?: { names: string[]; localCount: number };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalNumber = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

export const META_KEYS = {
  connection: 'connection',
  identity: 'sync.identity',
  cursor: 'sync.cursor',
  status: 'sync.status',
} as const;

/** Which server and account the bases belong to; kept across a disconnect. */
export interface ServerIdentity {
  serverUrl: string;
  user: string;
}

export interface MetaStore {
  connection(): Promise<Connection | undefined>;
  setConnection(connection: Connection | undefined): Promise<void>;
  identity(): Promise<ServerIdentity | undefined>;
  setIdentity(identity: ServerIdentity): Promise<void>;
  cursor(): Promise<CursorState>;
  setCursor(state: CursorState): Promise<void>;
  status(): Promise<SyncStatusRecord>;
  setStatus(status: SyncStatusRecord): Promise<void>;
}

export function createMetaStore(db: MemosDatabase, feed: ChangeFeed): MetaStore {
  const read = async (key: string) => (await db.meta.get(key))?.value;
  const write = async (key: string, value: unknown) => {
    if (value === undefined) await db.meta.delete(key);
    else await db.meta.put({ key, value });
    feed.publish({ type: 'meta', keys: [key] });
  };
  return {
    async connection() {
      const value = await read(META_KEYS.connection);
      if (!isObject(value) || typeof value.serverUrl !== 'string' || typeof value.token !== 'string')
        return undefined;
      return {
        serverUrl: value.serverUrl,
        token: value.token,
        user: typeof value.user === 'string' ? value.user : '',
        displayName: typeof value.displayName === 'string' ? value.displayName : '',
        connectedAt: optionalNumber(value.connectedAt) ?? 0,
      };
    },
    setConnection: (connection) => write(META_KEYS.connection, connection),
    async identity() {
      const value = await read(META_KEYS.identity);
      if (!isObject(value) || typeof value.serverUrl !== 'string' || typeof value.user !== 'string')
        return undefined;
      return { serverUrl: value.serverUrl, user: value.user };
    },
    setIdentity: (identity) => write(META_KEYS.identity, identity),
    async cursor() {
      const value = await read(META_KEYS.cursor);
      if (!isObject(value)) return { cursor: undefined, lastFullAt: undefined };
      return { cursor: optionalNumber(value.cursor), lastFullAt: optionalNumber(value.lastFullAt) };
    },
    setCursor: (state) => write(META_KEYS.cursor, state),
    async status() {
      const value = await read(META_KEYS.status);
      if (!isObject(value)) return { phase: 'idle' };
      const phase = ['idle', 'syncing', 'offline', 'error'].includes(String(value.phase))
        ? (value.phase as SyncPhase)
        : 'idle';
      const status: SyncStatusRecord = { phase };
      if (typeof value.message === 'string') status.message = value.message;
      const last = optionalNumber(value.lastSyncAt);
      if (last !== undefined) status.lastSyncAt = last;
      const held = value.heldDeletions;
      if (isObject(held) && Array.isArray(held.names)) {
        status.heldDeletions = {
          names: held.names.filter((n): n is string => typeof n === 'string'),
          localCount: optionalNumber(held.localCount) ?? 0,
        };
      }
      return status;
    },
    setStatus: (status) => write(META_KEYS.status, status),
  };
}
