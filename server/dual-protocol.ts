/**
 * One TCP port, two protocols. Invariants:
 * - The first byte of each connection decides: 0x16 (a TLS handshake record) goes to the
 *   HTTPS server, anything else to the plain HTTP server. The byte is put back (`unshift`)
 *   before the hand-over, so neither server can tell the difference from a direct accept.
 * - A connection that sends nothing within `firstByteMs` is closed; a TLS handshake must end
 *   within `headersMs`; both inner servers enforce the header, request and idle limits of
 *   connection-limits.ts exactly like a listening server does.
 * - Every accepted socket is tracked so that `closeAllConnections()` can end open streams
 *   (SSE, keep-alive) on shutdown; neither inner server ever listens itself.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import {
  configureHttpServer,
  httpServerOptions,
  type ServerTimeouts,
  startDeadlineChecks,
} from './connection-limits';
import type { RequestHandler } from './router';

const TLS_HANDSHAKE = 0x16;

export interface DualProtocolOptions {
  cert: string;
  key: string;
  onHttps: RequestHandler;
  onHttp: RequestHandler;
  timeouts: ServerTimeouts;
}

export interface DualProtocolServer {
  server: net.Server;
  /** Ends every open connection and stops the inner servers' deadline checks. */
  closeAllConnections(): void;
}

export function createDualProtocolServer(options: DualProtocolOptions): DualProtocolServer {
  const { timeouts } = options;
  const secure = https.createServer(
    {
      cert: options.cert,
      key: options.key,
      minVersion: 'TLSv1.2',
      handshakeTimeout: timeouts.headersMs,
      ...httpServerOptions(timeouts),
    },
    options.onHttps,
  );
  const plain = http.createServer(httpServerOptions(timeouts), options.onHttp);
  for (const inner of [secure, plain]) {
    configureHttpServer(inner, timeouts);
    startDeadlineChecks(inner);
  }
  const sockets = new Set<net.Socket>();

  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // Errors destroy the socket by themselves; this listener only keeps an early reset (before
    // the inner server has attached its own handlers) from becoming an uncaught exception.
    socket.on('error', () => undefined);
    socket.setTimeout(timeouts.firstByteMs, () => socket.destroy());
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
      secure.close();
      plain.close();
    },
  };
}
