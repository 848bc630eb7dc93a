/**
 * When the index is saved: after `delayMs` without further changes, but never later than
 * `maxDelayMs` after the first unsaved change (a steady trickle of edits still gets
 * saved). Only while enabled (the leading tab); changes are remembered while disabled.
 * Time is injected. A failed save gives its change back (`undo`) so the next one retries.
 * Saves rewrite the whole index (18 MB at 10,000 memos), so they are kept to a small share
 * of the time: after a save that took S ms, the next starts no sooner than `spacing` × S
 * after it ended (during a first embedding, saves every 15 s would otherwise take CPU and
 * IndexedDB away from embedding and from the UI). Nothing is lost meanwhile: the embeddings
 * are stored, and a reopened index catches up from them.
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
  /** A save just ended after taking `ms`: spaces the next one (see the header). */
  done(ms: number): void;
  reset(): void;
}

export function createSaveScheduler(options: {
  timers: Timers;
  now: () => number;
  delayMs: number;
  maxDelayMs: number;
  /** a save taking S ms is followed by at least spacing × S ms without one (default 50: ≤ 2%) */
  spacing?: number;
  save: () => void;
}): SaveScheduler {
  const { timers } = options;
  const spacing = options.spacing ?? 50;
  let dirtySince: number | undefined;
  let timer: unknown;
  let enabled = false;
  let lastSaveMs = 0;
  let lastSaveEnd = Number.NEGATIVE_INFINITY;

  function cancel(): void {
    if (timer !== undefined) timers.clearTimeout(timer);
    timer = undefined;
  }
  function schedule(): void {
    if (!enabled || dirtySince === undefined) return;
    const now = options.now();
    const rest = lastSaveMs * spacing;
    const overdue = now - dirtySince >= Math.max(options.maxDelayMs, rest);
    if (timer !== undefined && overdue) return; // keep the pending deadline
    cancel();
    timer = timers.setTimeout(
      () => {
        timer = undefined;
        options.save();
      },
      Math.max(options.delayMs, lastSaveEnd + rest - now),
    );
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
    done(ms) {
      lastSaveMs = Math.max(0, ms);
      lastSaveEnd = options.now();
    },
    reset() {
      cancel();
      dirtySince = undefined;
    },
  };
}
