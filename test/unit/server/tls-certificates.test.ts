/**
 * The generated local CA and server certificate: coverage of every current address,
 * reuse across restarts, reissue of ONLY the server certificate, refusal to touch a broken CA,
 * and validation of user-supplied TLS_CERT/TLS_KEY.
 */
import { X509Certificate } from 'node:crypto';
import { copyFileSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StartupError } from '../../../server/errors';
import { createLocalCa, issueServerCertificate } from '../../../server/tls/issue';
import { ensureLocalCertificates } from '../../../server/tls/local-ca-store';
import { localCaConstraints, permitsIp } from '../../../server/tls/name-constraints';
import { currentNetworkFacts, type NetworkFacts, requiredSubjectNames } from '../../../server/tls/names';
import { loadUserCertificate } from '../../../server/tls/user-cert';
import { makeTempDir } from './helpers';

const DAY = 86_400_000;

function facts(extra: string[] = [], host = 'testbox'): NetworkFacts {
  return {
    hostname: host,
    interfaces: {
      lo: [
        {
          address: '127.0.0.1',
          netmask: '255.0.0.0',
          family: 'IPv4',
          mac: '00:00:00:00:00:00',
          internal: true,
          cidr: null,
        },
      ],
      eth0: [
        {
          address: '192.168.1.20',
          netmask: '255.255.255.0',
          family: 'IPv4',
          mac: '02:00:00:00:00:01',
          internal: false,
          cidr: null,
        },
        ...extra.map((address) => ({
          address,
          netmask: '255.255.255.0',
          family: 'IPv4' as const,
          mac: '02:00:00:00:00:01',
          internal: false,
          cidr: null,
        })),
      ],
    },
  };
}

function ensure(dir: string, network: NetworkFacts, now?: Date) {
  return ensureLocalCertificates({
    dir,
    hostname: network.hostname,
    names: requiredSubjectNames(network),
    ...(now ? { now } : {}),
  });
}

function startupError(run: () => unknown): StartupError {
  try {
    run();
  } catch (error) {
    if (error instanceof StartupError) return error;
    throw error;
  }
  throw new Error('expected a StartupError');
}

let tmp: ReturnType<typeof makeTempDir>;
let dir: string;
beforeEach(() => {
  tmp = makeTempDir('memos-offline-tls-');
  dir = join(tmp.path, 'tls');
});
afterEach(() => tmp.remove());

describe('local CA and server certificate', () => {
  it('covers localhost, loopback, the host name and every current non-internal address of this machine', () => {
    const certs = ensure(dir, currentNetworkFacts());
    const cert = new X509Certificate(certs.serverCertPem);
    const short = hostname().toLowerCase().split('.')[0] ?? '';
    for (const name of ['localhost', hostname().toLowerCase(), `${short}.local`]) {
      expect(cert.checkHost(name, { subject: 'never' }), name).toBe(name);
    }
    // Every address the local CA may vouch for (a public IPv6 address, if any, is left out).
    const addresses = Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .filter((info) => !info.internal && permitsIp(localCaConstraints(hostname()), info.address))
      .map((info) => info.address);
    for (const ip of ['127.0.0.1', '::1', ...addresses]) expect(cert.checkIP(ip), ip).toBe(ip);
    expect(cert.checkHost('example.com', { subject: 'never' })).toBeUndefined();
  });

  it('creates a 2-year CA and a ≤397-day server certificate it signs, with private keys mode 0600', () => {
    const certs = ensure(dir, facts());
    expect(certs.caStatus).toBe('created');
    expect(certs.serverStatus).toBe('created');
    const ca = new X509Certificate(certs.caCertPem);
    const server = new X509Certificate(certs.serverCertPem);
    expect(ca.subject).toMatch(/CN=Memos Offline local CA \(testbox\) \d{4}-\d\d-\d\d$/m);
    expect(ca.ca).toBe(true);
    const caExtensions = forge.pki.certificateFromPem(certs.caCertPem);
    expect(caExtensions.getExtension('basicConstraints')).toMatchObject({ cA: true, critical: true });
    expect(caExtensions.getExtension('keyUsage')).toMatchObject({ keyCertSign: true, critical: true });
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.keyUsage).toContain('1.3.6.1.5.5.7.3.1'); // serverAuth (required by iOS)
    const caDays = (Date.parse(ca.validTo) - Date.parse(ca.validFrom)) / DAY;
    expect(caDays).toBeGreaterThanOrEqual(729);
    expect(caDays).toBeLessThanOrEqual(731);
    expect(Date.parse(server.validTo) - Date.parse(server.validFrom)).toBeLessThanOrEqual(397 * DAY);
    for (const file of ['ca.key', 'server.key']) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    expect(certs.caSpkiSha256Base64).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  });

  it('reuses the same CA and server certificate on restart', () => {
    const first = ensure(dir, facts());
    const second = ensure(dir, facts());
    expect(second.caStatus).toBe('reused');
    expect(second.serverStatus).toBe('reused');
    expect(second.caCertPem).toBe(first.caCertPem);
    expect(second.serverCertPem).toBe(first.serverCertPem);
    expect(second.serverKeyPem).toBe(first.serverKeyPem);
    expect(second.caSpkiSha256Base64).toBe(first.caSpkiSha256Base64);
  });

  it('reissues only the server certificate, with the same CA, when an address appears', () => {
    const first = ensure(dir, facts());
    const second = ensure(dir, facts(['10.99.0.7']));
    expect(second.caStatus).toBe('reused');
    expect(second.serverStatus).toBe('reissued');
    expect(second.reissueReason).toContain('10.99.0.7');
    expect(second.caCertPem).toBe(first.caCertPem);
    expect(second.serverCertPem).not.toBe(first.serverCertPem);
    const server = new X509Certificate(second.serverCertPem);
    expect(server.checkIP('10.99.0.7')).toBe('10.99.0.7');
    expect(server.checkIssued(new X509Certificate(first.caCertPem))).toBe(true);
    expect(readFileSync(join(dir, 'server.crt'), 'utf8')).toBe(second.serverCertPem);
    // A vanished address does not force a new certificate (a superset still covers).
    expect(ensure(dir, facts()).serverStatus).toBe('reused');
  });

  it('reissues the server certificate when the host name changes or it expires within 30 days', () => {
    const first = ensure(dir, facts());
    expect(ensure(dir, facts([], 'renamed')).serverStatus).toBe('reissued');
    const later = new Date(Date.now() + 380 * DAY);
    const renewed = ensure(dir, facts([], 'renamed'), later);
    expect(renewed.serverStatus).toBe('reissued');
    expect(renewed.reissueReason).toMatch(/expires within 30 days/);
    expect(renewed.caCertPem).toBe(first.caCertPem);
  });

  it('stops with one clear line, and leaves the files alone, when the CA key is mismatched or unreadable', () => {
    ensure(dir, facts());
    const caCrt = readFileSync(join(dir, 'ca.crt'), 'utf8');
    const caKey = readFileSync(join(dir, 'ca.key'), 'utf8');

    copyFileSync(join(dir, 'server.key'), join(dir, 'ca.key'));
    const mismatched = startupError(() => ensure(dir, facts()));
    expect(mismatched.message).toMatch(/local CA in .* is mismatched \(ca\.key does not belong to ca\.crt\)/);
    expect(mismatched.message).toMatch(/delete both to create a new CA/);
    expect(mismatched.message).not.toContain('\n');
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(caCrt);

    writeFileSync(join(dir, 'ca.key'), '');
    expect(startupError(() => ensure(dir, facts())).message).toMatch(
      /is unreadable \(ca\.key is not a PEM private key\)/,
    );

    writeFileSync(join(dir, 'ca.key'), caKey);
    writeFileSync(join(dir, 'ca.crt'), 'garbage');
    expect(startupError(() => ensure(dir, facts())).message).toMatch(
      /is unreadable \(ca\.crt is not a PEM certificate\)/,
    );
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe('garbage');
    expect(readFileSync(join(dir, 'ca.key'), 'utf8')).toBe(caKey);
  });

  it('refuses to create a new CA when only one of ca.crt / ca.key is present', () => {
    ensure(dir, facts());
    const caCrt = readFileSync(join(dir, 'ca.crt'), 'utf8');
    rmSync(join(dir, 'ca.key'));
    expect(startupError(() => ensure(dir, facts())).message).toMatch(/is incomplete \(ca\.key is missing\)/);
    expect(readFileSync(join(dir, 'ca.crt'), 'utf8')).toBe(caCrt);
    expect(existsSync(join(dir, 'ca.key'))).toBe(false);
  });
});

describe('user-supplied TLS_CERT / TLS_KEY', () => {
  function writePair(name: string, pair: { certPem: string; keyPem: string }): { cert: string; key: string } {
    const cert = join(tmp.path, `${name}.crt`);
    const key = join(tmp.path, `${name}.key`);
    writeFileSync(cert, pair.certPem);
    writeFileSync(key, pair.keyPem);
    return { cert, key };
  }

  it('loads a matching pair', () => {
    const ca = createLocalCa('u', new Date(), { constraints: null });
    const server = issueServerCertificate(ca, { dns: ['memos.example'], ips: [] }, 'u', new Date());
    const files = writePair('good', server);
    expect(loadUserCertificate(files.cert, files.key)).toEqual(server);
  });

  it('rejects a key that does not match, an unreadable file and a non-PEM file with one clear line', () => {
    const ca = createLocalCa('u', new Date(), { constraints: null });
    const a = writePair('a', issueServerCertificate(ca, { dns: ['a.example'], ips: [] }, 'u', new Date()));
    const b = writePair('b', issueServerCertificate(ca, { dns: ['b.example'], ips: [] }, 'u', new Date()));
    const mismatch = startupError(() => loadUserCertificate(a.cert, b.key));
    expect(mismatch.message).toBe(
      `TLS_KEY ${b.key} does not match TLS_CERT ${a.cert}: give the private key that belongs to this certificate.`,
    );
    expect(startupError(() => loadUserCertificate(join(tmp.path, 'nope.crt'), a.key)).message).toMatch(
      /^TLS_CERT .*nope\.crt cannot be read \(ENOENT\)/,
    );
    expect(startupError(() => loadUserCertificate(a.key, a.key)).message).toMatch(
      /contains no PEM certificate/,
    );
    expect(startupError(() => loadUserCertificate(a.cert, a.cert)).message).toMatch(/cannot be parsed/);
  });
});
