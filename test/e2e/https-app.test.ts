/**
 * Issue 5 with the real app: the production build over HTTPS from a LAN-style host name
 * (local CA trusted by SPKI pin, host mapped to 127.0.0.1). The service worker controls the
 * page, Chromium reports no installability errors for the manifest, icons and service
 * worker, Settings says the connection is secure, real responses carry the security
 * headers, and after the server stops the installed shell still opens with its memos.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAppServer, startAppServer } from '../../server/app-server';
import { silentLogger } from '../../server/logger';
import { captureMemo, DIST_DIR, waitForServiceWorkerControl } from '../helpers/app-harness';
import { launchPersistent } from '../helpers/chromium';

const HOST = 'notes.memos-offline.test';
const root = mkdtempSync(join(tmpdir(), 'memos-offline-https-app-'));
let server: RunningAppServer;

beforeAll(async () => {
  server = await startAppServer({
    distDir: DIST_DIR,
    port: 0,
    dataDir: join(root, 'data'),
    network: { hostname: HOST, interfaces: networkInterfaces() },
    logger: silentLogger,
  });
});
afterAll(async () => {
  await server.close().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

describe('the app over HTTPS on the LAN', () => {
  it('is installable, secure, and works offline after the first visit', async () => {
    const browser = await launchPersistent({
      args: [
        `--host-resolver-rules=MAP ${HOST} 127.0.0.1`,
        `--ignore-certificate-errors-spki-list=${server.caSpkiSha256Base64 ?? ''}`,
      ],
    });
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const origin = `https://${HOST}:${server.port}`;
      const response = await page.goto(`${origin}/`);
      const headers = response?.headers() ?? {};
      // Scripts only from the build's paths on this very name (never 'self': /file/ shares the origin).
      expect(headers['content-security-policy']).toContain(`script-src ${HOST}:${server.port}/assets/`);
      expect(headers['content-security-policy']).not.toMatch(/script-src[^;]*'self'/);
      expect(headers['content-security-policy']).not.toMatch(
        /unsafe-inline[^;]*;?\s*$|script-src[^;]*unsafe-inline/,
      );
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBeTruthy();
      expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
      await waitForServiceWorkerControl(page);

      // Requests from the page itself (Node cannot resolve the mapped host name).
      const head = (path: string) =>
        page.evaluate(async (url) => {
          const r = await fetch(url, { cache: 'no-store' });
          return {
            status: r.status,
            cacheControl: r.headers.get('cache-control') ?? '',
            type: r.headers.get('content-type') ?? '',
            body: await r.text(),
          };
        }, path);
      expect((await head('/sw.js')).cacheControl).toMatch(/no-cache/);
      const manifestResponse = await head('/manifest.webmanifest');
      expect(manifestResponse.type).toMatch(/application\/manifest\+json/);
      const asset = await page.evaluate(
        () => document.querySelector<HTMLScriptElement>('script[type=module]')?.getAttribute('src') ?? '',
      );
      expect(asset).toMatch(/^\/assets\//);

      const cdp = await browser.context.newCDPSession(page);
      const installability = (await cdp.send('Page.getInstallabilityErrors')) as {
        installabilityErrors: unknown[];
      };
      expect(installability.installabilityErrors).toEqual([]);
      const manifest = JSON.parse(manifestResponse.body) as {
        name: string;
        short_name: string;
        display: string;
        theme_color: string;
        start_url: string;
        icons: Array<{ sizes: string; purpose?: string; src: string }>;
        share_target?: { action: string };
      };
      expect(manifest).toMatchObject({
        name: 'Memos Offline',
        short_name: 'Memos',
        display: 'standalone',
        start_url: '/',
      });
      expect(manifest.theme_color).toMatch(/^#/);
      expect(manifest.share_target?.action).toBe('/share');
      for (const size of ['192x192', '512x512']) {
        for (const purpose of ['any', 'maskable']) {
          const icon = manifest.icons.find((i) => i.sizes === size && (i.purpose ?? 'any') === purpose);
          expect(icon, `${purpose} icon ${size}`).toBeDefined();
          expect((await head(icon?.src ?? '')).status).toBe(200);
        }
      }

      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByText('Yes (HTTPS)').waitFor();
      await page.getByRole('link', { name: 'Timeline' }).click();
      await captureMemo(page, 'captured on the phone over HTTPS');

      await server.close();
      await page.reload();
      await page.getByRole('article').filter({ hasText: 'captured on the phone over HTTPS' }).waitFor();
      await captureMemo(page, 'and another one with the server gone');
      expect(await page.getByRole('article').count()).toBe(2);
    } finally {
      await browser.dispose();
    }
  });
});
