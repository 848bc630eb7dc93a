/**
 * Security headers sent on every response (static files, proxied API, errors, redirects).
 * Invariants:
 * - The CSP is the strict policy from the brief. One deliberate deviation: when the origin
 *   does NOT proxy a Memos server, `connect-src` also allows `https:` and `http:`, because
 *   the app must then talk to the user's Memos server directly (CORS works on Memos v0.30);
 *   with `connect-src 'self'` it could not sync at all. With a proxy it stays `'self'`.
 * - Files under `/file/` (user uploads served through the proxy on OUR origin) get a
 *   sandboxing CSP, so an uploaded HTML or SVG file cannot run script with the app's origin
 *   (and reach its IndexedDB and token).
 * - No HSTS: the same port serves plain HTTP to localhost, and the local CA is not a
 *   publicly trusted name owner; pinning HTTPS on `localhost` would break development.
 */
import type { ServerResponse } from 'node:http';

function appCsp(directConnect: boolean): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self' blob:",
    directConnect ? "connect-src 'self' https: http:" : "connect-src 'self'",
    "img-src 'self' data: blob:",
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "manifest-src 'self'",
  ].join('; ');
}

export const UPLOAD_CSP =
  "default-src 'none'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox";

const STATIC_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()',
};

export interface SecurityHeaders {
  /** Sets the headers on `res`; `upload` selects the sandboxing CSP for `/file/` responses. */
  apply(res: ServerResponse, upload?: boolean): void;
}

export function createSecurityHeaders(options: { memosProxy: boolean }): SecurityHeaders {
  const csp = appCsp(!options.memosProxy);
  return {
    apply(res, upload = false) {
      for (const [name, value] of Object.entries(STATIC_HEADERS)) res.setHeader(name, value);
      res.setHeader('Content-Security-Policy', upload ? UPLOAD_CSP : csp);
    },
  };
}
