/**
 * A fault-injecting HTTP proxy on loopback, in front of a real Memos server: the real-server
 * fuzz's devices reach Memos only through it, so wire faults are real socket behaviour that
 * the client's fetch and error classification must survive, not emulated exceptions.
 *
 * The fault for one request is chosen by the seeded simulator (deterministic) and named in
 * the request header `X-Fuzz-Fault`, which the proxy strips before forwarding:
 *  - drop-request:  the socket is destroyed before anything is forwarded (not applied);
 *  - drop-response: forwarded and answered by Memos, then the client socket is destroyed;
 *  - duplicate:     forwarded twice, the client gets the second answer;
 *  - http-500:      a 500 without reaching Memos;
 *  - malformed:     forwarded, the client gets Memos' status with half of its body.
 * Invariant: `onApplied` is called once per answer Memos gave with status 200 (so duplicates
 * count twice and dropped responses still count): the harness's record of writes that really
 * happened, whatever the client saw.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FAULT_HEADER, type FaultKind } from '../../fakes/faulty-fetch';

/** The faults this proxy performs on the wire (the rest are client-side: timeouts, kills). */
export const WIRE_FAULTS: readonly FaultKind[] = [
  'drop-request',
  'drop-response',
  'duplicate',
  'http-500',
  'malformed',
];

export interface FaultProxy {
  readonly url: string;
  /** Requests that carried each fault (a check that faults really went over the wire). */
  readonly injected: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

export interface FaultProxyOptions {
  upstream: string;
  onApplied(method: string, url: URL, status: number): void;
  /** Counts the faults performed, by kind (shared across proxies for a run-wide total). */
  injected?: Record<string, number>;
}

interface Upstream {
  status: number;
  contentType: string;
  body: string;
}

const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'content-length', 'transfer-encoding']);

function forwardHeaders(headers: IncomingHttpHeaders): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || name === FAULT_HEADER.toLowerCase()) continue;
    out.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return out;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, answer: Upstream): void {
  response.writeHead(answer.status, { 'Content-Type': answer.contentType });
  response.end(answer.body);
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const injected: Record<string, number> = options.injected ?? {};

  const forward = async (request: IncomingMessage, body: Buffer): Promise<Upstream> => {
    const method = request.method ?? 'GET';
    const target = new URL(request.url ?? '/', options.upstream);
    const answer = await fetch(target, {
      method,
      headers: forwardHeaders(request.headers),
      ...(body.length > 0 && method !== 'GET' && method !== 'HEAD' ? { body: new Uint8Array(body) } : {}),
    });
    const text = await answer.text();
    if (answer.status === 200) options.onApplied(method, target, answer.status);
    return {
      status: answer.status,
      contentType: answer.headers.get('content-type') ?? 'application/json',
      body: text,
    };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const header = request.headers[FAULT_HEADER.toLowerCase()];
    const fault = typeof header === 'string' ? (header as FaultKind) : undefined;
    if (fault !== undefined) injected[fault] = (injected[fault] ?? 0) + 1;
    switch (fault) {
      case 'drop-request':
        request.socket.destroy();
        return;
      case 'http-500':
        reply(response, {
          status: 500,
          contentType: 'application/json',
          body: '{"code": 13, "message": "injected internal error", "details": []}',
        });
        return;
      case 'drop-response':
        await forward(request, body);
        request.socket.destroy();
        return;
      case 'duplicate':
        await forward(request, body);
        reply(response, await forward(request, body));
        return;
      case 'malformed': {
        const answer = await forward(request, body);
        reply(response, { ...answer, body: `${answer.body.slice(0, Math.floor(answer.body.length / 2))}` });
        return;
      }
      case undefined:
        reply(response, await forward(request, body));
        return;
      default:
        reply(response, {
          status: 400,
          contentType: 'text/plain',
          body: `fault proxy: ${fault} is not a wire fault`,
        });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // Memos itself unreachable: the proxy answers like a gateway (the harness sees it in the log).
      if (!response.headersSent)
        reply(response, { status: 502, contentType: 'text/plain', body: String(error) });
      else response.destroy();
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    injected,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
