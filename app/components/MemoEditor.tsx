/**
 * Inline editor for one memo: textbox "Edit memo" (growing with its text; `#` suggests
 * tags), visibility (only when a server is connected), "Save" (or Ctrl/Cmd+Enter) and
 * "Cancel" (or Esc). Its attachments are listed, each with "Remove attachment {filename}",
 * and "Attach" (or a paste or a drop) adds files [F1]; a change made to the set elsewhere
 * meanwhile is merged, not undone [F2]. A saved edit is reported with "Undo". The edit draft is persisted
 * per memo so a reload or an app update never loses it, together with the text the edit
 * started from.
 * Invariant: the user's text is never dropped. If the memo changed elsewhere meanwhile, the
 * save merges into it (or, when the changes overlap, asks); if the memo was deleted
 * elsewhere (on save, or while the editor was open), the text is saved as a new memo.
 */
import { createEffect, createSignal, onCleanup, onMount, Show, untrack } from 'solid-js';
import {
  type AttachmentName,
  checkContent,
  describeTooLong,
  type LocalMemo,
  type Visibility,
} from '../../sync';
import { useApp } from '../state/app-context';
import { prepareFiles, whyFilesCannotBeStored } from '../state/attachment-files';
import { clearDraft, loadDraft, saveDraft } from '../state/drafts';
import { memoActions } from '../state/memo-actions';
import { describeSaveError } from '../state/save-errors';
import {
  AttachButton,
  AttachList,
  fileDropHandlers,
  type PendingFile,
  pendingFrom,
  releasePending,
  withoutPending,
} from './AttachPicker';
import { fitHeight } from './autosize';
import { createTagSuggest } from './TagSuggest';
import { VisibilitySelect } from './VisibilitySelect';

const MAX_HEIGHT_PX = 560;

export function MemoEditor(props: { memo: LocalMemo; onDone: () => void }) {
  const app = useApp();
  const name = untrack(() => props.memo.name);
  const draftKey = `edit:${name}`;
  const baseKey = `edit-base:${name}`;
  const [text, setText] = createSignal(loadDraft(draftKey) || untrack(() => props.memo.content));
  const [visibility, setVisibility] = createSignal<Visibility>(untrack(() => props.memo.visibility));
  const [error, setError] = createSignal('');
  const [overlap, setOverlap] = createSignal(false);
  /** The attachments the editor opened with, those it keeps, and new files. */
  const attachedFrom: readonly AttachmentName[] = untrack(() => props.memo.attachments);
  const [kept, setKept] = createSignal<readonly AttachmentName[]>(attachedFrom);
  const [added, setAdded] = createSignal<readonly PendingFile[]>([]);
  const attachmentsChanged = () => added().length > 0 || kept().length !== attachedFrom.length;
  /** The memo's text when this edit began (kept with the draft across reloads). */
  let editedFrom = loadDraft(baseKey) || untrack(() => props.memo.content);
  /** What "Undo" after the save goes back to. */
  const before = { content: editedFrom, visibility: untrack(() => props.memo.visibility) };
  let finished = false;

  function finish() {
    finished = true;
    clearDraft(draftKey);
    clearDraft(baseKey);
    props.onDone();
  }

  async function saveAsNew(reason: string) {
    await app.services.notebook.create({ content: text(), visibility: visibility() });
    finish();
    app.notify('info', reason);
  }

  // The memo vanished while the editor was open (deleted on another device and synced):
  // an unsaved edit becomes a new memo instead of disappearing with it.
  onCleanup(() => {
    if (finished || app.view.get(name) || text() === editedFrom || text().trim() === '') return;
    const content = text();
    finished = true;
    app.services.notebook
      .create({ content, visibility: visibility() })
      .then(() => {
        clearDraft(draftKey);
        clearDraft(baseKey);
        app.notify(
          'info',
          'A memo you were editing was deleted elsewhere; your edit was saved as a new memo.',
        );
      })
      .catch((failure: unknown) =>
        app.notify('error', `A memo you were editing was deleted elsewhere: ${describeSaveError(failure)}`),
      );
  });
  let textarea: HTMLTextAreaElement | undefined;
  const suggest = createTagSuggest({ textarea: () => textarea, onInsert: (value) => setDraft(value) });
  onMount(() => {
    textarea?.focus();
    textarea?.setSelectionRange(textarea.value.length, textarea.value.length);
  });
  createEffect(() => {
    text();
    if (textarea) fitHeight(textarea, MAX_HEIGHT_PX);
  });

  function setDraft(value: string) {
    setText(value);
    saveDraft(draftKey, value);
    saveDraft(baseKey, editedFrom);
  }

  async function save() {
    const check = checkContent(text());
    const hasFiles = kept().length + added().length > 0;
    if (!check.ok && !(check.reason === 'empty' && hasFiles)) {
      setError(check.reason === 'empty' ? 'A memo cannot be empty.' : describeTooLong(check.bytes));
      return;
    }
    const refusal = await whyFilesCannotBeStored(added().map((p) => p.file));
    if (refusal) {
      setError(refusal);
      return;
    }
    try {
      const attachments = attachmentsChanged()
        ? { from: attachedFrom, keep: kept(), add: await prepareFiles(added()) }
        : undefined;
      const outcome = await app.services.notebook.saveEdit(
        name,
        { content: text(), visibility: visibility(), ...(attachments ? { attachments } : {}) },
        editedFrom,
      );
      if (outcome.kind === 'saved') {
        finish();
        if (outcome.merged) app.notify('info', 'This memo had changed elsewhere; both edits were merged.');
        else if (outcome.memo.content !== before.content || outcome.memo.visibility !== before.visibility)
          memoActions(app).edited(name, before, outcome.memo.content);
      } else if (outcome.kind === 'gone') {
        await saveAsNew('This memo was deleted elsewhere; your edit was saved as a new memo.');
      } else {
        // Same places changed: the user decides. Saving again replaces the other version.
        editedFrom = outcome.current;
        saveDraft(baseKey, editedFrom);
        setOverlap(true);
        setError(
          'This memo was changed elsewhere in the same places while you were editing. Your text is still here: Save again to replace the other version, or save yours as a new memo.',
        );
      }
    } catch (failure) {
      setError(describeSaveError(failure));
    }
  }

  function cancel() {
    finish();
  }
  onCleanup(() => releasePending(added()));
  const addFiles = (files: File[]) => setAdded((current) => [...current, ...pendingFrom(files)]);

  return (
    <form
      class="editor"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
      {...fileDropHandlers(addFiles)}
    >
      <textarea
        ref={textarea}
        aria-label="Edit memo"
        rows={2}
        value={text()}
        {...suggest.inputProps()}
        onInput={(event) => {
          setDraft(event.currentTarget.value);
          suggest.refresh();
        }}
        onClick={() => suggest.refresh()}
        onBlur={() => suggest.close()}
        onKeyDown={(event) => {
          if (suggest.onKeyDown(event)) return;
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void save();
          } else if (event.key === 'Escape') {
            event.preventDefault();
            cancel();
          }
        }}
      >
        {/* The original text as the textarea's default content keeps the memo findable by its text while editing. */}
        {props.memo.content}
      </textarea>
      {suggest.view}
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <AttachList
        existing={kept()}
        pending={added()}
        onRemoveExisting={(gone) => setKept((current) => current.filter((a) => a !== gone))}
        onRemovePending={(id) => setAdded((current) => withoutPending(current, id))}
      />
      <div class="editor-actions">
        <AttachButton onFiles={addFiles} />
        <Show when={app.sync.connection()}>
          <VisibilitySelect value={visibility()} onChange={setVisibility} />
        </Show>
        <button type="button" onClick={cancel}>
          Cancel
        </button>
        <Show when={overlap()}>
          <button
            type="button"
            onClick={() =>
              void saveAsNew('Your version was saved as a new memo.').catch((failure: unknown) =>
                setError(describeSaveError(failure)),
              )
            }
          >
            Save as new memo
          </button>
        </Show>
        <button
          type="submit"
          class="primary"
          disabled={text().trim() === '' && kept().length + added().length === 0}
        >
          Save
        </button>
      </div>
    </form>
  );
}
