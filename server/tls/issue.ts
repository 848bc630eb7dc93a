/**
 * Creates certificates with node-forge (keys come from Node's native RSA generator, which is
 * much faster than forge's JavaScript one). Owns only the X.509 contents:
 * - the local CA: RSA 2048, 2 years, `CN=Memos Offline local CA (<hostname>) <date>` (the
 *   date tells a replaced CA from its successor in a phone's list), basicConstraints CA:true
 *   pathlen 0 (critical), keyUsage keyCertSign + cRLSign (critical), and name constraints
 *   limiting it to local names and private addresses (critical; name-constraints.ts);
 * - the server certificate: RSA 2048, at most 397 days in total (Apple rejects > 398 days)
 *   and never past its CA's end, keyUsage digitalSignature + keyEncipherment, extKeyUsage
 *   serverAuth (required by iOS), SAN = the given DNS names and IP addresses, signed by the
 *   CA with SHA-256. Keeping the SAN inside the CA's constraints is the caller's job.
 * It never touches the file system.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';
import { localCaConstraints, type NameConstraints, nameConstraintsExtension } from './name-constraints';
import type { SubjectNames } from './names';

export interface PemPair {
  certPem: string;
  keyPem: string;
}

const DAY_MS = 86_400_000;
const BACKDATE_MS = 3_600_000;
export const CA_VALIDITY_DAYS = 730;
export const SERVER_VALIDITY_DAYS = 397;

interface ForgeKeys {
  keyPem: string;
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
}

function newRsaKeys(): ForgeKeys {
  const { privateKey: keyPem } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const privateKey = forge.pki.privateKeyFromPem(keyPem);
  return { keyPem, privateKey, publicKey: forge.pki.setRsaPublicKey(privateKey.n, privateKey.e) };
}

/** A positive 128-bit serial number, hex encoded. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes.writeUInt8((bytes.readUInt8(0) & 0x7f) | 0x01, 0);
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, now: Date, days: number): void {
  const notBefore = new Date(now.getTime() - BACKDATE_MS);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + days * DAY_MS);
}

export function caCommonName(hostname: string, now: Date): string {
  return `Memos Offline local CA (${hostname}) ${now.toISOString().slice(0, 10)}`;
}

export interface CaOptions {
  /** Default: `localCaConstraints(hostname)`; `null` issues an unconstrained CA (tests, old CAs). */
  constraints?: NameConstraints | null;
}

export function createLocalCa(hostname: string, now: Date, options: CaOptions = {}): PemPair {
  const constraints = options.constraints === undefined ? localCaConstraints(hostname) : options.constraints;
  const keys = newRsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, now, CA_VALIDITY_DAYS);
  const subject = [
    { name: 'commonName', value: caCommonName(hostname, now) },
    { name: 'organizationName', value: 'Memos Offline' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    ...(constraints ? [nameConstraintsExtension(constraints)] : []),
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}

export function issueServerCertificate(
  ca: PemPair,
  names: SubjectNames,
  hostname: string,
  now: Date,
): PemPair {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const caKey = forge.pki.privateKeyFromPem(ca.keyPem);
  const keys = newRsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serialNumber();
  validity(cert, now, SERVER_VALIDITY_DAYS);
  if (cert.validity.notAfter > caCert.validity.notAfter) cert.validity.notAfter = caCert.validity.notAfter;
  cert.setSubject([
    { name: 'commonName', value: `Memos Offline (${hostname})` },
    { name: 'organizationName', value: 'Memos Offline' },
  ]);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = [
    ...names.dns.map((value) => ({ type: 2, value })),
    ...names.ips.map((ip) => ({ type: 7, ip })),
  ];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}
