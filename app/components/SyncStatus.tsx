/**
 * The `status` element named "Sync status": "Local only" without a server, otherwise
 * "Offline", "Syncing…", "Synced", "N pending", "Waiting: <why>" (the server asked to slow
 * down: not an error, it resumes by itself) or "Sync error: <reason>", plus the last
 * sync time. Next to it: "Sync now", the "Conflicts (N)" link and, when the server
 * suddenly lacks many memos, the question whether to remove them here too [S3] (they go to
 * the Trash either way when the user agrees; "Keep them" uploads them again).
 */
import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import type { Connection, SyncStatusRecord } from '../../sync';
import { useApp } from '../state/app-context';

export function statusLabel(
  connection: Connection | undefined,
  status: SyncStatusRecord,
  pending: number,
  online: boolean,
): string {
  if (!connection) return 'Local only';
  if (!online || status.phase === 'offline') return 'Offline';
  if (status.phase === 'syncing') return 'Syncing…';
  if (status.phase === 'error') return `Sync error: ${status.message ?? 'unknown'}`;
  if (status.phase === 'waiting') return `Waiting: ${status.message ?? 'the server asked to slow down'}`;
  if (pending > 0) return `${pending} pending`;
  return 'Synced';
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

export function SyncStatus() {
  const app = useApp();
  const sync = app.sync;
  const label = () => statusLabel(sync.connection(), sync.status(), sync.pending(), sync.online());
  const detail = () => {
    if (!sync.connection()) return '';
    const parts: string[] = [];
    if (sync.pending() > 0 && !label().endsWith('pending')) parts.push(`${sync.pending()} pending`);
    const last = sync.status().lastSyncAt;
    parts.push(last ? `last sync ${timeFormat.format(last)}` : 'not synced yet');
    return parts.join(' · ');
  };
  const held = () => sync.removals().held;
  const earlier = () => sync.removals().removedSince;
  return (
    <div class="sync-box">
      <div
        class="sync-status"
        classList={{ error: sync.status().phase === 'error' }}
        role="status"
        aria-label="Sync status"
      >
        <span class="sync-label">{label()}</span>
        <Show when={detail()}>
          <span class="sync-detail">{` · ${detail()}`}</span>
        </Show>
      </div>
      <Show when={sync.connection()}>
        <button
          type="button"
          class="sync-now"
          onClick={() => sync.controller.trigger('manual', { full: true })}
        >
          Sync now
        </button>
      </Show>
      <Show when={sync.conflictList().length > 0}>
        <A class="conflicts-link" href="/conflicts">{`Conflicts (${sync.conflictList().length})`}</A>
      </Show>
      <Show when={held()}>
        {(deletions) => (
          <div class="held-deletions" role="alert">
            <p>
              {`The server no longer has ${deletions().names.length} of your ${deletions().localCount} memos${
                earlier() > 0 ? ` (and ${earlier()} more went to the Trash since you last checked)` : ''
              }. Was it restored from an old backup, or reinstalled? Remove them here too (they go to the Trash), or keep them and upload them again?`}
            </p>
            <div class="button-row">
              <button
                type="button"
                class="danger"
                onClick={() => void sync.controller.approveHeldDeletions()}
              >
                Delete them here too
              </button>
              <button type="button" onClick={() => void sync.controller.keepHeldMemos()}>
                Keep them
              </button>
            </div>
          </div>
        )}
      </Show>
    </div>
  );
}
