/**
 * CPU time and memory of processes, read from Linux's /proc (the benchmark machine): a
 * process tree's CPU seconds (user + system, its reaped children included), and a process's
 * peak resident set (VmHWM). Reads only; a process that vanished mid-read counts as zero.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // CLK_TCK on Linux

interface Stat {
  pid: number;
  ppid: number;
  /** utime + stime + cutime + cstime, in ticks */
  ticks: number;
}

function stat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: split after its closing parenthesis.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const field = (n: number) => Number(fields[n - 3] ?? 0);
    return { pid, ppid: field(4), ticks: field(14) + field(15) + field(16) + field(17) };
  } catch {
    return undefined;
  }
}

function allStats(): Stat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((name) => stat(Number(name)) ?? []);
}

/** CPU seconds used so far by `root` and every live descendant (and the reaped ones). */
export function treeCpuSeconds(root: number): number {
  const stats = allStats();
  const children = new Map<number, Stat[]>();
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s]);
  let ticks = 0;
  const queue = stats.filter((s) => s.pid === root);
  while (queue.length > 0) {
    const next = queue.pop();
    if (!next) break;
    ticks += next.ticks;
    queue.push(...(children.get(next.pid) ?? []));
  }
  return ticks / TICKS_PER_SECOND;
}

/** The pid of the process whose command line contains `needle` (oldest first), if any. */
export function findProcess(needle: string): number | undefined {
  const pids = readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .sort((a, b) => a - b);
  for (const pid of pids) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle)) return pid;
    } catch {
      // gone
    }
  }
  return undefined;
}

/** Peak and current resident set size of one process, MiB. */
export function memoryMiB(pid: number): { peakRss: number; rss: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { peakRss: kib('VmHWM') / 1024, rss: kib('VmRSS') / 1024 };
  } catch {
    return { peakRss: 0, rss: 0 };
  }
}
