/**
 * X.509 name constraints (RFC 5280 §4.2.1.10) for the local CA: it may vouch only for local
 * names and private addresses, so a phone that trusts it never has to trust it again when
 * DHCP moves the box, and a leaked CA key cannot vouch for a public site. Owns:
 * - `localCaConstraints(hostname)`: DNS `localhost`, `local`, `lan`, `home.arpa` and the
 *   machine's host name (each with its subdomains); the unicast ranges IANA's special-purpose
 *   registries mark "not globally reachable", where no public site can live: IPv4 private
 *   (10/8, 172.16/12, 192.168/16), loopback, link-local, shared (100.64/10, used by VPN
 *   meshes), benchmarking (198.18/15) and documentation (192.0.2/24, 198.51.100/24,
 *   203.0.113/24: some labs and sandboxes number their LANs there); IPv6 ::1, fc00::/7,
 *   fe80::/10 and documentation (2001:db8::/32).
 * - the extension's DER, built with node-forge's ASN.1 helpers (forge parses but does not
 *   encode nameConstraints): permittedSubtrees only, marked critical as RFC 5280 requires;
 * - reading the permitted subtrees back from a certificate, and the name matching rules
 *   (a DNS base matches itself and every name below it; an address matches its range), used
 *   to keep server certificates inside their CA's constraints.
 */
import { isIPv4, isIPv6 } from 'node:net';
import forge from 'node-forge';

export interface NameConstraints {
  /** Permitted DNS subtrees (lower case, no leading dot). */
  dns: readonly string[];
  /** Permitted address ranges in CIDR notation. */
  ips: readonly string[];
}

const NAME_CONSTRAINTS_OID = '2.5.29.30';
const DNS_NAME_TAG = 2;
const IP_ADDRESS_TAG = 7;

export const PRIVATE_RANGES: readonly string[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '100.64.0.0/10',
  '198.18.0.0/15',
  '192.0.2.0/24',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
  '2001:db8::/32',
];

export const LOCAL_DNS_SUFFIXES: readonly string[] = ['localhost', 'local', 'lan', 'home.arpa'];

const DNS_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function localCaConstraints(hostname: string): NameConstraints {
  const host = hostname.trim().toLowerCase().replace(/\.$/, '');
  const dns = [...LOCAL_DNS_SUFFIXES];
  if (DNS_NAME.test(host) && !dns.some((base) => dnsWithin(host, base))) dns.push(host);
  return { dns, ips: [...PRIVATE_RANGES] };
}

/** The 4 or 16 bytes of an IP address. */
function addressBytes(address: string): number[] {
  if (isIPv4(address)) return address.split('.').map(Number);
  if (!isIPv6(address)) throw new Error(`not an IP address: ${address}`);
  const [head = '', tail = ''] = address.includes('::') ? address.split('::') : [address, ''];
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = groups(tail);
  const words = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right].map((word) =>
    Number.parseInt(word, 16),
  );
  return words.flatMap((word) => [word >> 8, word & 255]);
}

function maskBytes(prefix: number, length: number): number[] {
  return Array.from({ length }, (_, i) => {
    const bits = Math.max(0, Math.min(8, prefix - i * 8));
    return (0xff << (8 - bits)) & 0xff;
  });
}

function parseCidr(cidr: string): { address: number[]; mask: number[] } {
  const [base = '', prefixText = ''] = cidr.split('/');
  const address = addressBytes(base);
  return { address, mask: maskBytes(Number(prefixText), address.length) };
}

function bytesToBinary(bytes: readonly number[]): string {
  return String.fromCharCode(...bytes);
}

/** The nameConstraints extension for node-forge's `cert.setExtensions`. */
export function nameConstraintsExtension(constraints: NameConstraints): {
  id: string;
  critical: true;
  value: forge.asn1.Asn1;
} {
  const { asn1 } = forge;
  const subtree = (tag: number, value: string): forge.asn1.Asn1 =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, false, value),
    ]);
  const subtrees = [
    ...constraints.dns.map((name) => subtree(DNS_NAME_TAG, name)),
    ...constraints.ips.map((cidr) => {
      const { address, mask } = parseCidr(cidr);
      return subtree(IP_ADDRESS_TAG, bytesToBinary([...address, ...mask]));
    }),
  ];
  return {
    id: NAME_CONSTRAINTS_OID,
    critical: true,
    value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, subtrees),
    ]),
  };
}

interface ForgeSubtree {
  type: number;
  value: string;
}

interface ForgeNameConstraints {
  permittedSubtrees?: ForgeSubtree[];
  excludedSubtrees?: ForgeSubtree[];
}

function binaryToCidr(value: string): string | undefined {
  const bytes = Array.from(value, (char) => char.charCodeAt(0));
  const half = bytes.length / 2;
  if (half !== 4 && half !== 16) return undefined;
  const address = bytes.slice(0, half);
  const prefix = bytes.slice(half).reduce((sum, byte) => sum + byte.toString(2).replace(/0/g, '').length, 0);
  const text =
    half === 4
      ? address.join('.')
      : Array.from({ length: 8 }, (_, i) =>
          (((address[2 * i] ?? 0) << 8) | (address[2 * i + 1] ?? 0)).toString(16),
        ).join(':');
  return `${text}/${prefix}`;
}

/** The permitted subtrees of a CA certificate, or undefined when it has no name constraints. */
export function readNameConstraints(certPem: string): NameConstraints | undefined {
  const cert = forge.pki.certificateFromPem(certPem);
  // forge names the extension by OID lookup; 'nameConstraints' is also the deprecated 2.5.29.11.
  const extension = cert.extensions.find((e: { id?: string }) => e.id === NAME_CONSTRAINTS_OID) as
    | ForgeNameConstraints
    | undefined;
  const permitted = extension?.permittedSubtrees;
  if (!permitted || permitted.length === 0) return undefined;
  return {
    dns: permitted.filter((s) => s.type === DNS_NAME_TAG).map((s) => s.value.toLowerCase()),
    ips: permitted.flatMap((s) => {
      const cidr = s.type === IP_ADDRESS_TAG ? binaryToCidr(s.value) : undefined;
      return cidr ? [cidr] : [];
    }),
  };
}

function dnsWithin(name: string, base: string): boolean {
  return name === base || name.endsWith(`.${base}`);
}

function ipWithin(address: string, cidr: string): boolean {
  const { address: network, mask } = parseCidr(cidr);
  const bytes = addressBytes(address);
  return (
    bytes.length === network.length && bytes.every((byte, i) => (byte & (mask[i] ?? 0)) === (network[i] ?? 0))
  );
}

export function permitsDns(constraints: NameConstraints, name: string): boolean {
  return constraints.dns.some((base) => dnsWithin(name.toLowerCase(), base));
}

export function permitsIp(constraints: NameConstraints, address: string): boolean {
  return constraints.ips.some((cidr) => ipWithin(address, cidr));
}
