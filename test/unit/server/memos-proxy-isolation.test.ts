/**
 * The proxy is never an open proxy: absolute-form request URIs, Host header games, dot
 * segments and CONNECT cannot reach any server but the configured Memos upstream (a second
 * "evil" server records whether anything reached it). Names that are not this server's are
 * refused outright (host-allowlist.test.ts covers that in depth).
 */
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningAppServer, startAppServer } from '../../../server/app-server';
import { silentLogger } from '../../../server/logger';
import { type FakeMemosUpstream, startFakeMemosUpstream } from './fake-memos-upstream';
import { makeFixtureDist, makeTempDir, rawRequest, startHttpServer, statusOf } from './helpers';

const tmp = makeTempDir('memos-offline-isolation-');
const dist = makeFixtureDist(tmp.path);
const evilSeen: string[] = [];
let upstream: FakeMemosUpstream;
let evil: Awaited<ReturnType<typeof startHttpServer>>;
let server: RunningAppServer;

beforeAll(async () => {
  upstream = await startFakeMemosUpstream();
  evil = await startHttpServer((req, res) => {
    evilSeen.push(req.url ?? '');
    res.end('evil');
  });
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
  await evil.close();
  tmp.remove();
});
beforeEach(() => {
  upstream.seen.length = 0;
  evilSeen.length = 0;
});

const get = (target: string, host = 'localhost'): Promise<string> =>
  rawRequest(server.port, `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);

describe('never an open proxy', () => {
  it('ignores the host of an absolute-form request URI', async () => {
    const toApi = await get(`http://127.0.0.1:${evil.port}/api/v1/ping`, `127.0.0.1:${evil.port}`);
    expect(statusOf(toApi)).toBe(201);
    expect(upstream.seen.map((s) => s.url)).toEqual(['/memos/api/v1/ping']);
    const elsewhere = await get('http://localhost/', 'localhost');
    expect(statusOf(elsewhere)).toBe(200);
    expect(elsewhere).toContain('Memos Offline fixture');
    expect(statusOf(await get('http://evil.example/api/v1/ping', 'evil.example'))).toBe(421);
    expect(upstream.seen.map((s) => s.url)).toEqual(['/memos/api/v1/ping']);
    expect(evilSeen).toEqual([]);
  });

  it('routes by path only, whatever port or own name the Host header says', async () => {
    for (const host of [`127.0.0.1:${evil.port}`, 'localhost:1', '[::1]:80']) {
      expect(statusOf(await get('/api/v1/ping', host)), host).toBe(201);
    }
    expect(upstream.seen.map((s) => s.headers.host)).toEqual(Array(3).fill(`127.0.0.1:${upstream.port}`));
    expect(statusOf(await get('/api/v1/ping', 'evil.example'))).toBe(421);
    expect(upstream.seen).toHaveLength(3);
    expect(evilSeen).toEqual([]);
  });

  it('resolves dot segments before routing, so /api/../ leaves the proxy', async () => {
    for (const path of [
      '/api/../etc/passwd',
      '/api/%2e%2e/etc/passwd',
      '/file/./../index.html',
      '/api/v1/../../x',
    ]) {
      const reply = await get(path);
      expect(reply, path).not.toContain('"ok":true');
    }
    expect(upstream.seen).toEqual([]);
  });

  it('rejects encoded separators and malformed escapes with 400', async () => {
    for (const path of ['/api/..%2f..%2fetc', '/file/..%5c..%5cetc', '/api/v1/%zz', '/api/v1/a%00b']) {
      expect(statusOf(await get(path)), path).toBe(400);
    }
    expect(upstream.seen).toEqual([]);
  });

  it('refuses CONNECT', async () => {
    const reply = await rawRequest(
      server.port,
      `CONNECT 127.0.0.1:${evil.port} HTTP/1.1\r\nHost: 127.0.0.1:${evil.port}\r\n\r\n`,
    );
    expect(statusOf(reply)).toBe(405);
    expect(evilSeen).toEqual([]);
  });
});
