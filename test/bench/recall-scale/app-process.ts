/**
 * `npm start`'s server as its own process for the recall-scale benchmark (the build is done
 * by the bench runner): `node --import tsx server/main.ts` in front of a Memos server, so its
 * CPU time, threads included, and its peak memory can be read from /proc. Owns the process:
 * `stop` ends it (SIGTERM, then SIGKILL).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { memoryMiB, treeCpuSeconds } from './proc';

export interface AppProcess {
  url: string;
  pid: number;
  cpuSeconds(): number;
  memory(): { peakRss: number; rss: number };
  /** the embedding service's counters (needs a token Memos accepts) */
  embedStats(token: string): Promise<{ embedded: number; served: number; threads: number }>;
  log: string[];
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startAppProcess(options: {
  repo: string;
  memosUrl: string;
  dataDir: string;
  embedService: 'auto' | 'off';
  threads?: number;
}): Promise<AppProcess> {
  const port = await freePort();
  const args = [
    '--import',
    'tsx',
    join(options.repo, 'server/main.ts'),
    '--no-tls',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--memos-url',
    options.memosUrl,
    '--data-dir',
    options.dataDir,
    '--embed-service',
    options.embedService,
    ...(options.threads ? ['--embed-threads', String(options.threads)] : []),
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: options.repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  const keep = (chunk: Buffer) => log.push(...chunk.toString().split('\n').filter(Boolean));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the app server exited: ${log.join(' | ')}`);
    const ok = await fetch(`${url}/app-config.json`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the app server did not start: ${log.join(' | ')}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const pid = child.pid ?? 0;
  return {
    url,
    pid,
    cpuSeconds: () => treeCpuSeconds(pid),
    memory: () => memoryMiB(pid),
    async embedStats(token) {
      const response = await fetch(`${url}/embed/v1/info`, { headers: { Authorization: `Bearer ${token}` } });
      if (!response.ok) return { embedded: 0, served: 0, threads: 0 };
      return (await response.json()) as { embedded: number; served: number; threads: number };
    },
    log,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
