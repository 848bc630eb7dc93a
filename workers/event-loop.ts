/**
 * Giving way inside a worker: long synchronous work (model runs, index inserts) is cut into
 * pieces separated by one trip through the event loop, so a message that arrived meanwhile
 * (a search the user waits for) is read between two pieces.
 */

/**
 * One trip through the event loop (a new task, not a microtask), so messages that arrived
 * meanwhile are read first. Not `setTimeout(0)`: a browser clamps nested timeouts to 4 ms and
 * Node to 1 ms, idle time paid on every run of the model and every slice of index inserts
 * (an embedding thread of the home server lost that millisecond per window). Not
 * `scheduler.yield()`: its continuation is meant to run before other waiting tasks, which
 * is the opposite of what is needed here. Node: `setImmediate` (after pending I/O and
 * messages); browsers: a message to a MessageChannel of our own.
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel !== 'function') return new Promise((resolve) => setTimeout(resolve, 0));
  return new Promise((resolve) => {
    waiting.push(resolve);
    ownChannel().port2.postMessage(undefined);
  });
}

const waiting: Array<() => void> = [];
let channel: MessageChannel | undefined;

function ownChannel(): MessageChannel {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  return channel;
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
