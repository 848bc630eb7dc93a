/**
 * Typed access to the small `meta` key/value table: the server connection, the account
 * identity the notebook syncs with, the sync cursor, the last sync status, the [S3]
 * removal guard and what the latest check saw of the server's version [V4]. Each key has one owner (this module; the names live in constants.ts);
 * values are validated on read (the disk can hold anything), so a corrupt row reads as
 * "absent", never as a crash.
 */
import type { SupportLevel } from '../api/capabilities';
import { META_KEYS } from '../constants';
import { DEFAULT_OFFLINE_BUDGET_BYTES } from '../core/attachments';
import { type MemoName, parseMemoName } from '../core/ids';
import { EMPTY_LEDGER, type RemovalLedger } from '../core/removals';
import type { ChangeFeed } from './change-feed';
import type { AccountRef, MemosDatabase } from './schema';

export interface Connection {
  /** '' = the origin that served the app (through its proxy) */
  serverUrl: string;
  token: string;
  user: string;
  displayName: string;
  connectedAt: number;
  /**
   * The personal access token's resource name (`users/x/personalAccessTokens/y`) when this
   * app minted the token from a username and password; Disconnect revokes it [V3]. Absent
   * for a token the user pasted, which the app never revokes.
   */
  mintedToken?: string;
}

export interface CursorState {
  cursor: number | undefined;
  lastFullAt: number | undefined;
}

/** `waiting`: the server asked to slow down (429) [T4]; sync resumes by itself. */
export type SyncPhase = 'idle' | 'syncing' | 'offline' | 'error' | 'waiting';
const PHASES: readonly SyncPhase[] = ['idle', 'syncing', 'offline', 'error', 'waiting'];

/** The Memos server as the latest check saw it [V1, V4] (shown in Settings). */
export interface ServerRecord {
  /** As a person reads it: "0.30.0", "26.10", "dev", "unknown". */
  version: string;
  support: SupportLevel;
  /** One sentence: the version and whether this app was tested against it. */
  description: string;
  checkedAt: number;
  /** The version an earlier check saw, when it changed while connected (an upgrade). */
  changedFrom?: string;
}
const SUPPORT_LEVELS: readonly SupportLevel[] = [
  'tested',
  'tested-series',
  'published',
  'newer',
  'undetermined',
];

export interface SyncStatusRecord {
  phase: SyncPhase;
  /** One sentence for the user when phase is 'error' (or 'offline'). */
  message?: string;
  lastSyncAt?: number;
  /** [S5] The token now signs in as another user than the one connected: sync waits. */
  accountChanged?: { expected: string; actual: string };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const optionalNumber = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const memoNames = (v: unknown): MemoName[] =>
  Array.isArray(v) ? v.map(parseMemoName).filter((n): n is MemoName => n !== undefined) : [];

/** Which server and account the bases belong to; kept across a disconnect. */
export type ServerIdentity = AccountRef;

function parseIdentity(value: unknown): ServerIdentity | undefined {
  if (!isObject(value) || typeof value.serverUrl !== 'string' || typeof value.user !== 'string')
    return undefined;
  return { serverUrl: value.serverUrl, user: value.user };
}

/** The notebook's account, read inside a caller's transaction (needs the meta table). */
export async function readIdentity(db: MemosDatabase): Promise<ServerIdentity | undefined> {
  return parseIdentity((await db.meta.get(META_KEYS.identity))?.value);
}

function parseLedger(value: unknown): RemovalLedger {
  if (!isObject(value)) return EMPTY_LEDGER;
  const ledger: RemovalLedger = {
    reference: optionalNumber(value.reference) ?? 0,
    removedSince: optionalNumber(value.removedSince) ?? 0,
    approved: memoNames(value.approved),
  };
  const held = value.held;
  if (isObject(held)) {
    const names = memoNames(held.names);
    if (names.length > 0) ledger.held = { names, localCount: optionalNumber(held.localCount) ?? 0 };
  }
  return ledger;
}

function parseStatus(value: unknown): SyncStatusRecord {
  if (!isObject(value)) return { phase: 'idle' };
  const phase = PHASES.find((p) => p === value.phase) ?? 'idle';
  const status: SyncStatusRecord = { phase };
  if (typeof value.message === 'string') status.message = value.message;
  const last = optionalNumber(value.lastSyncAt);
  if (last !== undefined) status.lastSyncAt = last;
  const changed = value.accountChanged;
  if (isObject(changed) && typeof changed.expected === 'string' && typeof changed.actual === 'string') {
    status.accountChanged = { expected: changed.expected, actual: changed.actual };
  }
  return status;
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
  /** [S3] The removal guard, with the standing question if any. */
  removals(): Promise<RemovalLedger>;
  /** Read-modify-write of the removal guard in one transaction. */
  updateRemovals(update: (current: RemovalLedger) => RemovalLedger): Promise<RemovalLedger>;
  /** [F5] Bytes of attachment originals kept for offline use (Settings). */
  offlineBudget(): Promise<number>;
  setOfflineBudget(bytes: number): Promise<void>;
  server(): Promise<ServerRecord | undefined>;
  setServer(server: ServerRecord | undefined): Promise<void>;
}

function parseServer(value: unknown): ServerRecord | undefined {
  if (!isObject(value) || typeof value.version !== 'string' || typeof value.description !== 'string')
    return undefined;
  const support = SUPPORT_LEVELS.find((level) => level === value.support);
  if (!support) return undefined;
  return {
    version: value.version,
    support,
    description: value.description,
    checkedAt: optionalNumber(value.checkedAt) ?? 0,
    ...(typeof value.changedFrom === 'string' ? { changedFrom: value.changedFrom } : {}),
  };
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
        ...(typeof value.mintedToken === 'string' ? { mintedToken: value.mintedToken } : {}),
      };
    },
    setConnection: (connection) => write(META_KEYS.connection, connection),
    identity: async () => parseIdentity(await read(META_KEYS.identity)),
    setIdentity: (identity) => write(META_KEYS.identity, identity),
    async cursor() {
      const value = await read(META_KEYS.cursor);
      if (!isObject(value)) return { cursor: undefined, lastFullAt: undefined };
      return { cursor: optionalNumber(value.cursor), lastFullAt: optionalNumber(value.lastFullAt) };
    },
    setCursor: (state) => write(META_KEYS.cursor, state),
    status: async () => parseStatus(await read(META_KEYS.status)),
    setStatus: (status) => write(META_KEYS.status, status),
    removals: async () => parseLedger(await read(META_KEYS.removals)),
    async offlineBudget() {
      const value = optionalNumber(await read(META_KEYS.offlineBudget));
      return value !== undefined && value >= 0 ? value : DEFAULT_OFFLINE_BUDGET_BYTES;
    },
    setOfflineBudget: (bytes) => write(META_KEYS.offlineBudget, Math.max(0, Math.round(bytes))),
    async updateRemovals(update) {
      const next = await db.transaction('rw', db.meta, async () => {
        const value = update(parseLedger((await db.meta.get(META_KEYS.removals))?.value));
        await db.meta.put({ key: META_KEYS.removals, value });
        return value;
      });
      feed.publish({ type: 'meta', keys: [META_KEYS.removals] });
      return next;
    },
    server: async () => parseServer(await read(META_KEYS.server)),
    setServer: (server) => write(META_KEYS.server, server),
  };
}
