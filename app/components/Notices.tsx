/** Transient notices (errors stay until dismissed; info fades). */
import { For } from 'solid-js';
import { useApp } from '../state/app-context';

export function Notices() {
  const app = useApp();
  return (
    <div class="notices">
      <For each={app.notices()}>
        {(notice) => (
          <div class={`notice ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'}>
            <span>{notice.text}</span>
            <button type="button" aria-label="Dismiss" onClick={() => app.dismiss(notice.id)}>
              ×
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
