/**
 * Test projects. `unit`: fast Node tests (fake-indexeddb, pure cores, fakes).
 * `integration`: Node tests against a real Memos v0.30.0 binary (built once, cached).
 * `e2e`: the production build served by our own server, driven in Debian's Chromium.
 * No project skips when a prerequisite is missing: the global setups fail loudly instead.
 */
import { defineConfig } from 'vitest/config';

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
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
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
