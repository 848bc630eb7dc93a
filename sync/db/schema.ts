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
 *  v2 (semantic recall; written only by workers/recall and workers/index):
 *  - recallDocs:  one row per memo that has embeddings: which content (hash) and model
 *                 they were made from, how many chunks, and the memo's state and tags
 *                 (the search filters). A memo is never embedded twice for the same
 *                 (contentHash, modelId).
 *  - embeddings:  one row per chunk of a memo, keyed [name+chunk]: the normalized vector
 *                 (Float32Array) with the modelId and contentHash it belongs to.
 *  - recallIndex: the persisted HNSW index's label <-> chunk map and bookkeeping
 *                 (validated on load; the index file itself lives in hnswlib's IDBFS).
 *  v3 (the Trash, sync/db/trash.ts):
 *  - trash:       every memo removed from the notebook, by the user or because the server
 *                 no longer has it, with its conflict record and the account it belonged
 *                 to; kept 30 days, restorable.
 *  v5 (attachments, sync/db/attachments.ts; v4 is reserved for the recall workers):
 *  - attachments:     one row per attachment a memo lists (or listed, until the server has
 *                     forgotten it): file name, type, size, where it stands with the server.
 *  - attachmentBlobs: the bytes, keyed [name+kind] (kind: original | thumbnail).
 *  The v5 upgrade gives every stored memo, base and Trash copy an empty attachment set.
 */
import Dexie, { type Table } from 'dexie';
import { DEFAULT_DB_NAME } from '../constants';
import type { AttachmentName } from '../core/attachments';
import type { MemoName } from '../core/ids';
import type { LocalMemo, MemoField, MemoFields, MemoState } from '../core/memo';
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
  /** For a delete: the fields of the copy the user deleted (decides [D3] when there is no base). */
  deleted?: MemoFields;
  /**
   * For a create of a NEW memo (fresh uid, never on any server): the fields it was created
   * with, the ancestor [U2] if its answer is lost. Never set for re-uploads (import,
   * reconnect, "keep them"): the server may hold someone else's copy under that name.
   */
  created?: MemoFields;
}

/**
 * A content edit that could not be merged. From sync: the server kept its version
 * (`remoteContent`, which the memo shows) and `localContent` is ours. From an import
 * (`origin: 'import'`): the memo keeps this device's unsynced text (`localContent`) and
 * `remoteContent` is the imported file's version.
 */
export interface ConflictRecord {
  name: MemoName;
  detectedAt: number;
  origin?: 'import';
  localContent: string;
  baseContent: string;
  remoteContent: string;
}

export interface MetaRow {
  key: string;
  value: unknown;
}

/** v2: the embedding cache entry of one memo (see the header). */
export interface RecallDocRow {
  name: MemoName;
  modelId: string;
  contentHash: string;
  /** number of rows in `embeddings` for this memo: chunks 0..chunks-1 */
  chunks: number;
  state: MemoState;
  tags: string[];
  /** the content was longer than the embedder's input cap; only its start is searchable */
  truncated: boolean;
  /**
   * Where the vectors were computed: this device or the home server (absent on rows written
   * before the home server could supply vectors: this device). Not indexed, so adding it
   * needed no new schema version.
   */
  source?: 'device' | 'server';
}

/** v2: the vector of one chunk of a memo (L2-normalized). */
export interface EmbeddingRow {
  name: MemoName;
  chunk: number;
  modelId: string;
  contentHash: string;
  vector: Float32Array;
}

/** v2: persisted index bookkeeping; `value` is validated by its owner (workers/index) on read. */
export interface RecallIndexRow {
  key: string;
  value: unknown;
}

/**
 * Where an attachment stands with the server [F3]:
 *  - local:    its bytes exist only here; it must be uploaded before a memo may list it there;
 *  - unsure:   a create was sent and its answer lost, or it was restored from the Trash: ask
 *              the server (GET) before uploading again (a repeated create answers 500);
 *  - uploaded: the server has it.
 */
export type AttachmentServerState = 'local' | 'unsure' | 'uploaded';

/** v5: one attachment (see the header). */
export interface AttachmentRow {
  name: AttachmentName;
  /** The memo that lists it (the attachment belongs to exactly one memo). */
  memo: MemoName;
  filename: string;
  type: string;
  size: number;
  server: AttachmentServerState;
  /**
   * The memo no longer lists it here: once sync has made sure the server forgot it (a DELETE
   * answered, 404 included), the row and its bytes go [F4].
   */
  detached?: true;
  /**
   * Sent by this device (uploaded, or found by a read-back) and not yet seen listed by its
   * memo on the server: if the memo stops listing it, the server may still hold it [F4].
   */
  unlinked?: true;
  /** Whether a small picture can be made or fetched: `none` for files and broken images. */
  thumbnail: 'pending' | 'here' | 'none';
  /** The original's bytes are on this device. */
  original: boolean;
  /** epoch ms of the last time the user opened the original (eviction order) [F5]. */
  openedAt?: number;
  addedAt: number;
}

/** v5: the bytes of an attachment. */
export interface AttachmentBlobRow {
  name: AttachmentName;
  kind: 'original' | 'thumbnail';
  bytes: Blob;
}

/** Why a memo left the notebook. */
export type TrashReason = 'deleted-here' | 'deleted-on-server' | 'left-with-account';

/** The server account a memo belonged to (the notebook's identity when it was removed). */
export interface AccountRef {
  serverUrl: string;
  user: string;
}

/** v3: one memo in the Trash. */
export interface TrashRow {
  name: MemoName;
  memo: LocalMemo;
  /** Its unresolved conflict record, kept with it. */
  conflict?: ConflictRecord;
  /** epoch ms, device clock */
  removedAt: number;
  reason: TrashReason;
  /** Absent for a memo of a notebook never connected to a server. */
  account?: AccountRef;
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
  {
    version: 2,
    stores: {
      recallDocs: '&name',
      embeddings: '&[name+chunk], name',
      recallIndex: '&key',
    },
  },
  {
    version: 3,
    stores: {
      trash: '&name, removedAt',
    },
  },
  {
    version: 5,
    stores: {
      attachments: '&name, memo',
      attachmentBlobs: '&[name+kind], name',
    },
    async upgrade(tx) {
      // Every memo now has an attachment set: the rows written before attachments had none.
      const withSet = <T extends { attachments?: unknown }>(row: T) => {
        if (!Array.isArray(row.attachments)) Object.assign(row, { attachments: [] });
      };
      await tx.table('memos').toCollection().modify(withSet);
      await tx
        .table('bases')
        .toCollection()
        .modify((row: { attachments?: unknown; files?: unknown }) => {
          withSet(row);
          if (!Array.isArray(row.files)) Object.assign(row, { files: [] });
        });
      await tx
        .table('trash')
        .toCollection()
        .modify((row: { memo: { attachments?: unknown } }) => withSet(row.memo));
      await tx
        .table('outbox')
        .toCollection()
        .modify((row: { created?: { attachments?: unknown }; deleted?: { attachments?: unknown } }) => {
          if (row.created) withSet(row.created);
          if (row.deleted) withSet(row.deleted);
        });
    },
  },
];

export const CURRENT_SCHEMA_VERSION = SCHEMA_VERSIONS[SCHEMA_VERSIONS.length - 1]?.version ?? 1;

export class MemosDatabase extends Dexie {
  memos!: Table<LocalMemo, MemoName>;
  outbox!: Table<OutboxEntry, number>;
  bases!: Table<RemoteMemo, MemoName>;
  conflicts!: Table<ConflictRecord, MemoName>;
  meta!: Table<MetaRow, string>;
  recallDocs!: Table<RecallDocRow, MemoName>;
  embeddings!: Table<EmbeddingRow, [MemoName, number]>;
  recallIndex!: Table<RecallIndexRow, string>;
  trash!: Table<TrashRow, MemoName>;
  attachments!: Table<AttachmentRow, AttachmentName>;
  attachmentBlobs!: Table<AttachmentBlobRow, [AttachmentName, 'original' | 'thumbnail']>;

  constructor(name: string = DEFAULT_DB_NAME, upToVersion: number = CURRENT_SCHEMA_VERSION) {
    super(name);
    for (const schema of SCHEMA_VERSIONS) {
      if (schema.version > upToVersion) break;
      const version = this.version(schema.version).stores(schema.stores);
      if (schema.upgrade) version.upgrade(schema.upgrade);
    }
  }
}
