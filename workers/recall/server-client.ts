/**
 * The device's client of the home server's embedding service (server/embed-service.ts),
 * reached on the app's own origin with the Memos token the app already holds. The ONLY
 * device module that knows the `/embed/v1/` URLs and their status codes: every answer is
 * checked here and every failure classified here, once, into ServerFailure.
 *   network error, timeout, 5xx other than below → unreachable (try again later)
 *   401 → unauthorized; 403, 404, 503 `service-off` / `model-unavailable` → off
 *   409 → model-mismatch (with the server's model ids); 400, 413, a malformed body → invalid
 */
import { decodeVectors, WireFormatError, type WireVectors } from './vector-wire';

export type ServerFailure =
  | { kind: 'unreachable'; message: string }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'off'; message: string }
  | { kind: 'model-mismatch'; message: string; serverModels: string[] }
  | { kind: 'invalid'; message: string };

export type ServerResult<T> = { ok: true; value: T } | { ok: false; failure: ServerFailure };

export interface ServerInfo {
  models: string[];
  threads: number;
}

export interface EmbedServerClient {
  info(): Promise<ServerResult<ServerInfo>>;
  /** Stored vectors of these content hashes (hashes the server lacks are left out). */
  lookup(modelId: string, hashes: readonly string[]): Promise<ServerResult<WireVectors>>;
  /** Vectors of these texts, embedded by the server where it has none stored. */
  embed(modelId: string, texts: readonly string[]): Promise<ServerResult<WireVectors>>;
  /** Asks the server to read this account's notebook from Memos and embed what it lacks. */
  warmup(modelId: string): Promise<ServerResult<{ running: boolean }>>;
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface EmbedServerClientOptions {
  /** e.g. `https://notes.local:4173` (the app's origin) */
  origin: string;
  /** the Memos access token, if the app is connected */
  token(): Promise<string | undefined>;
  fetch: FetchLike;
  /** per vectors request (default 120 s: it may wait behind other devices' work) */
  timeoutMs?: number;
  /** for `info` (default 10 s) */
  infoTimeoutMs?: number;
}

const fail = (failure: ServerFailure): { ok: false; failure: ServerFailure } => ({ ok: false, failure });

function errorBody(body: unknown): { message: string; reason: string; models: string[] } {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return {
    message: typeof record.message === 'string' ? record.message : '',
    reason: typeof record.reason === 'string' ? record.reason : '',
    models: Array.isArray(record.models)
      ? record.models.filter((m): m is string => typeof m === 'string')
      : [],
  };
}

function classifyStatus(status: number, body: unknown): ServerFailure {
  const { message, reason, models } = errorBody(body);
  const detail = message || `HTTP ${status}`;
  if (status === 401) return { kind: 'unauthorized', message: detail };
  if (status === 409) return { kind: 'model-mismatch', message: detail, serverModels: models };
  if (status === 403 || status === 404) return { kind: 'off', message: detail };
  if (status === 503 && (reason === 'service-off' || reason === 'model-unavailable')) {
    return { kind: 'off', message: detail };
  }
  if (status === 400 || status === 413) return { kind: 'invalid', message: detail };
  return { kind: 'unreachable', message: detail };
}

export function createEmbedServerClient(options: EmbedServerClientOptions): EmbedServerClient {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const infoTimeoutMs = options.infoTimeoutMs ?? 10_000;

  async function call(path: string, body?: unknown): Promise<ServerResult<Response>> {
    const token = await options.token();
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response: Response;
    try {
      response = await options.fetch(`${options.origin}/embed/v1/${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(body === undefined ? infoTimeoutMs : timeoutMs),
        cache: 'no-store',
      });
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      return fail({
        kind: 'unreachable',
        message:
          name === 'TimeoutError'
            ? 'the home server did not answer in time'
            : 'the home server is not reachable',
      });
    }
    if (response.ok) return { ok: true, value: response };
    const text = await response.text().catch(() => '');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return fail(classifyStatus(response.status, parsed));
  }

  async function vectors(path: string, body: unknown, modelId: string): Promise<ServerResult<WireVectors>> {
    const result = await call(path, body);
    if (!result.ok) return result;
    let decoded: WireVectors;
    try {
      decoded = decodeVectors(await result.value.arrayBuffer());
    } catch (error) {
      if (error instanceof WireFormatError) return fail({ kind: 'invalid', message: error.message });
      return fail({ kind: 'unreachable', message: 'the connection to the home server broke off' });
    }
    if (decoded.modelId !== modelId) {
      return fail({
        kind: 'model-mismatch',
        message: `the home server answered with vectors of ${decoded.modelId}`,
        serverModels: [decoded.modelId],
      });
    }
    return { ok: true, value: decoded };
  }

  return {
    async info() {
      const result = await call('info');
      if (!result.ok) return result;
      const body: unknown = await result.value.json().catch(() => undefined);
      const record =
        typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : undefined;
      const models = Array.isArray(record?.models)
        ? record.models.flatMap((m: unknown) =>
            typeof m === 'object' && m !== null && typeof (m as { modelId?: unknown }).modelId === 'string'
              ? [(m as { modelId: string }).modelId]
              : [],
          )
        : undefined;
      if (!models) return fail({ kind: 'invalid', message: 'the home server answered info without models' });
      const threads = typeof record?.threads === 'number' ? record.threads : 0;
      return { ok: true, value: { models, threads } };
    },
    lookup: (modelId, hashes) => vectors('vectors', { modelId, hashes }, modelId),
    async warmup(modelId) {
      const result = await call('warmup', { modelId });
      if (!result.ok) return result;
      const body: unknown = await result.value.json().catch(() => undefined);
      const running =
        typeof body === 'object' && body !== null && (body as { running?: unknown }).running === true;
      return { ok: true, value: { running } };
    },
    embed: (modelId, texts) => vectors('embed', { modelId, texts }, modelId),
  };
}
