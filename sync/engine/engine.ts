/**
 * One sync pass: verify the credential [S1], pull (delta or full) [P*], then push the
 * outbox [O*]. The engine owns no timers and reads no globals: the API, the store, the
 * cursor storage and the clock are injected; scheduling lives in scheduler.ts. A pass
 * that fails part-way leaves the store consistent (every step is its own transaction) and
 * is simply repeated later.
 */

import type { ApiFailure, MemosApi } from '../api/types';
import type { MemoName } from '../core/ids';
import type { SyncNotice } from '../core/plan';
import { pull } from './pull';
import { pushOutbox } from './push';
import type { SyncStore } from './sync-store';

export interface SyncCursorStore {
  load(): Promise<{ cursor: number | undefined; lastFullAt: number | undefined }>;
  save(state: { cursor: number | undefined; lastFullAt: number | undefined }): Promise<void>;
}

export interface SyncPassOptions {
  mode: 'delta' | 'full';
  hints?: readonly MemoName[];
  approvedDeletions?: ReadonlySet<MemoName>;
}

export interface SyncReport {
  ok: boolean;
  error?: ApiFailure;
  user?: string;
  mode: 'delta' | 'full';
  pulled: number;
  deleted: number;
  pushed: number;
  rejected: number;
  requests: number;
  bytes: number;
  notices: SyncNotice[];
  heldDeletions?: { names: MemoName[]; localCount: number };
}

export interface SyncEngine {
  syncOnce(options: SyncPassOptions): Promise<SyncReport>;
}

export interface SyncEngineDeps {
  api: MemosApi;
  store: SyncStore;
  cursor: SyncCursorStore;
  now: () => number;
}

export function createSyncEngine(deps: SyncEngineDeps): SyncEngine {
  return {
    async syncOnce(options) {
      const report: SyncReport = {
        ok: false,
        mode: options.mode,
        pulled: 0,
        deleted: 0,
        pushed: 0,
        rejected: 0,
        requests: 1,
        bytes: 0,
        notices: [],
      };
      // [S1] Memos treats a bad token as anonymous: never trust a listing before this.
      const me = await deps.api.me();
      if (!me.ok) return { ...report, error: me.error };
      report.user = me.value.name;

      const saved = await deps.cursor.load();
      const mode = saved.cursor === undefined ? 'full' : options.mode;
      report.mode = mode;
      const pulled = await pull(deps.api, deps.store, {
        user: me.value.name,
        mode,
        cursor: saved.cursor,
        hints: options.hints ?? [],
        approvedDeletions: options.approvedDeletions ?? new Set(),
      });
      report.requests += pulled.stats.requests;
      report.bytes += pulled.stats.bytes;
      report.pulled = pulled.applied;
      report.deleted = pulled.deleted;
      if (pulled.heldDeletions) report.heldDeletions = pulled.heldDeletions;
      if (pulled.error) return { ...report, error: pulled.error };
      await deps.cursor.save({
        cursor: pulled.cursor,
        lastFullAt: mode === 'full' && !pulled.heldDeletions ? deps.now() : saved.lastFullAt,
      });

      const pushed = await pushOutbox(deps.api, deps.store, await deps.store.pending(), me.value.name);
      report.requests += pushed.requests;
      report.pushed = pushed.pushed;
      report.rejected = pushed.rejected;
      report.notices.push(...pushed.notices);
      if (pushed.error) return { ...report, error: pushed.error };
      return { ...report, ok: true };
    },
  };
}
