/**
 * Who may use plain HTTP. Invariant: plain HTTP is served only to loopback clients
 * (127.0.0.0/8, ::1, and their IPv4-mapped forms); any other client gets a 308 redirect to
 * `https://<host it asked for>:<our port><path>`. The Host header only chooses the name in
 * the redirect, and only when it is a plain host name or IP literal; otherwise the local
 * address the client connected to is used.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { parseRequestTarget } from './request-target';
import type { RequestHandler } from './router';
import type { SecurityHeaders } from './security-headers';

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.replace(/^::ffff:/i, '');
  return plain === '::1' || (isIP(plain) === 4 && plain.startsWith('127.'));
}

const HOST_NAME = /^[a-z0-9]([a-z0-9.-]{0,252})$/i;

/** The host part of a Host header (`name`, `1.2.3.4` or `[v6]`), if it is well-formed. */
function hostOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const v6 = /^\[([0-9a-f:.]+)\](:\d+)?$/i.exec(header);
  if (v6?.[1] !== undefined) return isIP(v6[1]) === 6 ? `[${v6[1]}]` : undefined;
  const name = header.replace(/:\d+$/, '');
  return HOST_NAME.test(name) ? name : undefined;
}

function localHost(req: IncomingMessage): string {
  const address = (req.socket.localAddress ?? 'localhost').replace(/^::ffff:/i, '');
  return isIP(address) === 6 ? `[${address}]` : address;
}

export function httpsUrlFor(req: IncomingMessage, port: number): string {
  const host = hostOf(req.headers.host) ?? localHost(req);
  const target = parseRequestTarget(req.url);
  return `https://${host}:${port}${target ? `${target.pathname}${target.search}` : '/'}`;
}

/** Wraps `handler` so that non-loopback plain-HTTP clients are redirected to HTTPS. */
export function loopbackOnly(
  handler: RequestHandler,
  security: SecurityHeaders,
  port: () => number,
): RequestHandler {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (isLoopbackAddress(req.socket.remoteAddress)) {
      handler(req, res);
      return;
    }
    security.apply(res);
    const location = httpsUrlFor(req, port());
    res.writeHead(308, {
      Location: location,
      'Content-Type': 'text/plain; charset=utf-8',
      'Cache-Control': 'no-store',
    });
    res.end(`Use HTTPS: ${location}\n`);
  };
}
