/**
 * A picture attachment shown large in a modal dialog: the original when it can be had (from
 * this device or the server), else the thumbnail; "Download" saves the original; Esc or
 * "Close" returns focus to the thumbnail that opened it.
 */
import { createResource, createUniqueId, onCleanup, onMount, Show } from 'solid-js';
import { downloadFile } from '../state/attachment-files';
import type { AttachmentView } from '../state/attachment-view';
import { useOpenOriginal } from './AttachmentGallery';

export function AttachmentViewer(props: { view: AttachmentView; onClose: () => void }) {
  let dialog: HTMLDialogElement | undefined;
  const titleId = createUniqueId();
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  const open = useOpenOriginal();
  const [original] = createResource(async () => {
    const bytes = await open(props.view);
    return bytes
      ? { bytes, url: URL.createObjectURL(new Blob([bytes], { type: props.view.type })) }
      : undefined;
  });
  onMount(() => dialog?.showModal());
  onCleanup(() => {
    const url = original()?.url;
    if (url) URL.revokeObjectURL(url);
    dialog?.close();
    if (opener?.isConnected) opener.focus();
  });
  return (
    <dialog
      ref={dialog}
      class="attachment-viewer"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <h2 id={titleId}>{props.view.filename}</h2>
      <img src={original()?.url ?? props.view.picture} alt={props.view.filename} />
      <div class="dialog-actions">
        <Show when={original()}>
          {(loaded) => (
            <button type="button" onClick={() => downloadFile(props.view.filename, loaded().bytes)}>
              Download
            </button>
          )}
        </Show>
        <button type="button" class="primary" onClick={() => props.onClose()}>
          Close
        </button>
      </div>
    </dialog>
  );
}
