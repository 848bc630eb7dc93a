/**
 * hnswlib-wasm for this thread: loads the library once, and reads and writes index files
 * in its IDBFS mount (IndexedDB database `/hnswlib-index`, store `FILE_DATA`).
 * hnswlib's own promises do not report IDBFS failures (a quota error is only logged), so
 * completion is observed through `Module.setIdbfsSynced(ok)`, which the library's sync
 * callback calls with the outcome; this module wraps it once.
 * Invariants: file operations run one at a time (never two IDBFS syncs in flight); a write
 * resolves only once the bytes are in IndexedDB and rejects with IndexSaveError otherwise.
 * In Node, callers must set `globalThis.window = globalThis` and load fake-indexeddb first.
 */
import type { HierarchicalNSW, HnswlibModule } from 'hnswlib-wasm/dist/hnswlib.js';

export type { HierarchicalNSW, HnswlibModule };

export const IDBFS_DATABASE = '/hnswlib-index';
export const IDBFS_STORE = 'FILE_DATA';

/** Saving the index file into IndexedDB failed (most often: storage quota exceeded). */
export class IndexSaveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexSaveError';
  }
}

export interface HnswFiles {
  lib: HnswlibModule;
  /** Loads every saved file from IndexedDB into memory (call before reading files). */
  syncFromDisk(): Promise<void>;
  exists(file: string): boolean;
  /** Writes `index` to `file` and waits until IndexedDB has it. */
  write(index: HierarchicalNSW, file: string): Promise<void>;
}

type SyncListener = (ok: boolean) => void;

let shared: Promise<HnswFiles> | undefined;

/** The path IDBFS stores `file` under (key in the FILE_DATA store). */
export function idbfsPath(file: string): string {
  return `${IDBFS_DATABASE}/${file}`;
}

async function create(timeoutMs: number): Promise<HnswFiles> {
  const { loadHnswlib } = await import('hnswlib-wasm/dist/hnswlib.js');
  const lib = await loadHnswlib();
  lib.EmscriptenFileSystemManager.setDebugLogs(false);
  const listeners = new Set<SyncListener>();
  const module = lib as unknown as { setIdbfsSynced: (ok: boolean) => void };
  const original = module.setIdbfsSynced.bind(lib);
  module.setIdbfsSynced = (ok: boolean) => {
    for (const listener of [...listeners]) listener(ok);
    original(ok);
  };
  let chain: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(job: () => Promise<T>): Promise<T> => {
    const next = chain.then(job, job);
    chain = next.catch(() => undefined);
    return next;
  };
  /** Starts `start` and resolves with the outcome of the IDBFS sync it triggers. */
  const nextSync = (start: () => void): Promise<boolean> =>
    new Promise<boolean>((resolve, reject) => {
      const timer = setTimeout(() => {
        listeners.delete(listener);
        resolve(false);
      }, timeoutMs);
      const listener: SyncListener = (ok) => {
        clearTimeout(timer);
        listeners.delete(listener);
        resolve(ok);
      };
      listeners.add(listener);
      try {
        start();
      } catch (error) {
        clearTimeout(timer);
        listeners.delete(listener);
        reject(error);
      }
    });
  return {
    lib,
    syncFromDisk: () =>
      exclusive(async () => {
        const ok = await nextSync(() => {
          lib.EmscriptenFileSystemManager.syncFS(true, () => {});
        });
        if (!ok) throw new Error('could not read saved index files from IndexedDB');
      }),
    exists: (file) => lib.EmscriptenFileSystemManager.checkFileExists(file),
    write: (index, file) =>
      exclusive(async () => {
        const ok = await nextSync(() => {
          void index.writeIndex(file);
        });
        if (!ok) throw new IndexSaveError(`could not save the search index file ${file} into IndexedDB`);
      }),
  };
}

/** The library and file store of this thread (created on first use). */
export function hnswFiles(options: { timeoutMs?: number } = {}): Promise<HnswFiles> {
  shared ??= create(options.timeoutMs ?? 120_000).catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}
