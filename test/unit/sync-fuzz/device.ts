/**
 * One simulated device of the sync fuzz: its own IndexedDB database (fake-indexeddb, a
 * unique name), notebook, sync store, meta store, the app's own composition of a sync pass
 * (sync/engine/sync-pass.ts) and live-event stream. Its
 * transport is: REST client → faulty fetch (seeded faults) → interleaving hook (other
 * actors may act while a request is in flight) → the server handle's fetch (the fake, or a
 * real Memos). Its uids are `<server's uidPrefix>-0000-4000-800<device index>-<counter>`.
 * A "kill" abandons the engine instance mid-pass (its request never settles) and `boot`
 * builds a fresh one over the same database, exactly as a reopened tab would.
 */
import { createHttpMemosApi, type FetchLike } from '../../../sync/api/http-client';
import type { MemoName, MemoUid } from '../../../sync/core/ids';
import { createChangeFeed } from '../../../sync/db/change-feed';
import { type Conflicts, createConflicts } from '../../../sync/db/conflicts';
import { createMetaStore, type MetaStore } from '../../../sync/db/meta';
import { createNotebook, type Notebook } from '../../../sync/db/notebook';
import { MemosDatabase } from '../../../sync/db/schema';
import type { SyncReport } from '../../../sync/engine/engine';
import {
  approveHeldRemovals,
  keepHeldRemovals,
  runSyncPass,
  type SyncPassRequest,
} from '../../../sync/engine/sync-pass';
import { createSyncStore, type SyncStore } from '../../../sync/engine/sync-store';
import { type LiveEvents, startLiveEvents } from '../../../sync/live/sse-client';
import {
  createFaultyFetch,
  DeviceKilledError,
  type FaultKind,
  type RequestInfo,
} from '../../fakes/faulty-fetch';
import type { ServerHandle } from './server-handle';

export interface ManualTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface DeviceEnv {
  server: ServerHandle;
  timers: ManualTimers;
  random: () => number;
  decideFault(device: Device, request: RequestInfo): FaultKind | undefined;
  /** Runs other actors' steps while a request of `device` is in flight. */
  interleave(device: Device, phase: 'before' | 'after', request: RequestInfo): Promise<void>;
  log(line: string): void;
  /** The op log's label for a uid (memos, attachments). */
  label?(uid: string): string;
  /** Sync just removed these memos (or their base) here; the server should not have them. */
  onLocalRemoval?(device: Device, names: readonly MemoName[], how: string): void | Promise<void>;
  /** When set, every request that reaches the server is logged (for reading a failing seed). */
  trace?: (line: string) => void;
}

function traceBody(init: RequestInit | undefined): string {
  return typeof init?.body === 'string' ? ` ${init.body.replace(/\\n/g, '⏎').slice(0, 120)}` : '';
}

export interface DeviceParts {
  db: MemosDatabase;
  notebook: Notebook;
  store: SyncStore;
  conflicts: Conflicts;
  meta: MetaStore;
  /** One sync pass, composed exactly as the app composes it. */
  pass(request: SyncPassRequest): Promise<SyncReport>;
  /** [S3] The user's answers to the standing question. */
  approveHeld(): Promise<void>;
  keepHeld(): Promise<void>;
  /** Rejects with DeviceKilledError when this engine instance is killed. */
  killed: Promise<never>;
  live: LiveEvents;
}

export class Device {
  readonly label: string;
  readonly dbName: string;
  readonly skewMs: number;
  /** The notebook's idea of the server's content limit (a stale, larger one lets 400s happen). */
  contentLimitBytes = 8192;
  generation = 0;
  busy = false;
  hints: MemoName[] = [];
  /** The server's write counter when this device's current pass began. */
  passStartSeq = 0;
  private uidCounter = 0;
  private current: DeviceParts | undefined;

  constructor(
    readonly index: number,
    /** Distinguishes this world's databases from other worlds' in the same process. */
    run: number,
    skewMs: number,
    private readonly env: DeviceEnv,
  ) {
    this.label = 'ABCDEFGH'[index] ?? `D${index}`;
    this.dbName = `fuzz-${run}-${this.label}`;
    this.skewMs = skewMs;
  }

  now = (): number => this.env.server.clock.now() + this.skewMs;

  get parts(): DeviceParts {
    if (!this.current) throw new Error(`device ${this.label} is not booted`);
    return this.current;
  }

  private newUid = (): MemoUid => {
    const n = ++this.uidCounter;
    return `${this.env.server.uidPrefix}-0000-4000-800${this.index}-${n.toString(16).padStart(12, '0')}` as MemoUid;
  };

  boot(): void {
    this.generation++;
    const generation = this.generation;
    const db = new MemosDatabase(this.dbName);
    const feed = createChangeFeed(`${this.dbName}-${generation}`, undefined);
    const notebook = createNotebook({
      db,
      feed,
      now: this.now,
      newUid: this.newUid,
      contentLimitBytes: () => this.contentLimitBytes,
    });
    const inner = createSyncStore(db, feed, this.now);
    // Observed for the "no spurious local delete" check: every local removal sync makes.
    const store: SyncStore = {
      ...inner,
      moveToTrash: async (names, reason) => {
        const deleted = await inner.moveToTrash(names, reason);
        const checked = this.env.onLocalRemoval?.(this, deleted, 'moved to the Trash');
        if (checked instanceof Promise) await checked;
        return deleted;
      },
      forget: async (name, maxSeq) => {
        await inner.forget(name, maxSeq);
        const checked = this.env.onLocalRemoval?.(this, [name], 'forgot (base and pending entries dropped)');
        if (checked instanceof Promise) await checked;
      },
    };
    const meta = createMetaStore(db, feed);
    let onKill: (error: DeviceKilledError) => void = () => undefined;
    const killed = new Promise<never>((_, reject) => {
      onKill = reject;
    });
    killed.catch(() => undefined);
    const interleaving: FetchLike = async (url, init) => {
      const request: RequestInfo = { method: (init?.method ?? 'GET').toUpperCase(), url };
      await this.env.interleave(this, 'before', request);
      const response = await this.env.server.fetch(url, init);
      // [F3] Memos answers a repeated upload with 500 (the fuzz counts how often that happens).
      const upload = /\/attachments\?attachmentId=([^&]+)/.exec(url)?.[1];
      if (upload !== undefined && request.method === 'POST' && response.status === 500)
        this.env.log(
          `    ${this.label} upload of ${this.env.label?.(decodeURIComponent(upload)) ?? upload} answered 500`,
        );
      this.env.trace?.(
        `      ${this.label} ${request.method} ${shortUrl(url)} → ${response.status}${traceBody(init)}`,
      );
      await this.env.interleave(this, 'after', request);
      return response;
    };
    const faulty = createFaultyFetch({
      inner: interleaving,
      decide: (request) => this.env.decideFault(this, request),
      onFault: (fault, request) =>
        this.env.log(`    ${this.label} fault ${fault} on ${request.method} ${shortUrl(request.url)}`),
      onKill: (error) => onKill(error),
      ...(this.env.server.wireFaults ? { wire: this.env.server.wireFaults } : {}),
    });
    const { baseUrl, deviceToken: token } = this.env.server;
    const api = createHttpMemosApi({ baseUrl, token, fetch: faulty.fetch });
    const pass = (request: SyncPassRequest) =>
      runSyncPass(
        {
          api,
          store,
          meta,
          now: this.now,
          newUid: this.newUid,
          isOnline: () => true,
          expectedUser: this.env.server.deviceUser,
        },
        request,
      );
    // The live stream says which device opened it (the op log names event faults by device).
    const liveFetch: FetchLike = (url, init) => {
      const headers = new Headers(init?.headers);
      headers.set('User-Agent', this.label);
      return this.env.server.fetch(url, { ...init, headers });
    };
    const liveApi = createHttpMemosApi({ baseUrl, token, fetch: liveFetch });
    const live = startLiveEvents({
      api: liveApi,
      onHint: (name) => this.hints.push(name),
      onConnected: () => undefined,
      now: this.now,
      setTimeout: this.env.timers.setTimeout,
      clearTimeout: this.env.timers.clearTimeout,
      random: this.env.random,
    });
    this.current = {
      db,
      notebook,
      store,
      conflicts: createConflicts(db, feed, notebook),
      meta,
      pass,
      approveHeld: () => approveHeldRemovals(meta),
      keepHeld: () => keepHeldRemovals(meta, store),
      killed,
      live,
    };
    this.busy = false;
  }

  /** Abandons the current engine instance (it may be stuck mid-request) and boots a new one. */
  reboot(): void {
    const old = this.current;
    old?.live.stop();
    old?.db.close();
    this.current = undefined;
    this.hints = [];
    this.boot();
  }

  async dispose(): Promise<void> {
    this.current?.live.stop();
    this.current?.db.close();
    this.current = undefined;
    await MemosDatabase.delete(this.dbName);
  }
}

export function shortUrl(url: string): string {
  const parsed = new URL(url, 'http://memos.test');
  const path = parsed.pathname.replace('/api/v1/', '');
  const filter = parsed.searchParams.get('filter');
  const state = parsed.searchParams.get('state');
  const mask = parsed.searchParams.get('updateMask');
  if (mask) return `${path}?updateMask=${mask}`;
  return filter ? `${path} [${state}] ${filter.replace(/creator == "users\/\w+"( && )?/, '')}` : path;
}

export { DeviceKilledError };
