/**
 * Where notices appear, at the bottom of the screen: a `status` region (always present,
 * so screen readers announce what lands in it) holding at most one short notice, with
 * "Undo" when the action can be reversed, and an `alert` for an error. Hovering or
 * focusing a notice holds its timer. After "Undo" the notice says "Undone." (or why not).
 */
import { Show } from 'solid-js';
import { type Notice, useApp } from '../state/app-context';
import { Icon } from './icons';

export function Toasts() {
  const app = useApp();
  const notices = app.notices;

  async function undo(notice: Notice) {
    const reverse = notice.undo;
    app.dismiss(notice.id);
    if (!reverse) return;
    // The Undo button is gone: keep keyboard users in the content, not at the page's start.
    document.getElementById('content')?.focus({ preventScroll: true });
    try {
      await reverse();
      app.notify('info', 'Undone.');
    } catch (failure) {
      app.notify('error', `Could not undo: ${failure instanceof Error ? failure.message : String(failure)}.`);
    }
  }

  return (
    <div class="toasts">
      <Show when={notices.error()}>
        {(notice) => (
          <div class="toast error" role="alert">
            <span class="toast-text">{notice().text}</span>
            <button
              type="button"
              class="icon-button"
              aria-label="Dismiss"
              onClick={() => app.dismiss(notice().id)}
            >
              <Icon name="close" />
            </button>
          </div>
        )}
      </Show>
      <div
        class="toast-region"
        role="status"
        aria-live="polite"
        onPointerEnter={() => notices.hold(true)}
        onPointerLeave={() => notices.hold(false)}
        onFocusIn={() => notices.hold(true)}
        onFocusOut={() => notices.hold(false)}
      >
        <Show when={notices.current()}>
          {(notice) => (
            <div class="toast">
              <span class="toast-text">{notice().text}</span>
              <Show when={notice().undo}>
                <button type="button" class="toast-undo" onClick={() => void undo(notice())}>
                  Undo
                </button>
              </Show>
              <button
                type="button"
                class="icon-button"
                aria-label="Dismiss"
                onClick={() => app.dismiss(notice().id)}
              >
                <Icon name="close" />
              </button>
            </div>
          )}
        </Show>
      </div>
    </div>
  );
}
