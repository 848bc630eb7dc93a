/**
 * A user-supplied certificate and key (TLS_CERT / TLS_KEY) that replace the generated pair.
 * Invariant: returns only a pair that Node's TLS stack accepts and whose key matches the
 * (first, leaf) certificate; anything else is a one-line StartupError naming the file.
 */
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { errorCode, StartupError } from '../errors';
import { keyMatches, parseCertificate, splitPemCertificates } from './inspect';

export interface UserCertificate {
  /** The PEM file as given: the leaf, optionally followed by intermediates. */
  certPem: string;
  keyPem: string;
}

function readPem(label: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new StartupError(
      `${label} ${path} cannot be read (${errorCode(error)}): check the path and permissions.`,
    );
  }
}

export function loadUserCertificate(certPath: string, keyPath: string): UserCertificate {
  const certPem = readPem('TLS_CERT', certPath);
  const keyPem = readPem('TLS_KEY', keyPath);
  const leafPem = splitPemCertificates(certPem)[0];
  if (leafPem === undefined) {
    throw new StartupError(
      `TLS_CERT ${certPath} contains no PEM certificate: give a PEM file (-----BEGIN CERTIFICATE-----).`,
    );
  }
  let matches: boolean;
  try {
    matches = keyMatches(parseCertificate(leafPem), keyPem);
  } catch {
    throw new StartupError(
      `TLS_CERT ${certPath} or TLS_KEY ${keyPath} cannot be parsed: give a PEM certificate and its unencrypted PEM private key.`,
    );
  }
  if (!matches) {
    throw new StartupError(
      `TLS_KEY ${keyPath} does not match TLS_CERT ${certPath}: give the private key that belongs to this certificate.`,
    );
  }
  try {
    createSecureContext({ cert: certPem, key: keyPem });
  } catch (error) {
    throw new StartupError(
      `TLS_CERT/TLS_KEY cannot be used for TLS (${errorCode(error)}): check both files.`,
    );
  }
  return { certPem, keyPem };
}
