/**
 * Conflicts [M4]: each shows the server's version and yours side by side, with
 * "Keep mine", "Keep server", and an editor to merge by hand ("Save merge"). A conflict an
 * import found [B2] shows the imported version instead, with "Keep imported".
 */
import { createSignal, For, Show } from 'solid-js';
import type { ConflictRecord } from '../../sync';
import { useApp } from '../state/app-context';
import { describeSaveError } from '../state/save-errors';

function ConflictCard(props: { conflict: ConflictRecord }) {
  const app = useApp();
  const [merged, setMerged] = createSignal(props.conflict.localContent);
  const [error, setError] = createSignal('');
  const run = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (failure) {
      setError(describeSaveError(failure));
    }
  };
  const conflicts = () => app.sync.conflicts;
  const imported = () => props.conflict.origin === 'import';
  return (
    <article
      class="conflict card"
      aria-label={`Conflict in ${app.view.get(props.conflict.name)?.snippet ?? props.conflict.name}`}
    >
      <div class="conflict-versions">
        <section aria-label="Your version">
          <h3>Your version</h3>
          <pre>{props.conflict.localContent}</pre>
        </section>
        <section aria-label={imported() ? 'Imported version' : 'Server version'}>
          <h3>{imported() ? 'Imported version' : 'Server version'}</h3>
          <pre>{props.conflict.remoteContent}</pre>
        </section>
      </div>
      <label class="merge-editor">
        Merged text
        <textarea rows={6} value={merged()} onInput={(e) => setMerged(e.currentTarget.value)} />
      </label>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <div class="button-row">
        <button
          type="button"
          onClick={() =>
            void run(() => conflicts().keepContent(props.conflict.name, props.conflict.localContent))
          }
        >
          Keep mine
        </button>
        <button
          type="button"
          onClick={() =>
            void run(() =>
              imported()
                ? conflicts().keepContent(props.conflict.name, props.conflict.remoteContent)
                : conflicts().keepServer(props.conflict.name),
            )
          }
        >
          {imported() ? 'Keep imported' : 'Keep server'}
        </button>
        <button
          type="button"
          class="primary"
          onClick={() => void run(() => conflicts().keepContent(props.conflict.name, merged()))}
        >
          Save merge
        </button>
      </div>
    </article>
  );
}

export default function ConflictsPage() {
  const app = useApp();
  return (
    <>
      <h2 class="page-title">Conflicts</h2>
      <p class="hint">
        These edits were made here while the same text changed on the server. The server's version is what
        every device shows until you choose.
      </p>
      <For each={app.sync.conflictList()} fallback={<p class="empty">No conflicts.</p>}>
        {(conflict) => <ConflictCard conflict={conflict} />}
      </For>
    </>
  );
}
