/**
 * Notices after an action: at most one short notice (shown in a `status` region) and one
 * error (an `alert`); a new one replaces the one before. A notice may offer "Undo"; it then
 * stays at least UNDO_MS (longer than the 5 s the app promises). Errors stay until
 * dismissed. While the user hovers or focuses a notice its timer is held, and it starts
 * again (in full) when they leave. Timers are injected so this is testable without a DOM.
 */
import { type Accessor, createSignal } from 'solid-js';

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
  /** Reverses the action the notice reports, through the normal edit path. */
  undo?: () => Promise<unknown>;
}

export interface NoticeOptions {
  undo?: () => Promise<unknown>;
}

export interface Notices {
  /** The short notice (role "status"), if any. */
  current: Accessor<Notice | undefined>;
  /** The standing error (role "alert"), if any. */
  error: Accessor<Notice | undefined>;
  show(kind: Notice['kind'], text: string, options?: NoticeOptions): void;
  dismiss(id: number): void;
  /** Holds (true) or restarts (false) the short notice's timer. */
  hold(held: boolean): void;
}

export const INFO_MS = 5_000;
export const UNDO_MS = 8_000;

export interface NoticeTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export function createNotices(timers: NoticeTimers): Notices {
  const [current, setCurrent] = createSignal<Notice>();
  const [error, setError] = createSignal<Notice>();
  let nextId = 1;
  let timer: unknown;

  const stopTimer = () => {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  };
  const startTimer = () => {
    stopTimer();
    const notice = current();
    if (!notice) return;
    timer = timers.setTimeout(
      () => {
        timer = undefined;
        if (current()?.id === notice.id) setCurrent(undefined);
      },
      notice.undo ? UNDO_MS : INFO_MS,
    );
  };

  return {
    current,
    error,
    show(kind, text, options = {}) {
      const notice: Notice = { id: nextId++, kind, text, ...(options.undo ? { undo: options.undo } : {}) };
      if (kind === 'error') {
        setError(notice);
        return;
      }
      setCurrent(notice);
      startTimer();
    },
    dismiss(id) {
      if (current()?.id === id) {
        stopTimer();
        setCurrent(undefined);
      }
      if (error()?.id === id) setError(undefined);
    },
    hold(held) {
      if (held) stopTimer();
      else startTimer();
    },
  };
}
