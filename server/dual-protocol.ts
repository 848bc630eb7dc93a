/**
 * One TCP port, two protocols. Invariants:
 * - The first byte of each connection decides: 0x16 (a TLS handshake record) goes to the
 *   HTTPS server, anything else to the plain HTTP server. The byte is put back (`unshift`)
 *   before the hand-over, so neither server can tell the difference from a direct accept.
 * - A connection that sends nothing within `sniffTimeoutMs` is closed.
 * - Every accepted socket is tracked so that `closeAllConnections()` can end open streams
 *   (SSE, keep-alive) on shutdown; neither inner server ever listens itself.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { RequestHandler } from './router';

const TLS_HANDSHAKE = 0x16;

export interface DualProtocolOptions {
  cert: string;
  key: string;
  onHttps: RequestHandler;
  onHttp: RequestHandler;
  sniffTimeoutMs?: number;
  /** Socket inactivity limit for requests (0 = none); SSE responses lift it per socket. */
  idleTimeoutMs?: number;
}

export interface DualProtocolServer {
  server: net.Server;
  closeAllConnections(): void;
}

/** Both inner servers refuse CONNECT: this is never a forward proxy. */
function refuseConnect(server: http.Server): void {
  server.on('connect', (_req: http.IncomingMessage, socket: net.Socket) => {
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
}

export function configureHttpServer(server: http.Server, idleTimeoutMs: number): void {
  server.timeout = idleTimeoutMs;
  server.keepAliveTimeout = 5_000;
  refuseConnect(server);
}

export function createDualProtocolServer(options: DualProtocolOptions): DualProtocolServer {
  const idle = options.idleTimeoutMs ?? 120_000;
  const secure = https.createServer(
    { cert: options.cert, key: options.key, minVersion: 'TLSv1.2' },
    options.onHttps,
  );
  const plain = http.createServer(options.onHttp);
  configureHttpServer(secure, idle);
  configureHttpServer(plain, idle);
  const sockets = new Set<net.Socket>();

  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // Errors destroy the socket by themselves; this listener only keeps an early reset (before
    // the inner server has attached its own handlers) from becoming an uncaught exception.
    socket.on('error', () => undefined);
    socket.setTimeout(options.sniffTimeoutMs ?? 10_000, () => socket.destroy());
    socket.once('data', (chunk: Buffer) => {
      socket.setTimeout(0);
      socket.pause();
      socket.unshift(chunk);
      (chunk[0] === TLS_HANDSHAKE ? secure : plain).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });

  return {
    server,
    closeAllConnections() {
      for (const socket of sockets) socket.destroy();
    },
  };
}
