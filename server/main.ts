/**
 * CLI entry point (`npm start` runs `vite build && tsx server/main.ts`). Owns process-level
 * behaviour only: read the configuration, start the server, print where to find it, probe
 * Memos, and stop cleanly on SIGINT/SIGTERM. Invariant: any failure prints exactly ONE line
 * (`error: …`) to stderr and exits with status 1; no stack traces reach the operator.
 * An unreachable MEMOS_URL is only a warning: the server keeps running; a MEMOS_URL that
 * leads back to this app (found by the probe's loop marker) is fatal.
 */
import { homedir } from 'node:os';
import { fileURLToPath } from 'node:url';
import qrcode from 'qrcode-terminal';
import { startAppServer } from './app-server';
import { bannerLines, llmLines, phoneLines } from './banner';
import { parseConfig, USAGE } from './config';
import { consoleLogger } from './logger';
import { probeMemos } from './memos-probe';

function fail(error: unknown): never {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`error: ${message.split('\n')[0] ?? 'unknown error'}\n`);
  process.exit(1);
}

function renderQr(text: string): string {
  let out = '';
  qrcode.generate(text, { small: true }, (code) => {
    out = code;
  });
  return out;
}

async function main(): Promise<void> {
  const command = parseConfig(process.argv.slice(2), process.env, {
    distDir: fileURLToPath(new URL('../dist', import.meta.url)),
    home: homedir(),
  });
  if (command.kind === 'help') {
    console.log(USAGE);
    return;
  }
  const { config } = command;
  const server = await startAppServer({ ...config, logger: consoleLogger });
  if (config.llm && !config.memosUrl && config.llmService !== 'on') {
    consoleLogger.warn(
      'LLM_URL is set but "Ask your notes" stays off: without MEMOS_URL nobody can sign in to use it. Set MEMOS_URL, or LLM_SERVICE=on to open it to everyone who reaches this server.',
    );
  }
  console.log(
    [
      ...bannerLines(server, config.memosUrl),
      ...llmLines(config.llm, config.memosUrl, config.llmService),
      ...phoneLines(server, renderQr),
      '',
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (error: unknown) => fail(error),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  if (config.memosUrl) {
    const probe = await probeMemos(config.memosUrl, server.loopProbeHeaders);
    if (!probe.ok && 'self' in probe) {
      await server.close();
      fail(
        `MEMOS_URL ${config.memosUrl} leads back to this app itself: set it to your Memos server's own address.`,
      );
    }
    if (!probe.ok && 'reason' in probe) {
      consoleLogger.warn(
        `Memos server ${config.memosUrl} is not reachable (${probe.reason}); the app will show "server unreachable" until it is up. Check MEMOS_URL.`,
      );
    }
  }
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
main().catch(fail);
