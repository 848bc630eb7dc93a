/**
 * Which names the server certificate must cover, and which LAN addresses to advertise.
 * Invariants: the result always contains `localhost`, `127.0.0.1` and `::1`; every current
 * non-internal IPv4/IPv6 interface address is included; entries are lower-case and unique.
 * Pure functions over `os.hostname()` / `os.networkInterfaces()` so tests can pass fakes.
 */
import { type NetworkInterfaceInfo, networkInterfaces, hostname as osHostname } from 'node:os';

export type Interfaces = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** The machine facts the certificate and the printed URLs depend on. */
export interface NetworkFacts {
  hostname: string;
  interfaces: Interfaces;
}

export interface SubjectNames {
  dns: readonly string[];
  ips: readonly string[];
}

export function currentNetworkFacts(): NetworkFacts {
  return { hostname: osHostname(), interfaces: networkInterfaces() };
}

const DNS_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

function externalAddresses(interfaces: Interfaces): NetworkInterfaceInfo[] {
  return Object.values(interfaces)
    .flatMap((list) => list ?? [])
    .filter((info) => !info.internal);
}

/** DNS names and IP addresses a phone or browser on this machine or LAN may use to reach us. */
export function requiredSubjectNames(facts: NetworkFacts): SubjectNames {
  const host = facts.hostname.trim().toLowerCase();
  const short = host.split('.')[0] ?? '';
  const dns = unique(['localhost', host, short ? `${short}.local` : '']).filter((name) =>
    DNS_NAME.test(name),
  );
  const ips = unique(['127.0.0.1', '::1', ...externalAddresses(facts.interfaces).map((i) => i.address)]);
  return { dns, ips: ips.map((ip) => ip.toLowerCase()) };
}

/** Non-internal, non-link-local IPv4 addresses: the ones worth printing as `https://<ip>:port`. */
export function lanIpv4Addresses(interfaces: Interfaces): string[] {
  return unique(
    externalAddresses(interfaces)
      .filter((info) => info.family === 'IPv4' && !info.address.startsWith('169.254.'))
      .map((info) => info.address),
  );
}
