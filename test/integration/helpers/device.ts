/**
 * A "device" for integration tests: one local store (its own fake-indexeddb database with
 * a unique name), the notebook the user edits, the conflicts view, the Trash, and the same
 * composition of a sync pass the app runs (sync/engine/sync-pass.ts), talking to the real
 * Memos server through a recording, fault-injecting transport.
 *
 * Invariants: each device has its own database, feed, clock and transport, so several
 * devices never share state except through the server; the clock is the real clock plus an
 * offset the test controls (e.g. "yesterday"), never the server's; the engine's cursor lives
 * in the device's own meta table exactly as in the app.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { createHttpMemosApi } from '../../../sync/api/http-client';
import type { MemosApi } from '../../../sync/api/types';
import { type MemoName, newMemoUid, parseMemoName } from '../../../sync/core/ids';
import type { LocalMemo, MemoFields } from '../../../sync/core/memo';
import type { SyncNotice } from '../../../sync/core/plan';
import type { RemoteMemo } from '../../../sync/core/remote';
import { type ChangeFeed, createChangeFeed } from '../../../sync/db/change-feed';
import { type Conflicts, createConflicts } from '../../../sync/db/conflicts';
import { createMetaStore, type MetaStore } from '../../../sync/db/meta';
import { createNotebook, type Notebook } from '../../../sync/db/notebook';
import { type ConflictRecord, MemosDatabase, type OutboxEntry } from '../../../sync/db/schema';
import { createTrash, type Trash } from '../../../sync/db/trash';
import type { SyncReport } from '../../../sync/engine/engine';
import { approveHeldRemovals, keepHeldRemovals, runSyncPass } from '../../../sync/engine/sync-pass';
import { createSyncStore, type SyncStore } from '../../../sync/engine/sync-store';
import { createTransport, type Transport } from './transport';
import type { ServerMemo } from './web';

export interface DeviceOptions {
  baseUrl: string;
  token: string;
  /** The account the token belongs to (`users/<name>`): the pass checks it every time [S5]. */
  user: string;
  label?: string;
  /** The client's request timeout (the timeout faults wait for it). */
  timeoutMs?: number;
  /** The notebook's content limit; raise it to let the server be the one that refuses [O4]. */
  contentLimitBytes?: number;
}

export interface DeviceClock {
  now(): number;
  /** Moves the device clock relative to the real clock (negative = in the past). */
  setOffset(ms: number): void;
}

export interface Device {
  label: string;
  db: MemosDatabase;
  feed: ChangeFeed;
  notebook: Notebook;
  conflicts: Conflicts;
  trash: Trash;
  meta: MetaStore;
  store: SyncStore;
  transport: Transport;
  api: MemosApi;
  clock: DeviceClock;
  /** Every notice the engine raised so far. */
  notices: SyncNotice[];
  /** One pass (default: full reconciliation). */
  sync(mode?: 'full' | 'delta', options?: PassOptions): Promise<SyncReport>;
  /** One pass that must succeed. */
  syncOk(mode?: 'full' | 'delta', options?: PassOptions): Promise<SyncReport>;
  /** [S3] The user answers the standing question. */
  approveHeld(): Promise<void>;
  keepHeld(): Promise<void>;
  /** Creates a memo locally (as the user would) and returns its name. */
  write(content: string, fields?: Partial<MemoFields>): Promise<MemoName>;
  memos(): Promise<LocalMemo[]>;
  memo(name: string): Promise<LocalMemo | undefined>;
  base(name: string): Promise<RemoteMemo | undefined>;
  outbox(): Promise<OutboxEntry[]>;
  conflictRecords(): Promise<ConflictRecord[]>;
  dispose(): Promise<void>;
}

export interface PassOptions {
  hints?: readonly MemoName[];
  /** Overrides the account the pass expects (a token that changed hands [S5]). */
  expectedUser?: string;
}

export function createDevice(options: DeviceOptions): Device {
  const label = options.label ?? 'device';
  const dbName = `it-${label}-${randomUUID()}`;
  const db = new MemosDatabase(dbName);
  const feed = createChangeFeed(dbName, undefined);
  let offset = 0;
  const clock: DeviceClock = {
    now: () => Date.now() + offset,
    setOffset: (ms) => {
      offset = ms;
    },
  };
  const notebook = createNotebook({
    db,
    feed,
    now: clock.now,
    ...(options.contentLimitBytes !== undefined
      ? { contentLimitBytes: () => options.contentLimitBytes ?? 0 }
      : {}),
  });
  const meta = createMetaStore(db, feed);
  const store = createSyncStore(db, feed, clock.now);
  const transport = createTransport();
  const api = createHttpMemosApi({
    baseUrl: options.baseUrl,
    token: options.token,
    fetch: transport.fetch,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  const notices: SyncNotice[] = [];

  const sync = async (mode: 'full' | 'delta' = 'full', passOptions: PassOptions = {}) => {
    const report = await runSyncPass(
      {
        api,
        store,
        meta,
        now: clock.now,
        newUid: () => newMemoUid(),
        isOnline: () => true,
        expectedUser: passOptions.expectedUser ?? options.user,
      },
      { mode, ...(passOptions.hints ? { hints: passOptions.hints } : {}) },
    );
    notices.push(...report.notices);
    return report;
  };

  return {
    label,
    db,
    feed,
    notebook,
    conflicts: createConflicts(db, feed, notebook),
    trash: createTrash({ db, feed, now: clock.now }),
    meta,
    store,
    transport,
    api,
    clock,
    notices,
    sync,
    async syncOk(mode = 'full', passOptions = {}) {
      const report = await sync(mode, passOptions);
      expect(report.error, `${label}: ${JSON.stringify(report.error)}`).toBeUndefined();
      expect(report.ok).toBe(true);
      return report;
    },
    approveHeld: () => approveHeldRemovals(meta),
    keepHeld: () => keepHeldRemovals(meta, store),
    async write(content, fields = {}) {
      const memo = await notebook.create({ content, visibility: fields.visibility ?? 'PRIVATE' });
      const rest: Partial<MemoFields> = {};
      if (fields.pinned !== undefined) rest.pinned = fields.pinned;
      if (fields.state !== undefined) rest.state = fields.state;
      if (Object.keys(rest).length > 0) await notebook.update(memo.name, rest);
      return memo.name;
    },
    memos: () => db.memos.orderBy('name').toArray(),
    memo: (name) => db.memos.get(asName(name)),
    base: (name) => db.bases.get(asName(name)),
    outbox: () => db.outbox.orderBy('seq').toArray(),
    conflictRecords: () => db.conflicts.orderBy('name').toArray(),
    async dispose() {
      feed.close();
      db.close();
      await MemosDatabase.delete(dbName);
    },
  };
}

/** The user-visible fields of a memo plus its identity and create time, for comparisons. */
export function shape(memo: LocalMemo | ServerMemo | RemoteMemo) {
  return {
    name: memo.name,
    content: memo.content,
    visibility: memo.visibility,
    state: memo.state,
    pinned: memo.pinned,
    attachments: [...memo.attachments].sort(),
    createTime: memo.createTime,
  };
}

/**
 * The device mirrors the server exactly: same names, same fields, same create times,
 * nothing left in the outbox, and every base equal to the server copy.
 */
export async function expectMirrors(device: Device, server: readonly ServerMemo[]): Promise<void> {
  const local = await device.memos();
  expect(local.map(shape), `${device.label} mirrors the server`).toEqual(server.map(shape));
  expect(await device.outbox(), `${device.label} outbox`).toEqual([]);
  const bases = await device.db.bases.orderBy('name').toArray();
  expect(bases.map(shape)).toEqual(server.map(shape));
}

/** Polls `condition` until it holds or the deadline passes (then fails with `what`). */
export async function until(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A server memo name as the branded local type (throws on anything else). */
export function asName(name: string): MemoName {
  const parsed = parseMemoName(name);
  if (!parsed) throw new Error(`not a memo name: ${name}`);
  return parsed;
}
