/**
 * Read-only checks on PEM certificates and keys, using Node's own X.509 parser (the same
 * OpenSSL that will serve them). Owns the answers to: does this certificate cover these
 * names, when does it expire, was it issued by that CA, does this key belong to it, and
 * what is its SPKI hash (the value Chromium's `--ignore-certificate-errors-spki-list` takes).
 * Every function throws on unparsable input; callers turn that into a StartupError.
 */
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import type { SubjectNames } from './names';

const DAY_MS = 86_400_000;

export function parseCertificate(pem: string): X509Certificate {
  return new X509Certificate(pem);
}

/** True when `keyPem` is the private key of `cert`. */
export function keyMatches(cert: X509Certificate, keyPem: string): boolean {
  return cert.checkPrivateKey(createPrivateKey(keyPem));
}

/** Names from `wanted` that the certificate's SAN does not cover (empty = all covered). */
export function uncoveredNames(cert: X509Certificate, wanted: SubjectNames): string[] {
  const missingDns = wanted.dns.filter((name) => cert.checkHost(name, { subject: 'never' }) === undefined);
  const missingIps = wanted.ips.filter((ip) => cert.checkIP(ip) === undefined);
  return [...missingDns, ...missingIps];
}

export function expiresAt(cert: X509Certificate): Date {
  return new Date(cert.validTo);
}

export function expiresWithinDays(cert: X509Certificate, now: Date, days: number): boolean {
  return expiresAt(cert).getTime() - now.getTime() < days * DAY_MS;
}

export function notYetValid(cert: X509Certificate, now: Date): boolean {
  return new Date(cert.validFrom).getTime() > now.getTime();
}

/** True when `cert` names `issuer` as its issuer and carries a valid signature from it. */
export function issuedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/** base64(sha256(SubjectPublicKeyInfo DER)): the format of Chromium's SPKI allow-list flag. */
export function spkiSha256Base64(cert: X509Certificate): string {
  const spki = cert.publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** The certificates of a PEM bundle, in order (leaf first for a chain file). */
export function splitPemCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** The DNS names and IP addresses in a PEM certificate's SAN (the leaf of a bundle). */
export function certificateNames(pem: string): string[] {
  const leaf = splitPemCertificates(pem)[0];
  if (leaf === undefined) return [];
  const san = parseCertificate(leaf).subjectAltName ?? '';
  return san
    .split(',')
    .map((entry) => entry.trim())
    .flatMap((entry) => {
      const match = /^(DNS|IP Address):(.+)$/.exec(entry);
      return match?.[2] ? [match[2].trim().toLowerCase()] : [];
    });
}
