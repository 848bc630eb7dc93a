/**
 * A fetch wrapper that injects transport faults, one decision per request (the decision
 * function is injected, so a seeded PRNG makes every run reproducible). Faults and what the
 * server sees:
 *  - drop-request:   TypeError, the server is never reached;
 *  - drop-response:  the server applies the request, the client gets a TypeError;
 *  - duplicate:      the request is delivered twice, the client gets the second answer;
 *  - http-500:       500 before the server is reached;
 *  - timeout-before / timeout-after: DOMException 'TimeoutError', not applied / applied;
 *  - malformed:      applied, the client gets the status with a truncated (non-JSON) body;
 *  - kill-before / kill-after: the device dies (not applied / applied). The request never
 *    settles, every later request of this fetch never settles either, and `onKill` gets a
 *    DeviceKilledError, so a test can abandon that engine instance and build a new one.
 * The SSE stream (`/api/v1/sse`) is passed through untouched: its faults live in the hub.
 * Wire faults: a fault listed in `wire` is not emulated here; the request goes to `inner`
 * with the fault named in the `X-Fuzz-Fault` header, for a fault-injecting proxy to perform
 * on a real socket (test/integration/sync-fuzz-real/fault-proxy.ts).
 */
import type { FetchLike } from '../../sync/api/http-client';

export const FAULT_KINDS = [
  'drop-request',
  'drop-response',
  'duplicate',
  'http-500',
  'timeout-before',
  'timeout-after',
  'malformed',
  'kill-before',
  'kill-after',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** The request header that hands a wire fault to a fault-injecting proxy. */
export const FAULT_HEADER = 'X-Fuzz-Fault';

export interface RequestInfo {
  method: string;
  url: string;
}

export class DeviceKilledError extends Error {
  readonly request: RequestInfo;
  constructor(request: RequestInfo, applied: boolean) {
    super(
      `device killed during ${request.method} ${request.url} (${applied ? 'after' : 'before'} the server applied it)`,
    );
    this.name = 'DeviceKilledError';
    this.request = request;
  }
}

export interface FaultyFetchOptions {
  inner: FetchLike;
  decide(request: RequestInfo): FaultKind | undefined;
  onFault?(fault: FaultKind, request: RequestInfo): void;
  onKill?(error: DeviceKilledError): void;
  /** Faults performed by a proxy behind `inner` instead of here. */
  wire?: readonly FaultKind[];
}

export interface FaultyFetch {
  fetch: FetchLike;
  readonly killed: boolean;
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

function isStream(url: string): boolean {
  return new URL(url, 'http://memos.test').pathname.endsWith('/api/v1/sse');
}

export function createFaultyFetch(options: FaultyFetchOptions): FaultyFetch {
  let killed = false;

  const kill = (request: RequestInfo, applied: boolean): Promise<Response> => {
    killed = true;
    options.onKill?.(new DeviceKilledError(request, applied));
    return never();
  };

  const fetch: FetchLike = async (url, init) => {
    const request: RequestInfo = { method: (init?.method ?? 'GET').toUpperCase(), url };
    if (killed) return never();
    if (isStream(url)) return options.inner(url, init);
    const fault = options.decide(request);
    if (fault === undefined) return options.inner(url, init);
    options.onFault?.(fault, request);
    if (options.wire?.includes(fault)) {
      const headers = new Headers(init?.headers);
      headers.set(FAULT_HEADER, fault);
      return options.inner(url, { ...init, headers });
    }
    switch (fault) {
      case 'drop-request':
        throw new TypeError('fetch failed');
      case 'http-500':
        return new Response('{"code": 13, "message": "injected internal error", "details": []}', {
          status: 500,
          headers: { 'Content-Type': 'application/json' },
        });
      case 'timeout-before':
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      case 'kill-before':
        return kill(request, false);
      case 'drop-response':
        await (await options.inner(url, init)).text();
        throw new TypeError('fetch failed');
      case 'timeout-after':
        await (await options.inner(url, init)).text();
        throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
      case 'kill-after':
        await (await options.inner(url, init)).text();
        return kill(request, true);
      case 'duplicate':
        await (await options.inner(url, init)).text();
        return options.inner(url, init);
      case 'malformed': {
        const response = await options.inner(url, init);
        const text = await response.text();
        return new Response(`${text.slice(0, Math.floor(text.length / 2))}<!-- truncated`, {
          status: response.status,
          headers: response.headers,
        });
      }
    }
  };

  return {
    fetch,
    get killed() {
      return killed;
    },
  };
}

/** A decision function: each fault kind with its own probability, all off when `enabled()` is false. */
export function seededFaults(
  random: () => number,
  rates: Partial<Record<FaultKind, number>>,
  enabled: () => boolean = () => true,
): (request: RequestInfo) => FaultKind | undefined {
  const table = FAULT_KINDS.map((kind) => [kind, rates[kind] ?? 0] as const).filter(([, p]) => p > 0);
  return () => {
    if (!enabled()) return undefined;
    let roll = random();
    for (const [kind, p] of table) {
      if (roll < p) return kind;
      roll -= p;
    }
    return undefined;
  };
}
