/**
 * Keeps the server-sent event stream open while online [P5]: events are only hints (the
 * named memo is then pulled), so a lost or reordered event costs nothing but latency.
 * Reconnects with exponential backoff and jitter; a refused credential stops it.
 */

import type { MemosApi } from '../api/types';
import type { MemoName } from '../core/ids';
import { backoffDelay } from '../scheduler';

export interface LiveEventsDeps {
  api: MemosApi;
  onHint(name: MemoName): void;
  /** Called when the stream (re)connects: anything may have been missed meanwhile. */
  onConnected(): void;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
}

export interface LiveEvents {
  stop(): void;
}

export function startLiveEvents(deps: LiveEventsDeps): LiveEvents {
  const controller = new AbortController();
  let failures = 0;
  let timer: unknown;

  async function connect(): Promise<void> {
    if (controller.signal.aborted) return;
    let connectedOnce = false;
    const ended = await deps.api.events((event) => {
      if (event.type === 'connected') {
        connectedOnce = true;
        failures = 0;
        deps.onConnected();
      } else if (
        event.type === 'memo.created' ||
        event.type === 'memo.updated' ||
        event.type === 'memo.deleted'
      ) {
        deps.onHint(event.name);
      }
    }, controller.signal);
    if (controller.signal.aborted) return;
    if (ended.kind === 'unauthorized' || ended.kind === 'forbidden') return;
    if (!connectedOnce) failures++;
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
