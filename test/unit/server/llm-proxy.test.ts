/**
 * The LLM proxy of "Ask your notes" (server/llm-proxy.ts) in the real app server, against the
 * OpenAI-compatible fake on loopback: who may use it, streaming passed on unbuffered, the
 * model and API key set by the server (and the key never sent back), error bodies, a slow
 * first token, silence, a dropped stream, an unreachable server, and bad requests.
 */
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AppServerOptions, type RunningAppServer, startAppServer } from '../../../server/app-server';
import { silentLogger } from '../../../server/logger';
import { type FakeOpenAi, startFakeOpenAi } from '../../fakes/fake-openai-server';
import { makeFixtureDist, makeTempDir, request, unusedPort } from './helpers';

const API_KEY = 'sk-home-box-secret-0123456789';
const QUESTION = {
  messages: [
    { role: 'system', content: 'You answer from notes.' },
    {
      role: 'user',
      content:
        'Notes:\n\n[1] (2024-03-03)\nOil changed at 120,000 km\n\nQuestion: when did I change the oil?',
    },
  ],
};

const tmp = makeTempDir('memos-offline-llm-');
const dist = makeFixtureDist(tmp.path);
let llm: FakeOpenAi;
const servers: RunningAppServer[] = [];

beforeAll(async () => {
  llm = await startFakeOpenAi({ apiKey: API_KEY });
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});
afterAll(async () => {
  await llm.close();
  tmp.remove();
});

async function start(options: Partial<AppServerOptions> = {}): Promise<string> {
  const server = await startAppServer({
    distDir: dist,
    host: '127.0.0.1',
    port: 0,
    tls: 'off',
    dataDir: tmp.path,
    logger: silentLogger,
    llm: { url: llm.url, model: llm.model, apiKey: API_KEY },
    llmService: 'on',
    ...options,
  });
  servers.push(server);
  return `http://127.0.0.1:${server.port}`;
}

function ask(base: string, body: unknown = QUESTION, headers: Record<string, string> = {}) {
  return request(`${base}/llm/v1/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

/** Streams a chat request, recording what arrived and when. */
function askStreaming(base: string, headers: Record<string, string> = {}) {
  const received: string[] = [];
  let onData: () => void = () => undefined;
  const done = new Promise<{ status: number; text: string; headers: http.IncomingHttpHeaders }>(
    (resolve, reject) => {
      const req = http.request(
        `${base}/llm/v1/chat/completions`,
        { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, agent: false },
        (res) => {
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            received.push(chunk);
            onData();
          });
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: received.join(''), headers: res.headers }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(QUESTION));
    },
  );
  return {
    done,
    received,
    /** Resolves once the received text contains `text`. */
    until: (text: string) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (received.join('').includes(text)) resolve();
        };
        onData = check;
        check();
      }),
  };
}

function deltas(stream: string): string {
  return stream
    .split('\n')
    .filter((line) => line.startsWith('data: {'))
    .map((line) => JSON.parse(line.slice(6)) as { choices?: Array<{ delta?: { content?: string } }> })
    .map((chunk) => chunk.choices?.[0]?.delta?.content ?? '')
    .join('');
}

describe('LLM proxy: who may use it', () => {
  it('says so when no LLM is configured', async () => {
    const base = await start({ llm: undefined });
    expect(JSON.parse((await request(`${base}/llm/status`)).body)).toEqual({ state: 'not-configured' });
    const answer = await ask(base);
    expect(answer.status).toBe(404);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'llm-not-configured' });
  });

  it('is off without MEMOS_URL unless LLM_SERVICE=on', async () => {
    const base = await start({ llmService: undefined });
    expect(JSON.parse((await request(`${base}/llm/status`)).body)).toMatchObject({
      state: 'refused',
      access: 'off',
    });
    const answer = await ask(base);
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'llm-forbidden' });
    expect(llm.requests).toHaveLength(0);
  });

  it('with MEMOS_URL, serves only requests carrying a token Memos accepts', async () => {
    const gateFetch = async (_url: string, init?: RequestInit) =>
      new Headers(init?.headers).get('authorization') === 'Bearer memos-token'
        ? new Response(JSON.stringify({ user: { name: 'users/alice' } }), { status: 200 })
        : new Response('{"code":16}', { status: 401 });
    const base = await start({ memosUrl: 'http://127.0.0.1:9', gateFetch, llmService: undefined });
    expect((await ask(base)).status).toBe(401);
    expect((await ask(base, QUESTION, { Authorization: 'Bearer stolen' })).status).toBe(401);
    const status = JSON.parse(
      (await request(`${base}/llm/status`, { headers: { Authorization: 'Bearer memos-token' } })).body,
    );
    expect(status).toEqual({ state: 'reachable', access: 'memos-users', model: 'fake-llm-1' });
    const before = llm.requests.length;
    const answer = await ask(base, QUESTION, { Authorization: 'Bearer memos-token' });
    expect(answer.status).toBe(200);
    expect(deltas(answer.body)).toBe('According to your notes [1], yes.');
    // The Memos token stays here; the LLM gets only its own key.
    const seen = llm.requests.slice(before).find((r) => r.path === '/v1/chat/completions');
    expect(seen?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });
});

describe('LLM proxy: answers', () => {
  it('streams unbuffered; the server sets the model, stream and max_tokens; the key never comes back', async () => {
    const base = await start();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    llm.reply({
      kind: 'stream',
      chunks: ['The oil ', 'was changed ', `in March [1]. (${API_KEY})`],
      holdLast: held,
    });
    const stream = askStreaming(base, { Authorization: 'Bearer whatever' });
    await stream.until('was changed ');
    expect(stream.received.join('')).not.toContain('[DONE]');
    release();
    const result = await stream.done;
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toContain('text/event-stream');
    expect(result.headers['x-accel-buffering']).toBe('no');
    expect(result.headers['content-security-policy']).toBeDefined();
    expect(result.text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(deltas(result.text)).toBe('The oil was changed in March [1]. ([redacted])');
    expect(result.text).not.toContain(API_KEY);
    const sent = llm.requests[llm.requests.length - 1];
    expect(sent?.body).toMatchObject({
      model: 'fake-llm-1',
      stream: true,
      max_tokens: 1024,
      messages: QUESTION.messages,
    });
    expect(sent?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    llm.reply({ kind: 'stream', chunks: ['ok'] });
    await ask(base, { ...QUESTION, max_tokens: 100_000, model: 'other', stream: false, temperature: 0.2 });
    expect(llm.requests[llm.requests.length - 1]?.body).toMatchObject({
      model: 'fake-llm-1',
      stream: true,
      max_tokens: 4096,
      temperature: 0.2,
    });
  });

  it('turns an upstream error body into a JSON 502 with its message, without the key', async () => {
    const base = await start();
    llm.reply({
      kind: 'error',
      status: 400,
      message: `context length exceeded (key ${API_KEY})`,
      type: 'invalid_request_error',
    });
    const answer = await ask(base);
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body)).toEqual({
      code: 14,
      error: 'llm-error',
      status: 400,
      message: 'the LLM server answered HTTP 400: context length exceeded (key [redacted])',
    });
    const wrongKey = await start({ llm: { url: llm.url, model: llm.model, apiKey: 'sk-wrong' } });
    const refused = await ask(wrongKey);
    expect(refused.status).toBe(502);
    expect(JSON.parse(refused.body).message).toContain('check LLM_API_KEY');
    expect(JSON.parse((await request(`${wrongKey}/llm/status`)).body)).toMatchObject({
      state: 'unreachable',
    });
  });

  it('waits for a slow first token within the limit, and answers 504 past it', async () => {
    const base = await start({ llmLimits: { firstTokenTimeoutMs: 400 } });
    llm.reply({ kind: 'stream', chunks: ['late but fine'], firstTokenDelayMs: 150 });
    const slow = await ask(base);
    expect(slow.status).toBe(200);
    expect(deltas(slow.body)).toBe('late but fine');
    llm.reply({ kind: 'stream', chunks: ['too late'], firstTokenDelayMs: 1_500 });
    const late = await ask(base);
    expect(late.status).toBe(504);
    expect(JSON.parse(late.body)).toMatchObject({
      error: 'llm-timeout',
      message: expect.stringContaining('no answer began'),
    });
  });

  it('ends a dropped, a silent or an overlong stream with an error event instead of [DONE]', async () => {
    const base = await start({ llmLimits: { idleTimeoutMs: 300, maxResponseBytes: 4_000 } });
    llm.reply({ kind: 'stream', chunks: ['half an ', 'answer'], drop: true });
    const dropped = await ask(base);
    expect(dropped.status).toBe(200);
    expect(deltas(dropped.body)).toBe('half an answer');
    expect(dropped.body).not.toContain('[DONE]');
    expect(dropped.body).toContain('closed the stream before the answer was complete');

    llm.reply({ kind: 'stream', chunks: ['one', 'two'], chunkDelayMs: 1_000 });
    const silent = await ask(base);
    expect(silent.body).toContain('sent nothing for 0.3 s');
    expect(silent.body).not.toContain('[DONE]');

    llm.reply({ kind: 'stream', chunks: Array.from({ length: 60 }, () => 'x'.repeat(100)) });
    const long = await ask(base);
    expect(long.body).toContain('longer than 4000 bytes');
    expect(long.body.length).toBeLessThan(4_500);
  });

  it('answers a JSON 502 when the LLM server is down, and status says unreachable', async () => {
    const base = await start({ llm: { url: `http://127.0.0.1:${await unusedPort()}/v1`, model: 'm' } });
    const answer = await ask(base);
    expect(answer.status).toBe(502);
    expect(answer.headers['content-type']).toContain('application/json');
    expect(JSON.parse(answer.body)).toMatchObject({
      error: 'llm-unreachable',
      message: 'LLM server unreachable: ECONNREFUSED',
    });
    expect(JSON.parse((await request(`${base}/llm/status`)).body)).toEqual({
      state: 'unreachable',
      access: 'everyone',
      model: 'm',
      message: 'ECONNREFUSED',
    });
  });

  it('refuses what is not a chat request', async () => {
    const base = await start({ llmLimits: { maxRequestBytes: 2_000 } });
    const before = llm.requests.length;
    expect((await request(`${base}/llm/v1/chat/completions`)).status).toBe(405);
    expect((await request(`${base}/llm/v1/models`)).status).toBe(404);
    expect((await request(`${base}/llm/v1/completions`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await request(`${base}/llm/status`, { method: 'POST' })).status).toBe(405);
    const notJson = await request(`${base}/llm/v1/chat/completions`, { method: 'POST', body: 'hello' });
    expect(notJson.status).toBe(400);
    expect((await ask(base, { messages: [] })).status).toBe(400);
    expect((await ask(base, { messages: [{ role: 'tool', content: 'x' }] })).status).toBe(400);
    expect((await ask(base, { ...QUESTION, max_tokens: -1 })).status).toBe(400);
    const huge = await ask(base, { messages: [{ role: 'user', content: 'x'.repeat(3_000) }] });
    expect(huge.status).toBe(413);
    expect(llm.requests.length).toBe(before);
  });
});
