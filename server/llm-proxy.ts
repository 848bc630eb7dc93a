/**
 * Same-origin proxy to the user's OpenAI-compatible LLM server (LLM_URL: vLLM, Ollama,
 * llama.cpp, …) for "Ask your notes". Invariants:
 * - Two routes only: `GET /llm/status` and `POST /llm/v1/chat/completions`, and only to the
 *   one upstream fixed at start (`<LLM_URL>/chat/completions`, `<LLM_URL>/models`, see
 *   llm-upstream.ts); nothing in a request chooses another destination and redirects are not
 *   followed.
 * - Every request passes the service gate first (a token Memos accepts; without MEMOS_URL,
 *   only when LLM_SERVICE=on). The browser's headers, its Memos token included, never go
 *   upstream; LLM_API_KEY is added here and scrubbed from everything sent back.
 * - The browser picks the messages (and, within limits, max_tokens and temperature); the
 *   server sets the model and `stream: true` (llm-request.ts).
 * - The answer is passed on chunk by chunk as it arrives (no buffering, no compression).
 *   Until its first byte every failure is a JSON error: 502 (unreachable, or an upstream error
 *   status with its message), 504 (no connection or no first token in time). After it, a
 *   failure (dropped stream, silence, too long, too slow) ends the stream with an OpenAI-style
 *   `data: {"error": …}` event instead of `[DONE]`.
 * - Limits: request body bytes, answer bytes, connect, first token, silence between chunks,
 *   total time. A client that goes away cancels the upstream request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorCode } from './errors';
import { sendJson } from './http-util';
import { describeUpstreamError, parseChatRequest, upstreamBody } from './llm-request';
import { createLlmUpstream, LlmFailure, type LlmUpstreamConfig, seconds } from './llm-upstream';
import type { Logger } from './logger';
import type { RequestTarget } from './request-target';
import { createScrubber, scrubText } from './secret-scrubber';
import type { ServiceGate } from './service-gate';

export const LLM_STATUS_PATH = '/llm/status';
export const LLM_CHAT_PATH = '/llm/v1/chat/completions';

/** True for every path the LLM proxy owns (`/llm` and below). */
export function isLlmPath(pathname: string): boolean {
  return pathname === '/llm' || pathname.startsWith('/llm/');
}

export interface LlmLimits {
  maxRequestBytes: number;
  maxResponseBytes: number;
  maxMessages: number;
  defaultMaxTokens: number;
  maxTokens: number;
  connectTimeoutMs: number;
  firstTokenTimeoutMs: number;
  idleTimeoutMs: number;
  totalTimeoutMs: number;
  statusTimeoutMs: number;
  statusCacheMs: number;
}

export const DEFAULT_LLM_LIMITS: LlmLimits = {
  maxRequestBytes: 256 * 1024,
  maxResponseBytes: 2 * 1024 * 1024,
  maxMessages: 50,
  defaultMaxTokens: 1024,
  maxTokens: 4096,
  connectTimeoutMs: 10_000,
  // A home box on CPU can take a while to read a long prompt before its first token.
  firstTokenTimeoutMs: 120_000,
  idleTimeoutMs: 60_000,
  totalTimeoutMs: 600_000,
  statusTimeoutMs: 5_000,
  statusCacheMs: 10_000,
};

/** Who may use the proxy, for the status report. */
export type LlmAccess = 'memos-users' | 'everyone' | 'off';

export type LlmStatus =
  | { state: 'not-configured' }
  | { state: 'refused'; access: LlmAccess; message: string }
  | { state: 'reachable'; access: LlmAccess; model: string }
  | { state: 'unreachable'; access: LlmAccess; model: string; message: string };

export type { LlmUpstreamConfig } from './llm-upstream';

export interface LlmProxy {
  handle(req: IncomingMessage, res: ServerResponse, target: RequestTarget): void;
  /** Aborts in-flight upstream requests and drops pooled connections. */
  close(): void;
}

export interface LlmProxyOptions {
  upstream: LlmUpstreamConfig | undefined;
  gate: ServiceGate;
  access: LlmAccess;
  logger: Logger;
  limits?: Partial<LlmLimits>;
  /** Clock for the reachability cache (tests). */
  now?: () => number;
}

const NOT_CONFIGURED = {
  code: 5,
  message: 'no LLM server is configured on this app server (set LLM_URL and LLM_MODEL)',
  error: 'llm-not-configured',
};

/** An OpenAI-style error event that ends a stream which already started. */
function errorEvent(message: string, type: string): string {
  return `data: ${JSON.stringify({ error: { message, type } })}\n\n`;
}

function readBody(req: IncomingMessage, max: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        req.removeAllListeners('data');
        req.resume();
        resolve('too-large');
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve('aborted'));
    req.on('aborted', () => resolve('aborted'));
  });
}

export function createLlmProxy(options: LlmProxyOptions): LlmProxy {
  const limits: LlmLimits = { ...DEFAULT_LLM_LIMITS, ...options.limits };
  const config = options.upstream;
  const upstream = config
    ? createLlmUpstream(config, {
        statusTimeoutMs: limits.statusTimeoutMs,
        statusCacheMs: limits.statusCacheMs,
        now: options.now ?? (() => Date.now()),
      })
    : undefined;

  async function sendStatus(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!config) {
      sendJson(res, 200, { state: 'not-configured' } satisfies LlmStatus);
      return;
    }
    const verdict = await options.gate.check(req.headers.authorization);
    if (!verdict.ok) {
      sendJson(res, 200, {
        state: 'refused',
        access: options.access,
        message: verdict.reason,
      } satisfies LlmStatus);
      return;
    }
    const reached = upstream ? await upstream.probe() : { ok: false as const, message: 'no LLM server' };
    const body: LlmStatus = reached.ok
      ? { state: 'reachable', access: options.access, model: config.model }
      : { state: 'unreachable', access: options.access, model: config.model, message: reached.message };
    sendJson(res, 200, body);
  }

  function streamChat(req: IncomingMessage, res: ServerResponse, payload: string): void {
    if (!config || !upstream) return;
    // A first token may take longer than the server's idle limit for sockets: this exchange is
    // bounded by the limits below instead (connect, first token, silence, total).
    req.socket.setTimeout(0);
    const scrubber = createScrubber(config.apiKey);
    const outgoing = upstream.request('POST', '/chat/completions', {
      'content-type': 'application/json',
      accept: 'text/event-stream',
      'content-length': Buffer.byteLength(payload),
    });
    let started = false;
    let finished = false;
    let sent = 0;
    let answer: IncomingMessage | undefined;
    let timer: NodeJS.Timeout | undefined;
    const arm = (ms: number, message: string) => {
      clearTimeout(timer);
      timer = setTimeout(() => fail(new LlmFailure('timeout', message)), ms);
    };
    const total = setTimeout(
      () => fail(new LlmFailure('timeout', `the answer took longer than ${seconds(limits.totalTimeoutMs)}`)),
      limits.totalTimeoutMs,
    );
    const stop = () => {
      finished = true;
      clearTimeout(timer);
      clearTimeout(total);
      answer?.destroy();
      outgoing.destroy();
    };

    function fail(error: unknown): void {
      if (finished) return;
      const message = error instanceof LlmFailure ? error.message : errorCode(error);
      if (!started) {
        const timeout = error instanceof LlmFailure && error.kind === 'timeout';
        options.logger.warn(`LLM server ${upstream?.origin ?? ''} unreachable: ${message}`);
        sendJson(res, timeout ? 504 : 502, {
          code: timeout ? 4 : 14,
          message: `LLM server unreachable: ${scrubText(message, config?.apiKey)}`,
          error: timeout ? 'llm-timeout' : 'llm-unreachable',
        });
      } else {
        res.end(errorEvent(scrubText(message, config?.apiKey), 'llm-stream-ended'));
      }
      stop();
    }

    function start(answer: IncomingMessage): void {
      started = true;
      res.writeHead(200, {
        'Content-Type': answer.headers['content-type'] ?? 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Accel-Buffering': 'no',
      });
      res.flushHeaders();
      req.socket.setNoDelay(true);
    }

    function pass(chunk: Buffer): void {
      if (finished) return;
      const clean = scrubber.push(chunk);
      if (!started && answer) start(answer);
      sent += clean.length;
      if (sent > limits.maxResponseBytes) {
        fail(
          new LlmFailure(
            'unreachable',
            `the answer was longer than ${limits.maxResponseBytes} bytes and was cut`,
          ),
        );
        return;
      }
      arm(limits.idleTimeoutMs, `the LLM server sent nothing for ${seconds(limits.idleTimeoutMs)}`);
      if (clean.length > 0 && !res.write(clean)) {
        answer?.pause();
        res.once('drain', () => answer?.resume());
      }
    }

    arm(limits.connectTimeoutMs, `no connection within ${seconds(limits.connectTimeoutMs)}`);
    outgoing.once('socket', (socket) => {
      const connected = () =>
        arm(limits.firstTokenTimeoutMs, `no answer began within ${seconds(limits.firstTokenTimeoutMs)}`);
      if (socket.connecting) socket.once('connect', connected);
      else connected();
    });
    outgoing.on('error', (error) => fail(error));
    outgoing.on('response', (incoming) => {
      answer = incoming;
      incoming.on('error', () => undefined);
      const code = incoming.statusCode ?? 502;
      if (code < 200 || code >= 300) {
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= 16 * 1024) chunks.push(chunk);
        });
        incoming.on('end', () => {
          if (finished) return;
          const message = describeUpstreamError(code, Buffer.concat(chunks).toString('utf8'), config.apiKey);
          sendJson(res, 502, { code: 14, message, error: 'llm-error', status: code });
          stop();
        });
        return;
      }
      incoming.on('data', pass);
      incoming.on('close', () => {
        if (finished) return;
        if (!incoming.complete) {
          fail(
            new LlmFailure('unreachable', 'the LLM server closed the stream before the answer was complete'),
          );
          return;
        }
        const rest = scrubber.flush();
        if (!started) {
          if (rest.length === 0) {
            fail(new LlmFailure('unreachable', 'the LLM server sent an empty answer'));
            return;
          }
          start(incoming);
        }
        res.end(rest);
        finished = true;
        clearTimeout(timer);
        clearTimeout(total);
      });
    });
    // The browser went away (or cancelled): stop the upstream work.
    res.once('close', () => {
      if (!res.writableFinished) stop();
    });
    outgoing.end(payload);
  }

  async function chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') {
      sendJson(res, 405, { code: 12, message: 'use POST', error: 'method-not-allowed' }, { Allow: 'POST' });
      return;
    }
    const declared = Number(req.headers['content-length'] ?? '0');
    if (Number.isFinite(declared) && declared > limits.maxRequestBytes) {
      req.resume();
      sendJson(
        res,
        413,
        { code: 8, message: 'the question is too large', error: 'body-too-large' },
        { Connection: 'close' },
      );
      return;
    }
    const verdict = await options.gate.check(req.headers.authorization);
    if (!verdict.ok) {
      req.resume();
      sendJson(res, verdict.status, {
        code: verdict.status === 503 ? 14 : verdict.status === 401 ? 16 : 7,
        message: verdict.reason,
        error: 'llm-forbidden',
      });
      return;
    }
    const body = await readBody(req, limits.maxRequestBytes);
    if (body === 'aborted') return;
    if (body === 'too-large') {
      sendJson(
        res,
        413,
        { code: 8, message: 'the question is too large', error: 'body-too-large' },
        { Connection: 'close' },
      );
      return;
    }
    const parsed = parseChatRequest(body.toString('utf8'), limits);
    if (!parsed.ok) {
      sendJson(res, 400, { code: 3, message: parsed.message, error: 'bad-request' });
      return;
    }
    if (!config) return;
    streamChat(req, res, upstreamBody(parsed.request, config.model));
  }

  function handle(req: IncomingMessage, res: ServerResponse, target: RequestTarget): void {
    const failed = (error: unknown) => {
      options.logger.error(`LLM proxy: ${errorCode(error)}`);
      if (!res.headersSent) sendJson(res, 500, { code: 13, message: 'internal error', error: 'internal' });
      else res.destroy();
    };
    if (target.pathname === LLM_STATUS_PATH) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendJson(
          res,
          405,
          { code: 12, message: 'use GET', error: 'method-not-allowed' },
          { Allow: 'GET, HEAD' },
        );
        return;
      }
      sendStatus(req, res).catch(failed);
      return;
    }
    if (target.pathname !== LLM_CHAT_PATH) {
      sendJson(res, 404, { code: 5, message: `no such LLM route: ${target.pathname}`, error: 'not-found' });
      return;
    }
    if (!config) {
      req.resume();
      sendJson(res, 404, NOT_CONFIGURED);
      return;
    }
    chat(req, res).catch(failed);
  }

  return {
    handle,
    close() {
      upstream?.close();
    },
  };
}
