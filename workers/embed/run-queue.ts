/**
 * Who uses the model next. The ONNX session runs one call at a time, so every model run
 * (one padded batch of windows) goes through this queue, in two lanes: `query` (a search
 * the user is waiting for) and `documents` (background indexing). A document call is cut
 * into many small runs, so a query waits for at most the one run in progress, never for a
 * whole indexing batch.
 * Invariants: at most one job runs at a time; a waiting query job always starts before any
 * waiting document job; within a lane, jobs start in submission order; a failed job
 * rejects only its own promise.
 */

import { yieldToEventLoop } from '../event-loop';

export { yieldToEventLoop } from '../event-loop';

export type Lane = 'query' | 'documents';

export interface RunQueue {
  /** Runs `job` when the model is free and no job of a more urgent lane waits. */
  run<T>(lane: Lane, job: () => Promise<T>): Promise<T>;
  /** No document job starts before `until` (the queue's clock); queries are not held. */
  holdDocuments(until: number): void;
  /** Jobs waiting (not running) per lane. */
  readonly waiting: Readonly<Record<Lane, number>>;
}

export interface RunQueueOptions {
  yieldNow?: () => Promise<void>;
  now?: () => number;
}

interface Entry {
  start(): void;
}

export function createRunQueue(options: RunQueueOptions = {}): RunQueue {
  const yieldNow = options.yieldNow ?? yieldToEventLoop;
  const now = options.now ?? (() => performance.now());
  const lanes: Record<Lane, Entry[]> = { query: [], documents: [] };
  let busy = false;
  let heldUntil = Number.NEGATIVE_INFINITY;
  let wake: ReturnType<typeof setTimeout> | undefined;

  function start(): void {
    const entry = lanes.query.shift() ?? lanes.documents.shift();
    if (!entry) return;
    busy = true;
    entry.start();
  }

  function next(): void {
    if (busy) return;
    if (lanes.query.length > 0 || lanes.documents.length === 0) {
      start();
      return;
    }
    const held = heldUntil - now();
    if (held > 0) {
      if (wake === undefined) {
        wake = setTimeout(() => {
          wake = undefined;
          next();
        }, held);
      }
      return;
    }
    // A document job: first let a query that is waiting as a message get in.
    busy = true;
    void yieldNow().then(() => {
      busy = false;
      start();
    });
  }

  return {
    run<T>(lane: Lane, job: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        lanes[lane].push({
          start() {
            let settled: Promise<T>;
            try {
              settled = job();
            } catch (error) {
              settled = Promise.reject(error);
            }
            settled.then(resolve, reject).finally(() => {
              busy = false;
              next();
            });
          },
        });
        next();
      });
    },
    holdDocuments(until) {
      heldUntil = Math.max(heldUntil, until);
    },
    get waiting() {
      return { query: lanes.query.length, documents: lanes.documents.length };
    },
  };
}
