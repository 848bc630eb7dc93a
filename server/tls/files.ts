/**
 * Small file helpers for secrets. Invariants: private keys are written with mode 0600 in a
 * directory with mode 0700; writes go to a temporary file that is renamed into place, so a
 * crash never leaves a half-written key; a missing file reads as `undefined`, any other read
 * failure throws with the system error code.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
