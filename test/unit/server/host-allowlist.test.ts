/**
 * Issue 9, item 3: DNS rebinding. Only this server's own names and addresses (and
 * ALLOWED_HOSTS) are answered; any other Host is refused with 421 on every path and never
 * reaches the Memos proxy. Pure allow-list cases first, then the real server over raw
 * sockets (plain and TLS), as a rebinding page would reach it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningAppServer, startAppServer } from '../../../server/app-server';
import { createHostAllowlist, parseHostHeader } from '../../../server/host-allowlist';
import { silentLogger } from '../../../server/logger';
import type { NetworkFacts } from '../../../server/tls/names';
import { type FakeMemosUpstream, startFakeMemosUpstream } from './fake-memos-upstream';
import { makeFixtureDist, makeTempDir, openRaw, request, statusOf } from './helpers';

const facts: NetworkFacts = {
  hostname: 'TestBox',
  interfaces: {
    lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '', internal: true, cidr: null }],
    eth0: [
      {
        address: '192.168.1.20',
        netmask: '255.255.255.0',
        family: 'IPv4',
        mac: '',
        internal: false,
        cidr: null,
      },
      {
        address: 'fd00::20',
        netmask: 'ffff::',
        family: 'IPv6',
        mac: '',
        internal: false,
        cidr: null,
        scopeid: 0,
      },
      {
        address: 'fe80::1',
        netmask: 'ffff::',
        family: 'IPv6',
        mac: '',
        internal: false,
        cidr: null,
        scopeid: 2,
      },
    ],
  },
};

describe('parseHostHeader', () => {
  it('reads names, IPv4 and IPv6 literals with or without a port, canonically', () => {
    expect(parseHostHeader('LocalHost.:4173')).toEqual({ name: 'localhost', kind: 'dns', port: '4173' });
    expect(parseHostHeader('192.168.1.20')).toEqual({ name: '192.168.1.20', kind: 'ipv4' });
    expect(parseHostHeader('0x7f.1:80')).toEqual({ name: '127.0.0.1', kind: 'ipv4', port: '80' });
    expect(parseHostHeader('[0:0:0:0:0:0:0:1]:443')).toEqual({ name: '::1', kind: 'ipv6', port: '443' });
    expect(parseHostHeader('[::ffff:192.168.1.20]')).toEqual({ name: '192.168.1.20', kind: 'ipv4' });
  });

  it('refuses what is not a host', () => {
    for (const bad of [
      '',
      'a b',
      'evil.example@localhost',
      '[::1',
      'x:y:z',
      'ex ample.com',
      'é.example',
      '-',
    ]) {
      expect(parseHostHeader(bad), bad).toBeUndefined();
    }
  });
});

describe('createHostAllowlist', () => {
  const hosts = createHostAllowlist({
    network: facts,
    extra: ['notes.example.home', '10.0.0.7'],
    certificateNames: ['memos.example', '*.lan.example'],
  });

  it("allows this machine's names and addresses, with and without a port", () => {
    for (const host of [
      'localhost',
      'localhost:4173',
      'LOCALHOST.',
      '127.0.0.1',
      '127.8.9.10:1',
      '[::1]',
      '[0:0:0:0:0:0:0:1]:4173',
      'testbox',
      'TestBox.local:4173',
      '192.168.1.20:4173',
      '[fd00::20]:4173',
      '[fd00:0:0::20]',
      '[fe80::1]',
    ]) {
      expect(hosts.allows(host, '127.0.0.1'), host).toBe(true);
    }
  });

  it('allows ALLOWED_HOSTS, the certificate names (one-label wildcards), and the address connected to', () => {
    for (const host of [
      'notes.example.home',
      'notes.example.home:8443',
      '10.0.0.7',
      'memos.example',
      'a.lan.example',
    ]) {
      expect(hosts.allows(host, '127.0.0.1'), host).toBe(true);
    }
    expect(hosts.allows('192.168.7.7:4173', '::ffff:192.168.7.7')).toBe(true);
    expect(hosts.allows('192.168.7.7:4173', '192.168.1.20')).toBe(false);
  });

  it('refuses every other name: rebinding pages, look-alikes and malformed hosts', () => {
    for (const host of [
      'evil.example',
      'evil.example:4173',
      'localhost.evil.example',
      'testbox.evil.example',
      'a.b.lan.example',
      'lan.example',
      'example.home',
      '192.168.1.21',
      '[fd00::21]',
      '',
      'a b',
    ]) {
      expect(hosts.allows(host, '192.168.1.20'), host).toBe(false);
    }
    expect(hosts.allows(undefined, '192.168.1.20')).toBe(true);
  });

  it('tells own names from extra ones (for the MEMOS_URL self-check)', () => {
    expect(hosts.isOwn('testbox.local')).toBe(true);
    expect(hosts.isOwn('127.0.0.1')).toBe(true);
    expect(hosts.isOwn('[::1]')).toBe(true);
    expect(hosts.isOwn('notes.example.home')).toBe(false);
    expect(hosts.extraNames).toEqual(['notes.example.home', '10.0.0.7']);
  });
});

describe('the server refuses unknown hosts on every port and protocol', () => {
  const tmp = makeTempDir('memos-offline-hosts-');
  const dist = makeFixtureDist(tmp.path);
  let upstream: FakeMemosUpstream;
  let server: RunningAppServer;

  beforeAll(async () => {
    upstream = await startFakeMemosUpstream();
    server = await startAppServer({
      distDir: dist,
      port: 0,
      httpPort: 0,
      dataDir: join(tmp.path, 'data'),
      memosUrl: `${upstream.url}/memos`,
      allowedHosts: ['notes.example.home'],
      logger: silentLogger,
    });
  });
  afterAll(async () => {
    await server.close();
    await upstream.close();
    tmp.remove();
  });
  beforeEach(() => {
    upstream.seen.length = 0;
  });

  async function rawGet(port: number, path: string, host: string, secure: boolean): Promise<string> {
    const connection = await openRaw(
      port,
      secure ? { ca: server.caCertPem ?? '', servername: 'localhost' } : undefined,
    );
    connection.write(
      `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer stolen\r\nConnection: close\r\n\r\n`,
    );
    await connection.closed;
    return connection.received();
  }

  it('a rebinding page (Host: evil.example) gets 421 JSON on /api/ and /file/, 421 text elsewhere, and Memos sees nothing', async () => {
    const ports: Array<[number, boolean]> = [
      [server.port, true],
      [server.port, false],
      [server.httpPort ?? 0, false],
    ];
    for (const [port, secure] of ports) {
      for (const path of ['/api/v1/auth/me', '/file/attachments/1/x.png']) {
        const answer = await rawGet(port, path, `evil.example:${port}`, secure);
        expect(statusOf(answer), `${path} ${secure}`).toBe(421);
        expect(answer).toMatch(/content-type: application\/json/i);
        const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as {
          error: string;
          message: string;
        };
        expect(body.error).toBe('unknown-host');
        expect(body.message).toContain('ALLOWED_HOSTS');
      }
      for (const path of ['/', '/app-config.json', '/ca.crt', '/trust']) {
        const answer = await rawGet(port, path, 'evil.example', secure);
        expect(statusOf(answer), `${path} ${secure}`).toBe(421);
        expect(answer).toMatch(/content-type: text\/plain/i);
        expect(answer).toMatch(/x-content-type-options: nosniff/i);
      }
    }
    expect(upstream.seen).toEqual([]);
  });

  it('answers its own names, loopback literals and ALLOWED_HOSTS, and builds the CSP for them', async () => {
    for (const host of [
      'localhost',
      `127.0.0.1:${server.port}`,
      `[::1]:${server.port}`,
      'notes.example.home',
    ]) {
      expect(statusOf(await rawGet(server.port, '/api/v1/ping', host, true)), host).toBe(201);
    }
    expect(upstream.seen).toHaveLength(4);
    const viaProxy = await request(`http://127.0.0.1:${server.port}/`, {
      headers: { Host: 'notes.example.home' },
    });
    expect(viaProxy.status).toBe(200);
    expect(viaProxy.headers['content-security-policy']).toContain('notes.example.home:*/assets/');
  });
});
