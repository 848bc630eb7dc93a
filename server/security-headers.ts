/**
 * Security headers sent on every response (static files, proxied API, errors, redirects).
 * Invariants:
 * - Scripts and workers may come only from the app's own build: `script-src` and
 *   `worker-src` list `/assets/` and the build's top-level scripts (sw.js, workbox-*.js, …)
 *   as path-restricted sources for the name the request was sent to (its Host, already
 *   checked against the allow-list) and for every ALLOWED_HOSTS name, never `'self'`, so a
 *   file under `/file/` can never be loaded as a script or worker by the app's pages. Where
 *   the name cannot be written as a CSP source (an IPv6 literal, or no Host at all), the
 *   policy falls back to `'self'`; uploads are still inert there (next point).
 * - Files under `/file/` (user uploads served through the proxy on OUR origin) get a
 *   sandboxing CSP (`default-src 'none'; … ; frame-ancestors 'none'; sandbox`), so an uploaded
 *   HTML or SVG file never runs script with the app's origin and cannot be framed; a
 *   JavaScript content type is served as `text/plain` (with `nosniff`, browsers then refuse
 *   to run it as a script or worker anywhere) and a missing one as octet-stream.
 * - One deliberate deviation from a `connect-src 'self'` policy: when the origin does NOT
 *   proxy a Memos server, `connect-src` also allows `https:` and `http:`, because the app must
 *   then talk to the user's Memos server directly (CORS works on Memos v0.30).
 * - No HSTS: the same port serves plain HTTP to localhost, and the local CA is not a
 *   publicly trusted name owner; pinning HTTPS on `localhost` would break development.
 */
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { parseHostHeader } from './host-allowlist';

export const UPLOAD_CSP =
  "default-src 'none'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox";

const STATIC_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()',
};

/** CSP host-source syntax (CSP3 `host-part`): IPv6 literals cannot be written. */
const CSP_HOST = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/;

export function isUploadPath(pathname: string): boolean {
  return pathname.startsWith('/file/');
}

export interface SecurityHeadersOptions {
  memosProxy: boolean;
  /** Paths scripts may come from: directories end in `/` (e.g. `/assets/`, `/sw.js`). */
  scriptPaths: readonly string[];
  /** ALLOWED_HOSTS names (a reverse proxy in front may rewrite Host to ours). */
  extraHosts: readonly string[];
}

export interface RequestFacts {
  /** The normalised request path (decides the upload policy). */
  pathname?: string;
  /** The request's Host header (already allowed). */
  host?: string | undefined;
}

export interface SecurityHeaders {
  /** Sets the headers on `res` for a request; without facts, the app policy with `'self'`. */
  apply(res: ServerResponse, request?: RequestFacts): void;
}

/** Source expressions that name this app's own scripts on `host` and the extra names. */
function scriptSources(options: SecurityHeadersOptions, host: string | undefined): string[] {
  const parsed = host === undefined ? undefined : parseHostHeader(host);
  if (!parsed || parsed.kind === 'ipv6' || !CSP_HOST.test(parsed.name)) return ["'self'"];
  const extra = options.extraHosts.filter((name) => CSP_HOST.test(name));
  const own = parsed.port === undefined ? parsed.name : `${parsed.name}:${parsed.port}`;
  const origins = [...(extra.includes(parsed.name) ? [] : [own]), ...extra.map((name) => `${name}:*`)];
  return origins.flatMap((origin) => options.scriptPaths.map((path) => `${origin}${path}`));
}

function appCsp(options: SecurityHeadersOptions, host: string | undefined): string {
  const scripts = scriptSources(options, host).join(' ');
  return [
    "default-src 'self'",
    `script-src ${scripts} 'wasm-unsafe-eval'`,
    `worker-src ${scripts} blob:`,
    options.memosProxy ? "connect-src 'self'" : "connect-src 'self' https: http:",
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

export function createSecurityHeaders(options: SecurityHeadersOptions): SecurityHeaders {
  return {
    apply(res, request = {}) {
      for (const [name, value] of Object.entries(STATIC_HEADERS)) res.setHeader(name, value);
      const upload = request.pathname !== undefined && isUploadPath(request.pathname);
      res.setHeader('Content-Security-Policy', upload ? UPLOAD_CSP : appCsp(options, request.host));
      if (upload) res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    },
  };
}

/** JavaScript MIME type essences (WHATWG MIME Sniffing §4.6). */
const JAVASCRIPT_TYPES = new Set([
  'application/ecmascript',
  'application/javascript',
  'application/x-ecmascript',
  'application/x-javascript',
  'text/ecmascript',
  'text/javascript',
  'text/javascript1.0',
  'text/javascript1.1',
  'text/javascript1.2',
  'text/javascript1.3',
  'text/javascript1.4',
  'text/javascript1.5',
  'text/jscript',
  'text/livescript',
  'text/x-ecmascript',
  'text/x-javascript',
]);

/** Rewrites an upload's Content-Type so that it can never be run as a script. */
export function makeUploadInert(headers: OutgoingHttpHeaders): void {
  const raw = headers['content-type'];
  const type = (Array.isArray(raw) ? raw[0] : raw)?.toString() ?? '';
  const essence = type.split(';')[0]?.trim().toLowerCase() ?? '';
  if (essence === '') headers['content-type'] = 'application/octet-stream';
  else if (JAVASCRIPT_TYPES.has(essence)) headers['content-type'] = 'text/plain; charset=utf-8';
}
