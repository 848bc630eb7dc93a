/**
 * `/trust` (alias `/ca`): a static page that explains how to trust the local CA on Android
 * and iOS, and `/ca.crt`: the CA certificate itself. Invariants: the page has no script
 * (the CSP applies to it like to everything else), contains no request-derived text, and
 * `/ca.crt` is served only when the server uses its generated CA (404 otherwise). The page
 * never asks to be believed: it tells the user to compare the fingerprint with the one the
 * server printed in its terminal, because whoever could alter this page (it is fetched
 * before the CA is trusted) could alter the fingerprint on it too.
 */
import type { ServerResponse } from 'node:http';
import { sendText } from './http-util';

export interface TrustInfo {
  caCertPem: string;
  caFingerprint256: string;
}

export function sendCaCertificate(res: ServerResponse, ca: TrustInfo | undefined, headOnly: boolean): void {
  if (!ca) {
    sendText(res, 404, 'This server does not use a generated local CA.\n');
    return;
  }
  res.writeHead(200, {
    'Content-Type': 'application/x-x509-ca-cert',
    'Content-Disposition': 'attachment; filename="memos-offline-ca.crt"',
    'Content-Length': Buffer.byteLength(ca.caCertPem),
    'Cache-Control': 'no-cache',
  });
  res.end(headOnly ? undefined : ca.caCertPem);
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}code{word-break:break-all;font-size:.85rem}
a.button{display:inline-block;padding:.6rem 1rem;border-radius:.4rem;background:#2563eb;color:#fff;text-decoration:none}`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function trustPageHtml(ca: TrustInfo | undefined): string {
  const body = ca
    ? `<p>This Memos Offline server uses its own local certificate authority (CA). Trust it once on
each phone or tablet, then open the app over HTTPS and install it.</p>
<p><a class="button" href="/ca.crt" download="memos-offline-ca.crt">Download the CA certificate</a></p>
<p>Before you trust it, check that it is really this server's certificate: the SHA-256 fingerprint
your phone shows for the downloaded certificate must match the one <b>printed in the terminal where
Memos Offline was started</b> (“CA fingerprint (SHA-256)”). Do not rely on this page alone: it is
loaded before the certificate is trusted, so someone on the network could have altered it. For
reference, this page says:<br><code>${escapeHtml(ca.caFingerprint256)}</code></p>
<h2>Android</h2>
<ol><li>Download the certificate above.</li>
<li>Open <b>Settings → Security &amp; privacy → More security settings → Encryption &amp; credentials → Install a certificate → CA certificate</b> (the wording varies by vendor; search Settings for “CA certificate”).</li>
<li>Choose <b>memos-offline-ca.crt</b> and confirm.</li>
<li>Reopen this site in Chrome: the address bar no longer warns. Use <b>Install app</b> from the menu.</li></ol>
<h2>iPhone / iPad</h2>
<ol><li>Open this page in <b>Safari</b> and download the certificate; allow the configuration profile.</li>
<li>Open <b>Settings → General → VPN &amp; Device Management</b>, select the profile <b>Memos Offline local CA</b> and install it.</li>
<li>Open <b>Settings → General → About → Certificate Trust Settings</b> and switch on full trust for it.</li>
<li>Reopen this site in Safari and use <b>Share → Add to Home Screen</b>.</li></ol>
<p>Remove the CA again in the same settings screens if you stop using this server. The CA can only
vouch for local names (<code>.local</code>, <code>.lan</code>, <code>.home.arpa</code>, this machine's
name) and private network addresses, never for a public website.</p>`
    : `<p>This server uses a certificate you supplied (or plain HTTP), so there is no local CA to install.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trust Memos Offline on your phone</title><style>${STYLE}</style></head>
<body><h1>Trust Memos Offline on your phone</h1>
${body}
<p><a href="/">Open Memos Offline</a></p>
</body></html>
`;
}

export function sendTrustPage(res: ServerResponse, html: string, headOnly: boolean): void {
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-cache',
  });
  res.end(headOnly ? undefined : html);
}
