/**
 * A fake Memos upstream for the proxy tests: a real node http server under the path prefix
 * `/memos` that records every request, echoes what it received (URL, byte count, sha256),
 * serves an SSE stream whose second event is released by the test, has a route that
 * never answers (the test can wait for it to arrive and to be closed) and one that answers
 * its echo only after `SLOW_ROUTE_DELAY_MS` (`/memos/api/v1/slow`). Every answer carries
 * permissive security headers of its own (which the proxy must override). `/memos/file/…`
 * answers an active file whose Content-Type follows the extension (see FILE_TYPES).
 */
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { startHttpServer } from './helpers';

/** How long `/memos/api/v1/slow` waits before it answers. */
export const SLOW_ROUTE_DELAY_MS = 300;

/** Content-Type of `/memos/file/…` answers by extension (`.raw`: none at all; default HTML). */
export const FILE_TYPES: Readonly<Record<string, string | undefined>> = {
  '.js': 'application/javascript',
  '.mjs': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.html': 'text/html',
  '.raw': undefined,
};

/** The body of every `/memos/file/…` answer: it would mark the page if it ever ran. */
export const ACTIVE_FILE_BODY = 'self.pwned = "ran"; /*<script>self.pwned = "ran"</script>*/';

/** Security headers a careless upstream might send; ours must win. */
export const UPSTREAM_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': 'default-src *',
  'Referrer-Policy': 'unsafe-url',
  'X-Content-Type-Options': 'sniff-please',
  'Cross-Origin-Opener-Policy': 'unsafe-none',
  'Permissions-Policy': 'camera=*',
  'Service-Worker-Allowed': '/',
  'X-Frame-Options': 'ALLOWALL',
};

function fileType(url: string): string | undefined {
  const extension = /\.[a-z]+$/.exec(url.split('?')[0] ?? '')?.[0] ?? '';
  return Object.hasOwn(FILE_TYPES, extension) ? FILE_TYPES[extension] : 'text/html';
}

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FakeMemosUpstream {
  url: string;
  port: number;
  seen: SeenRequest[];
  /** Resolves when the upstream side of the latest SSE response has closed. */
  sseClosed(): Promise<void>;
  /** Lets the SSE stream write its second event. */
  releaseSecondEvent(): void;
  /** Resolves when a request to the never-answering route arrives; then with its close. */
  hangArrived(): Promise<{ closed: Promise<void> }>;
  close(): Promise<void>;
}

export async function startFakeMemosUpstream(): Promise<FakeMemosUpstream> {
  const seen: SeenRequest[] = [];
  let sseClosed: Promise<void> = Promise.resolve();
  let release: () => void = () => undefined;
  let hangArrived: (value: { closed: Promise<void> }) => void = () => undefined;
  let hang = new Promise<{ closed: Promise<void> }>((resolve) => {
    hangArrived = resolve;
  });

  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '';
    if (url === '/memos/api/v1/sse') {
      seen.push({ method: req.method ?? '', url, headers: req.headers, body: '' });
      sseClosed = new Promise((resolve) => res.on('close', () => resolve()));
      const second = new Promise<void>((resolve) => {
        release = resolve;
      });
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.write(': connected\n\n');
      res.write('data: {"type":"memo.created","name":"memos/one"}\n\n');
      void second.then(() => res.write('data: {"type":"memo.updated","name":"memos/one"}\n\n'));
      return;
    }
    if (url === '/memos/api/v1/hang') {
      hangArrived({ closed: new Promise((resolve) => res.on('close', () => resolve())) });
      return; // never answers
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('error', () => undefined);
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString('utf8');
      seen.push({ method: req.method ?? '', url, headers: req.headers, body });
      const isFile = url.startsWith('/memos/file/');
      const sha256 = createHash('sha256').update(raw).digest('hex');
      const answer = (): void => {
        const type = isFile ? fileType(url) : 'application/json';
        res.writeHead(isFile ? 200 : 201, {
          ...(type === undefined ? {} : { 'Content-Type': type }),
          ...UPSTREAM_SECURITY_HEADERS,
          'Keep-Alive': 'timeout=99',
          'Set-Cookie': 'memos.access-token=abc; Path=/; HttpOnly',
        });
        res.end(isFile ? ACTIVE_FILE_BODY : JSON.stringify({ ok: true, url, bytes: raw.length, sha256 }));
      };
      if (url === '/memos/api/v1/slow') setTimeout(answer, SLOW_ROUTE_DELAY_MS);
      else answer();
    });
  };

  const server = await startHttpServer(handler);
  return {
    url: server.url,
    port: server.port,
    seen,
    sseClosed: () => sseClosed,
    releaseSecondEvent: () => release(),
    hangArrived: () => {
      const current = hang;
      hang = new Promise((resolve) => {
        hangArrived = resolve;
      });
      return current;
    },
    close: server.close,
  };
}
