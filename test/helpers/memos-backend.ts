/**
 * Which Memos the sync rule suites (test/integration/sync-*.test.ts) talk to, chosen by the
 * environment variable MEMOS_BACKEND:
 *  - `real` (the default): a throw-away Memos process of the release MEMOS_VERSION names
 *    (memos-instance.ts);
 *  - `fake`: the in-memory fake (test/fakes/) playing that release, on real time, served on
 *    a loopback HTTP port, so the same test bodies run without a Go toolchain or a Memos
 *    binary (the `unit-rules` project of vitest.config.ts).
 * Both are bootstrapped identically over REST (an admin, then users with PATs), so tests
 * cannot tell them apart (`kind` says which it is, for messages).
 * Invariant: an unknown MEMOS_BACKEND value fails loudly; nothing silently falls back.
 */

import { serveFakeMemos } from '../fakes/fake-memos-http';
import { FAKE_PROFILES, type FakeProfileName } from '../fakes/fake-memos-profiles';
import { FakeMemosServer, SystemClock } from '../fakes/fake-memos-server';
import { memosVersionUnderTest, normalizeVersion } from './memos-binary';
import { bootstrapAccounts, type MemosEndpoint, startMemos } from './memos-instance';

export type MemosBackendKind = 'real' | 'fake';

export interface MemosBackend extends MemosEndpoint {
  readonly kind: MemosBackendKind;
}

export function memosBackendKind(env: NodeJS.ProcessEnv = process.env): MemosBackendKind {
  const value = env.MEMOS_BACKEND ?? 'real';
  if (value === 'real' || value === 'fake') return value;
  throw new Error(`MEMOS_BACKEND must be "real" or "fake", not "${value}"`);
}

/** The fake's profile for a release: its major.minor (0.29.1 → 0.29). */
function profileFor(version: string): FakeProfileName {
  const minor = /^(\d+\.\d+)\./.exec(version)?.[1];
  const known = Object.keys(FAKE_PROFILES) as FakeProfileName[];
  const profile = known.find((name) => name === minor);
  if (!profile) throw new Error(`the fake Memos cannot play ${version} (it knows ${known.join(', ')})`);
  return profile;
}

/**
 * The fake standing in for the Memos binary the real suites run: a private instance on real
 * time, playing the release under test (MEMOS_VERSION) and reporting exactly that version;
 * `restartAs` switches its release over the same data, as an upgrade in place does.
 */
export async function startFakeMemos(version = memosVersionUnderTest()): Promise<MemosBackend> {
  let current = normalizeVersion(version);
  const fake = new FakeMemosServer({
    clock: new SystemClock(),
    profile: profileFor(current),
    version: current,
  });
  const http = await serveFakeMemos(fake);
  try {
    const accounts = await bootstrapAccounts(http.baseUrl);
    return {
      kind: 'fake',
      baseUrl: http.baseUrl,
      get version() {
        return current;
      },
      ...accounts,
      async restartAs(next) {
        const upgraded = normalizeVersion(next);
        fake.upgradeTo(profileFor(upgraded));
        fake.reportedVersion = { value: upgraded };
        current = upgraded;
      },
      stop: http.close,
    };
  } catch (error) {
    await http.close();
    throw error;
  }
}

export async function startMemosBackend(kind = memosBackendKind()): Promise<MemosBackend> {
  if (kind === 'fake') return startFakeMemos();
  // Not a spread: the instance's `version` is a getter that follows `restartAs`.
  return Object.assign(await startMemos(), { kind: 'real' as const });
}
