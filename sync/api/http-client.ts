/**
 * The Memos REST client: the ONLY module that knows URLs, headers and HTTP status codes.
 * Responses are validated here and failures classified here, once (failures.ts). Requests
 * whose shape depends on the Memos version (the listing filter) are rendered through the
 * server's capability object (capabilities.ts), which `checkServer()` derives from the
 * profile at the start of every pass (and which `list` derives itself if nobody did).
 * Bodies are parsed as JSON whatever the content type (Memos' auth middleware answers 401
 * with text/plain JSON). `updateMask` is always sent, literally, as snake_case paths.
 * Comments are never returned as memos: a listing drops them, a read of one is
 * 'not-mirrored'.
 */
import { type MemoName, parseMemoName } from '../core/ids';
import type { MemoFields } from '../core/memo';
import type { RemoteMemo } from '../core/remote';
import { attachmentRequests } from './attachment-requests';
import {
  deriveCapabilities,
  renderListQuery,
  type ServerCapabilities,
  type TimeFilterForm,
  withProbedFilter,
} from './capabilities';
import { classifyStatus, classifyThrown, parseBody } from './failures';
import { formatVersion, parseServerVersion } from './server-version';
import { SseParser } from './sse-parser';
import {
  type ApiResult,
  type CreateMemoInput,
  fail,
  type ListPage,
  type ListQuery,
  type MemosApi,
  ok,
  type ServerEvent,
  type ServerInfo,
  type UpdatePath,
} from './types';
import { parseMemo, parseProfile, parseStats, parseUser } from './validate';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface HttpClientOptions {
  /** '' = the origin that served the app (through its same-origin proxy). */
  baseUrl: string;
  token: string;
  fetch?: FetchLike;
  timeoutMs?: number;
  /** The clock, for `Retry-After` given as a date (default Date.now). */
  now?: () => number;
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
/** A creator no account can have (usernames cannot contain "_"): a probe listing matches nothing. */
const PROBE_CREATOR = 'users/memos_offline_probe';

export function joinUrl(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

export function createHttpMemosApi(options: HttpClientOptions): MemosApi {
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const now = options.now ?? (() => Date.now());
  let capabilities: ServerCapabilities | undefined;
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
    const parsed = parseBody(text);
    if (!response.ok) {
      return fail(classifyStatus(response.status, parsed.value, response.headers.get('Retry-After'), now()));
    }
    if (!parsed.json) {
      return fail({
        kind: 'server',
        message: 'the server sent a malformed (non-JSON) response',
        status: response.status,
      });
    }
    return ok({
      status: response.status,
      body: parsed.value,
      bytes: text.length,
      date: parseDateHeader(response.headers.get('date')),
    });
  }

  function memoResult(raw: ApiResult<RawResponse>): ApiResult<RemoteMemo> {
    if (!raw.ok) return raw;
    const memo = parseMemo(raw.value.body);
    switch (memo.kind) {
      case 'memo':
        return ok(memo.memo);
      case 'comment':
        return fail({
          kind: 'not-mirrored',
          message: `${memo.name} is a comment (this app does not mirror comments)`,
        });
      case 'malformed':
        return fail({ kind: 'server', message: `malformed memo from the server: ${memo.reason}` });
    }
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
        return fail(
          classifyStatus(response.status, parseBody(text).value, response.headers.get('Retry-After'), now()),
        );
      }
      return ok(await response.blob());
    } catch (error) {
      return fail(classifyThrown(error));
    }
  }

  const attachments = attachmentRequests({ json: request, binary });

  function listPath(caps: Pick<ServerCapabilities, 'timeFilter'>, query: ListQuery): string {
    const { filter, orderBy } = renderListQuery(caps, query);
    const params = new URLSearchParams({
      filter,
      state: query.state,
      orderBy,
      pageSize: String(query.pageSize),
    });
    if (query.pageToken) params.set('pageToken', query.pageToken);
    return `/api/v1/memos?${params.toString()}`;
  }

  /** Which time form the listing filter takes, asked of the server itself (a listing that matches nothing). */
  async function probeTimeFilter(): Promise<ApiResult<TimeFilterForm>> {
    for (const timeFilter of ['timestamp', 'epoch-seconds'] as const) {
      const probe: ListQuery = {
        creator: PROBE_CREATOR,
        state: 'NORMAL',
        order: 'update_time',
        time: { op: '>=', seconds: 0 },
        pageSize: 1,
      };
      const raw = await request('GET', listPath({ timeFilter }, probe));
      if (raw.ok) return ok(timeFilter);
      if (raw.error.kind !== 'invalid') return raw;
    }
    return fail({
      kind: 'server',
      message: 'the server accepts none of the memo filters this app knows (Memos 0.29 or newer)',
    });
  }

  async function profile() {
    const raw = await request('GET', '/api/v1/instance/profile');
    if (!raw.ok) {
      if (raw.error.kind === 'not-found') {
        return fail<never>({
          kind: 'unsupported-version',
          message:
            'This server has no /api/v1/instance/profile, so it runs Memos older than 0.26; this app needs Memos 0.29.0 or newer.',
          version: 'older than 0.26',
        });
      }
      return raw;
    }
    const parsed = parseProfile(raw.value.body);
    return parsed.ok ? ok(parsed.value) : fail<never>({ kind: 'server', message: parsed.reason });
  }

  async function checkServer(): Promise<ApiResult<ServerInfo>> {
    const read = await profile();
    if (!read.ok) return read;
    const version = parseServerVersion(read.value.version);
    const derived = deriveCapabilities(version);
    switch (derived.kind) {
      case 'too-old':
        return fail({
          kind: 'unsupported-version',
          message: derived.message,
          version: formatVersion(version),
        });
      case 'known':
        capabilities = derived.capabilities;
        return ok({ capabilities });
      case 'probe': {
        const form = await probeTimeFilter();
        if (!form.ok) return form;
        capabilities = withProbedFilter(version, form.value);
        return ok({ capabilities });
      }
    }
  }

  return {
    ...attachments,
    async me() {
      const raw = await request('GET', '/api/v1/auth/me');
      if (!raw.ok) return raw;
      const user = parseUser(raw.value.body);
      return user.ok ? ok(user.value) : fail({ kind: 'server', message: user.reason });
    },
    profile,
    checkServer,
    async stats(user) {
      const raw = await request('GET', `/api/v1/${user}:getStats`);
      if (!raw.ok) return raw;
      const stats = parseStats(raw.value.body);
      return stats.ok ? ok(stats.value) : fail({ kind: 'server', message: stats.reason });
    },
    async list(query: ListQuery) {
      let caps = capabilities;
      if (!caps) {
        const checked = await checkServer();
        if (!checked.ok) return checked;
        caps = checked.value.capabilities;
      }
      const raw = await request('GET', listPath(caps, query));
      if (!raw.ok) return raw;
      const body = raw.value.body as { memos?: unknown; nextPageToken?: unknown };
      if (!Array.isArray(body.memos ?? []))
        return fail({ kind: 'server', message: 'malformed memo list from the server' });
      const memos: RemoteMemo[] = [];
      for (const item of (body.memos as unknown[] | undefined) ?? []) {
        const memo = parseMemo(item);
        // One malformed memo makes the whole page untrustworthy: never act on a partial listing.
        // A comment is no memo of ours (0.31 lists only non-comments; older ones never did).
        if (memo.kind === 'malformed')
          return fail({ kind: 'server', message: `malformed memo in the list: ${memo.reason}` });
        if (memo.kind === 'memo') memos.push(memo.memo);
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
        return classifyStatus(
          response.status,
          parseBody(text).value,
          response.headers.get('Retry-After'),
          now(),
        );
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
  const { type, name, parent } = value as { type?: unknown; name?: unknown; parent?: unknown };
  if (typeof type !== 'string' || !EVENT_TYPES.has(type) || typeof name !== 'string') return undefined;
  // [P7] An event with a parent is about a comment (0.30 sends memo.updated for comments): no hint.
  if (typeof parent === 'string' && parent !== '') return undefined;
  // [P5] Only a well-formed `memos/<id>` is ever fetched: a hint is data from the network.
  const memoName = parseMemoName(name);
  if (!memoName) return undefined;
  return { type: type as Exclude<ServerEvent['type'], 'connected'>, name: memoName } as ServerEvent;
}
