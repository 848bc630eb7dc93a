/**
 * Whether the home server's embedding service can supply vectors to this device now, as a
 * small state machine: checked at start (and when the Memos token changes), taken down by
 * any failed request, and checked again later by itself (unreachable: 5 s doubling to 60 s;
 * refused: 5 minutes; a malformed answer: 1 minute). Time is injected.
 * Invariants: `usable()` is true only after the server said it holds this device's model id;
 * a failure never waits on the network (the device continues on its own at once); at most one
 * check runs and at most one is scheduled.
 */
import type { Timers } from '../index/semantic-index';
import type { EmbedServerClient, ServerFailure } from './server-client';

export type ServerLinkState =
  /** no home server is configured for this recall service (tests, other hosts) */
  | { kind: 'none' }
  | { kind: 'checking' }
  | { kind: 'ready'; threads: number }
  | { kind: 'unreachable'; message: string }
  | {
      kind: 'refused';
      reason: 'unauthorized' | 'off' | 'model-mismatch' | 'invalid';
      message: string;
      /** for model-mismatch: the model ids the server holds */
      serverModels?: string[];
    };

export interface ServerLink {
  state(): ServerLinkState;
  usable(): boolean;
  /** Asks the server now; resolves when the state is known. */
  check(): Promise<void>;
  /** A request to the server failed: go down now and check again later. */
  report(failure: ServerFailure): void;
  subscribe(listener: (state: ServerLinkState) => void): () => void;
  close(): void;
}

export interface ServerLinkOptions {
  client: EmbedServerClient;
  modelId: string;
  timers: Timers;
}

const RETRY_FIRST_MS = 5_000;
const RETRY_MAX_MS = 60_000;
const REFUSED_RETRY_MS = 5 * 60_000;
const INVALID_RETRY_MS = 60_000;

export function noServerLink(): ServerLink {
  return {
    state: () => ({ kind: 'none' }),
    usable: () => false,
    check: async () => {},
    report: () => {},
    subscribe: () => () => {},
    close: () => {},
  };
}

export function createServerLink(options: ServerLinkOptions): ServerLink {
  let state: ServerLinkState = { kind: 'checking' };
  let retryMs = RETRY_FIRST_MS;
  let timer: unknown;
  let checking: Promise<void> | undefined;
  let closed = false;
  const listeners = new Set<(state: ServerLinkState) => void>();

  function set(next: ServerLinkState): void {
    state = next;
    for (const listener of [...listeners]) listener(state);
  }

  function schedule(ms: number): void {
    if (closed) return;
    if (timer !== undefined) options.timers.clearTimeout(timer);
    timer = options.timers.setTimeout(() => {
      timer = undefined;
      void check();
    }, ms);
  }

  function down(failure: ServerFailure): void {
    switch (failure.kind) {
      case 'unreachable':
        set({ kind: 'unreachable', message: failure.message });
        schedule(retryMs);
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        return;
      case 'model-mismatch':
        set({
          kind: 'refused',
          reason: failure.kind,
          message: failure.message,
          serverModels: failure.serverModels,
        });
        schedule(REFUSED_RETRY_MS);
        return;
      case 'unauthorized':
      case 'off':
        set({ kind: 'refused', reason: failure.kind, message: failure.message });
        schedule(REFUSED_RETRY_MS);
        return;
      case 'invalid':
        set({ kind: 'refused', reason: failure.kind, message: failure.message });
        schedule(INVALID_RETRY_MS);
        return;
    }
  }

  function check(): Promise<void> {
    checking ??= (async () => {
      const result = await options.client.info();
      if (closed) return;
      if (!result.ok) down(result.failure);
      else if (!result.value.models.includes(options.modelId)) {
        down({
          kind: 'model-mismatch',
          message: `the home server embeds with ${result.value.models.join(', ') || 'no model'}`,
          serverModels: result.value.models,
        });
      } else {
        retryMs = RETRY_FIRST_MS;
        set({ kind: 'ready', threads: result.value.threads });
      }
    })().finally(() => {
      checking = undefined;
    });
    return checking;
  }

  return {
    state: () => state,
    usable: () => state.kind === 'ready',
    check,
    report(failure) {
      // Several requests in flight fail together: the first one takes the link down.
      if (!closed && (state.kind === 'ready' || state.kind === 'checking')) down(failure);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      closed = true;
      listeners.clear();
      if (timer !== undefined) options.timers.clearTimeout(timer);
      timer = undefined;
    },
  };
}
