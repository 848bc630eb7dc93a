/**
 * Global setup of the `e2e` project: make sure Debian's Chromium is available (installing it
 * with apt-get when allowed; failing loudly otherwise) and build the production app once,
 * so every browser test drives exactly what `npm start` serves.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureChromium } from './chromium';

export default function setup(): void {
  ensureChromium();
  const root = join(import.meta.dirname, '..', '..');
  execFileSync(join(root, 'node_modules', '.bin', 'vite'), ['build', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (!existsSync(join(root, 'dist', 'sw.js'))) throw new Error('vite build did not produce dist/sw.js');
}
