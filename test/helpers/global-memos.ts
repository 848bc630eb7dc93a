/**
 * Global setup of the `integration` project: provide the Memos v0.30.0 binary once, before
 * any test file starts, so that test files never race to build it (they still call
 * startMemos(), which then finds the cached binary). Fails loudly instead of skipping.
 */
import { ensureMemosBinary } from './memos-binary';

export default async function setup(): Promise<void> {
  const bin = await ensureMemosBinary('0.30.0');
  process.stderr.write(`[global-memos] using ${bin}\n`);
}
