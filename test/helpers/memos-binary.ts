/**
 * Provides a runnable Memos server binary for integration tests, built from source with Go
 * once per version and cached outside the repository:
 *   `${MEMOS_OFFLINE_CACHE ?? $XDG_CACHE_HOME/memos-offline ?? ~/.cache/memos-offline}/memos-<version>/release/memos`
 * Which version the tests run against: `MEMOS_VERSION` (e.g. `v0.29.1`), default v0.30.0.
 *
 * Invariants:
 * - Binaries are stamped like release builds (`-ldflags -X …/internal/version.Version=<v>`,
 *   and the tag's commit), so `/api/v1/instance/profile` reports `0.29.1`, not `dev`, as the
 *   releases and Docker images people run do.
 * - The cached path only ever holds a complete binary: builds go to a private staging
 *   directory and are renamed into place, and a cached binary is reused only after
 *   `memos version` prints exactly that version (`version` never starts a server).
 * - At most one process builds a given version at a time: an exclusive `mkdir` lock next to
 *   the version directory, heartbeated by its holder; a lock whose owner died (same host) or
 *   whose heartbeat stopped is taken over. Waiters re-check the cache after acquiring it, so
 *   parallel test processes build once. (If a takeover ever raced, the worst case is a
 *   second build renamed over an identical file, never a broken binary.)
 * - Failures are loud and say what to do (install Go, fix GOPROXY, or drop in a binary).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';

const MODULE = 'github.com/usememos/memos';
const VERSION_VAR = `${MODULE}/internal/version`;
/** The Memos release the tests run against when MEMOS_VERSION is not set. */
export const DEFAULT_MEMOS_VERSION = '0.30.0';
/** Every version this repository's tests run against (npm test builds each once). */
export const TESTED_MEMOS_VERSIONS = ['0.29.1', '0.30.0'] as const;
/** A lock whose heartbeat is older than this is considered abandoned. */
const LOCK_STALE_MS = 2 * 60_000;
const LOCK_HEARTBEAT_MS = 15_000;
/** Give up waiting for another process's build after this long. */
const LOCK_WAIT_MAX_MS = 30 * 60_000;

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  spawnError?: NodeJS.ErrnoException;
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
  startedAt: string;
}

function log(message: string): void {
  process.stderr.write(`[memos-binary] ${message}\n`);
}

/** Root of the cache: MEMOS_OFFLINE_CACHE, else $XDG_CACHE_HOME/memos-offline, else ~/.cache/memos-offline. */
export function memosCacheRoot(): string {
  const explicit = process.env.MEMOS_OFFLINE_CACHE;
  if (explicit) return explicit;
  const xdg = process.env.XDG_CACHE_HOME;
  return join(xdg ? xdg : join(homedir(), '.cache'), 'memos-offline');
}

/** The version under test: `MEMOS_VERSION` (`v0.29.1` or `0.29.1`), else the default. */
export function memosVersionUnderTest(): string {
  const requested = process.env.MEMOS_VERSION?.trim();
  return normalizeVersion(requested ? requested : DEFAULT_MEMOS_VERSION);
}

/** Where the binary for `version` lives (whether or not it exists yet). */
export function memosBinaryPath(version = memosVersionUnderTest()): string {
  return join(memosCacheRoot(), `memos-${normalizeVersion(version)}`, 'release', 'memos');
}

export function normalizeVersion(version: string): string {
  const v = version.startsWith('v') ? version.slice(1) : version;
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(v)) {
    throw new Error(`ensureMemosBinary: "${version}" is not a Memos release version such as 0.30.0`);
  }
  return v;
}

function run(
  cmd: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; echo?: boolean; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const child = spawn(cmd, args, {
      cwd: opts.cwd ?? process.cwd(),
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const timer =
      opts.timeoutMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      stderr += text;
      if (opts.echo) {
        for (const line of text.split('\n')) if (line.trim() !== '') log(`  go: ${line}`);
      }
    });
    const finish = (result: RunResult): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      resolve(result);
    };
    child.on('error', (err: NodeJS.ErrnoException) =>
      finish({ code: null, stdout, stderr, spawnError: err }),
    );
    child.on('close', (code) => finish({ code, stdout, stderr }));
  });
}

/** The binary runs and reports exactly `version` (a `dev` or other build is not reused). */
async function isRunnable(bin: string, version: string): Promise<boolean> {
  if (!existsSync(bin)) return false;
  const result = await run(bin, ['version'], { timeoutMs: 20_000 });
  return result.code === 0 && result.stdout.trim() === version;
}

function tail(text: string, lines = 25): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}

async function requireGo(version: string, target: string): Promise<string> {
  const result = await run('go', ['version'], { timeoutMs: 60_000 });
  if (result.spawnError?.code === 'ENOENT') {
    throw new Error(
      [
        `Cannot provide Memos v${version}: the Go toolchain ('go') is not on PATH.`,
        `Integration tests run a real Memos server built from source. Either:`,
        `  - install Go >= 1.26.2 (https://go.dev/dl/) and re-run the tests, or`,
        `  - put a Memos v${version} binary (one whose 'memos version' prints ${version}) at ${target},`,
        `    or point MEMOS_OFFLINE_CACHE at a cache holding memos-${version}/release/memos.`,
      ].join('\n'),
    );
  }
  if (result.code !== 0) {
    throw new Error(`'go version' failed (exit ${String(result.code)}):\n${tail(result.stderr)}`);
  }
  return result.stdout.trim();
}

function buildEnv(): NodeJS.ProcessEnv {
  return { ...process.env, CGO_ENABLED: '0' };
}

interface DownloadedModule {
  dir: string;
  /** The tag's commit, when the module proxy reports it (`.info` Origin). */
  commit: string | undefined;
}

function jsonRecord(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `go mod download module@version` fetches only that exact version. (`go install pkg@version`
 * would first read the module's version list, which some proxies, this machine's among them,
 * refuse with 403 while still serving the version itself.)
 */
async function downloadModule(version: string, target: string): Promise<DownloadedModule> {
  const download = await run('go', ['mod', 'download', '-json', `${MODULE}@v${version}`], {
    env: buildEnv(),
    echo: true,
  });
  const parsed = jsonRecord(download.stdout);
  const dir = typeof parsed?.Dir === 'string' ? parsed.Dir : undefined;
  if (download.code !== 0 || dir === undefined) {
    const error = typeof parsed?.Error === 'string' ? parsed.Error : undefined;
    throw new Error(
      [
        `Cannot download the source of Memos v${version} with Go.`,
        `'go mod download ${MODULE}@v${version}' said:`,
        error ?? tail(`${download.stderr}\n${download.stdout}`, 10),
        `The Go module proxy refused the request or is unreachable. Check GOPROXY/GOFLAGS/GONOSUMDB/GOPRIVATE`,
        `(current GOPROXY=${process.env.GOPROXY ?? '(default)'}) and network access, or put a Memos v${version}`,
        `binary (one whose 'memos version' prints ${version}) at ${target}.`,
      ].join('\n'),
    );
  }
  const origin = parsed?.Origin;
  const hash =
    typeof origin === 'object' && origin !== null && 'Hash' in origin && typeof origin.Hash === 'string'
      ? origin.Hash
      : undefined;
  return { dir, commit: hash };
}

/** Builds into `stagingDir/memos`; returns the path. Throws an actionable error on failure. */
async function buildFromSource(version: string, stagingDir: string, target: string): Promise<string> {
  const goVersion = await requireGo(version, target);
  const started = Date.now();
  log(`building Memos v${version} once, ~1-5 min (${goVersion}; result cached at ${target})`);
  const ticker = setInterval(() => {
    log(`  still building Memos v${version}... ${Math.round((Date.now() - started) / 1000)}s`);
  }, 30_000);
  try {
    const { dir, commit } = await downloadModule(version, target);
    const out = join(stagingDir, 'memos');
    // Stamped as the release workflow stamps its binaries (scripts/Dockerfile, release.yml).
    const ldflags = `-X ${VERSION_VAR}.Version=${version} -X ${VERSION_VAR}.Commit=${commit ?? 'unknown'}`;
    const build = await run('go', ['build', '-trimpath', '-ldflags', ldflags, '-o', out, './cmd/memos'], {
      cwd: dir,
      env: buildEnv(),
      echo: true,
    });
    if (build.code !== 0 || !existsSync(out)) {
      throw new Error(
        [
          `'go build ./cmd/memos' of Memos v${version} failed (exit ${String(build.code)}) in ${dir}:`,
          tail(build.stderr),
          `If it complains about the Go version, install the Go release named in that module's go.mod`,
          `(or allow GOTOOLCHAIN=auto to fetch it); otherwise put a Memos v${version} binary at ${target}.`,
        ].join('\n'),
      );
    }
    log(`built Memos v${version} in ${Math.round((Date.now() - started) / 1000)}s`);
    return out;
  } finally {
    clearInterval(ticker);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(lockDir: string): Promise<LockOwner | undefined> {
  try {
    const parsed: unknown = JSON.parse(await readFile(join(lockDir, 'owner.json'), 'utf8'));
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      'pid' in parsed &&
      typeof parsed.pid === 'number' &&
      'host' in parsed &&
      typeof parsed.host === 'string' &&
      'token' in parsed &&
      typeof parsed.token === 'string' &&
      'startedAt' in parsed &&
      typeof parsed.startedAt === 'string'
    ) {
      return { pid: parsed.pid, host: parsed.host, token: parsed.token, startedAt: parsed.startedAt };
    }
  } catch {
    // Missing or half-written owner file.
  }
  return undefined;
}

/** Whether an existing lock is abandoned; `undefined` if it vanished meanwhile. */
async function lockIsStale(lockDir: string): Promise<boolean | undefined> {
  let mtimeMs: number;
  try {
    mtimeMs = (await stat(lockDir)).mtimeMs;
  } catch {
    return undefined;
  }
  const owner = await readOwner(lockDir);
  if (owner && owner.host === hostname() && !isAlive(owner.pid)) return true;
  return Date.now() - mtimeMs > LOCK_STALE_MS;
}

async function acquireLock(lockDir: string, version: string): Promise<() => Promise<void>> {
  const token = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const waitStarted = Date.now();
  let announced = false;
  for (;;) {
    try {
      await mkdir(lockDir);
      const owner: LockOwner = {
        pid: process.pid,
        host: hostname(),
        token,
        startedAt: new Date().toISOString(),
      };
      await writeFile(join(lockDir, 'owner.json'), JSON.stringify(owner));
      const heartbeat = setInterval(() => {
        const now = new Date();
        utimes(lockDir, now, now).catch(() => undefined);
      }, LOCK_HEARTBEAT_MS);
      heartbeat.unref();
      return async () => {
        clearInterval(heartbeat);
        const current = await readOwner(lockDir);
        if (current?.token === token) await rm(lockDir, { recursive: true, force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const stale = await lockIsStale(lockDir);
    if (stale === true) {
      // Move it aside atomically so that only one waiter takes the abandoned lock over.
      const aside = `${lockDir}.stale-${token}`;
      try {
        await rename(lockDir, aside);
        log(`removed an abandoned build lock ${lockDir}`);
        await rm(aside, { recursive: true, force: true });
      } catch {
        // Another waiter got there first.
      }
      continue;
    }
    if (!announced) {
      log(`waiting for another process that is building Memos v${version} (lock ${lockDir})`);
      announced = true;
    }
    if (Date.now() - waitStarted > LOCK_WAIT_MAX_MS) {
      throw new Error(
        `Gave up after ${LOCK_WAIT_MAX_MS / 60_000} min waiting for the Memos v${version} build lock ${lockDir}. ` +
          'If no build is running, delete that directory.',
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/**
 * Returns the path of a runnable Memos `version` binary, building and caching it first if
 * needed (see the module header). Safe to call concurrently from several processes.
 */
export async function ensureMemosBinary(version = memosVersionUnderTest()): Promise<string> {
  const v = normalizeVersion(version);
  const target = memosBinaryPath(v);
  if (await isRunnable(target, v)) return target;

  const versionDir = join(memosCacheRoot(), `memos-${v}`);
  await mkdir(memosCacheRoot(), { recursive: true });
  const release = await acquireLock(`${versionDir}.lock`, v);
  let staging: string | undefined;
  try {
    if (await isRunnable(target, v)) return target; // Built by whoever held the lock before us.
    if (existsSync(target)) {
      log(`cached ${target} does not run or does not report ${v}; rebuilding`);
      await rm(target, { force: true });
    }
    await mkdir(join(versionDir, 'release'), { recursive: true });
    staging = await mkdtemp(join(versionDir, '.build-'));
    const built = await buildFromSource(v, staging, target);
    await chmod(built, 0o755);
    await rename(built, target);
    if (!(await isRunnable(target, v))) {
      throw new Error(`Built ${target}, but '${target} version' does not print ${v}. Delete it and retry.`);
    }
    return target;
  } finally {
    if (staging !== undefined) await rm(staging, { recursive: true, force: true });
    await release();
  }
}
