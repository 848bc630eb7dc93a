/**
 * One memo as an `article`: rendered Markdown (sanitised), its metadata, and the actions
 * "Edit", "Pin"/"Unpin", "Archive"/"Restore" and "Delete" (confirmed in a dialog).
 * Clicking a #tag filters the timeline; ticking a task checkbox updates the memo.
 */
import { A, useNavigate } from '@solidjs/router';
import { createEffect, createMemo, createSignal, Show } from 'solid-js';
import { type LocalMemo, uidOf } from '../../sync';
import { highlightTerms } from '../markdown/highlight';
import { renderMemoHtml } from '../markdown/render';
import { useApp } from '../state/app-context';
import { describeSaveError } from '../state/save-errors';
import { ConfirmDialog } from './ConfirmDialog';
import { MemoEditor } from './MemoEditor';
import { formatAbsolute, formatMemoTime } from './time';
import { visibilityLabel } from './VisibilitySelect';

export function MemoCard(props: { memo: LocalMemo; highlight?: readonly string[]; reason?: string }) {
  const app = useApp();
  const navigate = useNavigate();
  const [editing, setEditing] = createSignal(false);
  const [confirmingDelete, setConfirmingDelete] = createSignal(false);
  const html = createMemo(() => renderMemoHtml(props.memo.content));
  let body: HTMLDivElement | undefined;

  createEffect(() => {
    const rendered = html();
    const terms = props.highlight;
    if (!body || editing()) return;
    body.innerHTML = rendered;
    if (terms && terms.length > 0) highlightTerms(body, terms);
  });

  async function run(action: () => Promise<unknown>) {
    try {
      await action();
    } catch (failure) {
      app.notify('error', describeSaveError(failure));
    }
  }

  const notebook = () => app.services.notebook;
  const name = () => props.memo.name;

  function onBodyClick(event: MouseEvent) {
    const target = event.target as HTMLElement;
    const tagButton = target.closest<HTMLElement>('button.memo-tag');
    if (tagButton?.dataset.tag) {
      event.preventDefault();
      navigate(`/?tag=${encodeURIComponent(tagButton.dataset.tag)}`);
    }
  }

  function onBodyChange(event: Event) {
    const input = event.target as HTMLInputElement;
    if (!input.matches('input.memo-task')) return;
    const index = Number(input.dataset.taskIndex);
    if (Number.isInteger(index)) void run(() => notebook().setTask(name(), index, input.checked));
  }

  return (
    <article
      class="memo"
      classList={{ pinned: props.memo.pinned, archived: props.memo.state === 'ARCHIVED' }}
    >
      <header class="memo-meta">
        <A
          class="memo-open"
          href={`/memo/${uidOf(props.memo.name)}`}
          title={`Open (${formatAbsolute(props.memo.createTime)})`}
        >
          <time datetime={new Date(props.memo.createTime).toISOString()}>
            {formatMemoTime(props.memo.createTime, Date.now())}
          </time>
        </A>
        <span class="badge">{visibilityLabel(props.memo.visibility)}</span>
        <Show when={props.memo.pinned}>
          <span class="badge pin-badge">Pinned</span>
        </Show>
        <Show when={props.reason}>
          <span class="badge reason">{props.reason}</span>
        </Show>
      </header>
      <Show when={!editing()} fallback={<MemoEditor memo={props.memo} onDone={() => setEditing(false)} />}>
        <div
          class="memo-body markdown"
          ref={(element) => {
            body = element;
            // Delegation for the tag buttons and task checkboxes rendered inside (each is keyboard accessible).
            element.addEventListener('click', onBodyClick);
            element.addEventListener('change', onBodyChange);
          }}
        />
      </Show>
      <Show when={props.memo.syncIssue}>
        {(issue) => (
          <p class="sync-issue" role="note">
            {`Not synced: ${issue().message}`}
          </p>
        )}
      </Show>
      <Show when={!editing()}>
        <div class="memo-actions">
          <button type="button" onClick={() => setEditing(true)}>
            Edit
          </button>
          <button
            type="button"
            onClick={() => void run(() => notebook().update(name(), { pinned: !props.memo.pinned }))}
          >
            {props.memo.pinned ? 'Unpin' : 'Pin'}
          </button>
          <button
            type="button"
            onClick={() =>
              void run(() =>
                notebook().update(name(), { state: props.memo.state === 'ARCHIVED' ? 'NORMAL' : 'ARCHIVED' }),
              )
            }
          >
            {props.memo.state === 'ARCHIVED' ? 'Restore' : 'Archive'}
          </button>
          <button type="button" class="danger-text" onClick={() => setConfirmingDelete(true)}>
            Delete
          </button>
        </div>
      </Show>
      <Show when={confirmingDelete()}>
        <ConfirmDialog
          title="Delete this memo?"
          body="It moves to the Trash on this device, where you can restore it for 30 days, and is deleted from your Memos server at the next sync. Archive it instead to keep it out of the way."
          confirmLabel="Delete"
          onCancel={() => setConfirmingDelete(false)}
          onConfirm={() => {
            setConfirmingDelete(false);
            void run(async () => {
              await notebook().remove(name());
              app.notify('info', 'Moved to the Trash.');
            });
          }}
        />
      </Show>
    </article>
  );
}
