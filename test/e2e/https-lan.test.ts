/**
 * The PWA over HTTPS from a LAN-style host name, in real Chromium: the page is a secure
 * context, a service worker registers and controls it, and after the server stops a reload
 * is still served by the service worker.
 *
 * Trust: instead of installing the local CA in a trust store, Chromium gets
 * `--ignore-certificate-errors-spki-list=<base64 sha256 of the CA's SPKI>`. Verified with
 * Chromium 156: the flag is matched against the certificates the SERVER SENDS (leaf and any
 * chain certificates), not against a locally known anchor. A CA pin therefore works only
 * because the server sends `server.crt + ca.crt` as its chain; with the leaf alone, the CA pin
 * gives ERR_CERT_AUTHORITY_INVALID (the leaf's own SPKI would work then). The flag also
 * suppresses name errors, so this test gives the server the host name `memos-offline.test`
 * to make the certificate genuinely valid for it (SAN coverage itself is asserted in the
 * unit tests with Node's verifier). The second test shows the pin is what makes it work.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningAppServer, startAppServer } from '../../server/app-server';
import { silentLogger } from '../../server/logger';
import { launchPersistent } from '../helpers/chromium';

const HOST = 'memos-offline.test';

const INDEX = `<!doctype html><html><head><meta charset="utf-8"><title>HTTPS LAN</title>
<script type="module" src="/app.js"></script></head><body><h1 id="title">Memos Offline over HTTPS</h1></body></html>`;
const APP = `navigator.serviceWorker.register('/sw.js').then(() => { document.body.dataset.sw = 'registered'; });`;
// Network first, cache as fallback: after the server stops, navigations come from the cache.
const SW = `const CACHE = 'shell-v1';
self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(['/', '/app.js'])).then(() => self.skipWaiting()));
});
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (event) => {
  const key = event.request.mode === 'navigate' ? '/' : event.request;
  event.respondWith(fetch(event.request).catch(() => caches.match(key).then((hit) => hit || Response.error())));
});`;

const root = mkdtempSync(join(tmpdir(), 'memos-offline-https-e2e-'));
let server: RunningAppServer;

beforeAll(async () => {
  const dist = join(root, 'dist');
  mkdirSync(dist, { recursive: true });
  writeFileSync(join(dist, 'index.html'), INDEX);
  writeFileSync(join(dist, 'app.js'), APP);
  writeFileSync(join(dist, 'sw.js'), SW);
  server = await startAppServer({
    distDir: dist,
    port: 0,
    dataDir: join(root, 'data'),
    network: { hostname: HOST, interfaces: networkInterfaces() },
    logger: silentLogger,
  });
});
afterAll(async () => {
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

describe('HTTPS on a LAN host name', () => {
  it('is a secure context with a controlling service worker that keeps serving after the server stops', async () => {
    const spki = server.caSpkiSha256Base64 ?? '';
    expect(spki).not.toBe('');
    const browser = await launchPersistent({
      args: [`--host-resolver-rules=MAP ${HOST} 127.0.0.1`, `--ignore-certificate-errors-spki-list=${spki}`],
    });
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const url = `https://${HOST}:${server.port}/`;
      const response = await page.goto(url);
      expect(response?.status()).toBe(200);
      expect(response?.headers()['content-security-policy']).toContain(
        `script-src ${HOST}:${server.port}/assets/`,
      );
      expect(await page.evaluate(() => window.isSecureContext)).toBe(true);
      expect(await page.evaluate(() => location.origin)).toBe(`https://${HOST}:${server.port}`);

      await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
      expect(await page.evaluate(() => navigator.serviceWorker.controller?.scriptURL)).toBe(`${url}sw.js`);

      await server.close();
      const offline = await page.evaluate(() =>
        fetch('/not-cached.txt').then(
          () => 'reached the network',
          () => 'network down',
        ),
      );
      expect(offline).toBe('network down');
      await page.reload();
      expect(await page.textContent('#title')).toBe('Memos Offline over HTTPS');
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    } finally {
      await browser.dispose();
    }
  });

  it('is refused without the SPKI pin (the pin, not a blanket override, makes it trusted)', async () => {
    const other = await startAppServer({
      distDir: join(root, 'dist'),
      port: 0,
      dataDir: join(root, 'data'),
      network: { hostname: HOST, interfaces: networkInterfaces() },
      logger: silentLogger,
    });
    const browser = await launchPersistent({ args: [`--host-resolver-rules=MAP ${HOST} 127.0.0.1`] });
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      await expect(page.goto(`https://${HOST}:${other.port}/`)).rejects.toThrow(/ERR_CERT_AUTHORITY_INVALID/);
    } finally {
      await browser.dispose();
      await other.close();
    }
  });
});
