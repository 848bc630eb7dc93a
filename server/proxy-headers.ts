/**
 * Header rewriting for the Memos proxy. Invariants:
 * - Hop-by-hop headers (RFC 9110 §7.6.1, plus every name listed in `Connection`) never
 *   cross the proxy in either direction.
 * - Upstream requests carry the UPSTREAM's Host, never the client's; the client's values
 *   of X-Forwarded-For/-Proto/-Host are replaced by what this server observed.
 * - `Authorization`, cookies and all end-to-end headers pass through unchanged.
 */
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { TLSSocket } from 'node:tls';

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

function endToEnd(headers: IncomingHttpHeaders, drop: ReadonlySet<string>): OutgoingHttpHeaders {
  const listed = connectionTokens(headers);
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || listed.has(name) || drop.has(name)) continue;
    out[name] = value;
  }
  return out;
}

const DROP_FROM_CLIENT = new Set([
  'host',
  'expect',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-forwarded-host',
  'forwarded',
]);

export function isTlsRequest(req: IncomingMessage): boolean {
  return (req.socket as Partial<TLSSocket>).encrypted === true;
}

/** Headers for the upstream request. `upstreamHost` is `host[:port]` of the Memos server. */
export function upstreamRequestHeaders(
  req: IncomingMessage,
  upstreamHost: string,
  isSse: boolean,
): OutgoingHttpHeaders {
  const headers = endToEnd(req.headers, DROP_FROM_CLIENT);
  headers.host = upstreamHost;
  headers['x-forwarded-for'] = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
  headers['x-forwarded-proto'] = isTlsRequest(req) ? 'https' : 'http';
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  // An event stream must arrive byte by byte; ask the upstream not to compress it.
  if (isSse) headers['accept-encoding'] = 'identity';
  return headers;
}

const DROP_FROM_UPSTREAM = new Set(['content-security-policy', 'x-frame-options']);

/** Headers for the client response (our security headers are added by the caller). */
export function clientResponseHeaders(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  return endToEnd(headers, DROP_FROM_UPSTREAM);
}
