/**
 * [S3] When the server suddenly lacks many memos, the question whether to remove them
 * here too (they go to the Trash when the user agrees; "Keep them" uploads them again).
 * An `alert` at the top of the page until answered.
 */
import { Show } from 'solid-js';
import { useApp } from '../state/app-context';

export function HeldDeletions() {
  const sync = useApp().sync;
  const earlier = () => sync.removals().removedSince;
  return (
    <Show when={sync.removals().held}>
      {(deletions) => (
        <div class="held-deletions" role="alert">
          <p>
            {`The server no longer has ${deletions().names.length} of your ${deletions().localCount} memos${
              earlier() > 0 ? ` (and ${earlier()} more went to the Trash since you last checked)` : ''
            }. Was it restored from an old backup, or reinstalled? Remove them here too (they go to the Trash), or keep them and upload them again?`}
          </p>
          <div class="button-row">
            <button type="button" class="danger" onClick={() => void sync.controller.approveHeldDeletions()}>
              Delete them here too
            </button>
            <button type="button" onClick={() => void sync.controller.keepHeldMemos()}>
              Keep them
            </button>
          </div>
        </div>
      )}
    </Show>
  );
}
