/**
 * The text printed once the server is listening: where to open the app, a QR code of the
 * first LAN URL, how to trust the local CA on a phone, whether Memos is proxied, and who may
 * use the embedding service.
 * Pure formatting (the QR renderer is injected), so it can be tested without a terminal.
 */
import type { RunningAppServer } from './app-server';

export type QrRenderer = (text: string) => string;

export function bannerLines(server: RunningAppServer, memosUrl: string | undefined): string[] {
  const { urls } = server;
  const lines = ['', 'Memos Offline is running.'];
  lines.push(`  Local:    ${urls.local}${urls.localHttps ? `   (also ${urls.localHttps})` : ''}`);
  urls.lan.forEach((url, i) => {
    lines.push(`  ${i === 0 ? 'Network:' : '        '}  ${url}`);
  });
  if (server.httpPort !== undefined)
    lines.push(`  HTTP:     http://127.0.0.1:${server.httpPort} (this machine only)`);
  lines.push(
    memosUrl
      ? `  Memos:    proxying /api/ and /file/ to ${memosUrl}`
      : '  Memos:    no Memos server is proxied (set MEMOS_URL to proxy one on this origin)',
  );
  const embed = server.embedService;
  if (!embed) {
    lines.push('  Embedding: off (devices embed their own memos; EMBED_SERVICE=on to embed here)');
  } else if (embed.access === 'memos-tokens') {
    lines.push(`  Embedding: on, ${embed.threads} threads, for devices signed in to Memos`);
  } else {
    lines.push(
      `  Embedding: on, ${embed.threads} threads, for ANYONE on this network (no MEMOS_URL to check sign-ins)`,
    );
  }
  if (server.tlsMode === 'off') {
    lines.push('  TLS is off: other devices cannot install the app (a PWA needs HTTPS except on localhost).');
  }
  return lines;
}

/** Whether "Ask your notes" has an LLM behind it, and who may use it. */
export function llmLines(
  llm: { url: string; model: string } | undefined,
  memosUrl: string | undefined,
  llmService: 'on' | 'off' | undefined,
): string[] {
  if (!llm) return ['  LLM:      none (set LLM_URL and LLM_MODEL for "Ask your notes")'];
  const who = memosUrl
    ? 'for signed-in Memos users'
    : llmService === 'on'
      ? 'for EVERYONE who can reach this server (LLM_SERVICE=on)'
      : 'turned off: set MEMOS_URL (or LLM_SERVICE=on)';
  return [`  LLM:      proxying /llm/ to ${llm.url} (model ${llm.model}), ${who}`];
}

export function phoneLines(server: RunningAppServer, qr: QrRenderer): string[] {
  const first = server.urls.lan[0];
  if (first === undefined || server.tlsMode === 'off') return [];
  const lines = ['', qr(first).trimEnd(), `Scan to open ${first} on a phone on the same network.`];
  if (server.tlsMode === 'local-ca') {
    lines.push(
      'First trust the local CA on the phone (once):',
      `  1. Open ${first}/trust (accept the one-time warning) and download the certificate.`,
      '  2. Check that the phone shows this SHA-256 fingerprint for it (trust this terminal, not the page):',
      `     CA fingerprint (SHA-256): ${server.caFingerprint256 ?? 'unknown'}`,
      '  3. Android: Settings → Security → Encryption & credentials → Install a certificate → CA certificate.',
      '  4. iOS: install the downloaded profile (Settings → General → VPN & Device Management), then enable it',
      '     under Settings → General → About → Certificate Trust Settings. Then reopen the app URL and install it.',
    );
  }
  return lines;
}
