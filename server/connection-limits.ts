/**
 * How long a client may take, and how many may be connected at once: the same limits on
 * every listener (the combined TLS/HTTP port, the plain server with TLS off, the extra
 * loopback port). Invariants:
 * - A request's headers must be complete within `headersMs` and the whole request (headers
 *   and body) within `requestMs` (Node answers 408 and closes); a TLS handshake must finish
 *   within `headersMs`; a socket idle for `idleMs` is closed (an SSE response lifts this on its
 *   own socket); a connection that sends no byte within `firstByteMs` is closed.
 * - Node checks header and request deadlines only for servers that emitted 'listening'. The
 *   inner servers of the combined port never listen themselves, so `startDeadlineChecks`
 *   starts Node's own checks for them (without it, trickled headers were never cut there).
 * - At most `maxConnections` sockets per listener; Node closes any further connection at once,
 *   and the operator is told once per overload, not once per refused socket.
 */
import type http from 'node:http';
import type net from 'node:net';
import type { Logger } from './logger';

export interface ServerTimeouts {
  headersMs: number;
  requestMs: number;
  idleMs: number;
  keepAliveMs: number;
  /** How often Node looks for requests past their deadline (the cut comes up to this late). */
  checkIntervalMs: number;
  /** Combined port only: the first byte decides TLS or HTTP. */
  firstByteMs: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  headersMs: 60_000,
  requestMs: 300_000,
  idleMs: 120_000,
  keepAliveMs: 5_000,
  checkIntervalMs: 5_000,
  firstByteMs: 10_000,
};

/** High enough for a reverse proxy in front, where every client shares one address. */
export const DEFAULT_MAX_CONNECTIONS = 512;

export function resolveTimeouts(overrides: Partial<ServerTimeouts> = {}): ServerTimeouts {
  const timeouts = { ...DEFAULT_TIMEOUTS, ...overrides };
  // Node refuses headersTimeout > requestTimeout.
  return { ...timeouts, headersMs: Math.min(timeouts.headersMs, timeouts.requestMs) };
}

/** Options for `http.createServer` / `https.createServer`. */
export function httpServerOptions(timeouts: ServerTimeouts): http.ServerOptions {
  return {
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    connectionsCheckingInterval: timeouts.checkIntervalMs,
    keepAliveTimeout: timeouts.keepAliveMs,
  };
}

/** Idle limit and the refusal of CONNECT (this is never a forward proxy). */
export function configureHttpServer(server: http.Server, timeouts: ServerTimeouts): void {
  server.timeout = timeouts.idleMs;
  server.keepAliveTimeout = timeouts.keepAliveMs;
  server.on('connect', (_req: http.IncomingMessage, socket: net.Socket) => {
    socket.end('HTTP/1.1 405 Method Not Allowed\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
}

/**
 * Starts Node's header/request deadline checks on a server that is handed sockets but never
 * listens (the interval is unref'd and cleared by `server.close()`).
 */
export function startDeadlineChecks(server: http.Server): void {
  server.emit('listening');
}

/** Caps concurrent connections on a listening server; warns once per overload. */
export function capConnections(server: net.Server, maxConnections: number, logger: Logger): void {
  server.maxConnections = maxConnections;
  let warned = false;
  server.on('drop', () => {
    if (warned) return;
    warned = true;
    logger.warn(
      `Connection limit reached (${maxConnections} open connections): refusing new ones until some close. Raise it with --max-connections / MAX_CONNECTIONS if this is expected.`,
    );
  });
  server.on('connection', (socket: net.Socket) => {
    socket.once('close', () => {
      if (warned && server.listening) {
        server.getConnections((error, count) => {
          if (!error && count < maxConnections / 2) warned = false;
        });
      }
    });
  });
}
