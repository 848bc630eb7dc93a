/**
 * Starts a throw-away, real Memos server for integration tests and bootstraps it over the
 * REST API exactly as a headless client would (memos-api.md §1.3): first user = ADMIN,
 * password sign-in, then a non-expiring personal access token (PAT).
 *
 * Invariants:
 * - Each instance gets a fresh temp data dir and a free loopback port, and no
 *   `--instance-url`, so it is a *private* instance (anonymous/invalid-token calls → 401).
 * - Server stdout/stderr go to `<dataDir>/memos.log`; start-up failures quote its tail.
 * - The version is `MEMOS_VERSION` (default v0.30.0) unless the caller names one;
 *   `restartAs(v)` stops the server and starts the binary of another version on the same
 *   data dir and port (an upgrade in place: Memos migrates the database at start-up).
 * - `stop()` is idempotent: SIGTERM, then SIGKILL after a grace period, then the data dir
 *   is deleted (kept when MEMOS_OFFLINE_KEEP_DATA=1, for debugging). Instances still
 *   running when the test process exits are killed synchronously.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureMemosBinary, memosVersionUnderTest, normalizeVersion } from './memos-binary';

/** A Memos server the tests can reach over HTTP, bootstrapped with an admin (real or the fake). */
export interface MemosEndpoint {
  baseUrl: string;
  /** The release this server currently runs, e.g. "0.29.1" (what its profile reports). */
  readonly version: string;
  admin: { username: string; password: string; token: string /* PAT */ };
  /** Creates a regular USER (made by the admin) and mints a PAT for it. */
  createUser(username: string, password: string): Promise<{ username: string; token: string }>;
  /** Stops the server and starts Memos `version` on the same data (an upgrade in place). */
  restartAs(version: string): Promise<void>;
  stop(): Promise<void>;
}

export interface MemosInstance extends MemosEndpoint {
  port: number;
  dataDir: string;
}

const ADMIN_USERNAME = 'admin';
const ADMIN_PASSWORD = 'admin-pass-123';
const HEALTH_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const LOG_FILE = 'memos.log';

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

function logTail(dataDir: string, lines = 40): string {
  const file = join(dataDir, LOG_FILE);
  if (!existsSync(file)) return '(no log written)';
  return readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not determine a free port'));
        return;
      }
      const { port } = address;
      server.close(() => resolve(port));
    });
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function waitHealthy(baseUrl: string, child: ChildProcess, dataDir: string): Promise<void> {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let lastError = 'no response yet';
  while (Date.now() < deadline) {
    if (exited(child)) {
      throw new Error(
        `Memos exited during start-up (code ${String(child.exitCode)}, signal ${String(child.signalCode)}).\n` +
          `Log tail (${join(dataDir, LOG_FILE)}):\n${logTail(dataDir)}`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return;
      lastError = `HTTP ${res.status}`;
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    await sleep(100);
  }
  throw new Error(
    `Memos at ${baseUrl} did not answer /healthz within ${HEALTH_TIMEOUT_MS / 1000}s (last: ${lastError}).\n` +
      `Log tail (${join(dataDir, LOG_FILE)}):\n${logTail(dataDir)}`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** POSTs JSON and returns the parsed object; any non-200 is an error quoting the body. */
async function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
  token?: string,
): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== undefined) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${baseUrl}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST ${path} → HTTP ${res.status}: ${text}`);
  const parsed: unknown = JSON.parse(text);
  if (!isRecord(parsed)) throw new Error(`POST ${path}: expected a JSON object, got ${text}`);
  return parsed;
}

function stringField(obj: Record<string, unknown>, key: string, context: string): string {
  const value = obj[key];
  if (typeof value !== 'string' || value === '') {
    throw new Error(`${context}: missing string field "${key}" in ${JSON.stringify(obj)}`);
  }
  return value;
}

/** Password sign-in (15-min JWT), then a non-expiring PAT minted with it. */
async function signInAndMintPat(baseUrl: string, username: string, password: string): Promise<string> {
  const signIn = await postJson(baseUrl, '/api/v1/auth/signin', {
    passwordCredentials: { username, password },
  });
  const accessToken = stringField(signIn, 'accessToken', 'sign-in');
  const pat = await postJson(
    baseUrl,
    `/api/v1/users/${encodeURIComponent(username)}/personalAccessTokens`,
    { description: 'integration-test', expiresInDays: 0 },
    accessToken,
  );
  const token = stringField(pat, 'token', 'create PAT');
  if (!token.startsWith('memos_pat_')) throw new Error(`unexpected PAT format: ${token}`);
  return token;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (exited(child)) return;
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const graceful = await Promise.race([done.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
  if (!graceful && !exited(child)) {
    child.kill('SIGKILL');
    await done;
  }
}

async function spawnOnce(
  bin: string,
  dataDir: string,
  fixedPort?: number,
): Promise<{ child: ChildProcess; port: number; baseUrl: string }> {
  const port = fixedPort ?? (await freePort());
  const logFd = openSync(join(dataDir, LOG_FILE), 'a');
  let child: ChildProcess;
  try {
    child = spawn(bin, ['--port', String(port), '--addr', '127.0.0.1', '--data', dataDir], {
      cwd: dataDir,
      stdio: ['ignore', logFd, logFd],
      // No MEMOS_* settings leak in from the caller's environment (driver, DSN, instance URL...).
      env: Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MEMOS_'))),
    });
  } finally {
    closeSync(logFd); // The child has its own copy of the descriptor.
  }
  running.add(child);
  child.once('exit', () => running.delete(child));
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(baseUrl, child, dataDir);
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  return { child, port, baseUrl };
}

/**
 * Starts a fresh private Memos instance (the version under test unless `version` is given)
 * with an admin user and PAT. Always call `stop()` (e.g. in afterAll).
 */
export async function startMemos(opts: { version?: string } = {}): Promise<MemosInstance> {
  installExitHook();
  let version = normalizeVersion(opts.version ?? memosVersionUnderTest());
  const bin = await ensureMemosBinary(version);
  const dataDir = await mkdtemp(join(tmpdir(), 'memos-it-'));

  let started: { child: ChildProcess; port: number; baseUrl: string } | undefined;
  let lastError: unknown;
  // The free port is only reserved until we close the probe socket; retry if someone grabbed it.
  for (let attempt = 0; attempt < 3 && started === undefined; attempt++) {
    try {
      started = await spawnOnce(bin, dataDir);
    } catch (err) {
      lastError = err;
      if (!/address already in use/i.test(logTail(dataDir, 5))) break;
    }
  }
  if (started === undefined) {
    rmSync(dataDir, { recursive: true, force: true });
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }
  const { port, baseUrl } = started;
  let child = started.child;

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopChild(child);
    if (process.env.MEMOS_OFFLINE_KEEP_DATA !== '1') rmSync(dataDir, { recursive: true, force: true });
  };
  const restartAs = async (next: string): Promise<void> => {
    if (stopped) throw new Error('restartAs: the instance was stopped');
    const nextVersion = normalizeVersion(next);
    const nextBin = await ensureMemosBinary(nextVersion);
    await stopChild(child);
    child = (await spawnOnce(nextBin, dataDir, port)).child;
    version = nextVersion;
  };

  try {
    const accounts = await bootstrapAccounts(baseUrl);
    return {
      baseUrl,
      port,
      dataDir,
      get version() {
        return version;
      },
      ...accounts,
      restartAs,
      stop,
    };
  } catch (err) {
    const tailText = logTail(dataDir);
    await stop();
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(`Bootstrapping Memos at ${baseUrl} failed: ${message}\nLog tail:\n${tailText}`);
  }
}

/**
 * Bootstraps a fresh server over the REST API as a headless client would: the first user
 * (ADMIN, anonymous CreateUser is allowed for that), password sign-in, a PAT; then
 * `createUser` makes USERs as the admin (so it works even without self-registration).
 */
export async function bootstrapAccounts(
  baseUrl: string,
): Promise<Pick<MemosEndpoint, 'admin' | 'createUser'>> {
  const created = await postJson(baseUrl, '/api/v1/users', {
    username: ADMIN_USERNAME,
    password: ADMIN_PASSWORD,
  });
  if (created.role !== 'ADMIN') throw new Error(`first user is not ADMIN: ${JSON.stringify(created)}`);
  const adminToken = await signInAndMintPat(baseUrl, ADMIN_USERNAME, ADMIN_PASSWORD);

  const createUser = async (
    username: string,
    password: string,
  ): Promise<{ username: string; token: string }> => {
    const user = await postJson(baseUrl, '/api/v1/users', { username, password, role: 'USER' }, adminToken);
    if (user.role !== 'USER') throw new Error(`expected a USER, got ${JSON.stringify(user)}`);
    return { username, token: await signInAndMintPat(baseUrl, username, password) };
  };
  return { admin: { username: ADMIN_USERNAME, password: ADMIN_PASSWORD, token: adminToken }, createUser };
}
