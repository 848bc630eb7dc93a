/**
 * Memos upgraded in place while the app runs [V1]: the real server of the version under
 * test (MEMOS_VERSION, older than the default) is stopped and started again on the same
 * data as Memos v0.30.0 (which migrates the database), as an administrator would. The app
 * keeps its connection; the next pass reads the new version, sends the new request shapes
 * and loses nothing made before, during or after the upgrade. This file runs in the legs of
 * `npm test` whose version is older than the default (vitest.config.ts).
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMOS_VERSION, memosVersionUnderTest } from '../helpers/memos-binary';
import { type AppDevice, createAppDevice } from './helpers/app-device';
import { shape, until } from './helpers/device';
import { useMemosServer } from './helpers/server-suite';
import type { Account } from './helpers/web';

const suite = useMemosServer();

async function mirrors(device: AppDevice, account: Account): Promise<boolean> {
  const local = (await device.db.memos.orderBy('name').toArray()).map(shape);
  const server = (await account.web.listAll()).map(shape);
  return JSON.stringify(local) === JSON.stringify(server);
}

describe(`Memos ${memosVersionUnderTest()} upgraded to ${DEFAULT_MEMOS_VERSION} while the app runs`, () => {
  it('[V1] the pass after the upgrade re-reads the version and sends the new filter form; nothing is lost', async () => {
    const before = memosVersionUnderTest();
    const account = await suite.account();
    await account.web.create('written in the web UI before the upgrade');
    const device = createAppDevice();
    suite.cleanup(() => device.dispose());
    const connected = await device.controller.connect({ serverUrl: suite.baseUrl, token: account.token });
    if (!connected.ok) throw new Error(connected.error.message);
    await until(() => device.transport.streamsOpened > 0, 'the live event stream');
    await device.settle();
    expect(await device.meta.server()).toMatchObject({ version: before, support: 'tested' });
    const offline = await device.notebook.create({
      content: 'captured before the upgrade',
      visibility: 'PRIVATE',
    });
    device.timers.advance(1_000);
    await until(() => mirrors(device, account), 'the capture on the server');
    await device.settle();
    const oldFilters = device.transport
      .requests('GET', /^\/api\/v1\/memos$/)
      .map((r) => r.query.get('filter'));
    expect(oldFilters.some((f) => /_ts >= \d+$/.test(f ?? ''))).toBe(true);

    // The administrator upgrades; meanwhile the user keeps writing.
    await suite.instance.restartAs(DEFAULT_MEMOS_VERSION);
    expect(suite.instance.version).toBe(DEFAULT_MEMOS_VERSION);
    await device.notebook.update(offline.name, { content: 'captured before the upgrade, edited during it' });
    await device.notebook.create({ content: 'captured during the upgrade', visibility: 'PUBLIC' });
    await account.web.create('written in the web UI after the upgrade');
    device.transport.clearLog();
    device.controller.trigger('manual');
    await until(() => mirrors(device, account), 'every memo on both sides after the upgrade', 30_000);
    await device.settle();

    expect(await device.status()).toMatchObject({ phase: 'idle' });
    expect(await device.meta.server()).toMatchObject({
      version: DEFAULT_MEMOS_VERSION,
      support: 'tested',
      changedFrom: before,
    });
    const newFilters = device.transport
      .requests('GET', /^\/api\/v1\/memos$/)
      .map((r) => r.query.get('filter'));
    expect(newFilters.length).toBeGreaterThan(0);
    for (const filter of newFilters) expect(filter).not.toMatch(/_ts [>=]=? \d+$/);
    expect(newFilters.some((f) => /_ts >= timestamp\(\d+\)$/.test(f ?? ''))).toBe(true);
    expect((await account.web.listAll()).map((m) => m.content).sort()).toEqual([
      'captured before the upgrade, edited during it',
      'captured during the upgrade',
      'written in the web UI after the upgrade',
      'written in the web UI before the upgrade',
    ]);
  });
});
