/**
 * The URLs people should open. Invariants: when the bind address includes loopback, `local`
 * is `http://localhost:<port>` (loopback plain HTTP is served on the same port and localhost
 * is a secure context); LAN URLs use HTTPS whenever TLS is on, and exist only when the bind
 * address is reachable from the LAN (a wildcard address, or one specific non-loopback address).
 */
import { isLoopbackAddress } from './https-redirect';
import { type Interfaces, lanIpv4Addresses } from './tls/names';

export interface AppUrls {
  local: string;
  /** `https://localhost:<port>` when TLS is on and loopback is bound. */
  localHttps?: string;
  lan: string[];
}

export function appUrls(host: string, port: number, tls: boolean, interfaces: Interfaces): AppUrls {
  const scheme = tls ? 'https' : 'http';
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  const loopback = wildcard || host === 'localhost' || isLoopbackAddress(host);
  const specific = host.includes(':') ? `[${host}]` : host;
  const lanHosts = wildcard ? lanIpv4Addresses(interfaces) : loopback ? [] : [specific];
  const lan = lanHosts.map((h) => `${scheme}://${h}:${port}`);
  if (!loopback) return { local: `${scheme}://${specific}:${port}`, lan };
  return {
    local: `http://localhost:${port}`,
    ...(tls ? { localHttps: `https://localhost:${port}` } : {}),
    lan,
  };
}
