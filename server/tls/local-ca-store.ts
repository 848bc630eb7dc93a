/**
 * The generated local CA and the server certificate it signs, kept in `<dataDir>/tls/`
 * (`ca.crt`, `ca.key`, `server.crt`, `server.key`; keys 0600, checked and tightened on
 * every start, directory 0700).
 * Invariants:
 * - The CA is created when neither `ca.crt` nor `ca.key` exists. If it is incomplete,
 *   unreadable, mismatched or not a CA, a StartupError says what to do and nothing is
 *   touched (phones trust this CA, so a silent replacement would break them).
 * - A sound CA is replaced, key included, in exactly two cases, and the caller is told why
 *   (it says so once in the terminal: the next start finds the new CA): it has no name
 *   constraints (CAs made before they existed could vouch for any site), or it expires within
 *   RENEW_BEFORE_DAYS. The old key is overwritten, never kept.
 * - The server certificate covers only names inside its CA's constraints: required names
 *   outside them are left out and reported (`omittedNames`), except public IPv6 addresses,
 *   which are never advertised anyway. It is reused when it is issued by the CA, matches its
 *   key, covers every such name and is valid for more than RENEW_BEFORE_DAYS; otherwise it
 *   (only it, unless the CA changed) is reissued.
 */
import type { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { errorCode, StartupError } from '../errors';
import { keepPrivate, readIfExists, writeAtomically } from './files';
import {
  expiresWithinDays,
  issuedBy,
  keyMatches,
  notYetValid,
  parseCertificate,
  spkiSha256Base64,
  uncoveredNames,
} from './inspect';
import { createLocalCa, issueServerCertificate, type PemPair } from './issue';
import { type NameConstraints, permitsDns, permitsIp, readNameConstraints } from './name-constraints';
import type { SubjectNames } from './names';

export const RENEW_BEFORE_DAYS = 30;

export interface LocalCertificates {
  caCertPem: string;
  /** base64 sha256 of the CA's SubjectPublicKeyInfo. */
  caSpkiSha256Base64: string;
  /** Colon-separated SHA-256 fingerprint of the CA certificate, as phones display it. */
  caFingerprint256: string;
  serverCertPem: string;
  serverKeyPem: string;
  /** What happened on this start, for the log. */
  caStatus: 'created' | 'reused' | 'replaced';
  /** Why the CA was replaced (only when caStatus is 'replaced'). */
  caReplacedReason?: string;
  serverStatus: 'created' | 'reused' | 'reissued';
  /** Why the server certificate was reissued (only when serverStatus is 'reissued'). */
  reissueReason?: string;
  /** Required names the CA may not vouch for, left out of the server certificate. */
  omittedNames: string[];
  /** Key files whose permissions were looser than 0600 and were tightened. */
  tightenedKeys: string[];
}

export interface EnsureOptions {
  /** Directory holding the four files, e.g. `<dataDir>/tls`. */
  dir: string;
  hostname: string;
  names: SubjectNames;
  now?: Date;
}

const RESET_HINT = 'phones that trusted the old CA must then trust the new one';

function read(dir: string, file: string): string | undefined {
  try {
    return readIfExists(join(dir, file));
  } catch (error) {
    throw new StartupError(
      `Cannot read ${join(dir, file)} (${errorCode(error)}): fix its permissions, or delete ca.crt and ca.key in ${dir} to create a new local CA (${RESET_HINT}).`,
    );
  }
}

interface LoadedCa {
  pair: PemPair;
  cert: X509Certificate;
  constraints: NameConstraints | undefined;
  /** Why this sound CA must be replaced, if it must. */
  retire?: string;
}

function loadCa(dir: string, now: Date): LoadedCa | undefined {
  const certPem = read(dir, 'ca.crt');
  const keyPem = read(dir, 'ca.key');
  if (certPem === undefined && keyPem === undefined) return undefined;
  const broken = (problem: string): StartupError =>
    new StartupError(
      `The local CA in ${dir} ${problem}: restore ca.crt and ca.key from a backup, or delete both to create a new CA (${RESET_HINT}).`,
    );
  if (certPem === undefined) throw broken('is incomplete (ca.crt is missing)');
  if (keyPem === undefined) throw broken('is incomplete (ca.key is missing)');
  let cert: X509Certificate;
  try {
    cert = parseCertificate(certPem);
  } catch {
    throw broken('is unreadable (ca.crt is not a PEM certificate)');
  }
  let matches: boolean;
  try {
    matches = keyMatches(cert, keyPem);
  } catch {
    throw broken('is unreadable (ca.key is not a PEM private key)');
  }
  if (!matches) throw broken('is mismatched (ca.key does not belong to ca.crt)');
  if (!cert.ca) throw broken('is not a CA certificate');
  const pair = { certPem, keyPem };
  const constraints = readNameConstraints(certPem);
  if (!constraints) return { pair, cert, constraints, retire: 'had no name constraints' };
  if (expiresWithinDays(cert, now, 0)) return { pair, cert, constraints, retire: 'has expired' };
  if (expiresWithinDays(cert, now, RENEW_BEFORE_DAYS)) {
    return { pair, cert, constraints, retire: `expires within ${RENEW_BEFORE_DAYS} days` };
  }
  return { pair, cert, constraints };
}

/** The required names split into those the CA may vouch for and those it may not. */
function withinConstraints(
  names: SubjectNames,
  constraints: NameConstraints | undefined,
): { names: SubjectNames; omitted: string[] } {
  if (!constraints) return { names, omitted: [] };
  const dns = names.dns.filter((name) => permitsDns(constraints, name));
  const ips = names.ips.filter((ip) => permitsIp(constraints, ip));
  const omitted = [
    ...names.dns.filter((name) => !dns.includes(name)),
    // Public IPv6 addresses come and go with the prefix and are never printed as URLs.
    ...names.ips.filter((ip) => !ips.includes(ip) && !ip.includes(':')),
  ];
  return { names: { dns, ips }, omitted };
}

/** The stored server certificate when it can be reused, otherwise why not. */
function loadServer(
  dir: string,
  ca: X509Certificate,
  names: SubjectNames,
  now: Date,
): { problem: string } | { pair: PemPair } {
  let certPem: string | undefined;
  let keyPem: string | undefined;
  try {
    certPem = readIfExists(join(dir, 'server.crt'));
    keyPem = readIfExists(join(dir, 'server.key'));
  } catch (error) {
    return { problem: `server certificate unreadable (${errorCode(error)})` };
  }
  if (certPem === undefined || keyPem === undefined) return { problem: 'no server certificate yet' };
  try {
    const cert = parseCertificate(certPem);
    if (!issuedBy(cert, ca)) return { problem: 'server certificate not issued by the current CA' };
    if (!keyMatches(cert, keyPem)) return { problem: 'server.key does not match server.crt' };
    if (notYetValid(cert, now)) return { problem: 'server certificate not valid yet' };
    if (expiresWithinDays(cert, now, RENEW_BEFORE_DAYS))
      return { problem: `server certificate expires within ${RENEW_BEFORE_DAYS} days` };
    const missing = uncoveredNames(cert, names);
    if (missing.length > 0) return { problem: `server certificate does not cover ${missing.join(', ')}` };
  } catch {
    return { problem: 'server certificate unreadable' };
  }
  return { pair: { certPem, keyPem } };
}

function writeFiles(dir: string, file: 'ca' | 'server', pair: PemPair): void {
  try {
    writeAtomically(join(dir, `${file}.key`), pair.keyPem, 0o600);
    writeAtomically(join(dir, `${file}.crt`), pair.certPem, 0o644);
  } catch (error) {
    throw new StartupError(
      `Cannot write the TLS files in ${dir} (${errorCode(error)}): make the data directory writable or choose another one with --data-dir / DATA_DIR.`,
    );
  }
}

function tightenKeys(dir: string): string[] {
  try {
    return ['ca.key', 'server.key'].filter((file) => keepPrivate(join(dir, file)));
  } catch (error) {
    throw new StartupError(
      `Cannot restrict the permissions of the private keys in ${dir} (${errorCode(error)}): make them owned by this user (chmod 600).`,
    );
  }
}

/** Loads or creates the CA and the server certificate; see the module invariants. */
export function ensureLocalCertificates(options: EnsureOptions): LocalCertificates {
  const now = options.now ?? new Date();
  const { dir, hostname } = options;
  const tightenedKeys = tightenKeys(dir);
  const existing = loadCa(dir, now);
  let ca: LoadedCa;
  let caStatus: LocalCertificates['caStatus'];
  if (existing && existing.retire === undefined) {
    ca = existing;
    caStatus = 'reused';
  } else {
    const pair = createLocalCa(hostname, now);
    writeFiles(dir, 'ca', pair);
    ca = { pair, cert: parseCertificate(pair.certPem), constraints: readNameConstraints(pair.certPem) };
    caStatus = existing ? 'replaced' : 'created';
  }
  const { names, omitted } = withinConstraints(options.names, ca.constraints);
  const stored = loadServer(dir, ca.cert, names, now);
  let server: PemPair;
  let serverStatus: LocalCertificates['serverStatus'];
  let reissueReason: string | undefined;
  if ('pair' in stored) {
    server = stored.pair;
    serverStatus = 'reused';
  } else {
    server = issueServerCertificate(ca.pair, names, hostname, now);
    writeFiles(dir, 'server', server);
    serverStatus =
      caStatus !== 'reused' || stored.problem === 'no server certificate yet' ? 'created' : 'reissued';
    reissueReason = stored.problem;
  }
  return {
    caCertPem: ca.pair.certPem,
    caSpkiSha256Base64: spkiSha256Base64(ca.cert),
    caFingerprint256: ca.cert.fingerprint256,
    serverCertPem: server.certPem,
    serverKeyPem: server.keyPem,
    caStatus,
    ...(caStatus === 'replaced' && existing?.retire !== undefined
      ? { caReplacedReason: existing.retire }
      : {}),
    serverStatus,
    ...(serverStatus === 'reissued' && reissueReason !== undefined ? { reissueReason } : {}),
    omittedNames: omitted,
    tightenedKeys,
  };
}
