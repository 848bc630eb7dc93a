/**
 * Issue 9, item 5: uploads are not scripts. Files under `/file/` share the app's origin, so
 * (a) the app's CSP must not let a page or worker load anything under `/file/` as a script,
 * and (b) a `/file/` response must never run as script or HTML in the origin: sandboxing CSP,
 * no framing, and a JavaScript Content-Type served as text/plain under nosniff.
 * (test/e2e/uploads-inert.test.ts checks the same in real Chromium.)
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAppServer, startAppServer } from '../../../server/app-server';
import { silentLogger } from '../../../server/logger';
import { type FakeMemosUpstream, startFakeMemosUpstream } from './fake-memos-upstream';
import { makeFixtureDist, makeTempDir, type Reply, request } from './helpers';

const tmp = makeTempDir('memos-offline-uploads-');
const dist = makeFixtureDist(tmp.path);
let upstream: FakeMemosUpstream;
let server: RunningAppServer;

beforeAll(async () => {
  upstream = await startFakeMemosUpstream();
  server = await startAppServer({
    distDir: dist,
    port: 0,
    dataDir: join(tmp.path, 'data'),
    memosUrl: `${upstream.url}/memos`,
    logger: silentLogger,
  });
});
afterAll(async () => {
  await server.close();
  await upstream.close();
  tmp.remove();
});

const get = (path: string) =>
  request(`https://127.0.0.1:${server.port}${path}`, { ca: server.caCertPem ?? '', servername: 'localhost' });

function cspOf(reply: Reply): string {
  const value = reply.headers['content-security-policy'];
  return Array.isArray(value) ? value.join(', ') : (value ?? '');
}

function directive(csp: string, name: string): string[] {
  const found = csp
    .split(';')
    .map((part) => part.trim().split(/\s+/))
    .find((tokens) => tokens[0] === name);
  return found?.slice(1) ?? [];
}

/** CSP3 path matching for a source expression against a same-origin https URL path (no redirects). */
function sourceAllowsPath(source: string, path: string): boolean {
  if (source === "'self'" || source === '*' || source === 'https:' || source === 'http:') return true;
  if (/^[a-z][a-z0-9+.-]*:$/i.test(source)) return false; // blob:, data:, … never match an https URL
  if (source.startsWith("'")) return false; // keywords other than 'self' load no URL
  const slash = source.indexOf('/', source.indexOf('://') + (source.includes('://') ? 3 : 0));
  if (slash === -1) return true; // a host without a path allows every path
  const sourcePath = source.slice(slash);
  return sourcePath.endsWith('/') ? path.startsWith(sourcePath) : path === sourcePath;
}

describe("the app's CSP cannot load /file/ as script", () => {
  it('lists only the build paths in script-src and worker-src, never self or a host-wide source', async () => {
    for (const page of ['/', '/settings', '/sw.js', '/assets/app-abc123.js']) {
      const csp = cspOf(await get(page));
      for (const name of ['script-src', 'worker-src']) {
        const sources = directive(csp, name);
        expect(sources.length, `${page} ${name}`).toBeGreaterThan(0);
        for (const path of ['/file/attachments/1/x.js', '/file/x.mjs', '/api/v1/x.js', '/index.html']) {
          expect(
            sources.filter((source) => sourceAllowsPath(source, path)),
            `${page} ${name} ${path}`,
          ).toEqual([]);
        }
        expect(sources.some((source) => sourceAllowsPath(source, '/assets/app-abc123.js'))).toBe(true);
      }
      expect(directive(csp, 'worker-src').some((source) => sourceAllowsPath(source, '/sw.js'))).toBe(true);
    }
  });
});

describe('a /file/ response is inert', () => {
  it('is sandboxed, unframeable and same-origin only, whatever the upstream sent', async () => {
    for (const name of ['note.html', 'image.svg', 'evil.js', 'evil.mjs', 'blob.raw']) {
      const reply = await get(`/file/attachments/1/${name}`);
      const csp = cspOf(reply);
      expect(directive(csp, 'default-src'), name).toEqual(["'none'"]);
      expect(
        csp.split(';').map((part) => part.trim()),
        name,
      ).toContain('sandbox');
      expect(directive(csp, 'frame-ancestors'), name).toEqual(["'none'"]);
      expect(directive(csp, 'script-src'), name).toEqual([]);
      expect(reply.headers['x-content-type-options'], name).toBe('nosniff');
      expect(reply.headers['cross-origin-resource-policy'], name).toBe('same-origin');
    }
  });

  it('never carries a JavaScript Content-Type (text/plain instead), and gets octet-stream when it has none', async () => {
    expect((await get('/file/attachments/1/evil.js')).headers['content-type']).toBe(
      'text/plain; charset=utf-8',
    );
    expect((await get('/file/attachments/1/evil.mjs')).headers['content-type']).toBe(
      'text/plain; charset=utf-8',
    );
    expect((await get('/file/attachments/1/blob.raw')).headers['content-type']).toBe(
      'application/octet-stream',
    );
    // Other types stay (an image is still shown as an image; HTML and SVG are sandboxed above).
    expect((await get('/file/attachments/1/image.svg')).headers['content-type']).toBe('image/svg+xml');
  });
});
