/**
 * The data directory (default `$DATA_DIR`, else `$XDG_DATA_HOME/memos-offline`, else
 * `~/.local/share/memos-offline`: always outside the repository). Invariant: after
 * `ensureWritableDir` returns, the directory exists and a file could be created in it;
 * otherwise a one-line StartupError says what to do.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { errorCode, StartupError } from './errors';

export function defaultDataDir(env: NodeJS.ProcessEnv, home: string = homedir()): string {
  const xdg = env.XDG_DATA_HOME;
  return join(xdg ? xdg : join(home, '.local', 'share'), 'memos-offline');
}

export function ensureWritableDir(dir: string): void {
  const fail = (error: unknown): StartupError =>
    new StartupError(
      `Data directory ${dir} is not usable (${errorCode(error)}): make it writable or choose another with --data-dir / DATA_DIR.`,
    );
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw fail(error);
  }
  const probe = join(dir, `.write-test-${process.pid}`);
  try {
    writeFileSync(probe, '');
  } catch (error) {
    throw fail(error);
  } finally {
    rmSync(probe, { force: true });
  }
}
