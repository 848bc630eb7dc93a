/**
 * Per-file wiring for the sync rule suites: one Memos instance (MEMOS_VERSION) per test
 * file (started in beforeAll, stopped in afterAll), a fresh account per test (so tests
 * sharing the instance never see each other's memos), and devices that are disposed after
 * each test. Call `useMemosServer()` once at the top level of a test file. The instance is
 * a real Memos by default, or the in-memory fake playing the same release over loopback HTTP
 * with MEMOS_BACKEND=fake (test/helpers/memos-backend.ts): the same test bodies run in both.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { type MemosBackend, startMemosBackend } from '../../helpers/memos-backend';
import { createDevice, type Device, type DeviceOptions } from './device';
import { type Account, newAccount } from './web';

export interface MemosSuite {
  readonly instance: MemosBackend;
  readonly baseUrl: string;
  account(prefix?: string): Promise<Account>;
  /** A device signed in as `account` (or with an explicit token of a user). */
  device(
    account: Account | { token: string; user: string },
    options?: Omit<DeviceOptions, 'baseUrl' | 'token' | 'user'>,
  ): Device;
  /** A fresh account and one device signed in to it. */
  solo(
    options?: Omit<DeviceOptions, 'baseUrl' | 'token' | 'user'>,
  ): Promise<{ account: Account; device: Device }>;
  /** Runs after the current test (before the devices are disposed). */
  cleanup(fn: () => Promise<void> | void): void;
}

export function useMemosServer(): MemosSuite {
  let instance: MemosBackend | undefined;
  const devices: Device[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];

  beforeAll(async () => {
    instance = await startMemosBackend();
  });
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
    for (const device of devices.splice(0)) await device.dispose();
  });
  afterAll(async () => {
    await instance?.stop();
  });

  const current = (): MemosBackend => {
    if (!instance) throw new Error('the Memos instance is not running (use inside tests)');
    return instance;
  };
  const suite: MemosSuite = {
    get instance() {
      return current();
    },
    get baseUrl() {
      return current().baseUrl;
    },
    account: (prefix) => newAccount(current(), prefix),
    device(account, options = {}) {
      const device = createDevice({
        ...options,
        baseUrl: current().baseUrl,
        token: account.token,
        user: account.user,
      });
      devices.push(device);
      return device;
    },
    async solo(options = {}) {
      const account = await suite.account();
      return { account, device: suite.device(account, options) };
    },
    cleanup(fn) {
      cleanups.push(fn);
    },
  };
  return suite;
}
