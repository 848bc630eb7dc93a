/**
 * The connection to the one LLM server of this app server (LLM_URL): requests go only to paths
 * under its base URL, carry its API key (LLM_API_KEY) and nothing of the browser's, and are
 * tracked so `close()` can abort them; plus the reachability probe (`GET <LLM_URL>/models`),
 * cached for `statusCacheMs` so a Settings page cannot flood the LLM server.
 */
import http, { type ClientRequest } from 'node:http';
import https from 'node:https';
import { errorCode } from './errors';
import { describeUpstreamError } from './llm-request';

export interface LlmUpstreamConfig {
  /** OpenAI-compatible base URL including `/v1`, e.g. http://home-box:8000/v1 */
  url: string;
  model: string;
  apiKey?: string | undefined;
}

export type Reachability = { ok: true } | { ok: false; message: string };

export interface LlmUpstream {
  origin: string;
  /** A request to `<LLM_URL><path>`; the caller writes the body and ends it. */
  request(method: string, path: string, headers: Record<string, string | number>): ClientRequest;
  probe(): Promise<Reachability>;
  close(): void;
}

/** A failure of ours (a timeout, a limit), as opposed to a socket error. */
export class LlmFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'unreachable',
    message: string,
  ) {
    super(message);
  }
}

export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

export function createLlmUpstream(
  config: LlmUpstreamConfig,
  options: { statusTimeoutMs: number; statusCacheMs: number; now: () => number },
): LlmUpstream {
  const url = new URL(config.url);
  const secure = url.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const basePath = url.pathname.replace(/\/+$/, '');
  const inFlight = new Set<ClientRequest>();
  let status: { at: number; value: Promise<Reachability> } | undefined;

  function request(method: string, path: string, headers: Record<string, string | number>): ClientRequest {
    const outgoing = (secure ? https : http).request({
      hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port || (secure ? 443 : 80),
      method,
      path: `${basePath}${path}`,
      headers: {
        host: url.host,
        ...headers,
        ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}),
      },
      agent,
    });
    inFlight.add(outgoing);
    outgoing.once('close', () => inFlight.delete(outgoing));
    return outgoing;
  }

  function probeNow(): Promise<Reachability> {
    return new Promise((resolve) => {
      const outgoing = request('GET', '/models', { accept: 'application/json' });
      const timer = setTimeout(
        () =>
          outgoing.destroy(new LlmFailure('timeout', `no answer within ${seconds(options.statusTimeoutMs)}`)),
        options.statusTimeoutMs,
      );
      outgoing.on('error', (error) => {
        clearTimeout(timer);
        resolve({ ok: false, message: error instanceof LlmFailure ? error.message : errorCode(error) });
      });
      outgoing.on('response', (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => {
          if (chunks.length < 16) chunks.push(chunk);
        });
        answer.on('error', () => undefined);
        answer.on('end', () => {
          clearTimeout(timer);
          const code = answer.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve({ ok: true });
          else
            resolve({
              ok: false,
              message: describeUpstreamError(code, Buffer.concat(chunks).toString('utf8'), config.apiKey),
            });
        });
      });
      outgoing.end();
    });
  }

  return {
    origin: url.origin,
    request,
    probe() {
      if (status && options.now() - status.at < options.statusCacheMs) return status.value;
      status = { at: options.now(), value: probeNow() };
      return status.value;
    },
    close() {
      for (const outgoing of inFlight) outgoing.destroy();
      agent.destroy();
    },
  };
}
