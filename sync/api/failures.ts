/**
 * Classifying what went wrong with one HTTP exchange into the closed union ApiFailure,
 * once, at the boundary: network error or timeout → offline; 401 → unauthorized;
 * 403 → forbidden; 404 → not-found; 409 → already-exists; 429 or gRPC RESOURCE_EXHAUSTED (8)
 * → rate-limited (with the delay from `Retry-After`, else the body's RetryInfo); 412 or
 * gRPC FAILED_PRECONDITION (9, which the gateway sends as 400) → precondition; other
 * 400/413/422 → invalid; 502/503/504 (our proxy: upstream down) → offline; anything else →
 * server. Memos' error bodies come in three shapes (gateway `{code,message,details}`, the
 * auth middleware's text/plain JSON, Echo's `{message}` / `{error}`): all are read.
 */
import type { ApiFailure } from './types';
import { serverMessage } from './validate';

const GRPC_RESOURCE_EXHAUSTED = 8;
const GRPC_FAILED_PRECONDITION = 9;
/** A Retry-After beyond this is treated as this (a misconfigured proxy must not park sync for days). */
const MAX_RETRY_AFTER_MS = 60 * 60_000;

function grpcCode(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const code = (body as { code?: unknown }).code;
  return typeof code === 'number' ? code : undefined;
}

/** `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unusable. */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  let ms: number | undefined;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isFinite(at)) ms = Math.max(0, at - now);
  }
  return ms === undefined ? undefined : Math.min(ms, MAX_RETRY_AFTER_MS);
}

/** google.rpc.RetryInfo `retryDelay` ("12s", "1.5s") among the error details. */
function retryInfoDelay(body: unknown): number | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const details = (body as { details?: unknown }).details;
  if (!Array.isArray(details)) return undefined;
  for (const detail of details) {
    if (typeof detail !== 'object' || detail === null) continue;
    const delay = (detail as { retryDelay?: unknown }).retryDelay;
    const match = typeof delay === 'string' ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
    if (match) return Math.min(Math.round(Number(match[1]) * 1000), MAX_RETRY_AFTER_MS);
  }
  return undefined;
}

export function classifyStatus(
  status: number,
  body: unknown,
  retryAfterHeader: string | null = null,
  now: number = Date.now(),
): ApiFailure {
  const message = serverMessage(body, `HTTP ${status}`);
  const code = grpcCode(body);
  if (status === 429 || code === GRPC_RESOURCE_EXHAUSTED) {
    const retryAfterMs = parseRetryAfter(retryAfterHeader, now) ?? retryInfoDelay(body);
    return {
      kind: 'rate-limited',
      message: `the server asked to slow down (${message})`,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  if (status === 412 || (status === 400 && code === GRPC_FAILED_PRECONDITION)) {
    return { kind: 'precondition', message };
  }
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

export function classifyThrown(error: unknown): ApiFailure {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError')
    return { kind: 'offline', message: 'the server did not answer in time', timedOut: true };
  if (name === 'AbortError') return { kind: 'offline', message: 'the request was cancelled', timedOut: true };
  return {
    kind: 'offline',
    message: `server unreachable (${error instanceof Error ? error.message : String(error)})`,
  };
}

/** Parses a body as JSON whatever its content type; a non-JSON body becomes `{message}`. */
export function parseBody(text: string): { json: true; value: unknown } | { json: false; value: unknown } {
  if (text === '') return { json: true, value: {} };
  try {
    return { json: true, value: JSON.parse(text) };
  } catch {
    return { json: false, value: { message: text.slice(0, 200) } };
  }
}
