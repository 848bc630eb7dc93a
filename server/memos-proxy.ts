/**
 * Same-origin reverse proxy to ONE configured Memos server. Invariants:
 * - The destination is fixed at construction (`upstream`); nothing in a request (absolute-form
 *   target, Host header, path) can change it. The router hands over only normalised
 *   `/api/…` and `/file/…` paths (see request-target.ts); the upstream's own path prefix,
 *   if any, is prepended.
 * - Bodies are streamed both ways. A request body over `maxBodyBytes` (declared or counted)
 *   gets 413 JSON and the upstream request is aborted.
 * - Timeouts: `connectTimeoutMs` to open the upstream connection; for everything except
 *   `/api/v1/sse`, `responseTimeoutMs` of upstream inactivity. The SSE stream has no read
 *   timeout, its headers are flushed at once, it is never compressed (`X-Accel-Buffering: no`)
 *   and the upstream request is closed as soon as the client goes away.
 * - An unreachable or timed-out upstream answers 502/504 with
 *   `{"code":14,"message":"Memos server unreachable: <reason>","error":"upstream-unreachable"}`.
 */
import http, { type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import { Transform, type TransformCallback } from 'node:stream';
import { errorCode } from './errors';
import { sendJson } from './http-util';
import type { Logger } from './logger';
import { clientResponseHeaders, upstreamRequestHeaders } from './proxy-headers';
import type { RequestTarget } from './request-target';

export const SSE_PATH = '/api/v1/sse';

export interface ProxyLimits {
  maxBodyBytes: number;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
}

export const DEFAULT_PROXY_LIMITS: ProxyLimits = {
  maxBodyBytes: 48 * 1024 * 1024,
  connectTimeoutMs: 10_000,
  responseTimeoutMs: 60_000,
};

export interface MemosProxy {
  forward(req: IncomingMessage, res: ServerResponse, target: RequestTarget): void;
  /** Aborts in-flight upstream requests and drops pooled connections. */
  close(): void;
}

class UpstreamTimeout extends Error {}
class BodyTooLarge extends Error {}

/** Counts bytes and fails once more than `limit` went through. */
function bodyLimiter(limit: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      callback(seen > limit ? new BodyTooLarge() : null, chunk);
    },
  });
}

function mebibytes(bytes: number): string {
  return `${Math.round((bytes / 1048576) * 10) / 10} MiB`;
}

export function createMemosProxy(
  upstreamUrl: string,
  logger: Logger,
  limits: Partial<ProxyLimits> = {},
): MemosProxy {
  const { maxBodyBytes, connectTimeoutMs, responseTimeoutMs } = { ...DEFAULT_PROXY_LIMITS, ...limits };
  const upstream = new URL(upstreamUrl);
  const secure = upstream.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const basePath = upstream.pathname.replace(/\/+$/, '');
  const hostname = upstream.hostname.replace(/^\[(.*)\]$/, '$1');
  const inFlight = new Set<ClientRequest>();
  let down = false;

  const tooLarge = (req: IncomingMessage, res: ServerResponse): void => {
    if (!res.headersSent) {
      const message = `request body larger than ${mebibytes(maxBodyBytes)}`;
      sendJson(res, 413, { code: 8, message, error: 'body-too-large' }, { Connection: 'close' });
    }
    req.resume();
  };

  const unreachable = (req: IncomingMessage, res: ServerResponse, error: unknown): void => {
    const reason = error instanceof UpstreamTimeout ? error.message : errorCode(error);
    if (!down) logger.warn(`Memos server ${upstream.origin} unreachable: ${reason}`);
    down = true;
    req.unpipe();
    req.resume(); // drain what the client is still uploading
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const status = error instanceof UpstreamTimeout ? 504 : 502;
    sendJson(res, status, {
      code: 14,
      message: `Memos server unreachable: ${reason}`,
      error: 'upstream-unreachable',
    });
  };

  function forward(req: IncomingMessage, res: ServerResponse, target: RequestTarget): void {
    const isSse = target.pathname === SSE_PATH;
    const declared = Number(req.headers['content-length'] ?? '0');
    if (Number.isFinite(declared) && declared > maxBodyBytes) {
      tooLarge(req, res);
      return;
    }
    const upstreamReq = (secure ? https : http).request({
      hostname,
      port: upstream.port || (secure ? 443 : 80),
      method: req.method ?? 'GET',
      path: `${basePath}${target.pathname}${target.search}`,
      headers: upstreamRequestHeaders(req, upstream.host, isSse),
      agent,
    });
    inFlight.add(upstreamReq);
    upstreamReq.once('close', () => inFlight.delete(upstreamReq));

    const connectTimer = setTimeout(
      () => upstreamReq.destroy(new UpstreamTimeout(`no connection within ${connectTimeoutMs / 1000} s`)),
      connectTimeoutMs,
    );
    upstreamReq.once('socket', (socket) => {
      if (socket.connecting) socket.once('connect', () => clearTimeout(connectTimer));
      else clearTimeout(connectTimer);
    });
    if (!isSse) {
      upstreamReq.setTimeout(responseTimeoutMs, () =>
        upstreamReq.destroy(new UpstreamTimeout(`no response within ${responseTimeoutMs / 1000} s`)),
      );
    }
    let clientGone = false;
    let answer: IncomingMessage | undefined;
    upstreamReq.on('error', (error) => {
      clearTimeout(connectTimer);
      // Aborted by us: the body limit already answered, or the client is gone (not an outage).
      if (error instanceof BodyTooLarge || clientGone) return;
      if (answer) {
        // The upstream already answered (e.g. an early 401) and then stopped reading the body:
        // keep the answer unless it was cut short.
        req.unpipe();
        req.resume();
        if (!answer.complete) res.destroy();
        return;
      }
      unreachable(req, res, error);
    });

    upstreamReq.once('response', (upstreamRes) => {
      answer = upstreamRes;
      clearTimeout(connectTimer);
      down = false;
      const headers = clientResponseHeaders(upstreamRes.headers);
      if (isSse) {
        headers['x-accel-buffering'] = 'no';
        headers['cache-control'] = 'no-cache';
        delete headers['content-encoding'];
        req.socket.setTimeout(0);
        req.socket.setNoDelay(true);
      }
      res.writeHead(upstreamRes.statusCode ?? 502, headers);
      if (isSse) res.flushHeaders();
      upstreamRes.on('error', () => res.destroy());
      upstreamRes.on('aborted', () => res.destroy());
      upstreamRes.pipe(res);
    });

    // The client went away before the response was complete: stop the upstream work (SSE).
    res.once('close', () => {
      clearTimeout(connectTimer);
      if (res.writableFinished) return;
      clientGone = true;
      upstreamReq.destroy();
    });

    const limiter = bodyLimiter(maxBodyBytes);
    limiter.on('error', () => {
      upstreamReq.destroy(new BodyTooLarge());
      tooLarge(req, res);
    });
    req.pipe(limiter).pipe(upstreamReq);
  }

  return {
    forward,
    close() {
      for (const request of inFlight) request.destroy();
      agent.destroy();
    },
  };
}
