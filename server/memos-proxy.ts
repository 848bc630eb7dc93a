/**
 * Same-origin reverse proxy to ONE configured Memos server. Invariants:
 * - The destination is fixed at construction (`upstream`); nothing in a request (absolute-form
 *   target, Host header, path) can change it. The router hands over only normalised
 *   `/api/…` and `/file/…` paths (see request-target.ts); the upstream's own path prefix,
 *   if any, is prepended.
 * - Bodies are streamed both ways. A request body over `maxBodyBytes` (declared or counted)
 *   gets 413 JSON and the upstream request is aborted.
 * - Framing is the proxy's own decision, for every method: a body the client framed with
 *   Content-Length goes upstream with that Content-Length, one sent chunked goes upstream
 *   chunked (explicitly: Node does not chunk GET, HEAD, DELETE or OPTIONS by itself and
 *   would otherwise write the bytes bare, where Memos reads them as a second request on the
 *   shared keep-alive connection); a request without either has no body. Any other
 *   Transfer-Encoding is refused with 400 before anything is sent upstream.
 * - Every upstream request carries the loop marker (proxy-loop.ts), and a refusal that comes
 *   back marked with it is reported once as a loop, not as an outage; responses under `/file/`
 *   get an inert Content-Type (security-headers.ts) and our security headers win over the
 *   upstream's (proxy-headers.ts).
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
import { type ProxyLoopMarker, VIA_HEADER } from './proxy-loop';
import type { RequestTarget } from './request-target';
import { isUploadPath, makeUploadInert } from './security-headers';

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

export interface MemosProxyOptions {
  upstreamUrl: string;
  logger: Logger;
  loop: ProxyLoopMarker;
  limits?: Partial<ProxyLimits>;
}

/** How the client framed its body: the upstream request is framed the same way. */
type Framing =
  | { kind: 'none' }
  | { kind: 'length'; bytes: number }
  | { kind: 'chunked' }
  | { kind: 'invalid' };

function framingOf(req: IncomingMessage): Framing {
  const transferEncoding = req.headers['transfer-encoding'];
  if (transferEncoding !== undefined) {
    // Node's parser has already refused Transfer-Encoding together with Content-Length.
    return transferEncoding.trim().toLowerCase() === 'chunked' ? { kind: 'chunked' } : { kind: 'invalid' };
  }
  const length = req.headers['content-length'];
  if (length === undefined) return { kind: 'none' };
  const bytes = /^\d{1,15}$/.test(length) ? Number(length) : Number.NaN;
  return Number.isSafeInteger(bytes) ? { kind: 'length', bytes } : { kind: 'invalid' };
}

export function createMemosProxy(options: MemosProxyOptions): MemosProxy {
  const { upstreamUrl, logger, loop } = options;
  const limits = options.limits ?? {};
  const { maxBodyBytes, connectTimeoutMs, responseTimeoutMs } = { ...DEFAULT_PROXY_LIMITS, ...limits };
  const upstream = new URL(upstreamUrl);
  const secure = upstream.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const basePath = upstream.pathname.replace(/\/+$/, '');
  const hostname = upstream.hostname.replace(/^\[(.*)\]$/, '$1');
  const inFlight = new Set<ClientRequest>();
  let down = false;
  let loopReported = false;

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
    const framing = framingOf(req);
    if (framing.kind === 'invalid') {
      sendJson(
        res,
        400,
        { code: 3, message: 'unsupported request body framing (Transfer-Encoding or Content-Length)' },
        { Connection: 'close' },
      );
      req.resume();
      return;
    }
    if (framing.kind === 'length' && framing.bytes > maxBodyBytes) {
      tooLarge(req, res);
      return;
    }
    const headers = upstreamRequestHeaders(req, upstream.host, isSse, loop.via(req));
    if (framing.kind === 'length') headers['content-length'] = String(framing.bytes);
    if (framing.kind === 'chunked') headers['transfer-encoding'] = 'chunked';
    const upstreamReq = (secure ? https : http).request({
      hostname,
      port: upstream.port || (secure ? 443 : 80),
      method: req.method ?? 'GET',
      path: `${basePath}${target.pathname}${target.search}`,
      headers,
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
      if (!loopReported && upstreamRes.statusCode === 508 && loop.isOurs(upstreamRes.headers[VIA_HEADER])) {
        loopReported = true;
        logger.error(
          `MEMOS_URL ${upstream.origin} leads back to this app itself: set it to the Memos server's own address.`,
        );
      }
      const headers = clientResponseHeaders(upstreamRes.headers, res);
      if (isUploadPath(target.pathname)) makeUploadInert(headers);
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
    if (framing.kind === 'none') {
      req.resume();
      upstreamReq.end();
    } else {
      req.pipe(limiter).pipe(upstreamReq);
    }
  }

  return {
    forward,
    close() {
      for (const request of inFlight) request.destroy();
      agent.destroy();
    },
  };
}
