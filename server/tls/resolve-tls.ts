/**
 * Decides how the server does TLS: off, a user-supplied pair, or the generated local CA.
 * Invariants: with the local CA, the served chain is `server.crt` followed by `ca.crt`
 * (Chromium's `--ignore-certificate-errors-spki-list` only matches certificates the server
 * actually sends, so the CA must be in the chain for its SPKI pin to work); the data
 * directory is created and checked for writability only when the local CA is used; what
 * changed on this start (a new or replaced CA, a reissued certificate, names the CA may not
 * vouch for, tightened key permissions) is logged once, each as one line.
 */
import { join } from 'node:path';
import { ensureWritableDir } from '../data-dir';
import type { Logger } from '../logger';
import { ensureLocalCertificates } from './local-ca-store';
import { type NetworkFacts, requiredSubjectNames } from './names';
import { loadUserCertificate } from './user-cert';

export type TlsSetup =
  | { mode: 'off' }
  | { mode: 'user'; certPem: string; keyPem: string }
  | {
      mode: 'local-ca';
      certPem: string;
      keyPem: string;
      caCertPem: string;
      caSpkiSha256Base64: string;
      caFingerprint256: string;
    };

export interface TlsOptions {
  tls: 'auto' | 'off';
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  dataDir: string;
  network: NetworkFacts;
  logger: Logger;
}

export function resolveTls(options: TlsOptions): TlsSetup {
  if (options.tls === 'off') return { mode: 'off' };
  if (options.tlsCert !== undefined && options.tlsKey !== undefined) {
    return { mode: 'user', ...loadUserCertificate(options.tlsCert, options.tlsKey) };
  }
  ensureWritableDir(options.dataDir);
  const dir = join(options.dataDir, 'tls');
  const local = ensureLocalCertificates({
    dir,
    hostname: options.network.hostname,
    names: requiredSubjectNames(options.network),
  });
  const { logger } = options;
  for (const file of local.tightenedKeys)
    logger.warn(`${join(dir, file)} was readable by others: set it to 0600.`);
  if (local.caStatus === 'created') {
    logger.info(`Created a local CA in ${dir} (SHA-256 fingerprint ${local.caFingerprint256})`);
  }
  if (local.caStatus === 'replaced') {
    logger.warn(
      `Replaced the local CA in ${dir}: the old one ${local.caReplacedReason ?? 'was outdated'}. Phones and browsers that trusted it must trust the new one once (open /trust on the phone) and may remove the old "Memos Offline local CA" entry. New SHA-256 fingerprint: ${local.caFingerprint256}`,
    );
  }
  if (local.serverStatus === 'reissued') {
    logger.info(`Reissued the server certificate (${local.reissueReason ?? 'outdated'})`);
  }
  if (local.omittedNames.length > 0) {
    logger.warn(
      `The local CA may only vouch for local names and private addresses, so the certificate leaves out ${local.omittedNames.join(', ')}: use a .local name or a private address, your own certificate (TLS_CERT/TLS_KEY), or delete ca.crt and ca.key in ${dir} to create a CA for a renamed host (phones must then trust it again).`,
    );
  }
  return {
    mode: 'local-ca',
    certPem: `${local.serverCertPem.trim()}\n${local.caCertPem.trim()}\n`,
    keyPem: local.serverKeyPem,
    caCertPem: local.caCertPem,
    caSpkiSha256Base64: local.caSpkiSha256Base64,
    caFingerprint256: local.caFingerprint256,
  };
}
