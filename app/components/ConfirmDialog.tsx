/**
 * A modal confirmation in a native <dialog> (role "dialog", focus trapped, Esc cancels).
 * The confirm button's label is the action's name, e.g. "Delete".
 */
import { createUniqueId, onMount } from 'solid-js';

export function ConfirmDialog(props: {
  title: string;
  body: string;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  let dialog: HTMLDialogElement | undefined;
  const titleId = createUniqueId();
  onMount(() => dialog?.showModal());
  return (
    <dialog
      ref={dialog}
      class="confirm-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      <p>{props.body}</p>
      <div class="dialog-actions">
        <button type="button" onClick={() => props.onCancel()}>
          Cancel
        </button>
        <button type="button" class="danger" onClick={() => props.onConfirm()}>
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
