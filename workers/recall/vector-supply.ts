/**
 * Where this device's vectors may come from, as the recall service sees it: the link to the
 * home server's embedding service (server-link.ts) and the "Index on this device" setting
 * (stored in the app database's `meta` table, so every tab and the leader's worker agree),
 * and the vector source built from both (vector-source.ts).
 * Invariants: the setting defaults to on (a device with no server indexes by itself); a change
 * of the setting or of the Memos connection (another tab, another worker) is followed through
 * the change feed's `meta` keys; `onChange` fires whenever either changes, so the service can
 * tell the UI and resume a paused queue.
 */
import { META_KEYS, type MemosDatabase, type StoreChange } from '../../sync';
import type { EmbedWorkerApi } from '../embed/api';
import type { Timers } from '../index/semantic-index';
import type { EmbedServerClient } from './server-client';
import { createServerLink, noServerLink, type ServerLink, type ServerLinkState } from './server-link';
import { createVectorSource, type VectorSource } from './vector-source';

/** meta key of the "Index on this device" switch (boolean; absent = on) */
export const LOCAL_INDEXING_KEY = META_KEYS.localIndexing;
/** meta key of the Memos connection (sync/db/meta.ts): its token authorizes server requests */
const CONNECTION_KEY = META_KEYS.connection;
/** how long start-up waits for the server's first answer */
const FIRST_CHECK_WAIT_MS = 3_000;

export interface VectorSupply {
  server(): ServerLinkState;
  localIndexing(): boolean;
  source(embedder: Pick<EmbedWorkerApi, 'embedDocuments'>, dim: number, deviceBatch: number): VectorSource;
  /** Reads the setting and asks the server (waiting for its answer a few seconds at most). */
  start(): Promise<void>;
  setLocalIndexing(on: boolean): Promise<void>;
  /**
   * Many memos need vectors (a first sync, a Re-index): ask the server to warm up, now if it
   * is usable, else as soon as it is. A new connection asks by itself.
   */
  wantWarmup(): void;
  /** Follows the change feed: the setting or the connection changed elsewhere. */
  onStoreChange(change: StoreChange): void;
  close(): void;
}

export interface VectorSupplyDeps {
  db: MemosDatabase;
  modelId: string;
  server: EmbedServerClient | undefined;
  timers: Timers;
  onChange(): void;
  /** tells other tabs and workers that a meta key changed */
  announce?: (change: StoreChange) => void;
}

export function createVectorSupply(deps: VectorSupplyDeps): VectorSupply {
  const link: ServerLink = deps.server
    ? createServerLink({ client: deps.server, modelId: deps.modelId, timers: deps.timers })
    : noServerLink();
  let local = true;
  let warmupWanted = false;
  const warmUp = () => {
    if (!warmupWanted || !link.usable() || !deps.server) return;
    warmupWanted = false;
    // Best effort: the device asks for what it needs anyway, so a refusal changes nothing.
    void deps.server.warmup(deps.modelId).catch(() => undefined);
  };
  let wasReady = false;
  const unsubscribe = link.subscribe((state) => {
    if (wasReady && state.kind !== 'ready') {
      console.warn(
        `[recall] the home server stopped supplying vectors (${state.kind}: ${'message' in state ? state.message : ''}); this device goes on by itself`,
      );
    }
    wasReady = state.kind === 'ready';
    warmUp();
    deps.onChange();
  });

  async function readSetting(): Promise<void> {
    const row = await deps.db.meta.get(LOCAL_INDEXING_KEY);
    const next = row?.value !== false;
    if (next !== local) {
      local = next;
      deps.onChange();
    }
  }

  return {
    server: () => link.state(),
    localIndexing: () => local,
    source: (embedder, dim, deviceBatch) =>
      createVectorSource({
        embedder,
        server: deps.server,
        link,
        modelId: deps.modelId,
        dim,
        deviceBatch,
        localIndexing: () => local,
      }),
    async start() {
      await readSetting();
      // Bulk work should go to the server from its first batch, but a server that does not
      // answer must not hold the device back: wait for the first answer a few seconds at most.
      let timer: unknown;
      await Promise.race([
        link.check(),
        new Promise<void>((resolve) => {
          timer = deps.timers.setTimeout(resolve, FIRST_CHECK_WAIT_MS);
        }),
      ]);
      deps.timers.clearTimeout(timer);
    },
    wantWarmup() {
      warmupWanted = true;
      warmUp();
    },
    async setLocalIndexing(on) {
      await deps.db.meta.put({ key: LOCAL_INDEXING_KEY, value: on });
      deps.announce?.({ type: 'meta', keys: [LOCAL_INDEXING_KEY] });
      await readSetting();
    },
    onStoreChange(change) {
      if (change.type === 'reset') {
        void readSetting();
        void link.check();
      } else if (change.type === 'meta') {
        if (change.keys.includes(LOCAL_INDEXING_KEY)) void readSetting();
        if (change.keys.includes(CONNECTION_KEY)) {
          // A new connection: a first sync of the whole notebook follows.
          warmupWanted = true;
          void link.check();
        }
      }
    },
    close() {
      unsubscribe();
      link.close();
    },
  };
}
