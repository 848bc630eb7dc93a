/**
 * Settings → Backup: "Export" (one JSON file with every memo), "Download with attachments (zip)"
 * (a zip of that JSON and the files), "Download Markdown (zip)" and "Import" (either
 * export; importing twice creates no duplicates; a refused file changes nothing and says
 * why in words of its own).
 */
import { createSignal, Show } from 'solid-js';
import { useApp } from '../state/app-context';
import { exportJson, exportMarkdownZip, exportZip, importJson } from './backup';
import { SettingsSection } from './SettingsSection';

type Message = { kind: 'ok' | 'error'; text: string };

function failureText(action: string, failure: unknown): string {
  return `${action} failed: ${failure instanceof Error ? failure.message : String(failure)}.`;
}

export function BackupSettings() {
  const app = useApp();
  const [message, setMessage] = createSignal<Message>();
  let fileInput: HTMLInputElement | undefined;

  async function run(action: string, work: () => Promise<Message>) {
    try {
      setMessage(await work());
    } catch (failure) {
      setMessage({ kind: 'error', text: failureText(action, failure) });
    }
  }

  async function onImportFile(file: File | undefined) {
    if (!file) return;
    await run('The import', async () => {
      const outcome = await importJson(app.services, file);
      if (!outcome.ok) return { kind: 'error', text: outcome.message };
      const { added, updated, unchanged, keptLocal, conflicts } = outcome.summary;
      return {
        kind: 'ok',
        text: `Imported ${file.name}: ${added} new, ${updated} updated, ${unchanged} already here${keptLocal ? `, ${keptLocal} kept (this device has a newer or unsynced version)` : ''}${conflicts ? `, ${conflicts} in conflict with unsynced edits (see Conflicts)` : ''}.`,
      };
    });
    if (fileInput) fileInput.value = '';
  }

  return (
    <SettingsSection id="backup" title="Backup">
      <p class="section-text">
        Export every memo with its metadata as one JSON file (up to 200 MB to import), or with its attachments
        as a zip (up to 1 GB); import either on any device. Importing twice creates no duplicates.
      </p>
      <div class="button-row start">
        <button
          type="button"
          onClick={() =>
            void run('The export', async () => ({
              kind: 'ok',
              text: `Exported ${await exportJson(app.services)} memos.`,
            }))
          }
        >
          Export
        </button>
        <button
          type="button"
          onClick={() =>
            void run('The export', async () => {
              const done = await exportZip(app.services);
              return {
                kind: 'ok',
                text: `Exported ${done.memos} memos and ${done.files} attachments.${done.missing > 0 ? ` ${done.missing} attachment${done.missing === 1 ? ' is' : 's are'} not on this device (open them once to include them).` : ''}`,
              };
            })
          }
        >
          Download with attachments (zip)
        </button>
        <button
          type="button"
          onClick={() =>
            void run('The export', async () => ({
              kind: 'ok',
              text: `Exported ${await exportMarkdownZip(app.services)} memos as Markdown files.`,
            }))
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
          accept="application/json,.json,application/zip,.zip"
          class="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          onChange={(event) => void onImportFile(event.currentTarget.files?.[0])}
        />
      </div>
      <Show when={message()}>
        {(m) => (
          <p
            class={m().kind === 'error' ? 'error' : 'success'}
            role={m().kind === 'error' ? 'alert' : 'status'}
          >
            {m().text}
          </p>
        )}
      </Show>
    </SettingsSection>
  );
}
