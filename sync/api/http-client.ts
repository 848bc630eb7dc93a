/**
 * The Memos v0.30 REST client: the ONLY module that knows URLs, headers and HTTP status
 * codes. Responses are validated here and failures classified here, once:
 *   network error → offline; timeout → offline (timedOut); 401 → unauthorized;
 *   403 → forbidden; 404 → not-found; 409 → already-exists; 400/413 → invalid;
 *   502/503/504 (our proxy: upstream down) → offline; anything else → server.
 * Bodies are parsed as JSON whatever the content type (Memos' auth middleware answers
 * 401 with text/plain JSON). `updateMask` is sent literally as snake_case paths.
 */
import { type MemoName, parseMemoName } from '../core/ids';
import type { MemoFields } from '../core/memo';
import type { RemoteMemo } from '../core/remote';
import { attachmentRequests } from './attachment-requests';
import { SseParser } from './sse-parser';
import {
  type ApiFailure,
  type ApiResult,
  type CreateMemoInput,
  fail,
  type ListPage,
  type ListQuery,
  type MemosApi,
  ok,
  type ServerEvent,
  type UpdatePath,
} from './types';
import { parseProfile, parseRemoteMemo, parseStats, parseUser, serverMessage } from './validate';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpClientOptions {
  /** '' = the origin that served the app (through its same-origin proxy). */
  baseUrl: string;
  token: string;
  fetch?: FetchLike;
  timeoutMs?: number;
}

interface RawResponse {
  status: number;
  body: unknown;
  bytes: number;
  /** The `Date` header, epoch ms, when present and valid. */
  date: number | undefined;
}

function parseDateHeader(value: string | null): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

const DEFAULT_TIMEOUT_MS = 30_000;

function classifyStatus(status: number, body: unknown): ApiFailure {
  const message = serverMessage(body, `HTTP ${status}`);
  switch (status) {
    case 400:
    case 413:
    case 422:
      return { kind: 'invalid', message };
    case 401:
      return { kind: 'unauthorized', message };
    case 403:
      return { kind: 'forbidden', message };
    case 404:
      return { kind: 'not-found', message };
    case 409:
      return { kind: 'already-exists', message };
    case 502:
    case 503:
    case 504:
      return { kind: 'offline', message: `server unreachable (HTTP ${status}: ${message})` };
    default:
      return { kind: 'server', message: `server error (HTTP ${status}: ${message})`, status };
  }
}

function classifyThrown(error: unknown): ApiFailure {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError')
    return { kind: 'offline', message: 'the server did not answer in time', timedOut: true };
  if (name === 'AbortError') return { kind: 'offline', message: 'the request was cancelled', timedOut: true };
  return {
    kind: 'offline',
    message: `server unreachable (${error instanceof Error ? error.message : String(error)})`,
  };
}

export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

export function createHttpMemosApi(options: HttpClientOptions): MemosApi {
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const headers = (json: boolean): Record<string, string> => ({
    Accept: 'application/json',
    ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
    ...(json ? { 'Content-Type': 'application/json' } : {}),
  });

  /** `body` is JSON-serialised; a Blob is sent as it is (a JSON document built in parts). */
  async function request(method: string, path: string, body?: unknown): Promise<ApiResult<RawResponse>> {
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(joinUrl(options.baseUrl, path), {
        method,
        headers: headers(body !== undefined),
        ...(body !== undefined ? { body: body instanceof Blob ? body : JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
        cache: 'no-store',
      });
      text = await response.text();
    } catch (error) {
      return fail(classifyThrown(error));
    }
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      if (response.ok) {
        return fail({
          kind: 'server',
          message: 'the server sent a malformed (non-JSON) response',
          status: response.status,
        });
      }
      parsed = { message: text.slice(0, 200) };
    }
    if (!response.ok) return fail(classifyStatus(response.status, parsed));
    return ok({
      status: response.status,
      body: parsed,
      bytes: text.length,
      date: parseDateHeader(response.headers.get('date')),
    });
  }

  function memoResult(raw: ApiResult<RawResponse>): ApiResult<RemoteMemo> {
    if (!raw.ok) return raw;
    const memo = parseRemoteMemo(raw.value.body);
    return memo.ok
      ? ok(memo.value)
      : fail({ kind: 'server', message: `malformed memo from the server: ${memo.reason}` });
  }

  const memoPath = (name: MemoName) => `/api/v1/${name.split('/').map(encodeURIComponent).join('/')}`;

  async function binary(path: string): Promise<ApiResult<Blob>> {
    let response: Response;
    try {
      response = await fetchImpl(joinUrl(options.baseUrl, path), {
        headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
        signal: AbortSignal.timeout(timeoutMs * 4),
        cache: 'no-store',
      });
      if (!response.ok) {
        const text = await response.text().catch(() => '');
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = { message: text.slice(0, 200) };
        }
        return fail(classifyStatus(response.status, parsed));
      }
      return ok(await response.blob());
    } catch (error) {
      return fail(classifyThrown(error));
    }
  }

  const attachments = attachmentRequests({ json: request, binary });

  return {
    ...attachments,
    async me() {
      const raw = await request('GET', '/api/v1/auth/me');
      if (!raw.ok) return raw;
      const user = parseUser(raw.value.body);
      return user.ok ? ok(user.value) : fail({ kind: 'server', message: user.reason });
    },
    async profile() {
      const raw = await request('GET', '/api/v1/instance/profile');
      if (!raw.ok) {
        if (raw.error.kind === 'not-found') {
          return fail({
            kind: 'unsupported-version',
            message: 'unsupported Memos version (older than 0.26)',
            version: 'unknown',
          });
        }
        return raw;
      }
      const profile = parseProfile(raw.value.body);
      return profile.ok ? ok(profile.value) : fail({ kind: 'server', message: profile.reason });
    },
    async stats(user) {
      const raw = await request('GET', `/api/v1/${user}:getStats`);
      if (!raw.ok) return raw;
      const stats = parseStats(raw.value.body);
      return stats.ok ? ok(stats.value) : fail({ kind: 'server', message: stats.reason });
    },
    async list(query: ListQuery) {
      const params = new URLSearchParams({
        filter: query.filter,
        state: query.state,
        orderBy: query.orderBy,
        pageSize: String(query.pageSize),
      });
      if (query.pageToken) params.set('pageToken', query.pageToken);
      const raw = await request('GET', `/api/v1/memos?${params.toString()}`);
      if (!raw.ok) return raw;
      const body = raw.value.body as { memos?: unknown; nextPageToken?: unknown };
      if (!Array.isArray(body.memos ?? []))
        return fail({ kind: 'server', message: 'malformed memo list from the server' });
      const memos: RemoteMemo[] = [];
      for (const item of (body.memos as unknown[] | undefined) ?? []) {
        const memo = parseRemoteMemo(item);
        // One malformed memo makes the whole page untrustworthy: never act on a partial listing.
        if (!memo.ok) return fail({ kind: 'server', message: `malformed memo in the list: ${memo.reason}` });
        memos.push(memo.value);
      }
      const page: ListPage = {
        memos,
        nextPageToken: typeof body.nextPageToken === 'string' ? body.nextPageToken : '',
        bytes: raw.value.bytes,
        ...(raw.value.date !== undefined ? { serverTime: raw.value.date } : {}),
      };
      return ok(page);
    },
    async get(name) {
      return memoResult(await request('GET', memoPath(name)));
    },
    async create(memoId: string, input: CreateMemoInput) {
      const body = {
        content: input.content,
        visibility: input.visibility,
        createTime: new Date(Math.floor(input.createTime / 1000) * 1000).toISOString(),
        ...(input.attachments && input.attachments.length > 0
          ? { attachments: input.attachments.map((name) => ({ name })) }
          : {}),
      };
      return memoResult(await request('POST', `/api/v1/memos?memoId=${encodeURIComponent(memoId)}`, body));
    },
    async update(name, patch: Partial<MemoFields>, mask: readonly UpdatePath[]) {
      const body: Record<string, unknown> = {};
      if (patch.content !== undefined) body.content = patch.content;
      if (patch.visibility !== undefined) body.visibility = patch.visibility;
      if (patch.state !== undefined) body.state = patch.state;
      if (patch.pinned !== undefined) body.pinned = patch.pinned;
      // [F2] The whole merged set: Memos replaces the set and deletes what it leaves out.
      if (patch.attachments !== undefined) body.attachments = patch.attachments.map((a) => ({ name: a }));
      const query = `updateMask=${mask.map(encodeURIComponent).join(',')}`;
      return memoResult(await request('PATCH', `${memoPath(name)}?${query}`, body));
    },
    async remove(name) {
      const raw = await request('DELETE', memoPath(name));
      return raw.ok ? ok(undefined) : raw;
    },
    async revokeToken(name) {
      if (!/^users\/[^/]+\/personalAccessTokens\/[^/]+$/.test(name))
        return fail({ kind: 'invalid', message: `not a personal access token name: ${name}` });
      const raw = await request('DELETE', `/api/v1/${name.split('/').map(encodeURIComponent).join('/')}`);
      return raw.ok ? ok(undefined) : raw;
    },
    async events(onEvent: (event: ServerEvent) => void, signal: AbortSignal) {
      let response: Response;
      try {
        response = await fetchImpl(joinUrl(options.baseUrl, '/api/v1/sse'), {
          headers: { Accept: 'text/event-stream', Authorization: `Bearer ${options.token}` },
          signal,
          cache: 'no-store',
        });
      } catch (error) {
        return classifyThrown(error);
      }
      if (!response.ok || !response.body) {
        const text = await response.text().catch(() => '');
        let body: unknown = {};
        try {
          body = JSON.parse(text);
        } catch {
          body = { message: text.slice(0, 200) };
        }
        return classifyStatus(response.status, body);
      }
      const parser = new SseParser();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      onEvent({ type: 'connected' });
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return { kind: 'closed' };
          for (const data of parser.push(value)) {
            const event = parseServerEvent(data);
            if (event) onEvent(event);
          }
        }
      } catch (error) {
        return classifyThrown(error);
      }
    },
  };
}

const EVENT_TYPES = new Set([
  'memo.created',
  'memo.updated',
  'memo.deleted',
  'memo.comment.created',
  'reaction.upserted',
  'reaction.deleted',
]);

export function parseServerEvent(data: string): ServerEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { type, name } = value as { type?: unknown; name?: unknown };
  if (typeof type !== 'string' || !EVENT_TYPES.has(type) || typeof name !== 'string') return undefined;
  // [P5] Only a well-formed `memos/<id>` is ever fetched: a hint is data from the network.
  const memoName = parseMemoName(name);
  if (!memoName) return undefined;
  return { type: type as Exclude<ServerEvent['type'], 'connected'>, name: memoName } as ServerEvent;
}
