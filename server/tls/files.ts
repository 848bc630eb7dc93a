/**
 * Small file helpers for secrets. Invariants: private keys are written with mode 0600 in a
 * directory with mode 0700; writes go to a temporary file that is renamed into place, so a
 * crash never leaves a half-written key; a key found with looser permissions is set back to
 * 0600 (`keepPrivate`); a missing file reads as `undefined`, any other read failure throws
 * with the system error code.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export function writeAtomically(path: string, contents: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}

/** Sets an existing private key file (and its directory) back to 0600 (0700); true if it had to. */
export function keepPrivate(path: string): boolean {
  let mode: number;
  try {
    mode = statSync(path).mode & 0o777;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const dir = dirname(path);
  if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
  if (mode === 0o600) return false;
  chmodSync(path, 0o600);
  return true;
}
