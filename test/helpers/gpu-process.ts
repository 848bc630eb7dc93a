/**
 * Kills the GPU process of a Chromium this test started (SIGKILL), as a GPU driver crash
 * would: every WebGPU device of that browser is lost. Linux only (/proc); matches the
 * process by `--type=gpu-process` and the browser's own profile directory, so no other
 * browser on the machine is touched. Returns how many processes were killed.
 */
import { readdirSync, readFileSync } from 'node:fs';

export function killGpuProcess(userDataDir: string): number {
  let killed = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline = '';
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (!cmdline.includes('--type=gpu-process') || !cmdline.includes(userDataDir)) continue;
    process.kill(Number(entry), 'SIGKILL');
    killed++;
  }
  return killed;
}
