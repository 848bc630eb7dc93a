/**
 * Header rewriting for the Memos proxy. Invariants:
 * - Hop-by-hop headers (RFC 9110 §7.6.1, plus every name listed in `Connection`) never
 *   cross the proxy in either direction. The upstream request's framing is decided by the
 *   proxy (memos-proxy.ts), never copied from the client.
 * - Upstream requests carry the UPSTREAM's Host, never the client's. Every header a client
 *   could use to claim another address or origin (`X-Forwarded-*`, `X-Real-IP`, `Forwarded`,
 *   `True-Client-IP`, …) is dropped; X-Forwarded-For/-Proto/-Host and X-Real-IP are set
 *   from what this server observed.
 * - Responses: the upstream's CSP, framing and service-worker scope headers (and the loop
 *   marker) are dropped, and
 *   any header this server already set on the response (its security headers) wins over the
 *   upstream's value of the same name.
 * - `Authorization`, cookies and all other end-to-end headers pass through unchanged.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { VIA_HEADER } from './proxy-loop';

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
]);

function connectionTokens(headers: IncomingHttpHeaders): Set<string> {
  const value = headers.connection;
  const list = Array.isArray(value) ? value.join(',') : (value ?? '');
  return new Set(
    list
      .split(',')
      .map((token) => token.trim().toLowerCase())
      .filter(Boolean),
  );
}

function endToEnd(headers: IncomingHttpHeaders, drop: (name: string) => boolean): OutgoingHttpHeaders {
  const listed = connectionTokens(headers);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name) || drop(name)) continue;
    out[name] = value;
  }
  return out;
}

const DROP_FROM_CLIENT = new Set([
  'host',
  'expect',
  'content-length',
  'forwarded',
  'x-real-ip',
  'true-client-ip',
  'x-client-ip',
  'x-cluster-client-ip',
  'cf-connecting-ip',
  'fastly-client-ip',
  'x-original-forwarded-for',
  VIA_HEADER,
]);

function droppedFromClient(name: string): boolean {
  return DROP_FROM_CLIENT.has(name) || name.startsWith('x-forwarded-');
}

export function isTlsRequest(req: IncomingMessage): boolean {
  return (req.socket as Partial<TLSSocket>).encrypted === true;
}

/**
 * Headers for the upstream request, without framing (the caller sets Content-Length or
 * Transfer-Encoding). `upstreamHost` is `host[:port]` of the Memos server; `via` is the
 * loop marker chain (proxy-loop.ts).
 */
export function upstreamRequestHeaders(
  req: IncomingMessage,
  upstreamHost: string,
  isSse: boolean,
  via: string,
): OutgoingHttpHeaders {
  const headers = endToEnd(req.headers, droppedFromClient);
  const clientAddress = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  headers.host = upstreamHost;
  headers['x-forwarded-for'] = clientAddress;
  headers['x-real-ip'] = clientAddress;
  headers['x-forwarded-proto'] = isTlsRequest(req) ? 'https' : 'http';
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  headers[VIA_HEADER] = via;
  // An event stream must arrive byte by byte; ask the upstream not to compress it.
  if (isSse) headers['accept-encoding'] = 'identity';
  return headers;
}

const DROP_FROM_UPSTREAM = new Set([
  'content-security-policy',
  'content-security-policy-report-only',
  'x-frame-options',
  'service-worker-allowed',
  VIA_HEADER,
]);

/**
 * Headers for the client response. Names already set on `res` (our security headers) are
 * left out, so ours win when `writeHead` merges the two.
 */
export function clientResponseHeaders(
  headers: IncomingHttpHeaders,
  res: ServerResponse,
): OutgoingHttpHeaders {
  return endToEnd(headers, (name) => DROP_FROM_UPSTREAM.has(name) || res.hasHeader(name));
}
