/**
 * The typed interface of the index worker (workers/index/index.worker.ts): an HNSW index
 * over the embedding cache in the app database. The index only mirrors stored embeddings
 * (`sync(names)` re-reads those memos); it never embeds. Query vectors arrive as
 * transferred Float32Arrays.
 */
import type { MemoName, MemoState } from '../../sync';
import type { HnswParams } from './hnsw-instance';

export interface IndexOpenOptions {
  dbName: string;
  modelId: string;
  dim: number;
  /** only the tab that leads recall saves the index */
  persist: boolean;
  params?: HnswParams;
}

export type IndexSource = 'loaded' | 'rebuilt';

export interface IndexOpenReport {
  source: IndexSource;
  /** why a saved index was not used (absent when loaded) */
  reason?: string;
  memos: number;
  chunks: number;
  ms: number;
  /** where the time went, ms: the parallel reads (disk, docs, row: since start), then labelMap, readGraph, checks */
  phases: Record<string, number>;
}

export type SaveFailureReason = 'storage-full' | 'failed';

export type IndexEvent =
  | { type: 'build-progress'; done: number; total: number }
  | { type: 'saved'; chunks: number; ms: number }
  | { type: 'save-failed'; reason: SaveFailureReason; message: string }
  | { type: 'compacted'; before: number; after: number }
  /** after a load: memos re-synced because their embeddings or filters changed since the save */
  | { type: 'caught-up'; memos: number };

export type IndexEventListener = (event: IndexEvent) => void;

export interface MemoQuery {
  k: number;
  /** default NORMAL: archived memos only when asked */
  state?: MemoState;
  /** every tag must be present (case-insensitive) */
  tags?: string[];
}

export interface IndexHit {
  name: MemoName;
  score: number;
}

export interface IndexStats {
  memos: number;
  chunks: number;
  deleted: number;
  capacity: number;
  params: HnswParams;
  source: IndexSource | 'closed';
  saves: number;
  compactions: number;
}

export interface IndexWorkerApi {
  open(options: IndexOpenOptions, onEvent?: IndexEventListener): Promise<IndexOpenReport>;
  /** Makes the index match the stored embeddings of these memos (add, replace, remove, re-filter). */
  sync(names: MemoName[]): Promise<void>;
  search(query: Float32Array, options: MemoQuery): Promise<IndexHit[]>;
  /** Memos closest to `name` (by its best chunk), excluding itself. */
  related(name: MemoName, options: MemoQuery): Promise<IndexHit[]>;
  setPersist(persist: boolean): Promise<void>;
  /** Saves now if anything changed since the last save. */
  flush(): Promise<void>;
  stats(): Promise<IndexStats>;
  close(): Promise<void>;
}
