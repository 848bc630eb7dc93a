/**
 * Serves a FakeMemosServer on a loopback HTTP port, so code that talks to Memos with plain
 * `fetch` and a base URL (the integration suites' devices, the web-UI helper, the sync
 * controller's live stream) reaches the fake exactly as it would reach a real server: real
 * sockets, real status lines and headers, a streamed SSE body.
 *
 * Invariants: each HTTP request becomes one call of the fake's `fetch` with the same
 * method, path, query, headers and body; the answer is written back unchanged (status,
 * headers, body bytes); a client that goes away aborts the request's signal, which ends a
 * live stream on the fake's side (as a closed socket does on Memos). `close()` ends every
 * open stream and connection.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeMemosServer } from './fake-memos-server';

export interface FakeMemosHttp {
  readonly baseUrl: string;
  readonly port: number;
  close(): Promise<void>;
}

function requestHeaders(req: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return headers;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

async function relay(fake: FakeMemosServer, baseUrl: string, req: IncomingMessage, res: ServerResponse) {
  const aborted = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) aborted.abort(new DOMException('client went away', 'AbortError'));
  });
  const method = (req.method ?? 'GET').toUpperCase();
  const body = method === 'GET' || method === 'HEAD' ? '' : await readBody(req);
  const response = await fake.fetch(`${baseUrl}${req.url ?? '/'}`, {
    method,
    headers: requestHeaders(req),
    ...(body === '' ? {} : { body }),
    signal: aborted.signal,
  });
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  const reader = response.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      res.write(value);
    }
    res.end();
  } catch {
    // The stream was cut (client gone, or the fake ended it with an error): drop the socket.
    res.destroy();
  }
}

/** Starts serving `fake` on 127.0.0.1 (a free port unless one is given). */
export async function serveFakeMemos(fake: FakeMemosServer, port = 0): Promise<FakeMemosHttp> {
  let baseUrl = '';
  const server = createServer((req, res) => {
    relay(fake, baseUrl, req, res).catch((error: unknown) => {
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
        res.end(`fake Memos failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    baseUrl,
    port: address.port,
    async close() {
      fake.sse.disconnectAll();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
