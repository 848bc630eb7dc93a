/**
 * A small OpenAI-compatible LLM server on loopback, following the published chat-completions
 * contract: `POST /v1/chat/completions` with `stream: true` answers `text/event-stream` of
 * `chat.completion.chunk` objects (a role chunk, content deltas, a chunk with
 * `finish_reason: "stop"`) ending with `data: [DONE]`; without `stream` one `chat.completion`
 * object; errors as `{"error": {"message", "type", "param", "code"}}` with their status;
 * `GET /v1/models` lists its model. With `apiKey`, requests without `Bearer <apiKey>` get 401.
 * Tests script what comes next: an answer in chunks, an error body, a slow first token, a
 * stream held until released, or a stream dropped mid-answer. Records every request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface ChatBody {
  model?: unknown;
  messages?: Array<{ role: string; content: string }>;
  stream?: unknown;
  max_tokens?: unknown;
  [key: string]: unknown;
}

export type FakeReply =
  | {
      kind: 'stream';
      chunks: string[];
      /** before anything of the body is sent (headers go out at once) */
      firstTokenDelayMs?: number;
      chunkDelayMs?: number;
      /** the last chunk waits for this */
      holdLast?: Promise<void>;
      /** cut the connection after the chunks: no finish chunk, no [DONE] */
      drop?: boolean;
    }
  | { kind: 'error'; status: number; message: string; type?: string }
  | { kind: 'hang' };

export interface SeenLlmRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: ChatBody | undefined;
}

export interface FakeOpenAi {
  /** base URL as OpenAI clients take it, ending in /v1 */
  url: string;
  port: number;
  model: string;
  requests: SeenLlmRequest[];
  /** What the next chat requests get (a function sees the request). */
  reply(next: FakeReply | ((body: ChatBody) => FakeReply)): void;
  close(): Promise<void>;
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function sendError(res: ServerResponse, status: number, message: string, type: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ error: { message, type, param: null, code: null } }));
}

/** The default answer: cites the first note it was given. */
export function citingAnswer(body: ChatBody): FakeReply {
  const user = body.messages?.find((m) => m.role === 'user')?.content ?? '';
  const cited = /\[1\]/.test(user) ? ' [1]' : '';
  return { kind: 'stream', chunks: ['According to ', 'your notes', `${cited}, yes.`] };
}

export async function startFakeOpenAi(
  options: { model?: string; apiKey?: string } = {},
): Promise<FakeOpenAi> {
  const model = options.model ?? 'fake-llm-1';
  const requests: SeenLlmRequest[] = [];
  let next: (body: ChatBody) => FakeReply = citingAnswer;
  let created = 1_700_000_000;

  async function stream(res: ServerResponse, reply: Extract<FakeReply, { kind: 'stream' }>): Promise<void> {
    const id = `chatcmpl-${created++}`;
    const chunk = (delta: Record<string, unknown>, finish: string | null) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      })}\n\n`;
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    res.flushHeaders();
    if (reply.firstTokenDelayMs) await wait(reply.firstTokenDelayMs);
    if (res.destroyed) return;
    res.write(chunk({ role: 'assistant', content: '' }, null));
    for (const [i, text] of reply.chunks.entries()) {
      if (i === reply.chunks.length - 1 && reply.holdLast) await reply.holdLast;
      else if (i > 0 && reply.chunkDelayMs) await wait(reply.chunkDelayMs);
      if (res.destroyed) return;
      res.write(chunk({ content: text }, null));
    }
    if (reply.drop) {
      await wait(20);
      res.socket?.destroy();
      return;
    }
    res.write(chunk({}, 'stop'));
    res.end('data: [DONE]\n\n');
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const part of req) chunks.push(part as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: ChatBody | undefined;
    try {
      body = text ? (JSON.parse(text) as ChatBody) : undefined;
    } catch {
      body = undefined;
    }
    const path = req.url ?? '';
    requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    if (options.apiKey && req.headers.authorization !== `Bearer ${options.apiKey}`) {
      sendError(res, 401, 'Incorrect API key provided.', 'invalid_request_error');
      return;
    }
    if (req.method === 'GET' && path === '/v1/models') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: model, object: 'model', owned_by: 'fake' }] }));
      return;
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      sendError(res, 404, `Unknown route ${req.method} ${path}`, 'invalid_request_error');
      return;
    }
    if (!body || !Array.isArray(body.messages)) {
      sendError(res, 400, 'messages is required', 'invalid_request_error');
      return;
    }
    if (body.model !== model) {
      sendError(res, 404, `The model \`${String(body.model)}\` does not exist.`, 'invalid_request_error');
      return;
    }
    const reply = next(body);
    if (reply.kind === 'hang') return;
    if (reply.kind === 'error') {
      sendError(res, reply.status, reply.message, reply.type ?? 'server_error');
      return;
    }
    if (body.stream === true) {
      await stream(res, reply);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        id: `chatcmpl-${created++}`,
        object: 'chat.completion',
        created,
        model,
        choices: [
          { index: 0, message: { role: 'assistant', content: reply.chunks.join('') }, finish_reason: 'stop' },
        ],
      }),
    );
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    model,
    requests,
    reply(value) {
      next = typeof value === 'function' ? value : () => value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
