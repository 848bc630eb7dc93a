/**
 * The capture box: a textbox "New memo", a visibility selector and "Save" (also
 * Ctrl/Cmd+Enter). The draft is persisted on every keystroke and cleared only after the
 * memo is committed; a rejected save (too long, storage full) keeps it and says why.
 */
import { useLocation } from '@solidjs/router';
import { createSignal, onMount, Show } from 'solid-js';
import { checkContent, describeTooLong, type Visibility } from '../../sync';
import { useApp } from '../state/app-context';
import { clearDraft, loadDraft, saveDraft } from '../state/drafts';
import { requestPersistenceOnce } from '../state/persistence';
import { describeSaveError } from '../state/save-errors';
import { VisibilitySelect } from './VisibilitySelect';

/** The capture box's draft (the share target fills it too). */
export const CAPTURE_DRAFT_KEY = 'new';
/** Navigation state that asks the capture box to take the focus (after a share). */
export const FOCUS_CAPTURE = 'focusCapture';
const DRAFT_KEY = CAPTURE_DRAFT_KEY;
const VISIBILITY_KEY = 'new-visibility';

function loadVisibility(): Visibility {
  const stored = loadDraft(VISIBILITY_KEY);
  return stored === 'PROTECTED' || stored === 'PUBLIC' ? stored : 'PRIVATE';
}

export function CaptureBox() {
  const app = useApp();
  const [text, setText] = createSignal(loadDraft(DRAFT_KEY));
  const [visibility, setVisibility] = createSignal<Visibility>(loadVisibility());
  const [error, setError] = createSignal('');
  const [saving, setSaving] = createSignal(false);
  const location = useLocation<Record<string, unknown>>();
  let textarea: HTMLTextAreaElement | undefined;
  onMount(() => {
    if (location.state?.[FOCUS_CAPTURE] === true) textarea?.focus();
  });
  const isEmpty = () => text().trim() === '';
  const overLimit = () => {
    const check = checkContent(text());
    return !check.ok && check.reason === 'too-long' ? check.bytes : 0;
  };

  async function save() {
    if (isEmpty() || saving()) return;
    const tooLong = overLimit();
    if (tooLong > 0) {
      setError(describeTooLong(tooLong));
      return;
    }
    setSaving(true);
    try {
      await app.services.notebook.create({ content: text(), visibility: visibility() });
      setText('');
      clearDraft(DRAFT_KEY);
      setError('');
      void requestPersistenceOnce();
    } catch (failure) {
      setError(describeSaveError(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form
      class="capture"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      <textarea
        ref={textarea}
        aria-label="New memo"
        placeholder="Any thoughts…  (#tags, Markdown; Ctrl+Enter to save)"
        rows={3}
        value={text()}
        onInput={(event) => {
          setText(event.currentTarget.value);
          saveDraft(DRAFT_KEY, event.currentTarget.value);
          if (error() && overLimit() === 0) setError('');
        }}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
            event.preventDefault();
            void save();
          }
        }}
      />
      <Show when={overLimit() > 0 && !error()}>
        <p class="hint warning">{`Too long: ${overLimit().toLocaleString('en-US')} of 8,192 bytes (8 KiB).`}</p>
      </Show>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <div class="capture-actions">
        <VisibilitySelect
          value={visibility()}
          onChange={(value) => {
            setVisibility(value);
            saveDraft(VISIBILITY_KEY, value);
          }}
        />
        <button type="submit" class="primary" disabled={isEmpty() || saving()}>
          Save
        </button>
      </div>
    </form>
  );
}
