/**
 * The `status` element named "Sync status": "Local only" without a server, otherwise
 * "Offline", "Syncing…", "Synced", "N pending", "Waiting: <why>" (the server asked to slow
 * down: not an error, it resumes by itself) or "Sync error: <reason>", plus the last sync
 * time (wide screens). Next to it: "Sync now" and the "Conflicts (N)" link. Compact enough
 * for the phone's header.
 */
import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import type { Connection, SyncStatusRecord } from '../../sync';
import { useApp } from '../state/app-context';
import { Icon } from './icons';

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
  const tone = () => {
    if (!sync.connection()) return 'local';
    if (sync.status().phase === 'error') return 'error';
    if (!sync.online() || sync.status().phase === 'offline') return 'offline';
    const phase = sync.status().phase;
    return sync.pending() > 0 || phase === 'syncing' || phase === 'waiting' ? 'busy' : 'ok';
  };
  return (
    <div class="sync-box">
      <div
        class={`sync-status tone-${tone()}`}
        classList={{ error: sync.status().phase === 'error' }}
        role="status"
        aria-label="Sync status"
        title={detail() ? `${label()} · ${detail()}` : label()}
      >
        <span class="sync-dot" aria-hidden="true" />
        <span class="sync-label">{label()}</span>
        <Show when={detail()}>
          <span class="sync-detail">{` · ${detail()}`}</span>
        </Show>
      </div>
      <Show when={sync.connection()}>
        <button
          type="button"
          class="icon-button sync-now"
          onClick={() => sync.controller.trigger('manual', { full: true })}
        >
          <Icon name="sync" />
          <span class="sync-now-label">Sync now</span>
        </button>
      </Show>
      <Show when={sync.conflictList().length > 0}>
        <A class="conflicts-link" href="/conflicts">{`Conflicts (${sync.conflictList().length})`}</A>
      </Show>
    </div>
  );
}
