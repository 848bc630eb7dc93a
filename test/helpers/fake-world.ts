/**
 * A small deterministic world for unit tests of whole sync passes: the in-memory fake Memos
 * server (with its quirks) and devices that each have their own fake-indexeddb notebook,
 * Trash and the app's own composition of a sync pass, over a transport that can drop a
 * chosen request or its answer. Uids are per device, so devices never collide.
 */
import { createHttpMemosApi, type FetchLike } from '../../sync/api/http-client';
import type { MemosApi } from '../../sync/api/types';
import type { MemoUid } from '../../sync/core/ids';
import { createChangeFeed } from '../../sync/db/change-feed';
import { createMetaStore, type MetaStore } from '../../sync/db/meta';
import { createNotebook, type Notebook } from '../../sync/db/notebook';
import { MemosDatabase } from '../../sync/db/schema';
import { createTrash, type Trash } from '../../sync/db/trash';
import type { SyncReport } from '../../sync/engine/engine';
import { runSyncPass } from '../../sync/engine/sync-pass';
import { createSyncStore, type SyncStore } from '../../sync/engine/sync-store';
import { FakeMemosServer, type FakeServerOptions } from '../fakes/fake-memos-server';

export type WireFault = 'drop-request' | 'drop-response';

export interface WorldDevice {
  label: string;
  db: MemosDatabase;
  notebook: Notebook;
  store: SyncStore;
  meta: MetaStore;
  trash: Trash;
  api: MemosApi;
  /** Every request this device sent: `METHOD /path?query`. */
  requests: string[];
  /** The next request matching `method` and `path` suffers `fault`. */
  fail(method: string, path: RegExp, fault: WireFault): void;
  sync(mode?: 'full' | 'delta'): Promise<SyncReport>;
  dispose(): Promise<void>;
}

export interface FakeWorld {
  server: FakeMemosServer;
  token: string;
  device(label: string): WorldDevice;
  dispose(): Promise<void>;
}

let worlds = 0;

export function createFakeWorld(options: FakeServerOptions = {}): FakeWorld {
  const worldId = ++worlds;
  const server = new FakeMemosServer({ startTime: Date.UTC(2026, 0, 1), ...options });
  server.accounts.createUser('alice', 'alice-pass');
  const token = server.accounts.createAccessToken('alice').token;
  const devices: WorldDevice[] = [];

  function device(label: string): WorldDevice {
    const index = devices.length + 1;
    const dbName = `world-${worldId}-${label}-${Math.random().toString(36).slice(2)}`;
    const db = new MemosDatabase(dbName);
    const feed = createChangeFeed(dbName, undefined);
    const now = () => server.clock.now();
    let uid = 0;
    const newUid = () =>
      `${String(worldId).padStart(8, '0')}-0000-4000-800${index}-${(++uid).toString(16).padStart(12, '0')}` as MemoUid;
    const notebook = createNotebook({ db, feed, now, newUid });
    const store = createSyncStore(db, feed, now);
    const meta = createMetaStore(db, feed);
    const requests: string[] = [];
    const faults: Array<{ method: string; path: RegExp; fault: WireFault }> = [];
    const transport: FetchLike = async (url, init) => {
      const method = (init?.method ?? 'GET').toUpperCase();
      const parsed = new URL(url, 'http://memos.test');
      const target = `${parsed.pathname}${parsed.search}`;
      requests.push(`${method} ${target}`);
      const at = faults.findIndex((f) => f.method === method && f.path.test(parsed.pathname));
      const fault = at >= 0 ? faults.splice(at, 1)[0] : undefined;
      if (fault?.fault === 'drop-request') throw new TypeError('fetch failed (dropped request)');
      const response = await server.fetch(url, init);
      if (fault?.fault === 'drop-response') throw new TypeError('fetch failed (dropped response)');
      return response;
    };
    const api = createHttpMemosApi({ baseUrl: 'http://memos.test', token, fetch: transport });
    const made: WorldDevice = {
      label,
      db,
      notebook,
      store,
      meta,
      trash: createTrash({ db, feed, now, newUid }),
      api,
      requests,
      fail(method, path, fault) {
        faults.push({ method, path, fault });
      },
      sync: (mode = 'full') =>
        runSyncPass(
          { api, store, meta, now, newUid, isOnline: () => true, expectedUser: 'users/alice' },
          { mode },
        ),
      async dispose() {
        feed.close();
        db.close();
        await MemosDatabase.delete(dbName);
      },
    };
    devices.push(made);
    return made;
  }

  return {
    server,
    token,
    device,
    async dispose() {
      for (const d of devices.splice(0)) await d.dispose();
    },
  };
}

/** A valid 1×1 PNG (the server stores PNGs byte for byte). */
export const TINY_PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

export function pngFile(filename = 'photo.png', bytes: Uint8Array = TINY_PNG) {
  return { filename, type: 'image/png', bytes: new Blob([bytes.slice().buffer], { type: 'image/png' }) };
}

export async function bytesOf(blob: Blob | undefined): Promise<number[]> {
  return blob ? [...new Uint8Array(await blob.arrayBuffer())] : [];
}
