/**
 * The REST surface of the fake Memos server: URL routing, the gateway's auth middleware,
 * JSON bodies and the gateway's error shapes. Invariants, as Memos v0.30 (and where the
 * server's profile says otherwise, as 0.29 / 0.31 do):
 *  - success is 200 with the JSON body (also for creates); deletes answer `{}`;
 *  - service errors are `{"code": <gRPC number>, "message", "details": []}` as JSON;
 *  - the auth middleware refuses an anonymous call to a protected method (or, on a private
 *    instance, to any non-bootstrap method) with 401 and a JSON body typed `text/plain`;
 *    0.29's never refuses: public methods answer anonymously, protected ones 401 as JSON;
 *  - PATCH: the mask is the literal comma-separated `updateMask` query value, else inferred
 *    from the body (0.31: no inference, a missing mask is 400); the inference runs anyway,
 *    so an unknown body key is always 400;
 *  - 0.31 rate-limits each user: 429 RESOURCE_EXHAUSTED with `Retry-After` and RetryInfo;
 *  - SSE refuses anonymous callers with Echo's `{"error": "authentication required"}`.
 */
import type { MemoState } from '../../sync/core/memo';
import { attachmentJson } from './fake-memos-attachments';
import type { FakeMemosServer } from './fake-memos-server';
import {
  FakeRpcError,
  type FakeUser,
  GRPC,
  inferMask,
  memoJson,
  parseMemoInput,
  rfc3339,
  userJson,
} from './fake-memos-state';

type Access = 'bootstrap' | 'public' | 'protected';

interface RouteContext {
  server: FakeMemosServer;
  viewer: FakeUser | undefined;
  params: string[];
  query: URLSearchParams;
  body: () => Record<string, unknown>;
  hasBody: boolean;
  signal: AbortSignal | undefined;
  /** The caller's User-Agent. */
  client: string | null;
}

interface Route {
  method: string;
  pattern: RegExp;
  access: Access;
  handle(ctx: RouteContext): Response | Record<string, unknown>;
}

const json = (status: number, body: unknown, contentType = 'application/json'): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': contentType } });

const rpcError = (error: FakeRpcError): Response =>
  json(GRPC[error.code].http, { code: GRPC[error.code].number, message: error.message, details: [] });

const authRequired = (): Response =>
  new Response('{"code": 16, "message": "authentication required"}\n', {
    status: 401,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' },
  });

/** 0.31's refusal: RESOURCE_EXHAUSTED with ErrorInfo and RetryInfo, and the HTTP headers. */
const rateLimited = (seconds: number): Response =>
  new Response(
    JSON.stringify({
      code: GRPC.RESOURCE_EXHAUSTED.number,
      message: 'too many requests, try again later',
      details: [
        {
          '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
          reason: 'RATE_LIMITED',
          domain: 'memos.api.v1',
          metadata: { scope: 'authenticated', retry_after_seconds: String(seconds) },
        },
        { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${seconds}s` },
      ],
    }),
    {
      status: GRPC.RESOURCE_EXHAUSTED.http,
      headers: { 'Content-Type': 'application/json', 'Retry-After': String(seconds) },
    },
  );

function requireUser(viewer: FakeUser | undefined): FakeUser {
  if (!viewer) throw new FakeRpcError('UNAUTHENTICATED', 'user not authenticated');
  return viewer;
}

function param(ctx: RouteContext, index: number): string {
  return decodeURIComponent(ctx.params[index] ?? '');
}

function queryParam(query: URLSearchParams, camel: string, snake: string): string {
  return query.get(camel) ?? query.get(snake) ?? '';
}

function parseState(value: string): MemoState {
  if (value === '' || value === 'NORMAL' || value === 'STATE_UNSPECIFIED' || value === '1' || value === '0')
    return 'NORMAL';
  if (value === 'ARCHIVED' || value === '2') return 'ARCHIVED';
  throw new FakeRpcError('INVALID_ARGUMENT', `invalid value for enum field state: "${value}"`);
}

function newestFirst(seconds: number[]): string[] {
  return [...seconds].sort((a, b) => b - a).map(rfc3339);
}

function memoOut(server: FakeMemosServer, memo: Parameters<typeof memoJson>[0]): Record<string, unknown> {
  return memoJson(
    memo,
    server.accounts.userById(memo.creatorId),
    server.attachments.ofMemo(memo.uid).map(attachmentJson),
  );
}

const ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/v1\/instance\/profile$/,
    access: 'bootstrap',
    handle: ({ server }) => {
      const admin = server.accounts.newestAdmin();
      const version = server.versionField();
      const omitNull = server.profile.omitsUnsetMessages;
      return {
        ...(version.present ? { version: version.value } : {}),
        demo: false,
        instanceUrl: server.options.publicInstance ? 'http://memos.test' : '',
        ...(admin ? { admin: userJson(admin) } : omitNull ? {} : { admin: null }),
        commit: 'fake',
        ...(server.profile.needsSetupField ? { needsSetup: !server.accounts.hasUsers() } : {}),
      };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/auth\/signin$/,
    access: 'bootstrap',
    handle: ({ server, body }) => {
      const credentials = body().passwordCredentials as
        | { username?: unknown; password?: unknown }
        | undefined;
      const signed = server.accounts.signIn(
        String(credentials?.username ?? ''),
        String(credentials?.password ?? ''),
      );
      return {
        user: userJson(signed.user),
        accessToken: signed.accessToken,
        // [real server] auth objects carry fractional seconds, unlike memos and users
        accessTokenExpiresAt: new Date(signed.expiresAt * 1000 + 123).toISOString(),
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/auth\/me$/,
    access: 'protected',
    handle: ({ viewer }) => ({ user: userJson(requireUser(viewer)) }),
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/users$/,
    access: 'bootstrap',
    handle: ({ server, body }) => {
      const input = body();
      return userJson(server.accounts.createUser(String(input.username ?? ''), String(input.password ?? '')));
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/users\/([^/:]+)\/personalAccessTokens$/,
    access: 'protected',
    handle: (ctx) => {
      const username = param(ctx, 0);
      if (requireUser(ctx.viewer).username !== username)
        throw new FakeRpcError('PERMISSION_DENIED', 'permission denied');
      const { token, id } = ctx.server.accounts.createAccessToken(username);
      const now = new Date(ctx.server.clock.now() + 1).toISOString();
      return {
        personalAccessToken: {
          name: `users/${username}/personalAccessTokens/${id}`,
          description: String(ctx.body().description ?? ''),
          createdAt: now,
        },
        token,
      };
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/api\/v1\/users\/([^/:]+)\/personalAccessTokens\/([^/]+)$/,
    access: 'protected',
    handle: (ctx) => {
      if (requireUser(ctx.viewer).username !== param(ctx, 0))
        throw new FakeRpcError('PERMISSION_DENIED', 'permission denied');
      if (!ctx.server.accounts.revokeToken(param(ctx, 1)))
        throw new FakeRpcError('NOT_FOUND', 'personal access token not found');
      return {};
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/users\/([^/:]+):getStats$/,
    access: 'public',
    handle: (ctx) => {
      const username = param(ctx, 0);
      const memos = ctx.server.statsOf(ctx.viewer, username);
      const tagCount: Record<string, number> = {};
      for (const memo of memos) for (const tag of memo.derived.tags) tagCount[tag] = (tagCount[tag] ?? 0) + 1;
      const count = (p: (m: (typeof memos)[number]) => boolean) => memos.filter(p).length;
      return {
        name: `users/${username}/stats`,
        memoTypeStats: {
          linkCount: count((m) => m.derived.property.hasLink),
          codeCount: count((m) => m.derived.property.hasCode),
          todoCount: count((m) => m.derived.property.hasTaskList),
          undoCount: count((m) => m.derived.property.hasIncompleteTasks),
        },
        tagCount,
        memoCreatedTimestamps: newestFirst(memos.map((m) => m.createdTs)),
        memoUpdatedTimestamps: newestFirst(memos.map((m) => m.updatedTs)),
        pinnedMemos: memos.filter((m) => m.pinned).map((m) => `memos/${m.uid}`),
        totalMemoCount: memos.length,
      };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/memos$/,
    access: 'public',
    handle: ({ server, viewer, query }) => {
      const page = server.listMemos(viewer, {
        filter: query.get('filter') ?? '',
        state: parseState(query.get('state') ?? ''),
        orderBy: queryParam(query, 'orderBy', 'order_by'),
        pageSize: Number(queryParam(query, 'pageSize', 'page_size') || '0') || 0,
        pageToken: queryParam(query, 'pageToken', 'page_token'),
      });
      return { memos: page.memos.map((m) => memoOut(server, m)), nextPageToken: page.nextPageToken };
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/memos$/,
    access: 'protected',
    handle: ({ server, viewer, query, body }) => {
      const memoId = query.get('memoId') ?? query.get('memo_id') ?? undefined;
      const input = parseMemoInput(body(), server.profile.spaces);
      return memoOut(
        server,
        server.createMemo(requireUser(viewer), memoId, input, undefined, input.attachments),
      );
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/memos\/([^/]+)$/,
    access: 'public',
    handle: (ctx) => memoOut(ctx.server, ctx.server.getMemo(ctx.viewer, param(ctx, 0))),
  },
  {
    method: 'PATCH',
    pattern: /^\/api\/v1\/memos\/([^/]+)$/,
    access: 'protected',
    handle: (ctx) => {
      const body = ctx.body();
      // The gateway infers a mask from any body (an unknown key is 400 even with an explicit
      // mask); `{}` infers [""], so it is a 200 no-op, as is `?updateMask=` (also [""]).
      // Only no body and no mask gives an empty mask: 400 "update mask is required".
      const inferred = ctx.hasBody ? inferMask(body) : [];
      const explicit = ctx.query.get('updateMask') ?? ctx.query.get('update_mask');
      if (explicit === null && ctx.server.profile.explicitUpdateMask)
        throw new FakeRpcError('INVALID_ARGUMENT', 'update mask is required');
      const paths =
        explicit === null ? (ctx.hasBody && inferred.length === 0 ? [''] : inferred) : explicit.split(',');
      const input = parseMemoInput(body, ctx.server.profile.spaces);
      const user = requireUser(ctx.viewer);
      if (ctx.server.transientPrecondition?.(param(ctx, 0)))
        throw new FakeRpcError('FAILED_PRECONDITION', 'memo state changed, please retry');
      const memo = ctx.server.updateMemo(user, param(ctx, 0), input, paths, input.attachments);
      return memoOut(ctx.server, memo);
    },
  },
  {
    method: 'DELETE',
    pattern: /^\/api\/v1\/memos\/([^/]+)$/,
    access: 'protected',
    handle: (ctx) => {
      ctx.server.deleteMemo(requireUser(ctx.viewer), param(ctx, 0));
      return {};
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/attachments$/,
    access: 'protected',
    handle: ({ server, viewer, query, body }) => {
      const id = query.get('attachmentId') ?? query.get('attachment_id') ?? undefined;
      return attachmentJson(server.attachments.create(requireUser(viewer), id, body()));
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/attachments$/,
    access: 'protected',
    handle: ({ server, viewer, query }) => {
      const page = server.attachments.list(
        requireUser(viewer),
        Number(queryParam(query, 'pageSize', 'page_size') || '0') || 0,
        queryParam(query, 'pageToken', 'page_token'),
        query.get('filter') ?? '',
      );
      return { attachments: page.rows.map(attachmentJson), nextPageToken: page.next };
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/attachments\/([^/]+)$/,
    access: 'protected',
    handle: (ctx) =>
      attachmentJson(
        ctx.server.attachments.read(ctx.viewer, param(ctx, 0), (memo) =>
          ctx.server.canRead(ctx.viewer, memo),
        ),
      ),
  },
  {
    method: 'DELETE',
    pattern: /^\/api\/v1\/attachments\/([^/]+)$/,
    access: 'protected',
    handle: (ctx) => {
      ctx.server.attachments.remove(requireUser(ctx.viewer), param(ctx, 0));
      return {};
    },
  },
  {
    method: 'GET',
    pattern: /^\/file\/attachments\/([^/]+)\/[^/]+$/,
    access: 'bootstrap', // the file server checks access itself
    handle: (ctx) => {
      const row = ctx.server.attachments.read(ctx.viewer, param(ctx, 0), (memo) =>
        ctx.server.canRead(ctx.viewer, memo),
      );
      return ctx.server.attachments.file(row, ctx.query.get('thumbnail') === 'true');
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/sse$/,
    access: 'bootstrap', // its own (Echo) handler checks the Bearer token below
    handle: ({ server, viewer, signal, client }) => {
      if (!viewer) return json(401, { error: 'authentication required' });
      const stream = server.sse.open(
        {
          userId: viewer.id,
          username: viewer.username,
          admin: viewer.role === 'ADMIN',
          ...(client === null ? {} : { client }),
        },
        signal,
      );
      return new Response(stream, {
        status: 200,
        headers: {
          'Content-Type': 'text/event-stream',
          'Cache-Control': 'no-cache',
          'X-Accel-Buffering': 'no',
        },
      });
    },
  },
];

function headerOf(init: RequestInit | undefined, name: string): string | null {
  return new Headers(init?.headers).get(name);
}

export async function handleFakeRequest(
  server: FakeMemosServer,
  url: string,
  init: RequestInit | undefined,
): Promise<Response> {
  const parsed = new URL(url, 'http://memos.test');
  const method = (init?.method ?? 'GET').toUpperCase();
  server.requests.push({ method, url: `${parsed.pathname}${parsed.search}` });
  const candidates = ROUTES.filter((r) => r.pattern.test(parsed.pathname));
  if (candidates.length === 0) return json(404, { code: 5, message: 'Not Found', details: [] });
  const route = candidates.find((r) => r.method === method);
  if (!route) return json(501, { code: 12, message: 'Method Not Allowed', details: [] });
  const viewer = server.accounts.authenticate(headerOf(init, 'Authorization'));
  if (!viewer && route.access !== 'bootstrap') {
    if (server.profile.anonymousReadsOnPrivate) {
      // 0.29: nothing is refused before the service; /auth/me says so in its own words.
      if (route.access === 'protected' && parsed.pathname === '/api/v1/auth/me')
        return rpcError(new FakeRpcError('UNAUTHENTICATED', 'user not found'));
    } else if (route.access === 'protected' || !server.options.publicInstance) return authRequired();
  }
  const waitSeconds =
    viewer && !parsed.pathname.endsWith('/sse') ? server.rateLimitDelay(viewer.id) : undefined;
  if (waitSeconds !== undefined) return rateLimited(waitSeconds);
  const rawBody =
    typeof init?.body === 'string' ? init.body : init?.body instanceof Blob ? await init.body.text() : '';
  const ctx: RouteContext = {
    server,
    viewer,
    params: (route.pattern.exec(parsed.pathname) ?? []).slice(1),
    query: parsed.searchParams,
    signal: init?.signal ?? undefined,
    client: headerOf(init, 'User-Agent'),
    hasBody: rawBody !== '',
    body: () => {
      let value: unknown;
      try {
        value = rawBody === '' ? {} : JSON.parse(rawBody);
      } catch {
        throw new FakeRpcError('INVALID_ARGUMENT', 'invalid character in request body');
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new FakeRpcError('INVALID_ARGUMENT', 'request body is not a JSON object');
      return value as Record<string, unknown>;
    },
  };
  const dated = (response: Response) => {
    response.headers.set('Date', new Date(server.clock.now()).toUTCString());
    return response;
  };
  try {
    const result = route.handle(ctx);
    return dated(result instanceof Response ? result : json(200, result));
  } catch (error) {
    if (error instanceof FakeRpcError) return dated(rpcError(error));
    throw error;
  }
}
