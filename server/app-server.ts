/**
 * startAppServer: the whole server as one object, used by main.ts and in-process by tests.
 * Owns the lifecycle: resolve TLS, build the router, bind `port` (TLS and loopback HTTP on
 * the same port, see dual-protocol.ts) and the optional loopback-only `httpPort`, and close
 * everything again. Invariants: every listener puts request-guard.ts (loop marker, Host
 * allow-list) in front of everything else and enforces the same limits (connection-limits.ts);
 * every failure before the server is listening, MEMOS_URL pointing at this server included,
 * is a StartupError with a one-line message, and nothing stays bound after such a failure;
 * `close()` ends open connections (SSE included) and resolves once both listeners are closed.
 */
import http from 'node:http';
import type { Server } from 'node:net';
import { join } from 'node:path';
import { appUrls } from './app-urls';
import {
  capConnections,
  configureHttpServer,
  DEFAULT_MAX_CONNECTIONS,
  httpServerOptions,
  resolveTimeouts,
  type ServerTimeouts,
} from './connection-limits';
import { createDualProtocolServer } from './dual-protocol';
import type { EmbedAccess } from './embed-service';
import { type EmbedSetup, setupEmbedService } from './embed-setup';
import { StartupError } from './errors';
import { createHostAllowlist } from './host-allowlist';
import { loopbackOnly } from './https-redirect';
import { closeServer, listen } from './listen';
import { createLlmProxy, type LlmLimits, type LlmUpstreamConfig } from './llm-proxy';
import { consoleLogger, type Logger } from './logger';
import { createMemosProxy, type MemosProxy, type ProxyLimits } from './memos-proxy';
import { createLoopMarker, memosUrlPointsAtSelf, VIA_HEADER } from './proxy-loop';
import { guardRequests } from './request-guard';
import { createRouter, type RequestHandler } from './router';
import { createSecurityHeaders } from './security-headers';
import { createServiceGate, type ServiceGateOptions } from './service-gate';
import { createStaticHandler, scriptPathsOf } from './static-files';
import { certificateNames } from './tls/inspect';
import { currentNetworkFacts, type NetworkFacts } from './tls/names';
import { resolveTls } from './tls/resolve-tls';

export interface AppServerOptions {
  /** The Vite build output (must contain index.html). */
  distDir: string;
  /** Bind address; default `0.0.0.0`. */
  host?: string;
  /** TLS + loopback-HTTP port; default 4173; 0 picks a free port. */
  port?: number;
  /** Extra plain-HTTP listener bound to 127.0.0.1 only. */
  httpPort?: number | undefined;
  /** Base URL of the Memos server to proxy under `/api/` and `/file/`. */
  memosUrl?: string | undefined;
  /** Where the generated CA and server certificate live. */
  dataDir: string;
  tlsCert?: string | undefined;
  tlsKey?: string | undefined;
  /** `auto`: user cert if given, else the generated local CA. `off`: plain HTTP only. */
  tls?: 'auto' | 'off';
  /** Extra host names (and addresses) requests may be sent to (ALLOWED_HOSTS). */
  allowedHosts?: readonly string[];
  /** Concurrent connections per listener (MAX_CONNECTIONS). */
  maxConnections?: number;
  logger?: Logger;
  /** Proxy limits (tests shrink them). */
  proxyLimits?: Partial<ProxyLimits>;
  /** Header, request, idle and handshake limits (tests shrink them). */
  timeouts?: Partial<ServerTimeouts>;
  /** Host name and interfaces (tests pass fakes); default: the real ones. */
  network?: NetworkFacts;
  /** The OpenAI-compatible LLM server proxied at `/llm/` for "Ask your notes". */
  llm?: LlmUpstreamConfig | undefined;
  /** Without a Memos server: `on` lets anyone who reaches this server use the LLM proxy. */
  llmService?: 'on' | 'off' | undefined;
  /** LLM proxy limits (tests shrink them). */
  llmLimits?: Partial<LlmLimits>;
  /** How the service gate asks Memos about a token (tests pass a fake). */
  gateFetch?: ServiceGateOptions['fetch'];
  /** The embedding service (`/embed/`): default `auto` (on with a Memos server). */
  embed?: Partial<Omit<EmbedSetup, 'memosUrl' | 'dataDir' | 'logger'>>;
}

export interface RunningAppServer {
  port: number;
  httpPort?: number;
  urls: { local: string; localHttps?: string; lan: string[] };
  tlsMode: 'local-ca' | 'user' | 'off';
  memosProxy: boolean;
  /** True when an LLM server is proxied at `/llm/`. */
  llm: boolean;
  /** The embedding service at `/embed/`, when it is on. */
  embedService?: { access: EmbedAccess; threads: number };
  /** PEM of the generated local CA (only in `local-ca` mode). */
  caCertPem?: string;
  /** base64 SHA-256 of the local CA's SPKI (for Chromium's `--ignore-certificate-errors-spki-list`). */
  caSpkiSha256Base64?: string;
  /** SHA-256 fingerprint of the local CA, colon-separated hex. */
  caFingerprint256?: string;
  /** Headers that make this server refuse a request as a proxy loop (for the MEMOS_URL probe). */
  loopProbeHeaders: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export async function startAppServer(options: AppServerOptions): Promise<RunningAppServer> {
  const logger = options.logger ?? consoleLogger;
  const host = options.host ?? '0.0.0.0';
  const network = options.network ?? currentNetworkFacts();
  const timeouts = resolveTimeouts(options.timeouts);
  const maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  const serveStatic = createStaticHandler(options.distDir);
  const tls = resolveTls({
    tls: options.tls ?? 'auto',
    tlsCert: options.tlsCert,
    tlsKey: options.tlsKey,
    dataDir: options.dataDir,
    network,
    logger,
  });
  const hosts = createHostAllowlist({
    network,
    extra: options.allowedHosts ?? [],
    certificateNames: tls.mode === 'off' ? [] : certificateNames(tls.certPem),
  });
  const loop = createLoopMarker();
  const proxy: MemosProxy | undefined = options.memosUrl
    ? createMemosProxy({
        upstreamUrl: options.memosUrl,
        logger,
        loop,
        ...(options.proxyLimits ? { limits: options.proxyLimits } : {}),
      })
    : undefined;
  const security = createSecurityHeaders({
    memosProxy: proxy !== undefined,
    scriptPaths: scriptPathsOf(options.distDir),
    extraHosts: hosts.extraNames,
  });
  const ca =
    tls.mode === 'local-ca'
      ? { caCertPem: tls.caCertPem, caFingerprint256: tls.caFingerprint256 }
      : undefined;
  const openWithoutMemos = options.llmService === 'on';
  const llm = createLlmProxy({
    upstream: options.llm,
    gate: createServiceGate({
      memosUrl: options.memosUrl,
      openWithoutMemos,
      serviceName: 'Ask your notes (the LLM proxy)',
      ...(options.gateFetch ? { fetch: options.gateFetch } : {}),
    }),
    access: options.memosUrl ? 'memos-users' : openWithoutMemos ? 'everyone' : 'off',
    logger,
    ...(options.llmLimits ? { limits: options.llmLimits } : {}),
  });
  const embed = setupEmbedService({
    mode: 'auto',
    modelsDir: join(options.distDir, 'models'),
    ...options.embed,
    memosUrl: options.memosUrl,
    dataDir: options.dataDir,
    logger,
  });
  const router = createRouter({ security, serveStatic, proxy, ca, llm, embed });
  const guarded = (next: RequestHandler): RequestHandler =>
    guardRequests(next, { hosts, loop, security, memosUrl: options.memosUrl });
  const plainServer = (handler: RequestHandler): http.Server => {
    const server = http.createServer(httpServerOptions(timeouts), handler);
    configureHttpServer(server, timeouts);
    return server;
  };

  let boundPort = options.port ?? 4173;
  let main: Server;
  let closeConnections: () => void;
  if (tls.mode === 'off') {
    const plain = plainServer(guarded(router));
    main = plain;
    closeConnections = () => plain.closeAllConnections();
  } else {
    const dual = createDualProtocolServer({
      cert: tls.certPem,
      key: tls.keyPem,
      onHttps: guarded(router),
      onHttp: guarded(loopbackOnly(router, security, () => boundPort)),
      timeouts,
    });
    main = dual.server;
    closeConnections = () => dual.closeAllConnections();
  }
  capConnections(main, maxConnections, logger);
  const extra = options.httpPort === undefined ? undefined : plainServer(guarded(router));
  if (extra) capConnections(extra, maxConnections, logger);

  const close = async (): Promise<void> => {
    proxy?.close();
    llm.close();
    const closing = [closeServer(main), ...(extra ? [closeServer(extra)] : [])];
    closeConnections();
    extra?.closeAllConnections();
    await Promise.all([...closing, embed?.close()]);
  };

  let boundHttpPort: number | undefined;
  try {
    boundPort = await listen(main, boundPort, host, '--port / PORT');
    if (extra && options.httpPort !== undefined) {
      boundHttpPort = await listen(extra, options.httpPort, '127.0.0.1', '--http-port / HTTP_PORT');
    }
    const ownPorts = boundHttpPort === undefined ? [boundPort] : [boundPort, boundHttpPort];
    if (options.memosUrl && memosUrlPointsAtSelf(options.memosUrl, ownPorts, hosts.isOwn)) {
      throw new StartupError(
        `MEMOS_URL ${options.memosUrl} points at this app itself: set it to your Memos server's own address (e.g. http://localhost:5230).`,
      );
    }
  } catch (error) {
    await close();
    throw error;
  }

  return {
    port: boundPort,
    ...(boundHttpPort !== undefined ? { httpPort: boundHttpPort } : {}),
    urls: appUrls(host, boundPort, tls.mode !== 'off', network.interfaces),
    tlsMode: tls.mode,
    memosProxy: proxy !== undefined,
    llm: options.llm !== undefined,
    ...(embed ? { embedService: { access: embed.access, threads: embed.threads } } : {}),
    ...(tls.mode === 'local-ca'
      ? {
          caCertPem: tls.caCertPem,
          caSpkiSha256Base64: tls.caSpkiSha256Base64,
          caFingerprint256: tls.caFingerprint256,
        }
      : {}),
    loopProbeHeaders: { [VIA_HEADER]: loop.token },
    close,
  };
}
