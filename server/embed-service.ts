/**
 * The embedding service's HTTP face, under `/embed/v1/` on the app's own origin:
 *   GET  /embed/v1/info     → { models: [{ modelId, dim }], threads, embedded, served }
 *   POST /embed/v1/vectors  { modelId, hashes } → the stored vectors of those hashes (binary,
 *                            workers/recall/vector-wire.ts; unknown hashes are left out)
 *   POST /embed/v1/embed    { modelId, texts }  → vectors of every text (stored first)
 *   POST /embed/v1/warmup   { modelId }         → { running }: the server reads the user's
 *                            notebook from Memos with this token and embeds what it lacks
 *                            (embed-warmup.ts; only with MEMOS_URL)
 * Invariants:
 *  - nothing is computed or read before the service gate (service-gate.ts) lets the request
 *    through, and it names the Memos user whose store space is used;
 *  - a model id the server does not hold is refused (409, `reason: 'model-mismatch'`, with
 *    the ids it holds), never answered with other vectors;
 *  - errors are JSON `{ code, message, reason }`; `reason` is one of EmbedRefusal, so the
 *    device classifies them without reading messages.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { encodeVectors, WIRE_CONTENT_TYPE } from '../workers/recall/vector-wire';
import { ModelLoadError } from './embed-pool';
import type { ModelVariant } from './embed-thread-protocol';
import type { Warmup } from './embed-warmup';
import type { EmbedWork } from './embed-work';
import { sendJson } from './http-util';
import type { Logger } from './logger';
import type { RequestTarget } from './request-target';
import type { ServiceGate } from './service-gate';

export type EmbedRefusal =
  | 'unauthorized'
  | 'off'
  | 'memos-unreachable'
  | 'service-off'
  | 'model-mismatch'
  | 'model-unavailable'
  | 'too-large'
  | 'invalid'
  | 'not-found'
  | 'failed';

export interface EmbedLimits {
  maxBodyBytes: number;
  maxTexts: number;
  maxHashes: number;
}

export const DEFAULT_EMBED_LIMITS: EmbedLimits = {
  maxBodyBytes: 8 * 1024 * 1024,
  maxTexts: 128,
  maxHashes: 2_000,
};

export interface EmbedService {
  handle(req: IncomingMessage, res: ServerResponse, target: RequestTarget): void;
  /** who may use it (for the start-up banner) and on how many threads */
  readonly access: EmbedAccess;
  readonly threads: number;
  close(): Promise<void>;
}

/** `memos-tokens`: requests need a token Memos accepts; `anyone`: no MEMOS_URL, turned on for the LAN. */
export type EmbedAccess = 'memos-tokens' | 'anyone';

export interface EmbedServiceOptions {
  gate: ServiceGate;
  /** the model variants on disk (computed on first use) */
  variants(): ModelVariant[];
  work: EmbedWork;
  /** absent without a Memos server to read from */
  warmup?: Warmup | undefined;
  access: EmbedAccess;
  threads: number;
  logger: Logger;
  limits?: Partial<EmbedLimits>;
}

class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly reason: EmbedRefusal,
    message: string,
  ) {
    super(message);
  }
}

const GRPC_CODE: Record<number, number> = {
  400: 3,
  401: 16,
  403: 7,
  404: 5,
  405: 12,
  409: 9,
  413: 8,
  503: 14,
};

function refuse(
  res: ServerResponse,
  status: number,
  reason: EmbedRefusal,
  message: string,
  extra = {},
): void {
  sendJson(res, status, { code: GRPC_CODE[status] ?? 13, message, reason, ...extra });
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? '');
  if (declared > maxBytes) throw new RequestError(413, 'too-large', `request body over ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new RequestError(413, 'too-large', `request body over ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RequestError(400, 'invalid', 'request body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RequestError(400, 'invalid', 'request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

function stringList(value: unknown, field: string, max: number, pattern?: RegExp): string[] {
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new RequestError(400, 'invalid', `${field} must be a list of strings`);
  }
  if (value.length > max) throw new RequestError(413, 'too-large', `at most ${max} ${field} per request`);
  if (pattern && !value.every((v) => pattern.test(v)))
    throw new RequestError(400, 'invalid', `malformed ${field}`);
  return value;
}

const HASH = /^[A-Za-z0-9:._-]{1,128}$/;
const ENDPOINTS = ['/embed/v1/info', '/embed/v1/vectors', '/embed/v1/embed', '/embed/v1/warmup'];

function bearerToken(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
}

export function createEmbedService(options: EmbedServiceOptions): EmbedService {
  const limits = { ...DEFAULT_EMBED_LIMITS, ...options.limits };
  let reportedModelFailure = false;

  function variantFor(body: Record<string, unknown>): ModelVariant {
    const variants = options.variants();
    const variant = variants.find((v) => v.modelId === body.modelId);
    if (variant) return variant;
    throw Object.assign(
      new RequestError(
        409,
        'model-mismatch',
        `this server embeds with ${variants.map((v) => v.modelId).join(', ') || 'no model'}, not ${String(body.modelId)}`,
      ),
      { models: variants.map((v) => v.modelId) },
    );
  }

  function sendVectors(
    res: ServerResponse,
    variant: ModelVariant,
    items: Parameters<typeof encodeVectors>[0]['items'],
  ) {
    const body = encodeVectors({ modelId: variant.modelId, dim: variant.dim, items });
    res.writeHead(200, {
      'Content-Type': WIRE_CONTENT_TYPE,
      'Content-Length': body.length,
      'Cache-Control': 'no-store',
    });
    res.end(body);
  }

  async function serve(req: IncomingMessage, res: ServerResponse, target: RequestTarget): Promise<void> {
    const state = options.work.state();
    if (!state.on) throw new RequestError(503, 'service-off', state.message);
    const verdict = await options.gate.check(req.headers.authorization);
    if (!verdict.ok) {
      const reason =
        verdict.status === 401 ? 'unauthorized' : verdict.status === 403 ? 'off' : 'memos-unreachable';
      throw new RequestError(verdict.status, reason, verdict.reason);
    }
    const route = `${req.method ?? 'GET'} ${target.pathname}`;
    switch (route) {
      case 'GET /embed/v1/info': {
        const variants = options.variants();
        sendJson(res, 200, {
          models: variants.map((v) => ({ modelId: v.modelId, dim: v.dim })),
          threads: options.threads,
          ...options.work.stats(),
        });
        return;
      }
      case 'POST /embed/v1/vectors': {
        const body = await readJson(req, limits.maxBodyBytes);
        const variant = variantFor(body);
        const hashes = stringList(body.hashes, 'hashes', limits.maxHashes, HASH);
        sendVectors(res, variant, await options.work.lookup(variant, verdict.user, hashes));
        return;
      }
      case 'POST /embed/v1/embed': {
        const body = await readJson(req, limits.maxBodyBytes);
        const variant = variantFor(body);
        const texts = stringList(body.texts, 'texts', limits.maxTexts);
        sendVectors(res, variant, await options.work.embed(variant, verdict.user, texts));
        return;
      }
      case 'POST /embed/v1/warmup': {
        const body = await readJson(req, limits.maxBodyBytes);
        const variant = variantFor(body);
        const token = bearerToken(req.headers.authorization);
        if (!options.warmup || !token) {
          throw new RequestError(404, 'not-found', 'no Memos server to read the notebook from');
        }
        sendJson(res, 202, options.warmup.request(variant, verdict.user, token));
        return;
      }
      default:
        if (ENDPOINTS.includes(target.pathname)) {
          throw new RequestError(405, 'invalid', `${req.method} is not allowed on ${target.pathname}`);
        }
        throw new RequestError(404, 'not-found', `no such embedding endpoint: ${target.pathname}`);
    }
  }

  function fail(res: ServerResponse, error: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error instanceof RequestError) {
      const models = (error as RequestError & { models?: string[] }).models;
      refuse(res, error.status, error.reason, error.message, models ? { models } : {});
    } else if (error instanceof ModelLoadError) {
      if (!reportedModelFailure) {
        reportedModelFailure = true;
        options.logger.error(`Embedding service cannot load its model: ${error.message}`);
      }
      refuse(res, 503, 'model-unavailable', `the server cannot load its embedding model: ${error.message}`);
    } else {
      const state = options.work.state();
      if (!state.on) refuse(res, 503, 'service-off', state.message);
      else
        refuse(
          res,
          500,
          'failed',
          `embedding failed: ${error instanceof Error ? error.message : String(error)}`,
        );
    }
  }

  return {
    handle(req, res, target) {
      serve(req, res, target).catch((error: unknown) => fail(res, error));
    },
    access: options.access,
    threads: options.threads,
    async close() {
      options.warmup?.close();
      await options.work.close();
    },
  };
}
