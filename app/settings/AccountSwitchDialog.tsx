/**
 * [A1] The question asked before a notebook meets another server or account: upload the
 * memos on this device to that account, or download an export of them and start that
 * account's notebook here (they wait in the Trash, on this device only), or cancel.
 * A modal native <dialog>; Esc cancels; focus returns to the control that opened it.
 */
import { createUniqueId, onMount } from 'solid-js';
import type { ServerIdentity } from '../../sync';

export type AccountSwitchAnswer = 'upload' | 'start-fresh' | 'cancel';

function where(identity: ServerIdentity): string {
  return `${identity.user} on ${identity.serverUrl || 'this app’s server'}`;
}

export function AccountSwitchDialog(props: {
  localCount: number;
  from: ServerIdentity;
  to: ServerIdentity;
  onAnswer: (answer: AccountSwitchAnswer) => void;
}) {
  let dialog: HTMLDialogElement | undefined;
  const titleId = createUniqueId();
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  const answer = (value: AccountSwitchAnswer) => {
    dialog?.close();
    opener?.focus();
    props.onAnswer(value);
  };
  const memos = () => `${props.localCount} memo${props.localCount === 1 ? '' : 's'}`;
  onMount(() => dialog?.showModal());
  return (
    <dialog
      ref={dialog}
      class="confirm-dialog"
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        answer('cancel');
      }}
    >
      <h2 id={titleId}>Connect another account?</h2>
      <p>{`This device holds ${memos()} of ${where(props.from)}. You are connecting ${where(props.to)}.`}</p>
      <ul class="plain-list">
        <li>Upload them: they become memos of the new account.</li>
        <li>
          Start fresh: first download an export of them; then they move to the Trash here (never uploaded) and
          the new account's memos are downloaded.
        </li>
      </ul>
      <div class="dialog-actions stacked">
        <button type="button" onClick={() => answer('cancel')}>
          Cancel
        </button>
        <button type="button" onClick={() => answer('start-fresh')}>
          Download an export and start fresh
        </button>
        <button type="button" class="primary" onClick={() => answer('upload')}>
          {`Upload ${memos()} to ${props.to.user}`}
        </button>
      </div>
    </dialog>
  );
}
