/**
 * Global setup of the `e2e` project: make sure Debian's Chromium is available (installing it
 * with apt-get when allowed) before any browser test runs; fails loudly otherwise.
 */
import { ensureChromium } from './chromium';

export default function setup(): void {
  ensureChromium();
}
