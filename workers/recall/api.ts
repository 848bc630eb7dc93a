/**
 * The recall API: on-device semantic search over the notebook, the equivalent of the
 * seed's `index_memo` / `semantic_search`. Implemented by the recall worker
 * (recall.worker.ts); the UI reaches it through `recallClient()` (client.ts), other
 * programs through the same types. Every method is async (it crosses a thread).
 * Invariants: an empty or blank query returns []; archived memos are returned only when
 * `state: 'ARCHIVED'` is asked for; results are memos (never chunks), best first, each
 * once; while `status` is not `ready`, search returns [] (keyword search is unaffected).
 */
import type { LocalMemo, MemoName, MemoState } from '../../sync';
import type { ServerLinkState } from './server-link';

export type { ServerLinkState };

export type UnavailableReason = 'model-missing' | 'model-corrupt' | 'no-wasm' | 'storage-full' | 'failed';

/** Whether semantic search can answer. */
export type RecallStatus =
  /** downloading (bytes) and starting the model; total is 0 until the sizes are known */
  | { kind: 'loading'; loaded: number; total: number }
  | { kind: 'ready' }
  /** `message` is one sentence for the user */
  | { kind: 'unavailable'; reason: UnavailableReason; message: string };

/** Background work, for "Indexing n of N". */
export type IndexingProgress =
  | { kind: 'idle' }
  /** embedding memos that are new or changed */
  | { kind: 'indexing'; done: number; total: number }
  /** rebuilding the search index from stored embeddings (nothing is re-embedded) */
  | { kind: 'rebuilding'; done: number; total: number }
  /** memos wait: indexing on this device is off and the home server cannot supply vectors now */
  | { kind: 'paused'; done: number; total: number };

export interface RecallSnapshot {
  status: RecallStatus;
  progress: IndexingProgress;
  /** the home server's embedding service, as this device sees it */
  server: ServerLinkState;
  /** "Index on this device": off = only the home server's vectors (queries are still embedded here) */
  localIndexing: boolean;
}

/** How many indexed memos got their vectors from where. */
export interface VectorSources {
  device: number;
  server: number;
}

export interface SearchOptions {
  /** how many memos */
  k: number;
  /** default NORMAL (the timeline); ARCHIVED searches only archived memos */
  state?: MemoState;
  /** only memos carrying every one of these tags (case-insensitive, without '#') */
  tags?: string[];
}

export interface RecallHit {
  name: MemoName;
  /** cosine similarity of the query and the memo's best-matching part, -1..1 */
  score: number;
}

export type IndexOutcome = 'indexed' | 'removed' | 'unavailable';

export interface RecallStats {
  memos: number;
  chunks: number;
  /** memos longer than the embedder's input cap: only their beginning is searchable */
  truncatedMemos: number;
  /** model invocations and chunks embedded by this worker since it started */
  embedRuns: number;
  embeddedChunks: number;
  queries: number;
  /** how the index was opened: loaded from storage or rebuilt from stored embeddings */
  indexSource: 'loaded' | 'rebuilt' | 'closed';
  indexReason?: string;
  /** saves of the index to storage by this worker */
  indexSaves: number;
  /** how long opening the index took (load and checks, or the rebuild), ms */
  indexOpenMs: number;
  /** how long loading the model took (download or cache, wasm compile, session), ms */
  modelLoadMs: number;
  /** when start-up steps finished, ms after the worker started: describe, index, model */
  bootPhases: Record<string, number>;
  /** breakdown of indexOpenMs (see IndexOpenReport.phases) */
  indexOpenPhases: Record<string, number>;
  /** true when this tab's worker leads (embeds in the background and saves the index) */
  leader: boolean;
}

export type RecallListener = (snapshot: RecallSnapshot) => void;

export interface RecallApi {
  /** Embeds and indexes the stored version of this memo now (ahead of background work). */
  index(memo: Pick<LocalMemo, 'name'>): Promise<IndexOutcome>;
  search(query: string, options: SearchOptions): Promise<RecallHit[]>;
  /** The k memos closest in meaning to `name` (never itself); works from stored vectors. */
  related(name: MemoName, k: number, options?: Omit<SearchOptions, 'k'>): Promise<RecallHit[]>;
  status(): Promise<RecallSnapshot>;
  /** Calls `listener` with every new snapshot (throttled); returns an id for unsubscribe. */
  subscribe(listener: RecallListener): Promise<number>;
  unsubscribe(id: number): Promise<void>;
  stats(): Promise<RecallStats>;
  /**
   * The user is typing or tapping: background embedding pauses briefly (searches do not),
   * so the page keeps the device's cores. Call it on input, at most every few hundred ms.
   */
  userActive(): Promise<void>;
  /** Turns "Index on this device" on or off (kept across reloads, shared by every tab). */
  setLocalIndexing(on: boolean): Promise<void>;
  /** Forgets every stored vector and indexes the notebook again (from the home server when it can). */
  reindex(): Promise<void>;
  sources(): Promise<VectorSources>;
}
