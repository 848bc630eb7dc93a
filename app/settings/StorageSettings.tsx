/**
 * Settings → Storage on this device: usage, whether it is persistent, and asking for it; and
 * how much of attachments' originals to keep for offline use [F5] ("Keep originals offline
 * up to N MB"; the oldest opened go first, never one that exists nowhere else).
 */
import { createResource, createSignal, Show } from 'solid-js';
import { createMetaStore } from '../../sync';
import { useApp } from '../state/app-context';
import { requestPersistence, storageReport } from '../state/persistence';
import { SettingRow, SettingsSection } from './SettingsSection';

function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return 'unknown';
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(1)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(1)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

export function StorageSettings() {
  const app = useApp();
  const [report, { refetch }] = createResource(storageReport);
  const meta = createMetaStore(app.services.db, app.services.feed);
  const [budget, { mutate }] = createResource(() => meta.offlineBudget());
  const [budgetNote, setBudgetNote] = createSignal('');
  return (
    <SettingsSection id="storage" title="Storage on this device">
      <SettingRow label="Memos">
        <span>{`${app.view.normal().length} in the timeline, ${app.view.archived().length} archived, ${app.sync.trashList().length} in the Trash`}</span>
      </SettingRow>
      <SettingRow label="Attachments">
        <label class="inline-field">
          Keep originals offline up to
          <input
            type="number"
            min="0"
            step="50"
            inputMode="numeric"
            value={budget() === undefined ? '' : Math.round((budget() ?? 0) / 1e6)}
            onChange={async (event) => {
              const megabytes = Math.max(0, Number(event.currentTarget.value) || 0);
              await app.sync.controller.setOfflineBudget(megabytes * 1e6);
              mutate(megabytes * 1e6);
              setBudgetNote(
                `Originals opened here are kept up to ${megabytes} MB; the least recently opened go first.`,
              );
              await refetch();
            }}
          />
          MB
        </label>
        <Show when={budgetNote()}>
          <span class="hint" role="status">
            {budgetNote()}
          </span>
        </Show>
      </SettingRow>
      <Show when={report()} fallback={<p class="hint">Checking storage…</p>}>
        {(r) => (
          <>
            <SettingRow label="Used">
              <span>{`${formatBytes(r().usageBytes)} of ${formatBytes(r().quotaBytes)} available to this app`}</span>
            </SettingRow>
            <SettingRow label="Persistent">
              <span>
                {r().persisted === true
                  ? 'Yes: the browser will not clear these memos to free space.'
                  : r().persisted === false
                    ? 'No: the browser may clear this data when the device runs low on space.'
                    : 'Unknown in this browser.'}
              </span>
              <Show when={r().persisted === false}>
                <button
                  type="button"
                  onClick={async () => {
                    await requestPersistence();
                    await refetch();
                  }}
                >
                  Keep data persistently
                </button>
              </Show>
            </SettingRow>
          </>
        )}
      </Show>
    </SettingsSection>
  );
}
