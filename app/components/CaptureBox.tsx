/**
 * The capture box: a textbox "New memo" and "Save" (also Ctrl/Cmd+Enter). One line until
 * it is focused or holds text, then it grows with its content and shows the visibility
 * (only when a server is connected). `#` suggests existing tags. "Attach" (or a paste or a
 * drop, or files shared from another app) adds files [F1]; a photo alone is a memo. The
 * draft is persisted on every keystroke and cleared only after the memo is committed; a
 * rejected save (too long, a file too large, storage full) keeps it and says why.
 */
import { useLocation } from '@solidjs/router';
import { createEffect, createSignal, onCleanup, onMount, Show } from 'solid-js';
import { checkContent, describeTooLong, type Visibility } from '../../sync';
import { useApp } from '../state/app-context';
import { prepareFiles, whyFilesCannotBeStored } from '../state/attachment-files';
import { touchScreen } from '../state/device';
import { clearDraft, loadDraft, saveDraft } from '../state/drafts';
import { requestPersistenceOnce } from '../state/persistence';
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

/** The capture box's draft (the share target fills it too). */
export const CAPTURE_DRAFT_KEY = 'new';
/** Navigation state that asks the capture box to take the focus (after a share). */
export const FOCUS_CAPTURE = 'focusCapture';
const DRAFT_KEY = CAPTURE_DRAFT_KEY;
const VISIBILITY_KEY = 'new-visibility';
const MAX_HEIGHT_PX = 360;

function loadVisibility(): Visibility {
  const stored = loadDraft(VISIBILITY_KEY);
  return stored === 'PROTECTED' || stored === 'PUBLIC' ? stored : 'PRIVATE';
}

export function CaptureBox() {
  const app = useApp();
  const touch = touchScreen();
  const [text, setText] = createSignal(loadDraft(DRAFT_KEY));
  const [visibility, setVisibility] = createSignal<Visibility>(loadVisibility());
  const [error, setError] = createSignal('');
  const [saving, setSaving] = createSignal(false);
  const [focused, setFocused] = createSignal(false);
  const [files, setFiles] = createSignal<readonly PendingFile[]>([]);
  const location = useLocation<Record<string, unknown>>();
  let textarea: HTMLTextAreaElement | undefined;
  const expanded = () => focused() || text() !== '' || files().length > 0;
  const suggest = createTagSuggest({ textarea: () => textarea, onInsert: (value) => update(value) });

  onMount(() => {
    if (location.state?.[FOCUS_CAPTURE] === true) textarea?.focus();
  });
  // Files shared from another app (the share target) land here once.
  createEffect(() => {
    const shared = app.sharedFiles();
    if (shared.length === 0) return;
    app.setSharedFiles([]);
    addFiles([...shared]);
  });
  onCleanup(() => releasePending(files()));

  function addFiles(added: File[]) {
    setFiles((current) => [...current, ...pendingFrom(added)]);
    setError('');
  }
  createEffect(() => {
    text();
    if (!textarea) return;
    if (expanded()) fitHeight(textarea, MAX_HEIGHT_PX);
    else textarea.style.height = '';
  });

  const isEmpty = () => text().trim() === '' && files().length === 0;
  const overLimit = () => {
    const check = checkContent(text());
    return !check.ok && check.reason === 'too-long' ? check.bytes : 0;
  };

  function update(value: string) {
    setText(value);
    saveDraft(DRAFT_KEY, value);
    if (error() && overLimit() === 0) setError('');
  }

  async function save() {
    if (isEmpty() || saving()) return;
    const tooLong = overLimit();
    if (tooLong > 0) {
      setError(describeTooLong(tooLong));
      return;
    }
    const attached = files();
    const refusal = await whyFilesCannotBeStored(attached.map((p) => p.file));
    if (refusal) {
      setError(refusal);
      return;
    }
    setSaving(true);
    let takeBack: (() => void) | undefined;
    const takeBackPreviews: Array<() => void> = [];
    try {
      const files = attached.length > 0 ? await prepareFiles(attached) : [];
      await app.services.notebook.create(
        { content: text(), visibility: visibility(), ...(files.length > 0 ? { files } : {}) },
        // Shown at once; the committed row replaces it (or it goes again if the save fails).
        (memo, stored) => {
          for (const { name, file } of stored) takeBackPreviews.push(app.attachments.preview(name, file));
          takeBack = app.view.provisional(memo);
        },
      );
      takeBack = undefined;
      setText('');
      releasePending(attached);
      setFiles([]);
      clearDraft(DRAFT_KEY);
      setError('');
      suggest.close();
      void requestPersistenceOnce();
    } catch (failure) {
      takeBack?.();
      for (const undo of takeBackPreviews) undo();
      setError(describeSaveError(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form
      class="capture"
      classList={{ expanded: expanded() }}
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
      onFocusIn={() => setFocused(true)}
      {...fileDropHandlers(addFiles)}
      onFocusOut={(event) => {
        const next = event.relatedTarget;
        if (!(next instanceof Node && event.currentTarget.contains(next))) setFocused(false);
      }}
    >
      <div class="capture-field">
        <textarea
          ref={textarea}
          aria-label="New memo"
          placeholder={touch() ? 'Any thoughts…' : 'Any thoughts…  (#tags, Markdown; Ctrl+Enter saves)'}
          rows={1}
          value={text()}
          {...suggest.inputProps()}
          onInput={(event) => {
            update(event.currentTarget.value);
            suggest.refresh();
          }}
          onClick={() => suggest.refresh()}
          onKeyUp={(event) => {
            if (event.key.startsWith('Arrow') || event.key === 'Home' || event.key === 'End')
              suggest.refresh();
          }}
          onBlur={() => suggest.close()}
          onKeyDown={(event) => {
            if (suggest.onKeyDown(event)) return;
            if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
              event.preventDefault();
              void save();
            }
          }}
        />
        {suggest.view}
      </div>
      <Show when={overLimit() > 0 && !error()}>
        <p class="hint warning">{`Too long: ${overLimit().toLocaleString('en-US')} of 8,192 bytes (8 KiB).`}</p>
      </Show>
      <Show when={error()}>
        <p class="error" role="alert">
          {error()}
        </p>
      </Show>
      <AttachList
        pending={files()}
        onRemovePending={(id) => setFiles((current) => withoutPending(current, id))}
      />
      <div class="capture-actions">
        <AttachButton onFiles={addFiles} />
        <Show when={expanded() && app.sync.connection()}>
          <VisibilitySelect
            value={visibility()}
            onChange={(value) => {
              setVisibility(value);
              saveDraft(VISIBILITY_KEY, value);
            }}
          />
        </Show>
        <button type="submit" class="primary" disabled={isEmpty() || saving()}>
          Save
        </button>
      </div>
    </form>
  );
}
