/**
 * Keeps the server-sent event stream open while online [P5]: events are only hints (the
 * named memo is then pulled), so a lost or reordered event costs nothing but latency.
 * Invariants [T3]:
 *  - Every (re)connect reports `onConnected` (anything may have been missed: catch up).
 *  - A stream counts as healthy only once it stayed open `healthyAfterMs` or delivered an
 *    event; one that opens and closes at once is a failure like any other, so reconnects
 *    (and the catch-up passes they trigger) back off exponentially with jitter instead of
 *    running every second or two.
 *  - A refused credential stops it; `stop()` ends it for good.
 */

import type { MemosApi } from '../api/types';
import type { MemoName } from '../core/ids';
import { backoffDelay } from '../scheduler';

export interface LiveEventsDeps {
  api: MemosApi;
  onHint(name: MemoName): void;
  /** Called when the stream (re)connects: anything may have been missed meanwhile. */
  onConnected(): void;
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
  /** How long a stream must stay open to reset the backoff (default 30 s). */
  healthyAfterMs?: number;
}

export interface LiveEvents {
  stop(): void;
}

export const HEALTHY_STREAM_MS = 30_000;

export function startLiveEvents(deps: LiveEventsDeps): LiveEvents {
  const controller = new AbortController();
  const healthyAfterMs = deps.healthyAfterMs ?? HEALTHY_STREAM_MS;
  let failures = 0;
  let timer: unknown;

  async function connect(): Promise<void> {
    if (controller.signal.aborted) return;
    let openedAt: number | undefined;
    let delivered = false;
    const ended = await deps.api.events((event) => {
      if (event.type === 'connected') {
        openedAt = deps.now();
        deps.onConnected();
        return;
      }
      delivered = true;
      failures = 0;
      if (event.type === 'memo.created' || event.type === 'memo.updated' || event.type === 'memo.deleted') {
        deps.onHint(event.name);
      }
    }, controller.signal);
    if (controller.signal.aborted) return;
    if (ended.kind === 'unauthorized' || ended.kind === 'forbidden') return;
    const healthy = delivered || (openedAt !== undefined && deps.now() - openedAt >= healthyAfterMs);
    failures = healthy ? 0 : failures + 1;
    timer = deps.setTimeout(() => void connect(), backoffDelay(Math.max(1, failures), deps.random));
  }

  void connect();
  return {
    stop() {
      controller.abort();
      if (timer !== undefined) deps.clearTimeout(timer);
    },
  };
}
