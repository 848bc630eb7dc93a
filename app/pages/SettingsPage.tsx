/**
 * Settings: storage (usage, persistence), backup (Export, Import) and, later, the server
 * connection. Every action reports its result in words.
 */
import { createResource, createSignal, Show } from 'solid-js';
import { AppSettings } from '../settings/AppSettings';
import { exportJson, exportMarkdownZip, importJson } from '../settings/backup';
import { LlmSettings } from '../settings/LlmSettings';
import { ServerSettings } from '../settings/ServerSettings';
import { useApp } from '../state/app-context';
import { requestPersistence, storageReport } from '../state/persistence';
import { describeSaveError } from '../state/save-errors';

function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return 'unknown';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
}

export default function SettingsPage() {
  const app = useApp();
  const [report, { refetch }] = createResource(storageReport);
  const [backupMessage, setBackupMessage] = createSignal<{ kind: 'ok' | 'error'; text: string }>();
  let fileInput: HTMLInputElement | undefined;

  async function guarded(work: () => Promise<string>) {
    try {
      setBackupMessage({ kind: 'ok', text: await work() });
    } catch (failure) {
      setBackupMessage({ kind: 'error', text: describeSaveError(failure) });
    }
  }

  async function onImportFile(file: File | undefined) {
    if (!file) return;
    await guarded(async () => {
      const outcome = await importJson(app.services, file);
      if (!outcome.ok) throw new Error(outcome.message);
      const { added, updated, unchanged, keptLocal, conflicts } = outcome.summary;
      return `Imported ${file.name}: ${added} new, ${updated} updated, ${unchanged} already here${keptLocal ? `, ${keptLocal} kept (this device has a newer or unsynced version)` : ''}${conflicts ? `, ${conflicts} in conflict with unsynced edits (see Conflicts)` : ''}.`;
    });
    if (fileInput) fileInput.value = '';
  }

  return (
    <div class="settings">
      <h2 class="page-title">Settings</h2>

      <ServerSettings />

      <LlmSettings />

      <AppSettings />

      <section class="card" aria-labelledby="storage-heading">
        <h3 id="storage-heading">Storage on this device</h3>
        <Show when={report()} fallback={<p>Checking storage…</p>}>
          {(r) => (
            <dl class="facts">
              <dt>Used</dt>
              <dd>{`${formatBytes(r().usageBytes)} of ${formatBytes(r().quotaBytes)} available to this app`}</dd>
              <dt>Persistent</dt>
              <dd>
                {r().persisted === true
                  ? 'Yes: the browser will not clear these memos to free space.'
                  : r().persisted === false
                    ? 'No: the browser may clear this data when the device runs low on space.'
                    : 'Unknown in this browser.'}
              </dd>
            </dl>
          )}
        </Show>
        <Show when={report()?.persisted === false}>
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
        <p class="hint">{`${app.view.normal().length} memos, ${app.view.archived().length} archived.`}</p>
      </section>

      <section class="card" aria-labelledby="backup-heading">
        <h3 id="backup-heading">Backup</h3>
        <p>
          Export every memo with its metadata as one JSON file; import the same file on any device. Importing
          twice creates no duplicates.
        </p>
        <div class="button-row">
          <button
            type="button"
            onClick={() => void guarded(async () => `Exported ${await exportJson(app.services)} memos.`)}
          >
            Export
          </button>
          <button
            type="button"
            onClick={() =>
              void guarded(
                async () => `Exported ${await exportMarkdownZip(app.services)} memos as Markdown files.`,
              )
            }
          >
            Download Markdown (zip)
          </button>
          <button type="button" onClick={() => fileInput?.click()}>
            Import
          </button>
          <input
            ref={fileInput}
            type="file"
            accept="application/json,.json"
            class="visually-hidden"
            tabIndex={-1}
            aria-hidden="true"
            onChange={(event) => void onImportFile(event.currentTarget.files?.[0])}
          />
        </div>
        <Show when={backupMessage()}>
          {(message) => (
            <p
              class={message().kind === 'error' ? 'error' : 'success'}
              role={message().kind === 'error' ? 'alert' : 'status'}
            >
              {message().text}
            </p>
          )}
        </Show>
      </section>
    </div>
  );
}
