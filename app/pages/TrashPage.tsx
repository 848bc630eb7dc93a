/**
 * The Trash [R1–R5]: memos deleted here and memos the server no longer has, kept 30 days.
 * Each is an `article` with "Restore" and "Delete forever"; "Empty trash" asks in a dialog.
 * A memo of another account than the notebook's says that Restore keeps it on this device
 * only [R4].
 */
import { createSignal, For, Show } from 'solid-js';
import { assertNever, sameAccount, TRASH_RETENTION_MS, type TrashRow } from '../../sync';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { renderMemoHtml } from '../markdown/render';
import { useApp } from '../state/app-context';
import { describeSaveError } from '../state/save-errors';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

function whyHere(row: TrashRow): string {
  switch (row.reason) {
    case 'deleted-here':
      return 'Deleted on this device';
    case 'deleted-on-server':
      return 'No longer on the server';
    case 'left-with-account':
      return `Left with ${row.account?.user ?? 'another account'}`;
    default:
      return assertNever(row.reason, 'trash reason');
  }
}

function TrashCard(props: { row: TrashRow }) {
  const app = useApp();
  const daysLeft = () =>
    Math.max(0, Math.ceil((props.row.removedAt + TRASH_RETENTION_MS - app.services.now()) / 86_400_000));
  const foreign = () => {
    const account = props.row.account;
    const connection = app.sync.connection();
    if (!account) return false;
    return !sameAccount(
      account,
      connection ? { serverUrl: connection.serverUrl, user: connection.user } : undefined,
    );
  };
  const run = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (failure) {
      app.notify('error', describeSaveError(failure));
    }
  };
  return (
    <article class="memo trash-card" aria-label={props.row.memo.snippet || 'Memo in the Trash'}>
      <header class="memo-meta">
        <span>{`${whyHere(props.row)} · ${dateFormat.format(props.row.removedAt)}`}</span>
        <span class="badge">{`${daysLeft()} day${daysLeft() === 1 ? '' : 's'} left`}</span>
      </header>
      <div
        class="memo-body markdown fold"
        inert
        ref={(element) => {
          element.innerHTML = renderMemoHtml(props.row.memo.content);
        }}
      />
      <Show when={foreign()}>
        <p class="hint">
          {`From ${props.row.account?.user} on ${props.row.account?.serverUrl || 'this app’s server'}: restoring keeps it on this device only.`}
        </p>
      </Show>
      <div class="row-actions">
        <button
          type="button"
          onClick={() =>
            void run(async () => {
              const outcome = await app.sync.trash.restore(props.row.name);
              if (outcome.kind === 'restored')
                app.notify(
                  'info',
                  outcome.synced
                    ? 'Restored to the timeline.'
                    : 'Restored on this device only (it belongs to another account).',
                );
              else if (outcome.kind === 'already-back')
                app.notify('info', 'It was already back in the notebook.');
            })
          }
        >
          Restore
        </button>
        <button
          type="button"
          class="danger-text"
          onClick={() => void run(() => app.sync.trash.deleteForever(props.row.name))}
        >
          Delete forever
        </button>
      </div>
    </article>
  );
}

export default function TrashPage() {
  const app = useApp();
  const [confirmEmpty, setConfirmEmpty] = createSignal(false);
  const rows = () => app.sync.trashList();
  return (
    <>
      <div class="page-heading">
        <h2 class="page-title">Trash</h2>
        <Show when={rows().length > 0}>
          <button type="button" class="danger-text" onClick={() => setConfirmEmpty(true)}>
            Empty trash
          </button>
        </Show>
      </div>
      <p class="page-hint">Memos stay here for 30 days, then they are deleted for good.</p>
      <Show when={rows().length > 0} fallback={<p class="empty">The Trash is empty.</p>}>
        <div class="memo-list">
          <For each={rows()}>{(row) => <TrashCard row={row} />}</For>
        </div>
      </Show>
      <Show when={confirmEmpty()}>
        <ConfirmDialog
          title="Empty the Trash?"
          body={`The ${rows().length} memo${rows().length === 1 ? '' : 's'} in the Trash will be deleted from this device for good. This cannot be undone.`}
          confirmLabel="Empty trash"
          onCancel={() => setConfirmEmpty(false)}
          onConfirm={() => {
            setConfirmEmpty(false);
            void app.sync.trash
              .empty()
              .catch((failure: unknown) => app.notify('error', describeSaveError(failure)));
          }}
        />
      </Show>
    </>
  );
}
