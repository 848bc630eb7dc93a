/** The "Reload to update" prompt shown when a new app version is waiting. */
import { Show } from 'solid-js';
import type { ServiceWorkerControl } from '../pwa/register';

export function UpdatePrompt(props: { update: ServiceWorkerControl | undefined }) {
  return (
    <Show when={props.update}>
      {(update) => (
        <div class="update-prompt" role="alert">
          <span>A new version of Memos Offline is ready. Your drafts are kept.</span>
          <button type="button" class="primary" onClick={() => update().applyUpdate()}>
            Reload to update
          </button>
        </div>
      )}
    </Show>
  );
}
