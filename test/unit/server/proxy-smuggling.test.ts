/**
 * Issue 9, item 1: request smuggling through the proxy. A client sends a chunked body on a
 * GET (and the other methods Node does not chunk by default); the body must reach Memos
 * framed, never as bytes Memos would parse as a second request on the shared keep-alive
 * connection. Raw sockets (plain TCP and TLS) through the real server to a loopback upstream.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningAppServer, startAppServer } from '../../../server/app-server';
import { silentLogger } from '../../../server/logger';
import { type FakeMemosUpstream, startFakeMemosUpstream } from './fake-memos-upstream';
import { makeFixtureDist, makeTempDir, openRaw, request, statusOf } from './helpers';

const tmp = makeTempDir('memos-offline-smuggling-');
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
beforeEach(() => {
  upstream.seen.length = 0;
});

/**
 * A complete request hidden in a chunked body, with a forged client address. It asks for the
 * slow route, so that if it ever reaches Memos as a request, its answer is still pending when
 * the next client's request is sent on the same pooled connection.
 */
function smuggledRequest(): string {
  return `GET /memos/api/v1/slow HTTP/1.1\r\nHost: 127.0.0.1:${upstream.port}\r\nX-Forwarded-For: 6.6.6.6\r\nContent-Length: 0\r\n\r\n`;
}

function chunked(body: string): string {
  return `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;
}

/** Sends `method /api/v1/ping` with the smuggled request as its chunked body; returns the raw answer. */
async function attack(method: string, secure: boolean): Promise<string> {
  const connection = await openRaw(
    server.port,
    secure ? { ca: server.caCertPem ?? '', servername: 'localhost' } : undefined,
  );
  connection.write(
    `${method} /api/v1/ping HTTP/1.1\r\nHost: localhost:${server.port}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunked(smuggledRequest())}`,
  );
  await connection.closed;
  return connection.received();
}

/** The next, innocent client: its own token, its own answer expected. */
async function victim(secure: boolean): Promise<{ status: number; url: unknown }> {
  const scheme = secure ? 'https' : 'http';
  const reply = await request(`${scheme}://127.0.0.1:${server.port}/api/v1/auth/me`, {
    headers: { Authorization: 'Bearer victim-token' },
    ca: server.caCertPem ?? '',
    servername: 'localhost',
  });
  const body = JSON.parse(reply.body) as { url?: unknown };
  return { status: reply.status, url: body.url };
}

describe('no request smuggling through the proxy', () => {
  for (const secure of [false, true]) {
    for (const method of ['GET', 'HEAD', 'DELETE', 'OPTIONS']) {
      it(`${secure ? 'TLS' : 'plain HTTP'}: a chunked ${method} body never becomes a second upstream request`, async () => {
        const answer = await attack(method, secure);
        expect([201, 400], answer).toContain(statusOf(answer));
        // The next client gets ITS answer, not the smuggled one.
        const next = await victim(secure);
        expect(next, `the next client got the answer for ${String(next.url)}`).toEqual({
          status: 201,
          url: '/memos/api/v1/auth/me',
        });
        const urls = upstream.seen.map((s) => s.url);
        expect(urls).not.toContain('/memos/api/v1/slow');
        expect(upstream.seen.some((s) => s.headers['x-forwarded-for'] === '6.6.6.6')).toBe(false);
        expect(urls.filter((url) => url === '/memos/api/v1/auth/me')).toHaveLength(1);
        // If the request was forwarded at all, its body arrived framed, as a body.
        const ping = upstream.seen.find((s) => s.url === '/memos/api/v1/ping');
        if (ping) expect(ping.body).toBe(smuggledRequest());
      });
    }
  }
});
