/**
 * One sync pass's network work: check the server (its version decides the request shapes,
 * derived again every pass, so an upgrade mid-session is followed) [V1], verify the
 * credential and that it still names the connected account [S1, S5], pull (delta or full)
 * [P*], then push the outbox [O*]. The engine owns no timers, reads no globals and never
 * branches on versions: the API, the store, the cursor and removal guard storage, the clock
 * and uid generation are injected; scheduling lives in scheduler.ts and the status a user
 * sees in sync-pass.ts, the one composition every caller runs. A pass that fails part-way
 * leaves the store consistent (every step is its own transaction) and is simply repeated
 * later.
 */

import type { ApiFailure, MemosApi, ServerInfo } from '../api/types';
import type { MemoName, MemoUid } from '../core/ids';
import type { SyncNotice } from '../core/plan';
import { type RemovalLedger, reconcileLedger } from '../core/removals';
import { fetchThumbnails, THUMBNAILS_PER_PASS } from './media';
import { pull } from './pull';
import { pushOutbox } from './push';
import type { SyncStore } from './sync-store';

export interface SyncCursorStore {
  load(): Promise<{ cursor: number | undefined; lastFullAt: number | undefined }>;
  save(state: { cursor: number | undefined; lastFullAt: number | undefined }): Promise<void>;
}

/** Where the [S3] removal guard lives (the meta table in the app). */
export interface RemovalLedgerStore {
  load(): Promise<RemovalLedger>;
  update(update: (current: RemovalLedger) => RemovalLedger): Promise<RemovalLedger>;
}

/** Why a pass failed: a network failure, or a credential that now names someone else [S5]. */
export type SyncFailure =
  | ApiFailure
  | { kind: 'account-changed'; message: string; expected: string; actual: string };

export interface SyncPassOptions {
  mode: 'delta' | 'full';
  hints?: readonly MemoName[];
}

export interface SyncReport {
  ok: boolean;
  error?: SyncFailure;
  /** What the server check at the start of the pass found (its version and capabilities). */
  server?: ServerInfo;
  user?: string;
  mode: 'delta' | 'full';
  pulled: number;
  /** Memos moved to the Trash because the server no longer has them. */
  deleted: number;
  pushed: number;
  rejected: number;
  requests: number;
  bytes: number;
  notices: SyncNotice[];
  /** [S3] The standing question after this pass, if any. */
  heldDeletions?: { names: MemoName[]; localCount: number };
}

export interface SyncEngine {
  syncOnce(options: SyncPassOptions): Promise<SyncReport>;
}

export interface SyncEngineDeps {
  api: MemosApi;
  store: SyncStore;
  cursor: SyncCursorStore;
  removals: RemovalLedgerStore;
  now: () => number;
  newUid: () => MemoUid;
  /** The account this notebook is connected to (`users/<name>`). */
  expectedUser: string;
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
      // [V1] The version decides the request shapes; never send a previous version's.
      const server = await deps.api.checkServer();
      if (!server.ok) return { ...report, error: server.error };
      report.server = server.value;
      // [S1] Memos treats a bad token as anonymous: never trust a listing before this.
      report.requests++;
      const me = await deps.api.me();
      if (!me.ok) return { ...report, error: me.error };
      report.user = me.value.name;
      // [S5] The credential is the account it was: a token of another user stops the pass.
      if (me.value.name !== deps.expectedUser) {
        return {
          ...report,
          error: {
            kind: 'account-changed',
            expected: deps.expectedUser,
            actual: me.value.name,
            message: `the access token now signs in as ${me.value.name}, not ${deps.expectedUser}`,
          },
        };
      }

      const saved = await deps.cursor.load();
      const mode = saved.cursor === undefined ? 'full' : options.mode;
      report.mode = mode;
      const started = await deps.removals.load();
      const pulled = await pull(deps.api, deps.store, {
        user: me.value.name,
        mode,
        cursor: saved.cursor,
        hints: options.hints ?? [],
        ledger: started,
        saveLedger: async (next) => {
          await deps.removals.update((current) => reconcileLedger(current, started, next));
        },
      });
      report.requests += pulled.stats.requests;
      report.bytes += pulled.stats.bytes;
      report.pulled = pulled.applied;
      report.deleted = pulled.trashed.length;
      if (pulled.trashed.length > 0) report.notices.push({ kind: 'moved-to-trash', names: pulled.trashed });
      if (pulled.ledger.held) report.heldDeletions = pulled.ledger.held;
      if (pulled.error) return { ...report, error: pulled.error };
      await deps.cursor.save({
        cursor: pulled.cursor,
        lastFullAt: mode === 'full' && !pulled.ledger.held ? deps.now() : saved.lastFullAt,
      });

      const pushed = await pushOutbox(
        { api: deps.api, store: deps.store, user: me.value.name, newUid: deps.newUid },
        await deps.store.pending(),
      );
      report.requests += pushed.requests;
      report.pushed = pushed.pushed;
      report.rejected = pushed.rejected;
      report.notices.push(...pushed.notices);
      if (pushed.error) return { ...report, error: pushed.error };
      // [F5] Thumbnails of attachments added elsewhere, a few per pass; never fails the pass.
      await fetchThumbnails(deps.api, deps.store.attachments, THUMBNAILS_PER_PASS, () => {
        report.requests++;
      });
      return { ...report, ok: true };
    },
  };
}
