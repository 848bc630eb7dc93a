/**
 * Who may use the home server's own services (embedding, the LLM proxy): never strangers on
 * the LAN. Invariants:
 * - With a Memos server configured, a request must carry `Authorization: Bearer <token>` that
 *   Memos itself accepts (`GET /api/v1/auth/me` answers 200 with a user). The verdict is
 *   cached per token (keyed by its SHA-256, never the token itself) for `acceptTtlMs`, a
 *   refusal for `refuseTtlMs`; an unreachable Memos is never cached and refuses (503).
 * - Without a Memos server, a service is off unless the operator turned it on
 *   (`openWithoutMemos`); then every request passes as the anonymous user `local`.
 * - The verdict names the Memos user (`users/<name>`), so a service can keep each account's
 *   data apart.
 * Time and fetch are injected; nothing here knows about any one service.
 */
import { createHash } from 'node:crypto';

export type GateVerdict = { ok: true; user: string } | { ok: false; status: 401 | 403 | 503; reason: string };

export interface ServiceGateOptions {
  /** Base URL of the Memos server (MEMOS_URL), or undefined when none is configured. */
  memosUrl: string | undefined;
  /** Without MEMOS_URL: whether the operator turned the service on for the whole LAN. */
  openWithoutMemos: boolean;
  /** What the service is called in refusals ("the embedding service"). */
  serviceName: string;
  fetch?: (input: string, init?: RequestInit) => Promise<Response>;
  now?: () => number;
  acceptTtlMs?: number;
  refuseTtlMs?: number;
  timeoutMs?: number;
  /** Most tokens remembered at once (oldest forgotten first). */
  maxEntries?: number;
}

export interface ServiceGate {
  /** `authorization` is the raw Authorization header of the request, if any. */
  check(authorization: string | undefined): Promise<GateVerdict>;
}

const LOCAL_USER = 'local';

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export function createServiceGate(options: ServiceGateOptions): ServiceGate {
  const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? (() => Date.now());
  const acceptTtlMs = options.acceptTtlMs ?? 60_000;
  const refuseTtlMs = options.refuseTtlMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const maxEntries = options.maxEntries ?? 1_000;
  const cache = new Map<string, { verdict: GateVerdict; until: number }>();
  const inFlight = new Map<string, Promise<GateVerdict>>();

  function remember(key: string, verdict: GateVerdict, ttl: number): void {
    cache.delete(key);
    cache.set(key, { verdict, until: now() + ttl });
    while (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
  }

  async function askMemos(memosUrl: string, token: string): Promise<GateVerdict> {
    let response: Response;
    let body: unknown;
    try {
      response = await fetchImpl(`${memosUrl}/api/v1/auth/me`, {
        headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
      body = await response.json().catch(() => undefined);
    } catch {
      return { ok: false, status: 503, reason: 'the Memos server could not be reached to check the token' };
    }
    if (response.status === 401 || response.status === 403) {
      return { ok: false, status: 401, reason: 'the Memos server refused this token' };
    }
    if (!response.ok) {
      return { ok: false, status: 503, reason: `the Memos server answered HTTP ${response.status}` };
    }
    const user = (body as { user?: { name?: unknown }; name?: unknown } | undefined) ?? {};
    const name = typeof user.user?.name === 'string' ? user.user.name : user.name;
    if (typeof name !== 'string' || !/^users\/[^/\s]+$/.test(name)) {
      return { ok: false, status: 401, reason: 'the Memos server did not name a user for this token' };
    }
    return { ok: true, user: name };
  }

  return {
    async check(authorization) {
      if (options.memosUrl === undefined) {
        return options.openWithoutMemos
          ? { ok: true, user: LOCAL_USER }
          : { ok: false, status: 403, reason: `${options.serviceName} is turned off on this server` };
      }
      const token = bearerToken(authorization);
      if (!token) return { ok: false, status: 401, reason: 'sign in to Memos first (no access token sent)' };
      const key = createHash('sha256').update(token).digest('hex');
      const cached = cache.get(key);
      if (cached && cached.until > now()) return cached.verdict;
      const pending = inFlight.get(key);
      if (pending) return pending;
      const memosUrl = options.memosUrl;
      const asking = askMemos(memosUrl, token).then((verdict) => {
        inFlight.delete(key);
        if (verdict.ok) remember(key, verdict, acceptTtlMs);
        else if (verdict.status === 401) remember(key, verdict, refuseTtlMs);
        else cache.delete(key);
        return verdict;
      });
      inFlight.set(key, asking);
      return asking;
    },
  };
}
