/**
 * Issue 9, item 4: headers and loops. Our security headers win over the upstream's; a
 * client's X-Real-IP and every X-Forwarded-* (and similar) header is replaced, never passed;
 * MEMOS_URL pointing at the app itself is refused at start, and a loop that only shows at
 * request time (a name or relay the start check cannot see) is cut at the first hop.
 */
import net from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningAppServer, startAppServer } from '../../../server/app-server';
import { StartupError } from '../../../server/errors';
import { silentLogger } from '../../../server/logger';
import { probeMemos } from '../../../server/memos-probe';
import {
  type FakeMemosUpstream,
  startFakeMemosUpstream,
  UPSTREAM_SECURITY_HEADERS,
} from './fake-memos-upstream';
import { makeFixtureDist, makeTempDir, request, unusedPort } from './helpers';

const tmp = makeTempDir('memos-offline-proxy-headers-');
const dist = makeFixtureDist(tmp.path);
let upstream: FakeMemosUpstream;
let server: RunningAppServer;
let base: string;

beforeAll(async () => {
  upstream = await startFakeMemosUpstream();
  server = await startAppServer({
    distDir: dist,
    port: 0,
    tls: 'off',
    dataDir: join(tmp.path, 'data'),
    memosUrl: `${upstream.url}/memos`,
    logger: silentLogger,
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await upstream.close();
  tmp.remove();
});
beforeEach(() => {
  upstream.seen.length = 0;
});

describe('response headers: ours win', () => {
  it('replaces the upstream security headers on /api/ and /file/ answers', async () => {
    for (const path of ['/api/v1/memos', '/file/attachments/1/page.html']) {
      const reply = await request(`${base}${path}`);
      expect(reply.headers['referrer-policy'], path).toBe('no-referrer');
      expect(reply.headers['x-content-type-options'], path).toBe('nosniff');
      expect(reply.headers['cross-origin-opener-policy'], path).toBe('same-origin');
      expect(reply.headers['permissions-policy'], path).toContain('camera=()');
      expect(reply.headers['content-security-policy'], path).not.toBe(
        UPSTREAM_SECURITY_HEADERS['Content-Security-Policy'],
      );
      expect(reply.headers['service-worker-allowed'], path).toBeUndefined();
      expect(reply.headers['x-frame-options'], path).toBeUndefined();
      // End-to-end headers still pass.
      expect(reply.headers['set-cookie'], path).toEqual(['memos.access-token=abc; Path=/; HttpOnly']);
    }
  });
});

describe('request headers: a client cannot claim another address or origin', () => {
  it('replaces X-Real-IP and every X-Forwarded-* header, and drops the other client-address headers', async () => {
    await request(`${base}/api/v1/memos`, {
      headers: {
        'X-Real-IP': '6.6.6.6',
        'X-Forwarded-For': '6.6.6.6',
        'X-Forwarded-Proto': 'https',
        'X-Forwarded-Host': 'evil.example',
        'X-Forwarded-Port': '443',
        'X-Forwarded-Prefix': '/admin',
        'X-Forwarded-Server': 'evil',
        'X-Forwarded-Ssl': 'on',
        Forwarded: 'for=6.6.6.6;proto=https',
        'True-Client-IP': '6.6.6.6',
        'X-Client-IP': '6.6.6.6',
        'CF-Connecting-IP': '6.6.6.6',
        'X-Cluster-Client-IP': '6.6.6.6',
      },
    });
    const headers = upstream.seen[0]?.headers ?? {};
    expect(headers['x-real-ip']).toBe('127.0.0.1');
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-host']).toBe(`127.0.0.1:${server.port}`);
    for (const name of [
      'x-forwarded-port',
      'x-forwarded-prefix',
      'x-forwarded-server',
      'x-forwarded-ssl',
      'forwarded',
      'true-client-ip',
      'x-client-ip',
      'cf-connecting-ip',
      'x-cluster-client-ip',
    ]) {
      expect(headers[name], name).toBeUndefined();
    }
    expect(JSON.stringify(headers)).not.toContain('6.6.6.6');
  });
});

describe('MEMOS_URL pointing at the app itself', () => {
  it('is refused at start with one line, for every own name of the port, and nothing stays bound', async () => {
    const port = await unusedPort();
    const short = hostname().toLowerCase().split('.')[0] ?? 'localhost';
    for (const memosUrl of [
      `http://localhost:${port}`,
      `http://127.0.0.1:${port}/memos`,
      `https://[::1]:${port}`,
      `http://0.0.0.0:${port}`,
      `http://${short}.local:${port}`,
    ]) {
      const start = startAppServer({
        distDir: dist,
        port,
        tls: 'off',
        dataDir: join(tmp.path, 'data'),
        memosUrl,
        logger: silentLogger,
      });
      await expect(start, memosUrl).rejects.toBeInstanceOf(StartupError);
      await expect(start).rejects.toThrow(`MEMOS_URL ${memosUrl} points at this app itself`);
      await expect(request(`http://127.0.0.1:${port}/`)).rejects.toThrow(/ECONNREFUSED/);
    }
  });

  it('is refused when it names the extra HTTP port', async () => {
    const httpPort = await unusedPort();
    await expect(
      startAppServer({
        distDir: dist,
        port: 0,
        httpPort,
        dataDir: join(tmp.path, 'data'),
        memosUrl: `http://localhost:${httpPort}`,
        logger: silentLogger,
      }),
    ).rejects.toThrow(/points at this app itself/);
  });

  it('a loop through a name or relay the start check cannot see is cut at the first hop (508), and the probe reports it', async () => {
    // A TCP relay to the app: MEMOS_URL names the relay, which leads back to the app. It stops
    // relaying after a few connections, so a server without loop detection fails instead of
    // exhausting file handles.
    let relayed = 0;
    let appPort = 0;
    const relay = net.createServer((client) => {
      relayed += 1;
      if (relayed > 5) {
        client.destroy();
        return;
      }
      const onward = net.connect(appPort, '127.0.0.1');
      client.pipe(onward).pipe(client);
      client.on('error', () => onward.destroy());
      onward.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const address = relay.address();
    const relayPort = typeof address === 'object' && address !== null ? address.port : 0;
    const errors: string[] = [];
    const looped = await startAppServer({
      distDir: dist,
      port: 0,
      tls: 'off',
      dataDir: join(tmp.path, 'data'),
      memosUrl: `http://127.0.0.1:${relayPort}`,
      logger: { ...silentLogger, error: (message) => errors.push(message) },
    });
    appPort = looped.port;
    try {
      const reply = await request(`http://127.0.0.1:${looped.port}/api/v1/memos`);
      expect(reply.status).toBe(508);
      expect(JSON.parse(reply.body)).toMatchObject({ error: 'proxy-loop' });
      expect(relayed).toBe(1);
      await request(`http://127.0.0.1:${looped.port}/api/v1/memos`);
      expect(errors.filter((e) => /leads back to this app itself/.test(e))).toHaveLength(1);
      expect(await probeMemos(`http://127.0.0.1:${relayPort}`, looped.loopProbeHeaders)).toEqual({
        ok: false,
        self: true,
      });
      // The real upstream is not mistaken for a loop.
      expect(await probeMemos(`${upstream.url}/memos`, looped.loopProbeHeaders)).toEqual({ ok: true });
    } finally {
      await looped.close();
      await new Promise<void>((resolve) => relay.close(() => resolve()));
    }
  });
});
