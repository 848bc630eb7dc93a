/**
 * The capture box: a textbox "New memo" and "Save" (also Ctrl/Cmd+Enter). One line until
 * it is focused or holds text, then it grows with its content and shows the visibility
 * (only when a server is connected). `#` suggests existing tags. "Attach" (or a paste or a
 * drop, or files shared from another app) adds files [F1]; a photo alone is a memo. The
 * draft is persisted on every keystroke and cleared only after the memo is committed. Save
 * shows the memo's card at once and empties the box for the next one while the write
 * commits; a rejected save (too long, a file too large, storage full) keeps the text (or
 * puts it back) and says why.
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
  /** Attached files are being read and scaled before the save (the box waits). */
  const [preparing, setPreparing] = createSignal(false);
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

  /**
   * Saves the box as a new memo. The card shows at once (provisional) and the box empties
   * then, ready for the next memo, while the write commits; the stored draft is cleared
   * only after the commit (and only if nothing new was typed). A failed write puts the
   * text and files back in the box (before anything typed since) and says why.
   */
  async function save() {
    if (isEmpty() || preparing()) return;
    const tooLong = overLimit();
    if (tooLong > 0) {
      setError(describeTooLong(tooLong));
      return;
    }
    const attached = files();
    // A text-only capture stays synchronous up to its provisional card (no await before it).
    const refusal =
      attached.length > 0 ? await whyFilesCannotBeStored(attached.map((p) => p.file)) : undefined;
    if (refusal) {
      setError(refusal);
      return;
    }
    let content = text();
    let takeBack: (() => void) | undefined;
    const takeBackPreviews: Array<() => void> = [];
    let handedOver = false;
    try {
      let prepared: Awaited<ReturnType<typeof prepareFiles>> = [];
      if (attached.length > 0) {
        setPreparing(true);
        try {
          prepared = await prepareFiles(attached);
        } finally {
          setPreparing(false);
        }
        // What was typed while the files were being prepared is part of this memo.
        content = text();
      }
      await app.services.notebook.create(
        { content, visibility: visibility(), ...(prepared.length > 0 ? { files: prepared } : {}) },
        // Shown at once; the committed row replaces it (or it goes again if the save fails).
        (memo, stored) => {
          for (const { name, file } of stored) takeBackPreviews.push(app.attachments.preview(name, file));
          takeBack = app.view.provisional(memo);
          handedOver = true;
          setText('');
          setFiles([]);
          setError('');
          suggest.close();
        },
      );
      takeBack = undefined;
      releasePending(attached);
      // Only the saved text's draft: a newer draft typed meanwhile stays.
      if (text() === '' && loadDraft(DRAFT_KEY) === content) clearDraft(DRAFT_KEY);
      void requestPersistenceOnce();
    } catch (failure) {
      takeBack?.();
      for (const undo of takeBackPreviews) undo();
      if (handedOver) giveBack(content, attached);
      setError(describeSaveError(failure));
    }
  }

  /** A failed save's text and files return to the box, ahead of anything typed since. */
  function giveBack(content: string, attached: readonly PendingFile[]) {
    const typed = text();
    update(typed.trim() === '' ? content : `${content}\n\n${typed}`);
    setFiles((current) => [...attached, ...current]);
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
        <button type="submit" class="primary" disabled={isEmpty() || preparing()}>
          Save
        </button>
      </div>
    </form>
  );
}
