/**
 * Issue 9, item 7: the local CA may only vouch for local names and private addresses (so a
 * DHCP move never needs a new CA, and a leaked key cannot vouch for a public site), lives two
 * years, keeps its keys at 0600, and replaces an old unconstrained (or expiring) CA once,
 * saying so in the terminal. The constraints are checked the way a TLS client checks them:
 * Node's TLS verification (OpenSSL), with no SPKI pin to skip them.
 */
import { X509Certificate } from 'node:crypto';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import type { NetworkInterfaceInfo } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import forge from 'node-forge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeAtomically } from '../../../server/tls/files';
import { createLocalCa, issueServerCertificate, type PemPair } from '../../../server/tls/issue';
import { ensureLocalCertificates } from '../../../server/tls/local-ca-store';
import { readNameConstraints } from '../../../server/tls/name-constraints';
import { type NetworkFacts, requiredSubjectNames } from '../../../server/tls/names';
import { resolveTls } from '../../../server/tls/resolve-tls';
import { makeTempDir } from './helpers';

const DAY = 86_400_000;

function interfaceInfo(address: string): NetworkInterfaceInfo {
  const common = { address, mac: '02:00:00:00:00:01', internal: false, cidr: null };
  return address.includes(':')
    ? { ...common, family: 'IPv6', netmask: 'ffff::', scopeid: 0 }
    : { ...common, family: 'IPv4', netmask: '255.255.255.0' };
}

function facts(addresses: string[] = ['192.168.1.20'], host = 'testbox'): NetworkFacts {
  return { hostname: host, interfaces: { eth0: addresses.map(interfaceInfo) } };
}

/** Serves `leaf` (+ CA) over TLS and reports whether a client trusting only `ca` accepts it. */
async function tlsVerdict(
  ca: PemPair,
  leaf: PemPair,
  target: { servername?: string; host?: string },
): Promise<string> {
  const server = tls.createServer({ cert: `${leaf.certPem}${ca.certPem}`, key: leaf.keyPem }, (socket) =>
    socket.end(),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  try {
    return await new Promise<string>((resolve) => {
      const client = tls.connect(
        {
          port,
          host: '127.0.0.1',
          ca: ca.certPem,
          ...(target.servername ? { servername: target.servername } : {}),
          ...(target.host
            ? { checkServerIdentity: (_: string, cert) => tls.checkServerIdentity(target.host ?? '', cert) }
            : {}),
        },
        () => {
          resolve('accepted');
          client.end();
        },
      );
      client.on('error', (error) => resolve(`refused: ${error.message}`));
    });
  } finally {
    server.close();
  }
}

let tmp: ReturnType<typeof makeTempDir>;
let dir: string;
beforeEach(() => {
  tmp = makeTempDir('memos-offline-ca-');
  dir = join(tmp.path, 'tls');
});
afterEach(() => tmp.remove());

describe('name constraints, as a TLS client checks them', () => {
  const now = new Date();
  const ca = createLocalCa('testbox', now);

  it('the CA carries critical name constraints for local names and private ranges (v4 and v6)', () => {
    const extension = forge.pki
      .certificateFromPem(ca.certPem)
      .extensions.find((e: { id?: string }) => e.id === '2.5.29.30') as { critical?: boolean } | undefined;
    expect(extension?.critical).toBe(true);
    const constraints = readNameConstraints(ca.certPem);
    expect(constraints?.dns).toEqual(['localhost', 'local', 'lan', 'home.arpa', 'testbox']);
    expect(constraints?.ips).toEqual(
      expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '127.0.0.0/8']),
    );
    expect(constraints?.ips.some((cidr) => cidr.startsWith('fc00:') && cidr.endsWith('/7'))).toBe(true);
    expect(constraints?.ips.some((cidr) => cidr.startsWith('0:0:0:0:0:0:0:1/128'))).toBe(true);
  });

  it('a certificate it signs for a public name or address is refused, even next to local names', async () => {
    const cases: Array<[SubjectNamesLike, { servername?: string; host?: string }]> = [
      [{ dns: ['example.com'], ips: [] }, { servername: 'example.com' }],
      [{ dns: ['testbox.local', 'www.google.com'], ips: [] }, { servername: 'testbox.local' }],
      [{ dns: ['localhost'], ips: ['8.8.8.8'] }, { servername: 'localhost' }],
      [{ dns: ['localhost'], ips: ['2606:4700::1111'] }, { servername: 'localhost' }],
      [{ dns: ['testbox.evil.com'], ips: [] }, { servername: 'testbox.evil.com' }],
    ];
    for (const [names, target] of cases) {
      const leaf = issueServerCertificate(ca, names, 'testbox', now);
      expect(await tlsVerdict(ca, leaf, target), JSON.stringify(names)).toMatch(
        /^refused: .*subtree violation/,
      );
    }
  });

  it('a certificate for local names and private addresses is accepted, wherever DHCP moves the box', async () => {
    const leaf = issueServerCertificate(
      ca,
      {
        dns: ['localhost', 'testbox', 'testbox.local', 'nas.lan', 'box.home.arpa'],
        ips: [
          '127.0.0.1',
          '::1',
          '192.168.1.20',
          '10.9.8.7',
          '172.20.0.5',
          '100.64.3.4',
          'fd00::20',
          'fe80::1',
        ],
      },
      'testbox',
      now,
    );
    for (const servername of ['localhost', 'testbox', 'testbox.local', 'nas.lan', 'box.home.arpa']) {
      expect(await tlsVerdict(ca, leaf, { servername }), servername).toBe('accepted');
    }
    for (const host of ['192.168.1.20', '10.9.8.7', 'fd00::20']) {
      expect(await tlsVerdict(ca, leaf, { host }), host).toBe('accepted');
    }
  });
});

type SubjectNamesLike = { dns: string[]; ips: string[] };

describe('the local CA store', () => {
  function ensure(network: NetworkFacts, now?: Date) {
    return ensureLocalCertificates({
      dir,
      hostname: network.hostname,
      names: requiredSubjectNames(network),
      ...(now ? { now } : {}),
    });
  }

  it('leaves public addresses out of the server certificate (and says so), which then verifies', async () => {
    const certs = ensure(facts(['192.168.1.20', '8.8.4.4', '2a00:1450::1']));
    expect(certs.omittedNames).toEqual(['8.8.4.4']);
    const server = new X509Certificate(certs.serverCertPem);
    expect(server.checkIP('8.8.4.4')).toBeUndefined();
    expect(server.checkIP('192.168.1.20')).toBe('192.168.1.20');
    const ca = { certPem: certs.caCertPem, keyPem: '' };
    const leaf = { certPem: certs.serverCertPem, keyPem: certs.serverKeyPem };
    expect(await tlsVerdict(ca, leaf, { servername: 'testbox.local' })).toBe('accepted');
    expect(await tlsVerdict(ca, leaf, { host: '192.168.1.20' })).toBe('accepted');
  });

  it('keeps a renamed host reachable as <name>.local while the CA only permits the old name', () => {
    ensure(facts());
    const renamed = ensure(facts(['192.168.1.20'], 'renamed'));
    expect(renamed.caStatus).toBe('reused');
    expect(renamed.omittedNames).toEqual(['renamed']);
    expect(new X509Certificate(renamed.serverCertPem).checkHost('renamed.local', { subject: 'never' })).toBe(
      'renamed.local',
    );
  });

  it('replaces an old CA without name constraints once, with a new key, and reissues the server certificate', () => {
    const old = createLocalCa('testbox', new Date(), { constraints: null });
    writeAtomically(join(dir, 'ca.key'), old.keyPem, 0o600);
    writeAtomically(join(dir, 'ca.crt'), old.certPem, 0o644);
    const oldServer = issueServerCertificate(old, requiredSubjectNames(facts()), 'testbox', new Date());
    writeAtomically(join(dir, 'server.key'), oldServer.keyPem, 0o600);
    writeAtomically(join(dir, 'server.crt'), oldServer.certPem, 0o644);

    const migrated = ensure(facts());
    expect(migrated.caStatus).toBe('replaced');
    expect(migrated.caReplacedReason).toBe('had no name constraints');
    expect(readNameConstraints(migrated.caCertPem)).toBeDefined();
    expect(readFileSync(join(dir, 'ca.key'), 'utf8')).not.toBe(old.keyPem);
    const server = new X509Certificate(migrated.serverCertPem);
    expect(server.checkIssued(new X509Certificate(migrated.caCertPem))).toBe(true);
    expect(ensure(facts()).caStatus).toBe('reused');
  });

  it('renews the CA 30 days before it expires, and never issues a server certificate past its CA', () => {
    const first = ensure(facts());
    const caEnd = Date.parse(new X509Certificate(first.caCertPem).validTo);
    const late = ensure(facts(), new Date(caEnd - 200 * DAY));
    expect(late.caStatus).toBe('reused');
    expect(Date.parse(new X509Certificate(late.serverCertPem).validTo)).toBeLessThanOrEqual(caEnd);
    const renewed = ensure(facts(), new Date(caEnd - 10 * DAY));
    expect(renewed.caStatus).toBe('replaced');
    expect(renewed.caReplacedReason).toBe('expires within 30 days');
    expect(renewed.caFingerprint256).not.toBe(first.caFingerprint256);
  });

  it('sets private keys found readable by others back to 0600', () => {
    ensure(facts());
    chmodSync(join(dir, 'ca.key'), 0o644);
    chmodSync(join(dir, 'server.key'), 0o640);
    const again = ensure(facts());
    expect(again.tightenedKeys).toEqual(['ca.key', 'server.key']);
    for (const file of ['ca.key', 'server.key']) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    expect(ensure(facts()).tightenedKeys).toEqual([]);
  });

  it('says once in the terminal that the old CA was replaced, with the new fingerprint', () => {
    const old = createLocalCa('testbox', new Date(), { constraints: null });
    writeAtomically(join(dir, 'ca.key'), old.keyPem, 0o600);
    writeAtomically(join(dir, 'ca.crt'), old.certPem, 0o644);
    const warnings: string[] = [];
    const logger = { info: () => undefined, warn: (m: string) => warnings.push(m), error: () => undefined };
    const options = { tls: 'auto' as const, dataDir: tmp.path, network: facts(), logger };
    const first = resolveTls(options);
    resolveTls(options);
    const replaced = warnings.filter((w) => w.startsWith('Replaced the local CA'));
    expect(replaced).toHaveLength(1);
    expect(replaced[0]).toContain('had no name constraints');
    expect(first.mode === 'local-ca' && replaced[0]?.includes(first.caFingerprint256)).toBe(true);
  });
});
