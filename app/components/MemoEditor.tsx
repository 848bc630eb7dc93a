/**
 * Inline editor for one memo: textbox "Edit memo", visibility, "Save" (or Ctrl/Cmd+Enter)
 * and "Cancel" (or Esc). The edit draft is persisted per memo so a reload or an app
 * update never loses it.
 */
import { createSignal, onMount, Show } from 'solid-js';
import { checkContent, describeTooLong, type LocalMemo, type Visibility } from '../../sync';
import { useApp } from '../state/app-context';
import { clearDraft, loadDraft, saveDraft } from '../state/drafts';
import { describeSaveError } from '../state/save-errors';
import { VisibilitySelect } from './VisibilitySelect';

export function MemoEditor(props: { memo: LocalMemo; onDone: () => void }) {
  const app = useApp();
  const draftKey = `edit:${props.memo.name}`;
  const [text, setText] = createSignal(loadDraft(draftKey) || props.memo.content);
  const [visibility, setVisibility] = createSignal<Visibility>(props.memo.visibility);
  const [error, setError] = createSignal('');
  let textarea: HTMLTextAreaElement | undefined;
  onMount(() => {
    textarea?.focus();
    textarea?.setSelectionRange(textarea.value.length, textarea.value.length);
  });

  async function save() {
    const check = checkContent(text());
    if (!check.ok) {
      setError(check.reason === 'empty' ? 'A memo cannot be empty.' : describeTooLong(check.bytes));
      return;
    }
    try {
      await app.services.notebook.update(props.memo.name, { content: text(), visibility: visibility() });
      clearDraft(draftKey);
      props.onDone();
    } catch (failure) {
      setError(describeSaveError(failure));
    }
  }

  function cancel() {
    clearDraft(draftKey);
    props.onDone();
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
        rows={Math.min(16, Math.max(4, text().split('\n').length + 1))}
        value={text()}
        onInput={(event) => {
          setText(event.currentTarget.value);
          saveDraft(draftKey, event.currentTarget.value);
        }}
        onKeyDown={(event) => {
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
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <div class="editor-actions">
        <VisibilitySelect value={visibility()} onChange={setVisibility} />
        <button type="button" onClick={cancel}>
          Cancel
        </button>
        <button type="submit" class="primary" disabled={text().trim() === ''}>
          Save
        </button>
      </div>
    </form>
  );
}
