/**
 * Issue 9, item 5 in real Chromium: files under `/file/` share the app's origin, yet nothing
 * there ever runs. The production build is served by our server, proxying a fake Memos whose
 * every `/file/` answer is active content (a script that would set `self.pwned`, also inside
 * an HTML <script>). From the app's own page (the app must still start under its CSP):
 * a <script>, a module script, a worker and a service worker from `/file/` are all refused;
 * an uploaded HTML file opened top-level runs no script (sandboxed, opaque origin), and one
 * framed by the app is not rendered at all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAppServer, startAppServer } from '../../server/app-server';
import { silentLogger } from '../../server/logger';
import { DIST_DIR } from '../helpers/app-harness';
import { launchPersistent, type PersistentBrowser } from '../helpers/chromium';
import { type FakeMemosUpstream, startFakeMemosUpstream } from '../unit/server/fake-memos-upstream';

const root = mkdtempSync(join(tmpdir(), 'memos-offline-uploads-e2e-'));
let upstream: FakeMemosUpstream;
let server: RunningAppServer;
let browser: PersistentBrowser;

beforeAll(async () => {
  upstream = await startFakeMemosUpstream();
  server = await startAppServer({
    distDir: DIST_DIR,
    host: '127.0.0.1',
    port: 0,
    tls: 'off',
    dataDir: join(root, 'data'),
    memosUrl: `${upstream.url}/memos`,
    logger: silentLogger,
  });
  browser = await launchPersistent();
});
afterAll(async () => {
  await browser?.dispose();
  await server?.close();
  await upstream?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('uploads never run in the app origin', () => {
  it('refuses /file/ as script, module, worker and service worker from the app page', async () => {
    const page = await browser.context.newPage();
    await page.goto(`http://localhost:${server.port}/`);
    // The app itself starts under the path-restricted script policy.
    await page.getByRole('link', { name: 'Settings' }).waitFor();

    const outcomes = await page.evaluate(async () => {
      const load = (src: string, type: string): Promise<string> =>
        new Promise((resolve) => {
          const script = document.createElement('script');
          script.src = src;
          if (type) script.type = type;
          script.onload = () => resolve('loaded');
          script.onerror = () => resolve('refused');
          document.head.append(script);
        });
      const worker = (src: string): Promise<string> =>
        new Promise((resolve) => {
          try {
            const w = new Worker(src);
            w.onerror = () => resolve('refused');
            setTimeout(() => resolve('started'), 1500);
          } catch {
            resolve('refused');
          }
        });
      const serviceWorker = navigator.serviceWorker
        .register('/file/attachments/1/evil.js', { scope: '/file/attachments/1/' })
        .then(
          () => 'registered',
          () => 'refused',
        );
      return {
        classic: await load('/file/attachments/1/evil.js', ''),
        module: await load('/file/attachments/1/evil.mjs', 'module'),
        worker: await worker('/file/attachments/1/evil.js'),
        serviceWorker: await serviceWorker,
        pwned: (self as unknown as { pwned?: string }).pwned ?? 'no',
      };
    });
    expect(outcomes, JSON.stringify(outcomes)).toEqual({
      classic: 'refused',
      module: 'refused',
      worker: 'refused',
      serviceWorker: 'refused',
      pwned: 'no',
    });
    await page.close();
  });

  it('an uploaded HTML file runs no script top-level and is not rendered inside the app', async () => {
    const page = await browser.context.newPage();
    await page.goto(`http://localhost:${server.port}/file/attachments/1/page.html`);
    const topLevel = await page.evaluate(() => ({
      pwned: (self as unknown as { pwned?: string }).pwned ?? 'no',
      origin: self.origin,
    }));
    expect(topLevel).toEqual({ pwned: 'no', origin: 'null' });

    await page.goto(`http://localhost:${server.port}/`);
    await page.getByRole('link', { name: 'Settings' }).waitFor();
    await page.evaluate(
      () =>
        new Promise<void>((resolve) => {
          const frame = document.createElement('iframe');
          frame.src = '/file/attachments/1/page.html';
          frame.onload = () => resolve();
          frame.onerror = () => resolve();
          document.body.append(frame);
          setTimeout(resolve, 2000);
        }),
    );
    const framed = page.frames().filter((frame) => frame !== page.mainFrame());
    expect(framed).toHaveLength(1);
    // Blocked by frame-ancestors 'none': Chromium shows its own error page, not the file.
    const content = await framed[0]?.content();
    expect(content ?? '').not.toContain('pwned');
    await page.close();
  });
});
