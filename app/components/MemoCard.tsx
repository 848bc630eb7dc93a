/**
 * One memo as an `article`: its time (a link that opens it), badges, the "More" menu
 * ("Edit", "Pin"/"Unpin", "Archive"/"Restore", "Delete", the last confirmed in a dialog)
 * and its rendered text (MemoBody). Every action reports itself with "Undo"
 * (memo-actions.ts). Focus: closing the menu, the editor or the dialog puts it back on
 * "More"; when the memo leaves the list (archived, deleted), on the next memo's "More".
 */
import { A, useNavigate } from '@solidjs/router';
import { createSignal, Show } from 'solid-js';
import { type LocalMemo, uidOf } from '../../sync';
import { useApp } from '../state/app-context';
import { memoActions } from '../state/memo-actions';
import { AttachmentGallery } from './AttachmentGallery';
import { ConfirmDialog } from './ConfirmDialog';
import { MemoBody } from './MemoBody';
import { MemoEditor } from './MemoEditor';
import { MemoMenu } from './MemoMenu';
import { formatAbsolute, formatMemoTime, formatTimeInDay } from './time';
import { visibilityLabel } from './VisibilitySelect';

/** The "More" button of the memo after (or else before) `article`, for focus to land on. */
function neighbourMore(article: HTMLElement | undefined): HTMLElement | undefined {
  if (!article) return undefined;
  const buttons = [...document.querySelectorAll<HTMLElement>('article.memo .memo-more')];
  const own = article.querySelector<HTMLElement>('.memo-more');
  const index = own ? buttons.indexOf(own) : -1;
  return index < 0 ? undefined : (buttons[index + 1] ?? buttons[index - 1]);
}

export function MemoCard(props: {
  memo: LocalMemo;
  highlight?: readonly string[];
  reason?: string;
  /** `in-day`: under a day heading, so only the time of day is shown. */
  timeMode?: 'relative' | 'in-day';
  /** Long memos fold (false on the memo's own page). */
  fold?: boolean;
  /** Hide the "Pinned" badge (under the "Pinned" heading it says nothing new). */
  pinnedHeading?: boolean;
}) {
  const app = useApp();
  const navigate = useNavigate();
  const actions = memoActions(app);
  const [editing, setEditing] = createSignal(false);
  const [confirmingDelete, setConfirmingDelete] = createSignal(false);
  let article: HTMLElement | undefined;
  let more: HTMLButtonElement | undefined;
  const href = () => `/memo/${uidOf(props.memo.name)}`;
  const archived = () => props.memo.state === 'ARCHIVED';

  /** Runs an action, then puts lost focus back on "More" or, if the memo left, its neighbour. */
  async function keepingFocus(work: () => Promise<void>) {
    const neighbour = neighbourMore(article);
    await work();
    requestAnimationFrame(() => {
      const active = document.activeElement;
      if (active && active !== document.body && active.isConnected) return;
      if (more?.isConnected) more.focus();
      else (neighbour?.isConnected ? neighbour : document.getElementById('content'))?.focus();
    });
  }

  const time = () =>
    props.timeMode === 'in-day'
      ? formatTimeInDay(props.memo.createTime, Date.now())
      : formatMemoTime(props.memo.createTime, Date.now());
  const badge = () =>
    app.sync.connection() && props.memo.visibility !== 'PRIVATE'
      ? visibilityLabel(props.memo.visibility)
      : '';

  return (
    <article
      ref={article}
      class="memo"
      classList={{ pinned: props.memo.pinned, archived: archived(), editing: editing() }}
    >
      <header class="memo-meta">
        <A class="memo-open" href={href()} title={`Open (${formatAbsolute(props.memo.createTime)})`}>
          <time datetime={new Date(props.memo.createTime).toISOString()}>{time()}</time>
        </A>
        <Show when={props.memo.pinned && !props.pinnedHeading}>
          <span class="badge pin-badge">Pinned</span>
        </Show>
        <Show when={badge()}>
          <span class="badge">{badge()}</span>
        </Show>
        <Show when={props.reason}>
          <span class="badge reason">{props.reason}</span>
        </Show>
        <MemoMenu
          buttonRef={(button) => {
            more = button;
          }}
          items={[
            { label: 'Edit', run: () => setEditing(true) },
            {
              label: props.memo.pinned ? 'Unpin' : 'Pin',
              run: () => void keepingFocus(() => actions.togglePin(props.memo)),
            },
            {
              label: archived() ? 'Restore' : 'Archive',
              run: () => void keepingFocus(() => actions.toggleArchive(props.memo)),
            },
            { label: 'Delete', danger: true, run: () => setConfirmingDelete(true) },
          ]}
        />
      </header>
      <Show
        when={!editing()}
        fallback={
          <MemoEditor
            memo={props.memo}
            onDone={() => {
              setEditing(false);
              more?.focus();
            }}
          />
        }
      >
        <MemoBody
          content={props.memo.content}
          highlight={props.highlight}
          fold={props.fold ?? true}
          onTag={(tag) => navigate(`/?tag=${encodeURIComponent(tag)}`)}
          onTask={(index, checked) => void actions.setTask(props.memo, index, checked)}
          onOpen={props.fold === false ? undefined : () => navigate(href())}
        />
        <AttachmentGallery names={props.memo.attachments} />
      </Show>
      <Show when={props.memo.syncIssue}>
        {(issue) => (
          <p class="sync-issue" role="note">
            {`Not synced: ${issue().message}`}
          </p>
        )}
      </Show>
      <Show when={confirmingDelete()}>
        <ConfirmDialog
          title="Delete this memo?"
          body="It moves to the Trash on this device, where you can restore it for 30 days, and is deleted from your Memos server at the next sync. Archive it instead to keep it out of the way."
          confirmLabel="Delete"
          onCancel={() => setConfirmingDelete(false)}
          onConfirm={() => {
            setConfirmingDelete(false);
            void keepingFocus(() => actions.remove(props.memo));
          }}
        />
      </Show>
    </article>
  );
}
