/**
 * The public entry of `sync/` for the UI and the workers: the local store, notebook
 * operations, the Trash, formats, shared names and the pure helpers they need. The service
 * worker has its own entry (`background.ts`). Nothing else in `sync/` is imported from
 * outside it (Biome's noRestrictedImports enforces this, see biome.json).
 */

export { type ApiFailure, type ApiResult, describeFailure } from './api/types';
export {
  BACKGROUND_SYNC_TAG,
  CHANGE_CHANNEL,
  DEFAULT_DB_NAME,
  META_KEYS,
  RECALL_CHANNEL,
  RECALL_LOCK,
  SYNC_LOCK_NAME,
} from './constants';
export {
  type ConnectFailure,
  type ConnectInput,
  type ConnectResult,
  createSyncController,
  type ExistingMemosChoice,
  type SyncController,
  type VerifiedCredential,
} from './controller';
export {
  type AttachmentInfo,
  type AttachmentName,
  DEFAULT_ATTACHMENT_LIMIT_BYTES,
  DEFAULT_OFFLINE_BUDGET_BYTES,
  hasServerThumbnail,
  isInlineImage,
  parseAttachmentName,
  sanitizeFilename,
} from './core/attachments';
export {
  buildExport,
  type ExportedAttachment,
  type ExportFile,
  type ImportedMemo,
  type ParseProblem,
  type ParseResult,
  parseExport,
} from './core/backup-format';
export { deriveMemoData, extractTags } from './core/derive';
export { type MemoName, type MemoUid, newMemoUid as newLocalUid, parseMemoName, uidOf } from './core/ids';
export { checkContent, DEFAULT_CONTENT_LIMIT_BYTES, describeTooLong, utf8ByteLength } from './core/limits';
export {
  compareTimeline,
  type LocalMemo,
  type MemoFields,
  type MemoState,
  VISIBILITIES,
  type Visibility,
} from './core/memo';
export { assertNever } from './core/never';
export type { SyncNotice } from './core/plan';
export type { RemovalLedger } from './core/removals';
export { countTasks, setTaskChecked } from './core/tasks';
export { AttachmentRejectedError, checkAttachmentSize, type NewAttachmentFile } from './db/attachments';
export { type ChangeFeed, createChangeFeed, parseStoreChange, type StoreChange } from './db/change-feed';
export { type Conflicts, createConflicts } from './db/conflicts';
export { applyImport, type ImportFiles, type ImportSummary } from './db/import';
export {
  type Connection,
  createMetaStore,
  type MetaStore,
  type ServerIdentity,
  type ServerRecord,
  type SyncStatusRecord,
} from './db/meta';
export { ContentRejectedError, createNotebook, type NewMemoInput, type Notebook } from './db/notebook';
export type {
  AccountRef,
  AttachmentRow,
  ConflictRecord,
  RecallDocRow,
  TrashReason,
  TrashRow,
} from './db/schema';
export { MemosDatabase } from './db/schema';
export { classifyStorageError, StorageError, type StorageFailure } from './db/storage-errors';
export { createTrash, type RestoreOutcome, sameAccount, TRASH_RETENTION_MS, type Trash } from './db/trash';
export { requestBackgroundSync } from './live/background-sync';
