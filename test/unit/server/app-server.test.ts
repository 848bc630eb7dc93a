/**
 * startAppServer over real sockets: HTTPS (verified against the generated CA, with a
 * non-localhost server name) and loopback plain HTTP on the SAME port, the redirect for
 * non-loopback plain HTTP, security and caching headers, content types, SPA fallback, and the
 * CA download / trust page / app-config endpoints.
 */
import { writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAppServer, startAppServer } from '../../../server/app-server';
import { StartupError } from '../../../server/errors';
import { silentLogger } from '../../../server/logger';
import { createLocalCa, issueServerCertificate } from '../../../server/tls/issue';
import { lanIpv4Addresses } from '../../../server/tls/names';
import { INDEX_HTML, makeFixtureDist, makeTempDir, request, unusedPort } from './helpers';

/** The strict CSP for a request sent to `origin` (host:port): scripts only from the build's paths. */
function strictCsp(origin: string): string {
  const scripts = ['/assets/', '/sw.js', '/worker.mjs'].map((path) => `${origin}${path}`).join(' ');
  return (
    `default-src 'self'; script-src ${scripts} 'wasm-unsafe-eval'; worker-src ${scripts} blob:; connect-src 'self'; ` +
    "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; font-src 'self'; object-src 'none'; " +
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'; manifest-src 'self'"
  );
}

const tmp = makeTempDir('memos-offline-app-');
const dist = makeFixtureDist(tmp.path);
const dataDir = join(tmp.path, 'data');
let server: RunningAppServer;
let ca: string;
const sniName = `${(hostname().toLowerCase().split('.')[0] ?? '').trim()}.local`;

beforeAll(async () => {
  // memosUrl is set (to a closed port) so the CSP is the strict, proxied variant.
  server = await startAppServer({
    distDir: dist,
    port: 0,
    httpPort: 0,
    dataDir,
    memosUrl: `http://127.0.0.1:${await unusedPort()}`,
    logger: silentLogger,
  });
  ca = server.caCertPem ?? '';
});
afterAll(async () => {
  await server.close();
  tmp.remove();
});

const https = (path: string, options: Parameters<typeof request>[1] = {}) =>
  request(`https://127.0.0.1:${server.port}${path}`, { ca, servername: sniName, ...options });
const http = (path: string, options: Parameters<typeof request>[1] = {}) =>
  request(`http://127.0.0.1:${server.port}${path}`, options);

describe('one port, both protocols', () => {
  it('serves HTTPS that verifies against the generated CA for a non-localhost name', async () => {
    expect(server.tlsMode).toBe('local-ca');
    const reply = await https('/');
    expect(reply.status).toBe(200);
    expect(reply.body).toBe(INDEX_HTML);
  });

  it('serves plain HTTP to loopback clients on the same port, and on the extra 127.0.0.1 port', async () => {
    expect((await http('/')).body).toBe(INDEX_HTML);
    expect((await request(`http://localhost:${server.port}/settings`)).status).toBe(200);
    expect(server.httpPort).toBeGreaterThan(0);
    expect((await request(`http://127.0.0.1:${server.httpPort}/`)).body).toBe(INDEX_HTML);
  });

  it('redirects plain HTTP from a non-loopback address to HTTPS (308) and serves HTTPS there', async () => {
    const lanIp = lanIpv4Addresses(networkInterfaces())[0];
    if (lanIp === undefined) throw new Error('this test needs a non-loopback IPv4 interface on the machine');
    const reply = await request(`http://${lanIp}:${server.port}/share?text=hi`);
    expect(reply.status).toBe(308);
    expect(reply.headers.location).toBe(`https://${lanIp}:${server.port}/share?text=hi`);
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    const secure = await request(`https://${lanIp}:${server.port}/`, { ca });
    expect(secure.status).toBe(200);
    expect(server.urls.lan).toContain(`https://${lanIp}:${server.port}`);
    expect(server.urls.local).toBe(`http://localhost:${server.port}`);
  });

  it('rejects a name the certificate does not cover', async () => {
    await expect(https('/', { servername: 'not-covered.example' })).rejects.toThrow(/altnames|Hostname/i);
  });
});

describe('headers on real responses', () => {
  it('sends the strict CSP and the other security headers on every kind of response', async () => {
    for (const path of [
      '/',
      '/sw.js',
      '/assets/app-abc123.js',
      '/missing.png',
      '/app-config.json',
      '/api/v1/x',
    ]) {
      const reply = await https(path);
      expect(reply.headers['content-security-policy'], path).toBe(strictCsp(`127.0.0.1:${server.port}`));
      expect(reply.headers['x-content-type-options'], path).toBe('nosniff');
      expect(reply.headers['referrer-policy'], path).toBe('no-referrer');
      expect(reply.headers['cross-origin-opener-policy'], path).toBe('same-origin');
      expect(reply.headers['permissions-policy'], path).toContain('camera=()');
      expect(reply.headers['strict-transport-security'], path).toBeUndefined();
    }
  });

  it('never caches sw.js, index.html and the manifest; caches hashed assets for a year', async () => {
    for (const path of ['/sw.js', '/', '/index.html', '/manifest.webmanifest']) {
      expect((await https(path)).headers['cache-control'], path).toBe('no-cache');
    }
    expect((await https('/assets/app-abc123.js')).headers['cache-control']).toBe(
      'public, max-age=31536000, immutable',
    );
  });

  it('uses the right content types', async () => {
    const types: Array<[string, RegExp]> = [
      ['/x.wasm', /^application\/wasm$/],
      ['/m.onnx', /^application\/octet-stream$/],
      ['/models/mini/onnx/model.onnx', /^application\/octet-stream$/],
      ['/manifest.webmanifest', /^application\/manifest\+json$/],
      ['/worker.mjs', /^text\/javascript/],
      ['/assets/app-abc123.js', /^text\/javascript/],
      ['/', /^text\/html/],
    ];
    for (const [path, type] of types) expect((await https(path)).headers['content-type'], path).toMatch(type);
  });

  it('answers a matching ETag with 304 that keeps the cache policy', async () => {
    const first = await https('/sw.js');
    const etag = first.headers.etag ?? '';
    expect(etag).not.toBe('');
    const again = await https('/sw.js', { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
    expect(again.headers['cache-control']).toBe('no-cache');
  });
});

describe('routing', () => {
  it('falls back to index.html for navigations without a file extension', async () => {
    for (const path of [
      '/archived',
      '/settings',
      '/share?text=hello%20world',
      '/conflicts',
      '/memos/abc-123',
    ]) {
      const reply = await https(path);
      expect(reply.status, path).toBe(200);
      expect(reply.body, path).toBe(INDEX_HTML);
      expect(reply.headers['cache-control'], path).toBe('no-cache');
    }
  });

  it('answers 404 (not index.html, not immutable) for missing files with an extension', async () => {
    for (const path of ['/missing.js', '/assets/app-zzz999.js', '/models/nope.onnx']) {
      const reply = await https(path);
      expect(reply.status, path).toBe(404);
      expect(reply.body).not.toContain('<html');
      expect(reply.headers['cache-control']).toBe('no-cache');
    }
  });

  it('answers only GET and HEAD outside the proxy', async () => {
    expect((await https('/', { method: 'POST', body: 'x' })).status).toBe(405);
    const head = await https('/sw.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('reports whether a Memos server is proxied in /app-config.json', async () => {
    const reply = await https('/app-config.json');
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(reply.headers['cache-control']).toBe('no-cache');
    expect(JSON.parse(reply.body)).toEqual({ memosProxy: true });
  });

  it('offers the CA certificate for download and a script-free trust page', async () => {
    const cert = await https('/ca.crt');
    expect(cert.status).toBe(200);
    expect(cert.headers['content-type']).toBe('application/x-x509-ca-cert');
    expect(cert.headers['content-disposition']).toBe('attachment; filename="memos-offline-ca.crt"');
    expect(cert.body).toBe(server.caCertPem);
    for (const path of ['/trust', '/ca']) {
      const page = await https(path);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toMatch(/Android/);
      expect(page.body).toMatch(/iPhone/);
      expect(page.body).toContain('href="/ca.crt"');
      expect(page.body).toContain(server.caFingerprint256 ?? 'missing');
      expect(page.body).toMatch(/printed in the terminal/);
      expect(page.body).not.toMatch(/<script|\son[a-z]+=/i);
    }
  });
});

describe('other TLS modes', () => {
  it('serves a user-supplied certificate, without /ca.crt', async () => {
    const dir = makeTempDir('memos-offline-user-cert-');
    try {
      const userCa = createLocalCa('user', new Date(), { constraints: null });
      const pair = issueServerCertificate(userCa, { dns: ['memos.example'], ips: [] }, 'user', new Date());
      writeFileSync(join(dir.path, 'c.pem'), pair.certPem);
      writeFileSync(join(dir.path, 'k.pem'), pair.keyPem);
      const own = await startAppServer({
        distDir: dist,
        port: 0,
        dataDir: join(dir.path, 'unused'),
        tlsCert: join(dir.path, 'c.pem'),
        tlsKey: join(dir.path, 'k.pem'),
        logger: silentLogger,
      });
      try {
        expect(own.tlsMode).toBe('user');
        expect(own.caCertPem).toBeUndefined();
        const reply = await request(`https://127.0.0.1:${own.port}/ca.crt`, {
          ca: userCa.certPem,
          servername: 'memos.example',
        });
        expect(reply.status).toBe(404);
        expect(JSON.parse((await request(`http://127.0.0.1:${own.port}/app-config.json`)).body)).toEqual({
          memosProxy: false,
        });
      } finally {
        await own.close();
      }
    } finally {
      dir.remove();
    }
  });

  it('rejects a mismatched TLS_CERT/TLS_KEY with a StartupError and leaves nothing bound', async () => {
    const dir = makeTempDir('memos-offline-bad-cert-');
    try {
      const userCa = createLocalCa('user', new Date(), { constraints: null });
      const a = issueServerCertificate(userCa, { dns: ['a.example'], ips: [] }, 'user', new Date());
      const b = issueServerCertificate(userCa, { dns: ['b.example'], ips: [] }, 'user', new Date());
      writeFileSync(join(dir.path, 'c.pem'), a.certPem);
      writeFileSync(join(dir.path, 'k.pem'), b.keyPem);
      const port = await unusedPort();
      const start = startAppServer({
        distDir: dist,
        port,
        dataDir: dir.path,
        tlsCert: join(dir.path, 'c.pem'),
        tlsKey: join(dir.path, 'k.pem'),
        logger: silentLogger,
      });
      await expect(start).rejects.toBeInstanceOf(StartupError);
      await expect(start).rejects.toThrow(/does not match TLS_CERT/);
      await expect(request(`http://127.0.0.1:${port}/`)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      dir.remove();
    }
  });

  it('serves plain HTTP only with tls off, and reports a port in use as a StartupError', async () => {
    const plain = await startAppServer({ distDir: dist, port: 0, dataDir, tls: 'off', logger: silentLogger });
    try {
      expect(plain.urls.localHttps).toBeUndefined();
      expect((await request(`http://127.0.0.1:${plain.port}/ca.crt`)).status).toBe(404);
      const clash = startAppServer({
        distDir: dist,
        port: plain.port,
        dataDir,
        tls: 'off',
        logger: silentLogger,
      });
      await expect(clash).rejects.toThrow(`Port ${plain.port} is already in use`);
    } finally {
      await plain.close();
    }
  });

  it('refuses to start without a build', async () => {
    await expect(
      startAppServer({ distDir: join(tmp.path, 'nope'), port: 0, dataDir, logger: silentLogger }),
    ).rejects.toThrow(/run npm run build first/);
  });
});
