/**
 * The same-origin Memos proxy against a fake upstream (a real node http server): forwarding
 * and headers, streamed bodies, SSE delivered incrementally and closed on client disconnect,
 * the body limit, and JSON 502/504 when the upstream is down or silent.
 * (Refusing other destinations is in memos-proxy-isolation.test.ts.)
 */
import { createHash, randomBytes } from 'node:crypto';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningAppServer, startAppServer } from '../../../server/app-server';
import { silentLogger } from '../../../server/logger';
import { type FakeMemosUpstream, type SeenRequest, startFakeMemosUpstream } from './fake-memos-upstream';
import { makeFixtureDist, makeTempDir, request, unusedPort } from './helpers';

const tmp = makeTempDir('memos-offline-proxy-');
const dist = makeFixtureDist(tmp.path);

let upstream: FakeMemosUpstream;
let seen: SeenRequest[];
let server: RunningAppServer;
let base: string;

beforeAll(async () => {
  upstream = await startFakeMemosUpstream();
  seen = upstream.seen;
  server = await startAppServer({
    distDir: dist,
    port: 0,
    dataDir: join(tmp.path, 'data'),
    memosUrl: `${upstream.url}/memos`,
    logger: silentLogger,
    proxyLimits: { maxBodyBytes: 1024, responseTimeoutMs: 500 },
  });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server.close();
  await upstream.close();
  tmp.remove();
});
beforeEach(() => {
  seen.length = 0;
});

describe('forwarding', () => {
  it('forwards /api/ with method, query, body and Authorization to the configured upstream (plus its path prefix)', async () => {
    const reply = await request(`${base}/api/v1/memos?pageSize=5&filter=a%20b`, {
      method: 'POST',
      headers: { Authorization: 'Bearer memos_pat_x', 'Content-Type': 'application/json' },
      body: '{"content":"hi"}',
    });
    expect(reply.status).toBe(201);
    expect(JSON.parse(reply.body)).toMatchObject({
      ok: true,
      url: '/memos/api/v1/memos?pageSize=5&filter=a%20b',
      bytes: 16,
    });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', body: '{"content":"hi"}' });
    expect(seen[0]?.headers.authorization).toBe('Bearer memos_pat_x');
    expect(reply.headers['set-cookie']).toEqual(['memos.access-token=abc; Path=/; HttpOnly']);
  });

  it('sets X-Forwarded-*, uses the upstream Host, and strips hop-by-hop headers both ways', async () => {
    const reply = await request(`${base}/api/v1/ping`, {
      headers: {
        Host: 'localhost:1234',
        Connection: 'keep-alive, X-Private-Hop',
        'X-Private-Hop': 'secret',
        'Proxy-Authorization': 'Basic x',
        'X-Forwarded-For': '6.6.6.6',
        TE: 'trailers',
      },
    });
    expect(reply.status).toBe(201);
    const headers = seen[0]?.headers ?? {};
    expect(headers.host).toBe(`127.0.0.1:${upstream.port}`);
    expect(headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(headers['x-forwarded-proto']).toBe('http');
    expect(headers['x-forwarded-host']).toBe('localhost:1234');
    expect(headers['x-private-hop']).toBeUndefined();
    expect(headers['proxy-authorization']).toBeUndefined();
    expect(headers.te).toBeUndefined();
    expect(reply.headers['keep-alive']).not.toBe('timeout=99');
  });

  it('reports x-forwarded-proto https over TLS', async () => {
    await request(`https://127.0.0.1:${server.port}/api/v1/ping`, {
      ca: server.caCertPem ?? '',
      servername: 'localhost',
    });
    expect(seen[0]?.headers['x-forwarded-proto']).toBe('https');
  });

  it('forwards /file/ and serves it with a sandboxing CSP instead of the upstream one', async () => {
    const reply = await request(`${base}/file/attachments/abc/note.html`);
    expect(seen[0]?.url).toBe('/memos/file/attachments/abc/note.html');
    expect(reply.headers['content-security-policy']).toMatch(/\bsandbox\b/);
    expect(reply.headers['content-security-policy']).toMatch(/default-src 'none'/);
  });

  it('proxies nothing but /api/ and /file/', async () => {
    for (const path of ['/', '/healthz', '/memos.api.v1.MemoService/ListMemos', '/api', '/apix/v1']) {
      await request(`${base}${path}`);
    }
    expect(seen).toEqual([]);
  });
});

describe('streamed bodies', () => {
  it('passes a multi-megabyte body intact over HTTPS and loopback HTTP, on reused keep-alive connections', async () => {
    const roomy = await startAppServer({
      distDir: dist,
      port: 0,
      dataDir: join(tmp.path, 'data'),
      memosUrl: `${upstream.url}/memos`,
      logger: silentLogger,
    });
    const body = randomBytes(3 * 1024 * 1024 + 17);
    const digest = createHash('sha256').update(body).digest('hex');
    const agents = [
      {
        url: `https://127.0.0.1:${roomy.port}`,
        agent: new https.Agent({ keepAlive: true, ca: roomy.caCertPem ?? '', servername: 'localhost' }),
      },
      { url: `http://127.0.0.1:${roomy.port}`, agent: new http.Agent({ keepAlive: true }) },
    ];
    try {
      for (const { url, agent } of agents) {
        const sockets = new Set<unknown>();
        for (let round = 0; round < 2; round++) {
          const reply = await new Promise<{ json: string; socket: unknown }>((resolve, reject) => {
            const client = url.startsWith('https') ? https : http;
            const req = client.request(`${url}/api/v1/attachments`, { method: 'POST', agent }, (res) => {
              let json = '';
              res.on('data', (chunk: Buffer) => {
                json += chunk.toString();
              });
              res.on('end', () => resolve({ json, socket: req.socket }));
            });
            req.on('error', reject);
            req.end(body);
          });
          sockets.add(reply.socket);
          expect(JSON.parse(reply.json)).toMatchObject({ bytes: body.length, sha256: digest });
        }
        expect(sockets.size, url).toBe(1);
      }
    } finally {
      for (const { agent } of agents) agent.destroy();
      await roomy.close();
    }
  });
});

describe('SSE', () => {
  it('delivers each event as it is written, with streaming headers, and closes upstream when the client leaves', async () => {
    const received: string[] = [];
    let gotFirst: () => void = () => undefined;
    const firstArrived = new Promise<void>((resolve) => {
      gotFirst = resolve;
    });
    let gotSecond: () => void = () => undefined;
    const secondArrived = new Promise<void>((resolve) => {
      gotSecond = resolve;
    });
    const clientReq = http.get(`${base}/api/v1/sse`, {
      headers: { Authorization: 'Bearer t', 'Accept-Encoding': 'gzip' },
    });
    const response = await new Promise<IncomingMessage>((resolve) => clientReq.once('response', resolve));
    expect(response.headers['content-type']).toBe('text/event-stream');
    expect(response.headers['x-accel-buffering']).toBe('no');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-encoding']).toBeUndefined();
    response.setEncoding('utf8');
    response.on('data', (text: string) => {
      received.push(text);
      const all = received.join('');
      if (all.includes('memo.created')) gotFirst();
      if (all.includes('memo.updated')) gotSecond();
    });
    // The upstream has NOT ended the response (it waits for releaseSecondEvent): the first
    // event must already be here, so nothing between us and the upstream buffers the stream.
    await firstArrived;
    expect(received.join('')).not.toContain('memo.updated');
    upstream.releaseSecondEvent();
    await secondArrived;
    expect(seen[0]?.headers.authorization).toBe('Bearer t');
    expect(seen[0]?.headers['accept-encoding']).toBe('identity');
    clientReq.destroy();
    await upstream.sseClosed();
  });
});

describe('limits and failures', () => {
  it('answers 413 JSON for a declared body over the limit without contacting the upstream', async () => {
    const reply = await request(`${base}/api/v1/attachments`, { method: 'POST', body: 'x'.repeat(2000) });
    expect(reply.status).toBe(413);
    expect(reply.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(reply.body)).toMatchObject({ error: 'body-too-large' });
    expect(seen).toEqual([]);
  });

  it('answers 413 JSON for a chunked body that grows over the limit', async () => {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(`${base}/api/v1/attachments`, { method: 'POST' }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write('y'.repeat(600));
      setImmediate(() => req.end('y'.repeat(600)));
    });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toMatchObject({ error: 'body-too-large' });
  });

  it('answers 502 JSON when the upstream is down', async () => {
    const down = await startAppServer({
      distDir: dist,
      port: 0,
      tls: 'off',
      dataDir: tmp.path,
      memosUrl: `http://127.0.0.1:${await unusedPort()}`,
      logger: silentLogger,
    });
    try {
      const reply = await request(`http://127.0.0.1:${down.port}/api/v1/memos`);
      expect(reply.status).toBe(502);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(reply.body)).toEqual({
        code: 14,
        message: 'Memos server unreachable: ECONNREFUSED',
        error: 'upstream-unreachable',
      });
    } finally {
      await down.close();
    }
  });

  it('answers 504 JSON when the upstream does not respond', async () => {
    const reply = await request(`${base}/api/v1/hang`);
    expect(reply.status).toBe(504);
    expect(JSON.parse(reply.body)).toMatchObject({ code: 14, error: 'upstream-unreachable' });
    expect(JSON.parse(reply.body).message).toMatch(/^Memos server unreachable: no response within/);
  });

  it('closes the upstream request when the client leaves first, without reporting an outage', async () => {
    const warnings: string[] = [];
    const quiet = await startAppServer({
      distDir: dist,
      port: 0,
      tls: 'off',
      dataDir: tmp.path,
      memosUrl: `${upstream.url}/memos`,
      logger: { ...silentLogger, warn: (message) => warnings.push(message) },
    });
    try {
      const arrived = upstream.hangArrived();
      const req = http.get(`http://127.0.0.1:${quiet.port}/api/v1/hang`);
      req.on('error', () => undefined);
      const { closed } = await arrived;
      req.destroy();
      await closed;
      expect(warnings).toEqual([]);
    } finally {
      await quiet.close();
    }
  });

  it('answers 404 JSON for /api/ when no Memos server is configured', async () => {
    const bare = await startAppServer({
      distDir: dist,
      port: 0,
      tls: 'off',
      dataDir: tmp.path,
      logger: silentLogger,
    });
    try {
      const reply = await request(`http://127.0.0.1:${bare.port}/api/v1/memos`);
      expect(reply.status).toBe(404);
      expect(reply.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(reply.body)).toEqual({
        code: 5,
        message: 'no Memos server is configured (set MEMOS_URL)',
      });
    } finally {
      await bare.close();
    }
  });
});
