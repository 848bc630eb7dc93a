/**
 * Which Host headers this server answers (the defence against DNS rebinding: a page on
 * `evil.example` whose name is re-pointed at this machine still sends `Host: evil.example`).
 * Invariants:
 * - Allowed: `localhost`, every loopback address (127.0.0.0/8, ::1), the machine's host name,
 *   its short form and `<short>.local`, every interface address known at start, the address
 *   the client actually connected to (so a DHCP change needs no restart), the names of the
 *   served certificate (a TLS_CERT's SANs, `*.` wildcards for one label), and the operator's
 *   ALLOWED_HOSTS. Any port, or none: the port says nothing about who chose the name.
 * - Names compare lower-case without a trailing dot; IP literals compare in the canonical
 *   form the WHATWG URL parser gives (what browsers send), IPv4-mapped IPv6 as IPv4.
 * - A request without a Host header (HTTP/1.0) is allowed: browsers always send one.
 * Pure: the machine facts are parameters.
 */
import { isIP } from 'node:net';
import type { NetworkFacts } from './tls/names';

export interface ParsedHost {
  /** Lower-case name without trailing dot, dotted IPv4, or IPv6 without brackets. */
  name: string;
  kind: 'dns' | 'ipv4' | 'ipv6';
  /** The port as written, if any. */
  port?: string;
}

const HOST_CHARS = /^[a-z0-9._\-[\]:]+$/i;
const DNS_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$/;

function unmapIpv4(ipv6: string): string {
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ipv6);
  if (!mapped) return ipv6.replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
  const high = Number.parseInt(mapped[1] ?? '0', 16);
  const low = Number.parseInt(mapped[2] ?? '0', 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** Canonical form of an address (IPv6 without brackets) or a name; undefined if neither. */
export function canonicalHost(value: string): ParsedHost | undefined {
  const bare = value
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (isIP(bare) === 6) return parseHostHeader(`[${bare}]`);
  return parseHostHeader(bare);
}

/** Parses a Host header value (`name`, `name:port`, `1.2.3.4:port`, `[v6]:port`). */
export function parseHostHeader(header: string): ParsedHost | undefined {
  if (!HOST_CHARS.test(header)) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${header}/`);
  } catch {
    return undefined;
  }
  const port = /:(\d{1,5})$/.exec(header)?.[1];
  const withPort = port === undefined ? {} : { port };
  const host = url.hostname;
  if (host.startsWith('[')) {
    const address = unmapIpv4(host.slice(1, -1));
    return { name: address, kind: isIP(address) === 4 ? 'ipv4' : 'ipv6', ...withPort };
  }
  if (isIP(host) === 4) return { name: host, kind: 'ipv4', ...withPort };
  const name = host.replace(/\.$/, '');
  return DNS_NAME.test(name) ? { name, kind: 'dns', ...withPort } : undefined;
}

export interface HostAllowlistOptions {
  network: NetworkFacts;
  /** ALLOWED_HOSTS: extra names or addresses (already validated by the config). */
  extra: readonly string[];
  /** DNS names and addresses the served certificate covers (`*.example.com` allowed). */
  certificateNames?: readonly string[];
}

export interface HostAllowlist {
  /** True when a request with this Host header, received on `localAddress`, may be served. */
  allows(hostHeader: string | undefined, localAddress: string | undefined): boolean;
  /** True for this machine's own names and addresses (not ALLOWED_HOSTS). */
  isOwn(host: string): boolean;
  /** The extra names from ALLOWED_HOSTS, canonical. */
  readonly extraNames: readonly string[];
}

function isLoopback(host: ParsedHost): boolean {
  return (
    (host.kind === 'ipv4' && host.name.startsWith('127.')) || (host.kind === 'ipv6' && host.name === '::1')
  );
}

function canonicalList(values: readonly string[]): string[] {
  return values.flatMap((value) => {
    const parsed = canonicalHost(value);
    return parsed ? [parsed.name] : [];
  });
}

export function createHostAllowlist(options: HostAllowlistOptions): HostAllowlist {
  const host = options.network.hostname.trim().toLowerCase().replace(/\.$/, '');
  const short = host.split('.')[0] ?? '';
  const interfaceAddresses = Object.values(options.network.interfaces)
    .flatMap((list) => list ?? [])
    .map((info) => info.address.replace(/%.*$/, ''));
  const own = new Set(
    canonicalList(['localhost', host, short, short ? `${short}.local` : '', ...interfaceAddresses]),
  );
  const extraNames = canonicalList(options.extra);
  const exact = new Set([...own, ...extraNames]);
  const certificate = options.certificateNames ?? [];
  const wildcards = certificate
    .filter((name) => name.startsWith('*.'))
    .map((name) => name.slice(1).toLowerCase());
  for (const name of canonicalList(certificate.filter((name) => !name.startsWith('*.')))) exact.add(name);

  const isOwnParsed = (parsed: ParsedHost): boolean => isLoopback(parsed) || own.has(parsed.name);

  return {
    extraNames,
    isOwn(value) {
      const parsed = canonicalHost(value);
      return parsed !== undefined && isOwnParsed(parsed);
    },
    allows(hostHeader, localAddress) {
      if (hostHeader === undefined) return true;
      const parsed = parseHostHeader(hostHeader);
      if (!parsed) return false;
      if (isLoopback(parsed) || exact.has(parsed.name)) return true;
      if (parsed.kind === 'dns') {
        const dot = parsed.name.indexOf('.');
        return dot > 0 && wildcards.includes(parsed.name.slice(dot));
      }
      const local = localAddress === undefined ? undefined : canonicalHost(localAddress);
      return local !== undefined && local.name === parsed.name;
    },
  };
}
