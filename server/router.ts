/**
 * Dispatches one HTTP request (already accepted: HTTPS, loopback HTTP, or the extra
 * loopback listener, and already past request-guard.ts, so its Host is one of ours; new
 * routes added here are covered by that guard). Invariants: security headers are set
 * before anything else; the raw target is normalised once (`req.url` is rewritten to the
 * normalised origin-form path) and no later stage sees the client's absolute-form URI; only
 * `/api/` and `/file/` ever reach the Memos proxy, only `/llm/` the LLM proxy and only
 * `/embed/` the embedding service; everything else answers only GET and HEAD.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EmbedService } from './embed-service';
import { sendJson, sendText } from './http-util';
import { isLlmPath, type LlmProxy } from './llm-proxy';
import type { MemosProxy } from './memos-proxy';
import { isMemosPath, parseRequestTarget } from './request-target';
import type { SecurityHeaders } from './security-headers';
import type { StaticHandler } from './static-files';
import { sendCaCertificate, sendTrustPage, type TrustInfo, trustPageHtml } from './trust-page';

export interface RouterDeps {
  security: SecurityHeaders;
  serveStatic: StaticHandler;
  proxy: MemosProxy | undefined;
  /** Present only when the server uses its generated local CA. */
  ca: TrustInfo | undefined;
  llm: LlmProxy;
  /** The embedding service (`/embed/`), when it is on. */
  embed?: EmbedService | undefined;
}

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => void;

export const NO_MEMOS_SERVER = { code: 5, message: 'no Memos server is configured (set MEMOS_URL)' };
export const NO_EMBED_SERVICE = {
  code: 7,
  message: 'the embedding service is turned off on this server (EMBED_SERVICE)',
  reason: 'off',
};

export function createRouter(deps: RouterDeps): RequestHandler {
  const trustHtml = trustPageHtml(deps.ca);
  const appConfig = { memosProxy: deps.proxy !== undefined };

  return (req, res) => {
    const target = parseRequestTarget(req.url);
    deps.security.apply(res, { ...(target ? { pathname: target.pathname } : {}), host: req.headers.host });
    if (!target) {
      sendJson(res, 400, { code: 3, message: 'invalid request path' });
      return;
    }
    req.url = `${target.pathname}${target.search}`;

    if (isMemosPath(target.pathname)) {
      if (deps.proxy) deps.proxy.forward(req, res, target);
      else sendJson(res, 404, NO_MEMOS_SERVER);
      return;
    }
    if (isLlmPath(target.pathname)) {
      deps.llm.handle(req, res, target);
      return;
    }
    if (target.pathname.startsWith('/embed/')) {
      if (deps.embed) deps.embed.handle(req, res, target);
      else sendJson(res, 403, NO_EMBED_SERVICE);
      return;
    }

    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      sendText(res, 405, 'Method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    const headOnly = method === 'HEAD';
    switch (target.pathname) {
      case '/app-config.json':
        sendJson(res, 200, appConfig, { 'Cache-Control': 'no-cache' });
        return;
      case '/ca.crt':
        sendCaCertificate(res, deps.ca, headOnly);
        return;
      case '/trust':
      case '/ca':
        sendTrustPage(res, trustHtml, headOnly);
        return;
      default:
        deps.serveStatic(req, res);
    }
  };
}
