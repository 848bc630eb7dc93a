/**
 * Server configuration from environment variables and command-line flags (flags win).
 * Invariants: parsing is pure (argv, env and defaults are parameters); every rejected value
 * is a one-line ConfigError naming the flag or variable and what a valid value looks like;
 * empty environment variables count as unset; paths are resolved against the working directory.
 */
import { resolve } from 'node:path';
import { DEFAULT_MAX_CONNECTIONS } from './connection-limits';
import { defaultDataDir } from './data-dir';
import type { EmbedMode } from './embed-setup';
import { StartupError } from './errors';
import { canonicalHost } from './host-allowlist';

export class ConfigError extends StartupError {
  override name = 'ConfigError';
}

export interface ServerConfig {
  port: number;
  host: string;
  httpPort?: number;
  memosUrl?: string;
  dataDir: string;
  distDir: string;
  tlsCert?: string;
  tlsKey?: string;
  tls: 'auto' | 'off';
  /** Extra names/addresses requests may be sent to (besides this machine's own). */
  allowedHosts: string[];
  maxConnections: number;
  /** The embedding service: `auto` = on with MEMOS_URL; threads default to every core. */
  embed: { mode: EmbedMode; threads?: number };
  /** The OpenAI-compatible LLM server for "Ask your notes" (see server/llm-proxy.ts). */
  llm?: LlmConfig;
  /** LLM_SERVICE=on: without MEMOS_URL, anyone who can reach this server may use the LLM proxy (default off). */
  llmService?: 'on' | 'off';
}

export interface LlmConfig {
  url: string;
  model: string;
  /** From the environment only (LLM_API_KEY), so it never shows in the process list. */
  apiKey?: string;
}

export type CliCommand = { kind: 'help' } | { kind: 'run'; config: ServerConfig };

export interface ConfigDefaults {
  /** Where `npm run build` puts the app (`<repo>/dist`). */
  distDir: string;
  home: string;
}

/** Flag name → environment variable name, for options that take a value. */
const VALUE_OPTIONS = {
  port: 'PORT',
  host: 'HOST',
  'http-port': 'HTTP_PORT',
  'memos-url': 'MEMOS_URL',
  'data-dir': 'DATA_DIR',
  'dist-dir': 'DIST_DIR',
  'tls-cert': 'TLS_CERT',
  'tls-key': 'TLS_KEY',
  'allowed-hosts': 'ALLOWED_HOSTS',
  'max-connections': 'MAX_CONNECTIONS',
  'llm-url': 'LLM_URL',
  'llm-model': 'LLM_MODEL',
  'llm-service': 'LLM_SERVICE',
  'embed-service': 'EMBED_SERVICE',
  'embed-threads': 'EMBED_THREADS',
} as const;

type OptionName = keyof typeof VALUE_OPTIONS;

export const USAGE = `Usage: tsx server/main.ts [options]   (every option can also be set with the environment variable shown)
  --port <n>               PORT             HTTPS port, also plain HTTP for localhost (default 4173)
  --host <addr>            HOST             bind address (default 0.0.0.0)
  --http-port <n>          HTTP_PORT        extra plain-HTTP port on 127.0.0.1 only
  --memos-url <url>        MEMOS_URL        Memos server to proxy under /api/ and /file/
  --data-dir <dir>         DATA_DIR         where the local CA lives (default ~/.local/share/memos-offline)
  --dist-dir <dir>         DIST_DIR         the built app (default ./dist)
  --tls-cert <file>        TLS_CERT         your own PEM certificate (with --tls-key)
  --tls-key <file>         TLS_KEY          its PEM private key
  --no-tls                 NO_TLS=1         plain HTTP only (phones cannot install the app then)
  --allowed-hosts <names>  ALLOWED_HOSTS    more names the app is reached under, comma-separated (e.g. a
                                            reverse proxy's); this machine's own names always work
  --max-connections <n>    MAX_CONNECTIONS  concurrent connections per port (default ${DEFAULT_MAX_CONNECTIONS})
  --llm-url <url>          LLM_URL          OpenAI-compatible LLM server for "Ask your notes", with /v1
                                            (e.g. http://home-box:8000/v1); its API key goes in LLM_API_KEY
  --llm-model <name>       LLM_MODEL        the model it serves (required with LLM_URL)
  --llm-service on         LLM_SERVICE=on   without MEMOS_URL, let anyone who reaches this server use it
  --embed-service <m>      EMBED_SERVICE    auto|on|off: embed memos here for the devices (default auto:
                                            on with MEMOS_URL, for Memos-accepted tokens only; "on"
                                            without MEMOS_URL serves anyone on the network)
  --embed-threads <n>      EMBED_THREADS    embedding threads (default: every core)`;

function isOptionName(name: string): name is OptionName {
  return Object.hasOwn(VALUE_OPTIONS, name);
}

interface Parsed {
  values: Map<OptionName, { value: string; label: string }>;
  noTls: boolean;
  help: boolean;
}

function parseArgv(argv: readonly string[]): Parsed {
  const parsed: Parsed = { values: new Map(), noTls: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') parsed.help = true;
    else if (arg === '--no-tls') parsed.noTls = true;
    else if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      if (!isOptionName(name))
        throw new ConfigError(`Unknown option ${arg}: run with --help to see the options.`);
      const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
      if (value === undefined || value === '' || (eq === -1 && value.startsWith('--'))) {
        throw new ConfigError(`Option --${name} needs a value: run with --help to see the options.`);
      }
      parsed.values.set(name, { value, label: `--${name}` });
    } else {
      throw new ConfigError(`Unexpected argument "${arg}": run with --help to see the options.`);
    }
  }
  return parsed;
}

function parsePort(value: string, label: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw new ConfigError(`${label} "${value}" is not a port number: use an integer from 0 to 65535.`);
  }
  return port;
}

function parseMemosUrl(value: string, label: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new ConfigError(`${label} "${value}" is not a Memos base URL: use one like http://localhost:5230.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function parseAllowedHosts(value: string, label: string): string[] {
  const entries = value.split(/[\s,]+/).filter(Boolean);
  return [
    ...new Set(
      entries.map((entry) => {
        const host = canonicalHost(entry);
        if (!host || host.port !== undefined) {
          throw new ConfigError(
            `${label} entry "${entry}" is not a host name or IP address: list names without scheme or port, e.g. notes.example.home,192.168.1.10.`,
          );
        }
        return host.name;
      }),
    ),
  ];
}

function parseMaxConnections(value: string, label: string): number {
  const count = /^\d{1,7}$/.test(value) ? Number(value) : 0;
  if (count < 1) {
    throw new ConfigError(
      `${label} "${value}" is not a connection count: use a whole number from 1 to 9999999.`,
    );
  }
  return count;
}

const TRUE_VALUES = new Set(['1', 'true', 'yes', 'on']);
const FALSE_VALUES = new Set(['0', 'false', 'no', 'off']);

function parseLlmUrl(value: string, label: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash) {
    throw new ConfigError(
      `${label} "${value}" is not an OpenAI-compatible base URL: use one like http://home-box:8000/v1.`,
    );
  }
  if (url.username || url.password) {
    throw new ConfigError(`${label} must not contain a user or password: put the API key in LLM_API_KEY.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function parseSwitch(value: string, label: string): 'on' | 'off' {
  const lower = value.toLowerCase();
  if (TRUE_VALUES.has(lower)) return 'on';
  if (FALSE_VALUES.has(lower)) return 'off';
  throw new ConfigError(`${label} "${value}" must be on or off.`);
}

function parseLlm(
  url: { value: string; label: string } | undefined,
  model: { value: string; label: string } | undefined,
  apiKey: string | undefined,
): LlmConfig | undefined {
  if (!url) {
    if (model || apiKey) throw new ConfigError('LLM_MODEL and LLM_API_KEY need LLM_URL (--llm-url) as well.');
    return undefined;
  }
  if (!model) {
    throw new ConfigError(
      'LLM_URL needs LLM_MODEL (--llm-model): the name of the model your LLM server serves.',
    );
  }
  return { url: parseLlmUrl(url.value, url.label), model: model.value.trim(), ...(apiKey ? { apiKey } : {}) };
}

function parseEmbedMode(value: string, label: string): EmbedMode {
  const mode = value.toLowerCase();
  if (mode === 'auto' || mode === 'on' || mode === 'off') return mode;
  throw new ConfigError(`${label} "${value}" is not an embedding mode: use auto, on or off.`);
}

function parseThreads(value: string, label: string): number {
  const threads = /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new ConfigError(`${label} "${value}" is not a thread count: use an integer from 1 to 256.`);
  }
  return threads;
}

export function parseConfig(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  defaults: ConfigDefaults,
): CliCommand {
  const parsed = parseArgv(argv);
  if (parsed.help) return { kind: 'help' };
  const get = (name: OptionName): { value: string; label: string } | undefined => {
    const fromFlag = parsed.values.get(name);
    if (fromFlag) return fromFlag;
    const variable = VALUE_OPTIONS[name];
    const fromEnv = env[variable];
    return fromEnv ? { value: fromEnv, label: variable } : undefined;
  };
  const port = get('port');
  const httpPort = get('http-port');
  const memosUrl = get('memos-url');
  const tlsCert = get('tls-cert');
  const tlsKey = get('tls-key');
  const llmService = get('llm-service');
  const noTls = parsed.noTls || TRUE_VALUES.has((env.NO_TLS ?? '').toLowerCase());
  const allowedHosts = get('allowed-hosts');
  const maxConnections = get('max-connections');
  const embedService = get('embed-service');
  const embedThreads = get('embed-threads');

  const config: ServerConfig = {
    port: port ? parsePort(port.value, port.label) : 4173,
    host: get('host')?.value ?? '0.0.0.0',
    dataDir: resolve(get('data-dir')?.value ?? defaultDataDir(env, defaults.home)),
    distDir: resolve(get('dist-dir')?.value ?? defaults.distDir),
    tls: noTls ? 'off' : 'auto',
    allowedHosts: allowedHosts ? parseAllowedHosts(allowedHosts.value, allowedHosts.label) : [],
    maxConnections: maxConnections
      ? parseMaxConnections(maxConnections.value, maxConnections.label)
      : DEFAULT_MAX_CONNECTIONS,
    embed: {
      mode: embedService ? parseEmbedMode(embedService.value, embedService.label) : 'auto',
      ...(embedThreads ? { threads: parseThreads(embedThreads.value, embedThreads.label) } : {}),
    },
  };
  if (llmService) config.llmService = parseSwitch(llmService.value, llmService.label);
  const llm = parseLlm(get('llm-url'), get('llm-model'), env.LLM_API_KEY || undefined);
  if (llm) config.llm = llm;
  if (httpPort) config.httpPort = parsePort(httpPort.value, httpPort.label);
  if (memosUrl) config.memosUrl = parseMemosUrl(memosUrl.value, memosUrl.label);
  if ((tlsCert === undefined) !== (tlsKey === undefined)) {
    throw new ConfigError('TLS_CERT and TLS_KEY (--tls-cert, --tls-key) must be given together.');
  }
  if (tlsCert && tlsKey) {
    if (noTls) throw new ConfigError('--no-tls cannot be combined with TLS_CERT/TLS_KEY: drop one of them.');
    config.tlsCert = resolve(tlsCert.value);
    config.tlsKey = resolve(tlsKey.value);
  }
  if (config.httpPort !== undefined && config.httpPort !== 0 && config.httpPort === config.port) {
    throw new ConfigError(
      `HTTP_PORT must differ from PORT (both ${config.port}): the main port already serves HTTP to localhost.`,
    );
  }
  return { kind: 'run', config };
}
