/**
 * The IndexedDB schema (Dexie), versioned. Each entry of SCHEMA_VERSIONS is frozen once
 * released: a change adds a new version with an upgrade function, never edits an old one
 * (test/unit/db-migrations.test.ts opens every old version and upgrades it).
 *
 * Tables:
 *  - memos:     the local notebook, keyed by Memos resource name `memos/{uid}`.
 *  - outbox:    one row per local change, written in the same transaction as the change;
 *               drained in `seq` order by the sync engine.
 *  - bases:     the last server state seen per memo (three-way merge base).
 *  - conflicts: edits that could not be merged automatically, kept until the user decides.
 *  - meta:      small key/value settings and sync cursors.
 */
import Dexie, { type Table } from 'dexie';
import type { MemoName } from '../core/ids';
import type { LocalMemo, MemoField } from '../core/memo';
import type { RemoteMemo } from '../core/remote';

export type OutboxOp = 'create' | 'update' | 'delete';

export interface OutboxEntry {
  seq?: number;
  name: MemoName;
  op: OutboxOp;
  /** Fields this change touched (informational for updates; the push diffs against the base). */
  fields: MemoField[];
  /** epoch ms, device clock */
  at: number;
}

/** A content edit that could not be merged: the server kept its version, this is ours. */
export interface ConflictRecord {
  name: MemoName;
  detectedAt: number;
  localContent: string;
  baseContent: string;
  remoteContent: string;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

export interface SchemaVersion {
  version: number;
  stores: Record<string, string | null>;
  upgrade?: (tx: import('dexie').Transaction) => Promise<void> | void;
}

export const SCHEMA_VERSIONS: readonly SchemaVersion[] = [
  {
    version: 1,
    stores: {
      memos: '&name, [state+pinRank+createTime], *tags, updateTime',
      outbox: '++seq, name',
      bases: '&name',
      conflicts: '&name',
      meta: '&key',
    },
  },
];

export const CURRENT_SCHEMA_VERSION = SCHEMA_VERSIONS[SCHEMA_VERSIONS.length - 1]?.version ?? 1;

export const DEFAULT_DB_NAME = 'memos-offline';

export class MemosDatabase extends Dexie {
  memos!: Table<LocalMemo, MemoName>;
  outbox!: Table<OutboxEntry, number>;
  bases!: Table<RemoteMemo, MemoName>;
  conflicts!: Table<ConflictRecord, MemoName>;
  meta!: Table<MetaRow, string>;

  constructor(name: string = DEFAULT_DB_NAME, upToVersion: number = CURRENT_SCHEMA_VERSION) {
    super(name);
    for (const schema of SCHEMA_VERSIONS) {
      if (schema.version > upToVersion) break;
      const version = this.version(schema.version).stores(schema.stores);
      if (schema.upgrade) version.upgrade(schema.upgrade);
    }
  }
}
