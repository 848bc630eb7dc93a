/**
 * Semantic recall for the UI: starts the recall worker once the notebook has loaded and the
 * page is idle, so the model download and embedding never delay the timeline, and exposes its status and progress as
 * signals plus `search` / `related`. When the worker cannot start or the model is
 * unavailable, every call answers [] and `status` says why; keyword search is unaffected.
 * While the user types, taps or clicks, background embedding pauses (`userActive`, at most
 * every 200 ms), so a first embedding never takes the cores the page needs to respond.
 */
import { type Accessor, createEffect, createSignal } from 'solid-js';
import type { MemoName, MemoState } from '../../sync';
import {
  Comlink,
  describeSnapshot,
  type RecallHit,
  type RecallSnapshot,
  recallClient,
  type VectorSources,
} from '../../workers/recall/client';

/** Input that means the user is waiting for the page. */
const ACTIVITY_EVENTS = ['keydown', 'input', 'pointerdown', 'click'] as const;
const ACTIVITY_HINT_MS = 200;

export interface RecallState {
  snapshot: Accessor<RecallSnapshot | undefined>;
  /** One line for the UI (download progress, "Indexing n of N", or why it is unavailable). */
  line: Accessor<string>;
  ready: Accessor<boolean>;
  search(query: string, options: { k: number; state: MemoState; tags?: string[] }): Promise<RecallHit[]>;
  related(name: MemoName, k: number): Promise<RecallHit[]>;
  /** "Index on this device" (Settings); resolves once the recall worker applied it. */
  setLocalIndexing(on: boolean): Promise<void>;
  reindex(): Promise<void>;
  /** How many memos got their vectors from this device and from the home server. */
  sources(): Promise<VectorSources | undefined>;
}

/** `after`: becomes true when the page has settled (the notebook is loaded); recall starts then, when idle. */
export function startRecall(after: Accessor<boolean>): RecallState {
  const [snapshot, setSnapshot] = createSignal<RecallSnapshot>();
  const [failure, setFailure] = createSignal<string>();
  let api: ReturnType<typeof recallClient> | undefined;

  let lastActive = Number.NEGATIVE_INFINITY;
  const onActivity = () => {
    const now = performance.now();
    if (!api || now - lastActive < ACTIVITY_HINT_MS) return;
    lastActive = now;
    void api.userActive().catch(() => undefined);
  };
  const start = () => {
    for (const type of ACTIVITY_EVENTS) {
      window.addEventListener(type, onActivity, { capture: true, passive: true });
    }
    try {
      api = recallClient();
      void api
        .subscribe(Comlink.proxy((next: RecallSnapshot) => setSnapshot(next)))
        .then(() => api?.status())
        .then((current) => current && setSnapshot(current))
        .catch((error: unknown) => setFailure(`Semantic search is unavailable: ${String(error)}`));
    } catch (error) {
      setFailure(`Semantic search is unavailable: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const idle = (
    window as Window & { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => void }
  ).requestIdleCallback;
  let scheduled = false;
  createEffect(() => {
    if (scheduled || !after()) return;
    scheduled = true;
    if (idle) idle(start, { timeout: 2000 });
    else setTimeout(start, 500);
  });

  const ready = () => snapshot()?.status.kind === 'ready';
  const guarded = async <T>(work: () => Promise<T[]>): Promise<T[]> => {
    if (!api || !ready()) return [];
    try {
      return await work();
    } catch {
      return [];
    }
  };
  return {
    snapshot,
    ready,
    line: () => {
      const failed = failure();
      if (failed) return failed;
      const current = snapshot();
      return current ? describeSnapshot(current) : '';
    },
    search: (query, options) => guarded(() => (api ? api.search(query, options) : Promise.resolve([]))),
    related: (name, k) => guarded(() => (api ? api.related(name, k) : Promise.resolve([]))),
    async setLocalIndexing(on) {
      await api?.setLocalIndexing(on);
    },
    async reindex() {
      await api?.reindex();
    },
    sources: async () => api?.sources().catch(() => undefined),
  };
}
