/**
 * The CLI (`tsx server/main.ts`) as an operator sees it: each bad input prints ONE line on
 * stderr starting with `error:` (no stack trace) and exits 1; an unreachable MEMOS_URL only
 * warns and the server keeps running until SIGTERM, which exits 0.
 * Spawns the project's own tsx binary rather than `npx tsx`, because npx may add its own
 * notices to stderr (this machine prints "npm warn Unknown project config …").
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalCa, issueServerCertificate } from '../../../server/tls/issue';
import { makeFixtureDist, makeTempDir, startHttpServer, unusedPort } from './helpers';

const ROOT = resolve(import.meta.dirname, '../../..');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const tmp = makeTempDir('memos-offline-cli-');
const dist = makeFixtureDist(tmp.path);
afterAll(() => tmp.remove());

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function launch(env: Record<string, string>, args: string[] = []): ChildProcess {
  const cleanEnv = {
    PATH: process.env.PATH ?? '',
    HOME: tmp.path,
    DATA_DIR: join(tmp.path, 'data'),
    DIST_DIR: dist,
  };
  return spawn(TSX, ['server/main.ts', ...args], { cwd: ROOT, env: { ...cleanEnv, ...env }, stdio: 'pipe' });
}

function collect(child: ChildProcess): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

async function runCli(env: Record<string, string>, args: string[] = []): Promise<Outcome> {
  return collect(launch(env, args));
}

function expectOneClearLine(outcome: Outcome, pattern: RegExp): void {
  expect(outcome.code).toBe(1);
  const lines = outcome.stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines, outcome.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(pattern);
  expect(outcome.stderr).not.toMatch(/\n\s+at /);
}

describe('CLI bad input', () => {
  it('port already in use', async () => {
    const blocker = await startHttpServer(() => undefined);
    try {
      const outcome = await runCli({ PORT: String(blocker.port), HOST: '127.0.0.1' });
      expectOneClearLine(outcome, new RegExp(`Port ${blocker.port} is already in use: .*--port / PORT`));
    } finally {
      await blocker.close();
    }
  });

  it('mismatched TLS_CERT / TLS_KEY', async () => {
    const ca = createLocalCa('cli', new Date(), { constraints: null });
    const a = issueServerCertificate(ca, { dns: ['a.example'], ips: [] }, 'cli', new Date());
    const b = issueServerCertificate(ca, { dns: ['b.example'], ips: [] }, 'cli', new Date());
    writeFileSync(join(tmp.path, 'a.crt'), a.certPem);
    writeFileSync(join(tmp.path, 'b.key'), b.keyPem);
    const outcome = await runCli({
      PORT: '0',
      TLS_CERT: join(tmp.path, 'a.crt'),
      TLS_KEY: join(tmp.path, 'b.key'),
    });
    expectOneClearLine(outcome, /TLS_KEY .*b\.key does not match TLS_CERT .*a\.crt/);
  });

  it('unreadable TLS_CERT', async () => {
    const outcome = await runCli({
      PORT: '0',
      TLS_CERT: join(tmp.path, 'missing.crt'),
      TLS_KEY: join(tmp.path, 'b.key'),
    });
    expectOneClearLine(outcome, /TLS_CERT .*missing\.crt cannot be read \(ENOENT\)/);
  });

  it('missing dist/', async () => {
    const outcome = await runCli({ PORT: '0', DIST_DIR: join(tmp.path, 'no-build') });
    expectOneClearLine(outcome, /run npm run build/);
  });

  it('uncreatable data dir', async () => {
    writeFileSync(join(tmp.path, 'a-file'), '');
    const outcome = await runCli({ PORT: '0', DATA_DIR: join(tmp.path, 'a-file', 'data') });
    expectOneClearLine(outcome, /Data directory .* is not usable \(ENOTDIR\): .*--data-dir \/ DATA_DIR/);
  });

  it('MEMOS_URL pointing at the app itself (start check)', async () => {
    const port = await unusedPort();
    const outcome = await runCli({ PORT: String(port), MEMOS_URL: `http://localhost:${port}` });
    expectOneClearLine(outcome, new RegExp(`MEMOS_URL http://localhost:${port} points at this app itself`));
  });

  it('MEMOS_URL leading back to the app through a relay (found by the probe)', async () => {
    const port = await unusedPort();
    const relay = net.createServer((client) => {
      const onward = net.connect(port, '127.0.0.1');
      client.pipe(onward).pipe(client);
      client.on('error', () => onward.destroy());
      onward.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const address = relay.address();
    const relayUrl = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    try {
      const outcome = await runCli({ PORT: String(port), MEMOS_URL: relayUrl });
      expectOneClearLine(outcome, /leads back to this app itself/);
    } finally {
      relay.close();
    }
  });

  it('an invalid flag value', async () => {
    const outcome = await runCli({}, ['--port', 'eighty']);
    expectOneClearLine(outcome, /--port "eighty" is not a port number/);
  });
});

describe('CLI running', () => {
  it('prints the URLs, warns about an unreachable MEMOS_URL, keeps running, and exits 0 on SIGTERM', async () => {
    const memosPort = await unusedPort();
    const child = launch({ PORT: '0', MEMOS_URL: `http://127.0.0.1:${memosPort}` });
    const outcome = collect(child);
    let stderr = '';
    await new Promise<void>((ready) => {
      child.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('\n')) ready();
      });
    });
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    const { code, stdout } = await outcome;
    expect(code).toBe(0);
    expect(stderr).toMatch(
      new RegExp(`^warning: Memos server http://127.0.0.1:${memosPort} is not reachable \\(ECONNREFUSED\\)`),
    );
    expect(stdout).toMatch(/Local: +http:\/\/localhost:\d+ +\(also https:\/\/localhost:\d+\)/);
    expect(stdout).toContain(`Memos:    proxying /api/ and /file/ to http://127.0.0.1:${memosPort}`);
    expect(stdout).toMatch(/Embedding: on, \d+ threads, for devices signed in to Memos/);
    expect(stdout).toContain('Press Ctrl+C to stop.');
    // The fingerprint a phone user compares against (the trust page points here).
    expect(stdout).toMatch(/CA fingerprint \(SHA-256\): ([0-9A-F]{2}:){31}[0-9A-F]{2}/);
  });
});
