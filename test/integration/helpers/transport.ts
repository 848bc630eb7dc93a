/**
 * A scripted, recording, fault-injecting `fetch` in front of the real Memos server.
 *
 * Every request (except the SSE stream, which passes through untouched and is only counted)
 * is recorded with its method, path, query, JSON body, status and the fault applied. Tests
 * script behaviour with `on(rule)`: a rule matches by method and path and fires a fixed
 * number of times, in the order rules were added, so every run does exactly the same thing.
 * A rule can inject one fault, run a hook before the request reaches the server or after
 * the server answered (to make a "concurrent" change at a precise moment), or replace the
 * answer. Faults and what the server sees:
 *   drop-request   not applied; the client gets a network error (TypeError)
 *   drop-response  applied; the client gets a network error
 *   duplicate      applied twice; the client gets the second answer
 *   http-500       not applied; the client gets a 500 with a gRPC-style body
 *   timeout        not applied; the request hangs until the client's own timeout aborts it
 *   timeout-after  applied; then hangs until the client's timeout aborts it
 *   malformed      applied; the client gets the real status with a truncated, non-JSON body
 * Invariant: without rules this is a transparent recorder (requests go to the real server).
 */
import type { FetchLike } from '../../../sync/api/http-client';

export type Fault =
  | 'drop-request'
  | 'drop-response'
  | 'duplicate'
  | 'http-500'
  | 'timeout'
  | 'timeout-after'
  | 'malformed';

export interface RecordedRequest {
  seq: number;
  method: string;
  /** decoded pathname, e.g. `/api/v1/memos/<uid>` */
  path: string;
  query: URLSearchParams;
  /** the parsed JSON request body, if any */
  body: unknown;
  /** the status the server answered (undefined when it was never reached) */
  status?: number;
  /** the response text the server sent */
  responseText?: string;
  fault?: Fault;
}

export interface Rule {
  method?: string;
  /** matched against the decoded pathname (a string must be contained in it) */
  path?: string | RegExp;
  /** how many matching requests this rule handles (default 1) */
  times?: number;
  fault?: Fault;
  /** runs before the request is forwarded */
  before?: (request: RecordedRequest) => Promise<void> | void;
  /** runs after the server answered, before the client sees the answer */
  after?: (request: RecordedRequest) => Promise<void> | void;
  /** answers instead of the server (the request is not forwarded) */
  respond?: (request: RecordedRequest) => Response;
  /** rewrites the server's response body (the request is applied) */
  alter?: (text: string) => string;
}

export interface RuleHandle {
  readonly hits: number;
}

export interface Transport {
  fetch: FetchLike;
  readonly log: readonly RecordedRequest[];
  on(rule: Rule): RuleHandle;
  /** Removes every rule that has not fired yet. */
  clearRules(): void;
  /** Forgets the recorded requests. */
  clearLog(): void;
  /** Recorded requests matching a method and path. */
  requests(method?: string, path?: string | RegExp): RecordedRequest[];
  /** Non-stream requests currently being served. */
  readonly inFlight: number;
  /** SSE streams whose response headers arrived. */
  readonly streamsOpened: number;
}

interface ActiveRule extends Rule {
  remaining: number;
  fired: number;
}

function matches(rule: Rule, method: string, path: string): boolean {
  if (rule.method && rule.method.toUpperCase() !== method) return false;
  if (rule.path === undefined) return true;
  return typeof rule.path === 'string' ? path.includes(rule.path) : rule.path.test(path);
}

function parseBody(body: RequestInit['body']): unknown {
  if (typeof body !== 'string' || body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** Waits until `signal` aborts, then throws its reason (what a real hung request does). */
function hangUntilAborted(signal: AbortSignal | null | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) {
      reject(new Error('a timeout fault needs a request with an AbortSignal'));
      return;
    }
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

export function createTransport(inner: FetchLike = (input, init) => fetch(input, init)): Transport {
  const log: RecordedRequest[] = [];
  let rules: ActiveRule[] = [];
  let seq = 0;
  let inFlight = 0;
  let streamsOpened = 0;

  const forward = async (url: string, init: RequestInit | undefined, record: RecordedRequest) => {
    const response = await inner(url, init);
    // Bytes as they came (attachments are binary); the text is for the log and `alter`.
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    record.status = response.status;
    record.responseText = text;
    return { response, text, bytes };
  };
  const rebuild = (response: Response, body: string | Uint8Array) =>
    new Response(typeof body === 'string' ? body : new Blob([body.slice().buffer]), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });

  async function serve(
    url: string,
    init: RequestInit | undefined,
    record: RecordedRequest,
  ): Promise<Response> {
    const rule = rules.find((r) => r.remaining > 0 && matches(r, record.method, record.path));
    if (!rule) {
      const { response, bytes } = await forward(url, init, record);
      return rebuild(response, bytes);
    }
    rule.remaining--;
    rule.fired++;
    if (rule.fault) record.fault = rule.fault;
    await rule.before?.(record);
    if (rule.respond) return rule.respond(record);
    switch (rule.fault) {
      case 'drop-request':
        throw new TypeError('fetch failed (injected: request dropped)');
      case 'http-500':
        return new Response('{"code": 13, "message": "injected internal error", "details": []}', {
          status: 500,
          headers: { 'Content-Type': 'application/json' },
        });
      case 'timeout':
        return hangUntilAborted(init?.signal);
      default:
        break;
    }
    let { response, text, bytes } = await forward(url, init, record);
    if (rule.fault === 'duplicate') ({ response, text, bytes } = await forward(url, init, record));
    await rule.after?.(record);
    switch (rule.fault) {
      case 'drop-response':
        throw new TypeError('fetch failed (injected: response dropped)');
      case 'timeout-after':
        return hangUntilAborted(init?.signal);
      case 'malformed':
        return new Response(`${text.slice(0, Math.floor(text.length / 2))}<html>truncated`, {
          status: response.status,
          headers: response.headers,
        });
      default:
        return rebuild(response, rule.alter ? rule.alter(text) : bytes);
    }
  }

  const wrapped: FetchLike = async (url, init) => {
    const parsed = new URL(url);
    const path = decodeURIComponent(parsed.pathname);
    if (path === '/api/v1/sse') {
      const response = await inner(url, init);
      streamsOpened++;
      return response;
    }
    const record: RecordedRequest = {
      seq: ++seq,
      method: (init?.method ?? 'GET').toUpperCase(),
      path,
      query: parsed.searchParams,
      body: parseBody(init?.body),
    };
    log.push(record);
    inFlight++;
    try {
      return await serve(url, init, record);
    } finally {
      inFlight--;
    }
  };

  return {
    fetch: wrapped,
    get log() {
      return log;
    },
    on(rule) {
      const active: ActiveRule = { ...rule, remaining: rule.times ?? 1, fired: 0 };
      rules.push(active);
      return {
        get hits() {
          return active.fired;
        },
      };
    },
    clearRules() {
      rules = [];
    },
    clearLog() {
      log.length = 0;
    },
    requests(method, path) {
      return log.filter((r) =>
        matches({ ...(method ? { method } : {}), ...(path ? { path } : {}) }, r.method, r.path),
      );
    },
    get inFlight() {
      return inFlight;
    },
    get streamsOpened() {
      return streamsOpened;
    },
  };
}
