/**
 * CPU seconds used by the browser this benchmark started: the sum of user and system time
 * of every Chromium process descended from this Node process (browser, renderers, GPU,
 * network and storage services), read from Linux's /proc. Processes that exited during a
 * window are not counted, so measure windows in which the page stays open. Elsewhere than
 * Linux it answers undefined.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

interface Stat {
  pid: number;
  ppid: number;
  cpuTicks: number;
}

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may contain spaces: split after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), cpuTicks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return undefined;
  }
}

function isChromium(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('chromium');
  } catch {
    return false;
  }
}

/** CPU seconds of the Chromium processes under this process, or undefined without /proc. */
export function browserCpuSeconds(root = process.pid): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const stats = entries.map((name) => readStat(Number(name))).filter((s): s is Stat => s !== undefined);
  const children = new Map<number, Stat[]>();
  for (const stat of stats) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), stat]);
  let ticks = 0;
  const stack = [...(children.get(root) ?? [])];
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (isChromium(next.pid)) ticks += next.cpuTicks;
    stack.push(...(children.get(next.pid) ?? []));
  }
  return ticks / TICKS_PER_SECOND;
}
