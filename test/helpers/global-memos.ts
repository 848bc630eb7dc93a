/**
 * Global setup of the `integration` project: provide the Memos binaries once, before any
 * test file starts, so that test files never race to build them (they still call
 * startMemos(), which then finds the cached binary): the version under test
 * (`MEMOS_VERSION`, default v0.30.0) and, when that is older, the default version too (the
 * in-place upgrade test restarts the server on it). Fails loudly instead of skipping.
 */
import { DEFAULT_MEMOS_VERSION, ensureMemosBinary, memosVersionUnderTest } from './memos-binary';

export default async function setup(): Promise<void> {
  const version = memosVersionUnderTest();
  const versions = version === DEFAULT_MEMOS_VERSION ? [version] : [version, DEFAULT_MEMOS_VERSION];
  for (const v of versions) {
    const bin = await ensureMemosBinary(v);
    process.stderr.write(`[global-memos] Memos ${v}: ${bin}\n`);
  }
  process.stderr.write(`[global-memos] integration tests run against Memos ${version}\n`);
}
