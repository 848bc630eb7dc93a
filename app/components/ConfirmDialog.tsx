/**
 * A modal confirmation in a native <dialog> (role "dialog", focus trapped, Esc cancels).
 * The confirm button's label is the action's name, e.g. "Delete". Invariant: when it
 * closes, focus returns to the control that had it when the dialog opened (if it is still
 * on the page).
 */
import { createUniqueId, onCleanup, onMount } from 'solid-js';

export function ConfirmDialog(props: {
  title: string;
  body: string;
  confirmLabel: string;
  /** Styles the confirm button as destructive (default true). */
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  let dialog: HTMLDialogElement | undefined;
  const titleId = createUniqueId();
  const bodyId = createUniqueId();
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  onMount(() => dialog?.showModal());
  onCleanup(() => {
    dialog?.close();
    if (opener?.isConnected) opener.focus();
  });
  return (
    <dialog
      ref={dialog}
      class="confirm-dialog"
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      onCancel={(event) => {
        event.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id={titleId}>{props.title}</h2>
      <p id={bodyId}>{props.body}</p>
      <div class="dialog-actions">
        <button type="button" onClick={() => props.onCancel()}>
          Cancel
        </button>
        <button
          type="button"
          class={props.danger === false ? 'primary' : 'danger'}
          onClick={() => props.onConfirm()}
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
