/**
 * MEMOS_URL must never point at this app itself (the proxy would call itself until file
 * handles ran out). Two independent checks:
 * - At start (`memosUrlPointsAtSelf`): the URL's port is one this server listens on and its
 *   host is one of this machine's own names or addresses (or a wildcard address).
 * - Per request (`ProxyLoopMarker`): every proxied request carries this server's random
 *   marker in `X-Memos-Offline-Via` (appended to what earlier hops put there, so a ring of
 *   several instances is caught too); a request that arrives carrying our own marker came
 *   back through the proxy and is refused (508, marked with our marker so the proxy reports
 *   it once) before it is routed. The start-up probe of
 *   MEMOS_URL sends the marker too, so a name that resolves to us is caught at start.
 * The marker is random per server, so a client cannot guess it; what a client puts in the
 * header only ever reaches Memos, after our own marker.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const VIA_HEADER = 'x-memos-offline-via';
/** Longest chain of hops kept (a longer header is cut to its last entries). */
const MAX_HOPS = 8;

export interface ProxyLoopMarker {
  /** This server's marker. */
  readonly token: string;
  /** True when the request already went through this server's proxy. */
  cameBack(req: IncomingMessage): boolean;
  /** The header value for the upstream request: earlier hops, then this server. */
  via(req: IncomingMessage): string;
  /** True when a header value is exactly this server's marker (on a 508 refusal). */
  isOurs(value: string | string[] | undefined): boolean;
}

function hops(req: IncomingMessage): string[] {
  const value = req.headers[VIA_HEADER];
  const list = Array.isArray(value) ? value.join(',') : (value ?? '');
  return list
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => /^[0-9a-f]{8,64}$/.test(hop));
}

export function createLoopMarker(token: string = randomBytes(12).toString('hex')): ProxyLoopMarker {
  return {
    token,
    cameBack: (req) => hops(req).includes(token),
    via: (req) => [...hops(req).slice(-(MAX_HOPS - 1)), token].join(', '),
    isOurs: (value) => value === token,
  };
}

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** The port a URL addresses (explicit, else the scheme's default). */
function portOf(url: URL): number {
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/**
 * True when `memosUrl` addresses one of `ports` on a host that `isOwnHost` recognises as this
 * machine (or a wildcard address).
 */
export function memosUrlPointsAtSelf(
  memosUrl: string,
  ports: readonly number[],
  isOwnHost: (host: string) => boolean,
): boolean {
  const url = new URL(memosUrl);
  if (!ports.includes(portOf(url))) return false;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return WILDCARDS.has(host) || isOwnHost(host);
}
