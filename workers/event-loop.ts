/**
 * Giving way inside a worker: long synchronous work (model runs, index inserts) is cut into
 * pieces separated by one trip through the event loop, so a message that arrived meanwhile
 * (a search the user waits for) is read between two pieces.
 */

/**
 * One trip through the event loop (a new task, not a microtask), so messages that arrived
 * meanwhile are read first. Not `scheduler.yield()`: its continuation is meant to run
 * before other waiting tasks, which is the opposite of what is needed here.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export interface Budget {
  /** Gives way if the current piece has run `budgetMs` or longer; starts a new piece then. */
  maybeYield(): Promise<void>;
}

/** Pieces of at most about `budgetMs` on the clock `now`, separated by `yieldNow`. */
export function createBudget(
  budgetMs: number,
  now: () => number,
  yieldNow: () => Promise<void> = yieldToEventLoop,
): Budget {
  let started = now();
  return {
    async maybeYield() {
      if (now() - started < budgetMs) return;
      await yieldNow();
      started = now();
    },
  };
}
