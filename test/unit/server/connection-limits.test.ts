/**
 * Issue 9, item 2: slowloris. Every port and protocol (the combined port over TLS and over
 * loopback plain HTTP, the extra 127.0.0.1 port, and the plain server with TLS off) cuts a
 * client that trickles its headers or its body, and a stalled TLS handshake; the number of
 * concurrent connections is capped. The limits are injected short here; each trickling
 * client gives up on its own after TRICKLE_GIVE_UP_MS, far beyond the injected limits, so a
 * server that never cuts it fails the test instead of hanging it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAppServer, startAppServer } from '../../../server/app-server';
import type { Logger } from '../../../server/logger';
import { silentLogger } from '../../../server/logger';
import { type FakeMemosUpstream, startFakeMemosUpstream } from './fake-memos-upstream';
import { makeFixtureDist, makeTempDir, openRaw, type RawConnection, request } from './helpers';

const TIMEOUTS = { headersMs: 300, requestMs: 600, checkIntervalMs: 50, firstByteMs: 300 };
const TRICKLE_GIVE_UP_MS = 5_000;

const tmp = makeTempDir('memos-offline-slowloris-');
const dist = makeFixtureDist(tmp.path);
let upstream: FakeMemosUpstream;
let dual: RunningAppServer;
let plain: RunningAppServer;

beforeAll(async () => {
  upstream = await startFakeMemosUpstream();
  dual = await startAppServer({
    distDir: dist,
    port: 0,
    httpPort: 0,
    dataDir: join(tmp.path, 'data'),
    memosUrl: `${upstream.url}/memos`,
    logger: silentLogger,
    timeouts: TIMEOUTS,
  });
  plain = await startAppServer({
    distDir: dist,
    port: 0,
    tls: 'off',
    dataDir: join(tmp.path, 'data'),
    logger: silentLogger,
    timeouts: TIMEOUTS,
  });
});
afterAll(async () => {
  await dual.close();
  await plain.close();
  await upstream.close();
  tmp.remove();
});

/** Writes `next()` every 50 ms until the server closes the connection or we give up. */
async function trickle(
  connection: RawConnection,
  next: (i: number) => string,
): Promise<'cut' | 'still open'> {
  const started = Date.now();
  for (let i = 0; Date.now() - started < TRICKLE_GIVE_UP_MS; i++) {
    if (connection.isClosed()) return 'cut';
    connection.write(next(i));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const outcome = connection.isClosed() ? 'cut' : 'still open';
  connection.destroy();
  return outcome;
}

interface Target {
  name: string;
  port: () => number;
  secure: boolean;
}

const targets: Target[] = [
  { name: 'combined port over TLS', port: () => dual.port, secure: true },
  { name: 'combined port over loopback HTTP', port: () => dual.port, secure: false },
  { name: 'extra 127.0.0.1 HTTP port', port: () => dual.httpPort ?? 0, secure: false },
  { name: 'plain server (TLS off)', port: () => plain.port, secure: false },
];

const open = (target: Target): Promise<RawConnection> =>
  openRaw(target.port(), target.secure ? { ca: dual.caCertPem ?? '', servername: 'localhost' } : undefined);

describe('slow clients are cut on every port and protocol', () => {
  for (const target of targets) {
    it(`${target.name}: trickled headers get 408 and the connection is closed`, async () => {
      const connection = await open(target);
      connection.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
      expect(await trickle(connection, (i) => `X-Trickle-${i}: a\r\n`)).toBe('cut');
      expect(connection.received()).toMatch(/^HTTP\/1\.1 408 /);
    });

    it(`${target.name}: a trickled request body is cut`, async () => {
      const connection = await open(target);
      connection.write('POST /api/v1/memos HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100000\r\n\r\n');
      expect(await trickle(connection, () => 'x')).toBe('cut');
    });
  }

  it('combined port: a connection that never sends a byte, or stalls in the TLS handshake, is closed', async () => {
    const silent = await openRaw(dual.port);
    expect(await trickle(silent, () => '')).toBe('cut');
    const handshake = await openRaw(dual.port);
    // The first byte of a TLS record (handshake), then nothing more.
    expect(await trickle(handshake, (i) => (i === 0 ? '\u0016' : ''))).toBe('cut');
  });

  it('an SSE stream (a complete request with an endless answer) outlives the request limit', async () => {
    const connection = await openRaw(dual.port, { ca: dual.caCertPem ?? '', servername: 'localhost' });
    connection.write('GET /api/v1/sse HTTP/1.1\r\nHost: localhost\r\n\r\n');
    // Wait well past requestMs (and several deadline checks), then the stream must still flow.
    await new Promise((resolve) => setTimeout(resolve, TIMEOUTS.requestMs * 3));
    expect(connection.isClosed()).toBe(false);
    upstream.releaseSecondEvent();
    while (!connection.received().includes('memo.updated') && !connection.isClosed()) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(connection.received()).toContain('memo.updated');
    connection.destroy();
  });

  it('still serves normal requests with the short limits', async () => {
    expect((await request(`http://127.0.0.1:${dual.port}/`)).status).toBe(200);
    expect(
      (
        await request(`https://127.0.0.1:${dual.port}/`, {
          ca: dual.caCertPem ?? '',
          servername: 'localhost',
        })
      ).status,
    ).toBe(200);
  });
});

describe('connection cap', () => {
  it('refuses connections over maxConnections, says so once, and accepts again when one closes', async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (message) => warnings.push(message) };
    for (const tls of ['auto', 'off'] as const) {
      warnings.length = 0;
      const capped = await startAppServer({
        distDir: dist,
        port: 0,
        tls,
        dataDir: join(tmp.path, 'data'),
        logger,
        maxConnections: 2,
      });
      try {
        const held = [await openRaw(capped.port), await openRaw(capped.port)];
        for (const connection of held) connection.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
        const refused = await openRaw(capped.port);
        refused.write('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
        await refused.closed;
        expect(refused.received(), tls).toBe('');
        const alsoRefused = await openRaw(capped.port);
        await alsoRefused.closed;
        expect(
          warnings.filter((w) => /connection limit/i.test(w)),
          tls,
        ).toHaveLength(1);
        held[0]?.destroy();
        await held[0]?.closed;
        // The server sees the close a moment after the client; retry briefly.
        let status = 0;
        for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
          status = await request(`http://127.0.0.1:${capped.port}/`).then(
            (reply) => reply.status,
            () => 0,
          );
          if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        expect(status, tls).toBe(200);
        held[1]?.destroy();
      } finally {
        await capped.close();
      }
    }
  });
});
