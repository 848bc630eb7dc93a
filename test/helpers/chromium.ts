/**
 * Locates Debian's Chromium for the browser tests, installing it with apt-get when it is
 * missing and we are allowed to (root, or passwordless sudo). Never downloads a browser
 * from anywhere else. Fails loudly with instructions when it cannot provision one.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type LaunchOptions } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return CANDIDATES.find((path) => existsSync(path));
}

function runApt(prefix: string[]): boolean {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync(prefix[0] ?? 'apt-get', [...prefix.slice(1), 'update'], { stdio: 'inherit', env });
  if (update.status !== 0) return false;
  const install = spawnSync(prefix[0] ?? 'apt-get', [...prefix.slice(1), 'install', '-y', 'chromium'], {
    stdio: 'inherit',
    env,
  });
  return install.status === 0;
}

/** Returns the path of a usable Chromium binary or throws with what to do. */
export function ensureChromium(): string {
  const found = findChromium();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasSudo = !isRoot && spawnSync('sudo', ['-n', 'true']).status === 0;
  if (isRoot || hasSudo) {
    console.log('[test] Chromium is missing: installing the Debian package "chromium" with apt-get…');
    const ok = isRoot ? runApt(['apt-get']) : runApt(['sudo', '-n', 'apt-get']);
    const after = findChromium();
    if (ok && after) return after;
  }
  throw new Error(
    'Chromium is required for the browser tests and could not be installed automatically. ' +
      'Install it with `sudo apt-get install -y chromium` (Debian/Ubuntu) or set CHROMIUM_PATH ' +
      'to a Chromium binary, then run `npm test` again.',
  );
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export function chromiumVersion(path: string): string {
  return execFileSync(path, ['--version'], { encoding: 'utf8' }).trim();
}

export interface PersistentBrowser {
  context: BrowserContext;
  userDataDir: string;
  close(): Promise<void>;
  /** Close and delete the profile directory. */
  dispose(): Promise<void>;
}

/**
 * Launches headless Chromium with a persistent profile so that IndexedDB, the service
 * worker and Cache Storage survive a restart with the same `userDataDir`.
 */
export async function launchPersistent(
  options: { userDataDir?: string; args?: string[]; ignoreHTTPSErrors?: boolean } = {},
): Promise<PersistentBrowser> {
  const executablePath = ensureChromium();
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'memos-offline-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: [...CHROMIUM_ARGS, ...(options.args ?? [])],
    ignoreHTTPSErrors: options.ignoreHTTPSErrors ?? false,
  });
  return {
    context,
    userDataDir,
    close: () => context.close(),
    async dispose() {
      await context.close().catch(() => undefined);
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(extra: Partial<LaunchOptions> = {}): Promise<Browser> {
  const executablePath = ensureChromium();
  return chromium.launch({
    executablePath,
    headless: true,
    ...extra,
    args: [...CHROMIUM_ARGS, ...(extra.args ?? [])],
  });
}
