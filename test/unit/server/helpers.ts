/**
 * Shared helpers for the server tests: a temporary fixture `dist/`, a temporary data dir,
 * and small HTTP(S) clients that return status, headers and body (plus a raw-socket client
 * for requests that normal clients refuse to send, like absolute-form targets).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';

export const INDEX_HTML =
  '<!doctype html><html><head><title>Memos Offline fixture</title></head><body>app</body></html>';

export function makeTempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** A minimal Vite-like build: index.html, sw.js, hashed asset, wasm, onnx, manifest, mjs. */
export function makeFixtureDist(root: string): string {
  const dist = join(root, 'dist');
  mkdirSync(join(dist, 'assets'), { recursive: true });
  mkdirSync(join(dist, 'models', 'mini', 'onnx'), { recursive: true });
  writeFileSync(join(dist, 'index.html'), INDEX_HTML);
  writeFileSync(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});\n');
  writeFileSync(join(dist, 'assets', 'app-abc123.js'), 'console.log("app");\n');
  writeFileSync(join(dist, 'x.wasm'), Buffer.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  writeFileSync(join(dist, 'm.onnx'), Buffer.from([0x08, 0x07, 0x12, 0x00]));
  writeFileSync(join(dist, 'models', 'mini', 'onnx', 'model.onnx'), Buffer.from([0x08, 0x07]));
  writeFileSync(join(dist, 'worker.mjs'), 'export {};\n');
  writeFileSync(
    join(dist, 'manifest.webmanifest'),
    JSON.stringify({ name: 'Memos Offline', start_url: '/' }),
  );
  return dist;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** For https: trust anchor (PEM) and SNI/verification name. */
  ca?: string;
  servername?: string;
}

export function request(url: string, options: RequestOptions = {}): Promise<Reply> {
  const target = new URL(url);
  const secure = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(
      target,
      {
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        agent: false,
        ...(secure && options.ca ? { ca: options.ca } : {}),
        ...(secure && options.servername ? { servername: options.servername } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Sends `text` verbatim over TCP and resolves with everything received until the server closes. */
export function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    socket.on('error', reject);
  });
}

export function statusOf(rawResponse: string): number {
  return Number(/^HTTP\/1\.1 (\d{3})/.exec(rawResponse)?.[1] ?? '0');
}

/** Starts a plain HTTP server on 127.0.0.1 with a free port. */
export async function startHttpServer(
  handler: http.RequestListener,
): Promise<{ server: http.Server; port: number; url: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    server,
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const { port, close } = await startHttpServer(() => undefined);
  await close();
  return port;
}

export interface RawConnection {
  write(text: string): void;
  /** Everything received so far. */
  received(): string;
  /** Resolves when the server closes the connection (or it fails). */
  closed: Promise<void>;
  isClosed(): boolean;
  destroy(): void;
}

/** Opens a raw TCP (or TLS, with `ca`/`servername`) connection to 127.0.0.1:`port`. */
export function openRaw(port: number, secure?: { ca: string; servername: string }): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let closed = false;
    const socket: net.Socket = secure
      ? tls.connect({ port, host: '127.0.0.1', ca: secure.ca, servername: secure.servername }, () =>
          resolve(connection),
        )
      : net.connect(port, '127.0.0.1', () => resolve(connection));
    const closedPromise = new Promise<void>((done) => {
      socket.once('close', () => {
        closed = true;
        done();
      });
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (error) => {
      if (!closed && chunks.length === 0) reject(error);
    });
    const connection: RawConnection = {
      write: (text) => {
        if (!socket.destroyed) socket.write(text);
      },
      received: () => Buffer.concat(chunks).toString('utf8'),
      closed: closedPromise,
      isClosed: () => closed,
      destroy: () => socket.destroy(),
    };
  });
}
