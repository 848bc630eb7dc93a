/**
 * A one-page test harness built with the project's own vite.config.ts (so the service
 * worker and its runtime caches are the real ones) into `.tmp/`, and served on loopback by
 * the real app server (its CSP and headers apply). Browser tests of the workers use it to
 * drive the real code without the app's UI. `stop()` ends serving (a page keeps what its
 * service worker cached); `dispose()` also removes the build. Both may be called twice.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';
import { type AppServerOptions, type RunningAppServer, startAppServer } from '../../server/app-server';
import { silentLogger } from '../../server/logger';
import { REPO_ROOT } from './app-harness';

export interface HarnessSite {
  origin: string;
  stop(): Promise<void>;
  dispose(): Promise<void>;
}

export async function serveHarness(options: {
  /** Names the build folder under `.tmp/`. */
  name: string;
  /** The page's module script (it may import project files by absolute path). */
  harnessJs: string;
  /** Server options beyond the loopback defaults (e.g. `embed`). */
  server?: Partial<AppServerOptions>;
}): Promise<HarnessSite> {
  mkdirSync(join(REPO_ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(REPO_ROOT, '.tmp', `${options.name}-`));
  const root = join(dir, 'harness');
  mkdirSync(root);
  writeFileSync(
    join(root, 'index.html'),
    `<!doctype html><html><head><meta charset="utf-8"><title>${options.name}</title><script type="module" src="./harness.js"></script></head><body></body></html>`,
  );
  writeFileSync(join(root, 'harness.js'), options.harnessJs);
  let server: RunningAppServer | undefined;
  const stop = async () => {
    const running = server;
    server = undefined;
    await running?.close().catch(() => undefined);
  };
  try {
    await build({
      configFile: join(REPO_ROOT, 'vite.config.ts'),
      root,
      publicDir: join(REPO_ROOT, 'public'),
      logLevel: 'warn',
      build: { outDir: join(dir, 'dist'), emptyOutDir: true },
    });
    server = await startAppServer({
      distDir: join(dir, 'dist'),
      host: '127.0.0.1',
      port: 0,
      tls: 'off',
      dataDir: join(dir, 'data'),
      logger: silentLogger,
      ...options.server,
    });
  } catch (failure) {
    rmSync(dir, { recursive: true, force: true });
    throw failure;
  }
  return {
    origin: `http://localhost:${server.port}`,
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
