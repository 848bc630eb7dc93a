/**
 * What the browser may ask of the LLM proxy, checked before anything goes upstream, and what
 * an upstream error body means. Pure. Invariants: the browser chooses only the messages and,
 * within limits, `max_tokens` and `temperature`; the model, `stream: true` and every other
 * field come from the server; an upstream error message is cut and never carries the API key.
 */
import { scrubText } from './secret-scrubber';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  maxTokens: number;
  temperature?: number;
}

export interface ChatRequestLimits {
  maxMessages: number;
  /** max_tokens when the browser gives none, and the most it may ask for */
  defaultMaxTokens: number;
  maxTokens: number;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const ROLES = new Set(['system', 'user', 'assistant']);

export function parseChatRequest(
  text: string,
  limits: ChatRequestLimits,
): { ok: true; request: ChatRequest } | { ok: false; message: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { ok: false, message: 'the request body is not JSON' };
  }
  if (!isObject(body) || !Array.isArray(body.messages)) {
    return { ok: false, message: 'expected {"messages": [{"role": …, "content": …}, …]}' };
  }
  if (body.messages.length === 0 || body.messages.length > limits.maxMessages) {
    return { ok: false, message: `between 1 and ${limits.maxMessages} messages are accepted` };
  }
  const messages: ChatMessage[] = [];
  for (const message of body.messages) {
    if (!isObject(message) || typeof message.content !== 'string' || !ROLES.has(String(message.role))) {
      return {
        ok: false,
        message: 'each message needs a role (system, user or assistant) and a text content',
      };
    }
    messages.push({ role: message.role as ChatMessage['role'], content: message.content });
  }
  const asked = body.max_tokens;
  if (asked !== undefined && (typeof asked !== 'number' || !Number.isInteger(asked) || asked < 1)) {
    return { ok: false, message: 'max_tokens must be a positive integer' };
  }
  const temperature = body.temperature;
  if (
    temperature !== undefined &&
    (typeof temperature !== 'number' || !(temperature >= 0 && temperature <= 2))
  ) {
    return { ok: false, message: 'temperature must be a number from 0 to 2' };
  }
  return {
    ok: true,
    request: {
      messages,
      maxTokens: Math.min(asked ?? limits.defaultMaxTokens, limits.maxTokens),
      ...(temperature !== undefined ? { temperature } : {}),
    },
  };
}

/** The JSON body sent upstream. */
export function upstreamBody(request: ChatRequest, model: string): string {
  return JSON.stringify({
    model,
    messages: request.messages,
    stream: true,
    max_tokens: request.maxTokens,
    ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
  });
}

const MAX_MESSAGE = 300;

/** One line saying why the upstream refused, from its (OpenAI, vLLM, Ollama or llama.cpp) error body. */
export function describeUpstreamError(status: number, bodyText: string, apiKey: string | undefined): string {
  let detail: string | undefined;
  try {
    const body: unknown = JSON.parse(bodyText);
    if (isObject(body)) {
      const error = body.error;
      if (typeof error === 'string') detail = error;
      else if (isObject(error) && typeof error.message === 'string') detail = error.message;
      else if (typeof body.message === 'string') detail = body.message;
      else if (typeof body.detail === 'string') detail = body.detail;
    }
  } catch {
    detail = bodyText.trim() || undefined;
  }
  const prefix =
    status === 401 || status === 403
      ? `the LLM server refused the request (HTTP ${status}): check LLM_API_KEY`
      : `the LLM server answered HTTP ${status}`;
  if (!detail) return prefix;
  const line = scrubText(detail, apiKey).replace(/\s+/g, ' ').trim();
  return `${prefix}: ${line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line}`;
}
