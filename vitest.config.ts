/**
 * Test projects. `unit`: fast Node tests (fake-indexeddb, pure cores, fakes; the fake Memos
 * plays 0.29, 0.30 and 0.31). `unit-rules`: the sync rule suites of test/integration/
 * (tests named after sync/SPEC.md rules) run against the in-memory fake Memos over loopback
 * HTTP (MEMOS_BACKEND=fake), playing the release MEMOS_VERSION names (`npm test` runs it for
 * v0.30.0 and v0.29.1): no Go toolchain, no Memos binary. The real-server-only files are left
 * out (see below). `integration`: Node
 * tests against a real Memos binary (built once, cached): the release MEMOS_VERSION names
 * (default v0.30.0; `npm test` runs this project once more with MEMOS_VERSION=v0.29.1). The
 * in-place upgrade test needs a release older than the default to upgrade from, so it
 * belongs to those legs only.
 * `e2e`: the production build served by our own server, driven in Debian's Chromium.
 * No project skips when a prerequisite is missing: the global setups fail loudly instead.
 */
import { defineConfig } from 'vitest/config';

const UPGRADE_TEST = 'test/integration/sync-upgrade.test.ts';
/** The default is test/helpers/memos-binary.ts's DEFAULT_MEMOS_VERSION (not imported: the config loads alone). */
const upgradeLeg = (process.env.MEMOS_VERSION?.trim() || 'v0.30.0').replace(/^v/, '') !== '0.30.0';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/helpers/setup-unit.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'unit-rules',
          include: ['test/integration/sync-*.test.ts'],
          // The real-server fuzz exists to put the simulator's faults on real sockets in front
          // of real Memos; against the fake it would repeat test/unit/sync-fuzz.test.ts.
          exclude: ['test/integration/sync-fuzz-real.test.ts', ...(upgradeLeg ? [] : [UPGRADE_TEST])],
          environment: 'node',
          setupFiles: ['test/helpers/setup-unit.ts'],
          env: { MEMOS_BACKEND: 'fake' },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: upgradeLeg ? [] : [UPGRADE_TEST],
          environment: 'node',
          setupFiles: ['test/helpers/setup-unit.ts'],
          globalSetup: ['test/helpers/global-memos.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/helpers/global-e2e.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
