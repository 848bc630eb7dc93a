/**
 * The public entry of `sync/` for the UI and workers: the local store, notebook
 * operations, formats and the pure helpers the UI needs. Nothing else in `sync/` is
 * imported from outside it.
 */

export { type ApiFailure, type ApiResult, describeFailure } from './api/types';
export { type ConnectInput, createSyncController, type SyncController } from './controller';
export {
  buildExport,
  type ExportFile,
  type ImportedMemo,
  type ParseResult,
  parseExport,
} from './core/backup-format';
export { deriveMemoData, extractTags } from './core/derive';
export { type MemoName, type MemoUid, parseMemoName, uidOf } from './core/ids';
export { checkContent, DEFAULT_CONTENT_LIMIT_BYTES, describeTooLong, utf8ByteLength } from './core/limits';
export {
  compareTimeline,
  type LocalMemo,
  type MemoFields,
  type MemoState,
  VISIBILITIES,
  type Visibility,
} from './core/memo';
export type { SyncNotice } from './core/plan';
export { countTasks, setTaskChecked } from './core/tasks';
export { type ChangeFeed, createChangeFeed, type StoreChange } from './db/change-feed';
export { type Conflicts, createConflicts } from './db/conflicts';
export { applyImport, type ImportSummary } from './db/import';
export { type Connection, createMetaStore, type MetaStore, type SyncStatusRecord } from './db/meta';
export { ContentRejectedError, createNotebook, type NewMemoInput, type Notebook } from './db/notebook';
export type { ConflictRecord } from './db/schema';
export { MemosDatabase } from './db/schema';
export { classifyStorageError, StorageError, type StorageFailure } from './db/storage-errors';
export { requestBackgroundSync } from './live/background-sync';
