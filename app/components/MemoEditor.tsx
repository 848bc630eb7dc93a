/**
 * Inline editor for one memo: textbox "Edit memo" (growing with its text; `#` suggests
 * tags), visibility (only when a server is connected), "Save" (or Ctrl/Cmd+Enter) and
 * "Cancel" (or Esc). A saved edit is reported with "Undo". The edit draft is persisted
 * per memo so a reload or an app update never loses it, together with the text the edit
 * started from.
 * Invariant: the user's text is never dropped. If the memo changed elsewhere meanwhile, the
 * save merges into it (or, when the changes overlap, asks); if the memo was deleted
 * elsewhere (on save, or while the editor was open), the text is saved as a new memo.
 */
import { createEffect, createSignal, onCleanup, onMount, Show, untrack } from 'solid-js';
import { checkContent, describeTooLong, type LocalMemo, type Visibility } from '../../sync';
import { useApp } from '../state/app-context';
import { clearDraft, loadDraft, saveDraft } from '../state/drafts';
import { memoActions } from '../state/memo-actions';
import { describeSaveError } from '../state/save-errors';
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
    if (!check.ok) {
      setError(check.reason === 'empty' ? 'A memo cannot be empty.' : describeTooLong(check.bytes));
      return;
    }
    try {
      const outcome = await app.services.notebook.saveEdit(
        name,
        { content: text(), visibility: visibility() },
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

  return (
    <form
      class="editor"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
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
      <div class="editor-actions">
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
        <button type="submit" class="primary" disabled={text().trim() === ''}>
          Save
        </button>
      </div>
    </form>
  );
}
