/**
 * When the index is saved: after `delayMs` without further changes, but never later than
 * `maxDelayMs` after the first unsaved change (a steady trickle of edits still gets
 * saved). Only while enabled (the leading tab); changes are remembered while disabled.
 * Time is injected. A failed save gives its change back (`undo`) so the next one retries.
 */

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface SaveScheduler {
  markDirty(): void;
  setEnabled(enabled: boolean): void;
  readonly enabled: boolean;
  /** Claims the unsaved change for a save; undefined when there is none. */
  take(): { undo(): void } | undefined;
  /** Drops the pending timer (a save is about to run now). */
  cancel(): void;
  reset(): void;
}

export function createSaveScheduler(options: {
  timers: Timers;
  now: () => number;
  delayMs: number;
  maxDelayMs: number;
  save: () => void;
}): SaveScheduler {
  const { timers } = options;
  let dirtySince: number | undefined;
  let timer: unknown;
  let enabled = false;

  function cancel(): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  }
  function schedule(): void {
    if (!enabled || dirtySince === undefined) return;
    const overdue = options.now() - dirtySince >= options.maxDelayMs;
    if (timer !== undefined && overdue) return; // keep the pending deadline
    cancel();
    timer = timers.setTimeout(() => {
      timer = undefined;
      options.save();
    }, options.delayMs);
  }

  return {
    markDirty() {
      dirtySince ??= options.now();
      schedule();
    },
    setEnabled(value) {
      enabled = value;
      if (value) schedule();
      else cancel();
    },
    get enabled() {
      return enabled;
    },
    take() {
      if (dirtySince === undefined) return undefined;
      const since = dirtySince;
      dirtySince = undefined;
      return {
        undo() {
          dirtySince = Math.min(dirtySince ?? since, since);
        },
      };
    },
    cancel,
    reset() {
      cancel();
      dirtySince = undefined;
    },
  };
}
