/**
 * When to sync. Guarantees [T1, T2]:
 *  - at most one pass runs at a time; requests during a pass are merged into one follow-up;
 *  - local changes are debounced (about 1 s) so typing does not cause a request per key;
 *  - other triggers (start, online, visible, SSE hint, manual) run as soon as possible;
 *  - a failed pass is retried with exponential backoff and jitter (2 s … 5 min), except
 *    failures only the user can fix (a refused token, an unsupported server), which wait
 *    for the next explicit trigger;
 *  - a server that asked to wait (429 with Retry-After) is not asked again before that
 *    moment, whatever triggers meanwhile (they run together once it has passed);
 *  - a periodic delta pass and a periodic full reconciliation keep running while enabled.
 * Time, timers and randomness are injected; no globals are read.
 */
import type { MemoName } from './core/ids';

export type TriggerReason =
  | 'start'
  | 'online'
  | 'visible'
  | 'local-change'
  | 'live-event'
  | 'periodic'
  | 'manual'
  | 'background'
  | 'retry';

export interface SyncRequest {
  full: boolean;
  hints: MemoName[];
  reasons: TriggerReason[];
}

/** `retryAfterMs`: the server asked not to be called again before this delay has passed. */
export type RunOutcome = { ok: true } | { ok: false; retry: boolean; retryAfterMs?: number };

export interface SchedulerDeps {
  run(request: SyncRequest): Promise<RunOutcome>;
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  random(): number;
  debounceMs?: number;
  periodicDeltaMs?: number;
  periodicFullMs?: number;
}

export interface Scheduler {
  request(reason: TriggerReason, options?: { full?: boolean; hints?: readonly MemoName[] }): void;
  /** Starts the periodic timers. */
  start(): void;
  stop(): void;
  /** Resolves when no pass is running or queued (for tests and shutdown). */
  idle(): Promise<void>;
  readonly failures: number;
}

const BACKOFF_BASE_MS = 2_000;
const BACKOFF_MAX_MS = 5 * 60_000;

export function backoffDelay(failures: number, random: () => number): number {
  const exponential = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  // Full jitter in [50%, 100%] so many devices do not retry in lockstep.
  return Math.round(exponential * (0.5 + random() * 0.5));
}

export function createScheduler(deps: SchedulerDeps): Scheduler {
  const debounceMs = deps.debounceMs ?? 1_000;
  const periodicDeltaMs = deps.periodicDeltaMs ?? 5 * 60_000;
  const periodicFullMs = deps.periodicFullMs ?? 15 * 60_000;
  let queued: SyncRequest | undefined;
  let running: Promise<void> | undefined;
  let timer: unknown;
  let timerDue = Number.POSITIVE_INFINITY;
  let periodicDelta: unknown;
  let periodicFull: unknown;
  let failures = 0;
  let stopped = true;
  /** No pass starts before this moment (epoch ms): the server's Retry-After. */
  let notBefore = 0;

  function schedule(delay: number): void {
    const now = deps.now();
    const due = Math.max(now + delay, notBefore);
    if (timer !== undefined && due >= timerDue) return;
    if (timer !== undefined) deps.clearTimeout(timer);
    timerDue = due;
    timer = deps.setTimeout(() => {
      timer = undefined;
      timerDue = Number.POSITIVE_INFINITY;
      void drain();
    }, due - now);
  }

  async function drain(): Promise<void> {
    if (running || !queued) return;
    const request = queued;
    queued = undefined;
    running = (async () => {
      let outcome: RunOutcome;
      try {
        outcome = await deps.run(request);
      } catch {
        outcome = { ok: false, retry: true };
      }
      if (outcome.ok) {
        failures = 0;
        notBefore = 0;
      } else {
        failures++;
        const waitMs = outcome.retryAfterMs ?? 0;
        notBefore = deps.now() + waitMs;
        if (outcome.retry && !stopped) {
          merge({ full: request.full, hints: request.hints, reasons: ['retry'] });
          schedule(Math.max(backoffDelay(failures, deps.random), waitMs));
        }
      }
    })();
    await running;
    running = undefined;
    if (queued && timer === undefined) {
      if (deps.now() < notBefore) schedule(0);
      else void drain();
    }
  }

  function merge(request: SyncRequest): void {
    queued = queued
      ? {
          full: queued.full || request.full,
          hints: [...new Set([...queued.hints, ...request.hints])],
          reasons: [...new Set([...queued.reasons, ...request.reasons])],
        }
      : request;
  }

  function startPeriodic(): void {
    const tickDelta = () => {
      periodicDelta = deps.setTimeout(() => {
        scheduler.request('periodic');
        tickDelta();
      }, periodicDeltaMs);
    };
    const tickFull = () => {
      periodicFull = deps.setTimeout(() => {
        scheduler.request('periodic', { full: true });
        tickFull();
      }, periodicFullMs);
    };
    tickDelta();
    tickFull();
  }

  const scheduler: Scheduler = {
    request(reason, options = {}) {
      merge({ full: options.full ?? false, hints: [...(options.hints ?? [])], reasons: [reason] });
      // An explicit trigger cuts a backoff short; a local change waits for typing to settle.
      schedule(reason === 'local-change' ? debounceMs : 0);
    },
    start() {
      if (!stopped) return;
      stopped = false;
      startPeriodic();
    },
    stop() {
      stopped = true;
      for (const handle of [timer, periodicDelta, periodicFull])
        if (handle !== undefined) deps.clearTimeout(handle);
      timer = periodicDelta = periodicFull = undefined;
      timerDue = Number.POSITIVE_INFINITY;
      queued = undefined;
    },
    async idle() {
      while (running) await running;
    },
    get failures() {
      return failures;
    },
  };
  return scheduler;
}
