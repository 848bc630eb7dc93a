/**
 * The version-capability object and the failure kinds at the API boundary, as pure
 * functions: which Memos versions this app accepts, how it reads a version string it has
 * never seen, the one sentence Settings shows, the filter form per release, and how 429,
 * RESOURCE_EXHAUSTED and FAILED_PRECONDITION answers are classified [V1, T4, U3].
 */
import { describe, expect, it } from 'vitest';
import {
  type Derivation,
  deriveCapabilities,
  describeSupport,
  renderListQuery,
  timeLiteral,
} from '../../sync/api/capabilities';
import { classifyStatus, parseRetryAfter } from '../../sync/api/failures';
import {
  compareVersions,
  formatVersion,
  parseServerVersion,
  releaseVersion,
} from '../../sync/api/server-version';

function derive(version: unknown): Derivation {
  return deriveCapabilities(parseServerVersion(version));
}

function supportOf(version: unknown): string {
  const derived = derive(version);
  return derived.kind === 'known' ? derived.capabilities.support : derived.kind;
}

describe('[V1] reading the version a server reports', () => {
  it.each<[unknown, string]>([
    ['0.30.0', '0.30.0'],
    ['v0.31.0', '0.31.0'],
    ['0.31.0-rc.1', '0.31.0-rc.1'],
    ['26.10', '26.10'],
    ['26.10.1', '26.10.1'],
    ['dev', 'dev'],
    ['', 'unknown'],
    [undefined, 'unknown'],
    [null, 'unknown'],
    ['banana', 'banana'],
    [30, '30'],
  ])('%j reads as %s', (raw, shown) => {
    expect(formatVersion(parseServerVersion(raw))).toBe(shown);
  });

  it('orders releases: pre-releases before their release, calendar versions after every 0.x', () => {
    const order = [
      '0.28.2',
      '0.29.0',
      '0.29.1',
      '0.30.0',
      '0.31.0-rc.1',
      '0.31.0-rc.2',
      '0.31.0',
      '26.10',
      '26.10.1',
    ];
    const sorted = [...order].reverse().sort((a, b) => compareVersions(releaseVersion(a), releaseVersion(b)));
    expect(sorted).toEqual(order);
  });

  it.each<[unknown, string]>([
    ['0.29.1', 'tested'],
    ['0.30.0', 'tested'],
    ['0.29.0', 'tested-series'],
    ['0.30.1', 'tested-series'],
    ['0.31.0', 'published'],
    ['v0.31.0', 'published'],
    ['0.31.0-rc.2', 'published'],
    ['26.10', 'newer'],
    ['0.32.0', 'newer'],
    ['1.0.0', 'newer'],
    ['dev', 'probe'],
    ['banana', 'probe'],
    [undefined, 'probe'],
    ['0.28.2', 'too-old'],
    ['0.25.0', 'too-old'],
    ['v0.24.4', 'too-old'],
  ])('%j → %s', (version, support) => {
    expect(supportOf(version)).toBe(support);
  });

  it('an older server gets one sentence naming the oldest supported version', () => {
    expect(derive('0.28.2')).toEqual({
      kind: 'too-old',
      message: 'Memos 0.28.2 is older than this app supports; it needs Memos 0.29.0 or newer.',
    });
  });

  it('filters compare times with ints until 0.29 and CEL timestamps since 0.30', () => {
    const form = (version: string) => {
      const derived = derive(version);
      if (derived.kind !== 'known') throw new Error(version);
      return derived.capabilities.timeFilter;
    };
    expect(['0.29.0', '0.29.1'].map(form)).toEqual(['epoch-seconds', 'epoch-seconds']);
    expect(['0.30.0', '0.30.0-rc.1', '0.31.0', '26.10'].map(form)).toEqual([
      'timestamp',
      'timestamp',
      'timestamp',
      'timestamp',
    ]);
  });

  it('renders the delta filter for each form; the engine never sees either', () => {
    const query = {
      creator: 'users/alice',
      state: 'NORMAL' as const,
      order: 'update_time' as const,
      time: { op: '>=' as const, seconds: 1_700_000_000 },
      pageSize: 1000,
    };
    expect(renderListQuery({ timeFilter: 'epoch-seconds' }, query)).toEqual({
      filter: 'creator == "users/alice" && updated_ts >= 1700000000',
      orderBy: 'update_time asc',
    });
    expect(renderListQuery({ timeFilter: 'timestamp' }, { ...query, order: 'create_time' })).toEqual({
      filter: 'creator == "users/alice" && created_ts >= timestamp(1700000000)',
      orderBy: 'create_time asc',
    });
    expect(timeLiteral({ timeFilter: 'timestamp' }, 12.7)).toBe('timestamp(12)');
  });
});

describe('[V4] what Settings says about the server', () => {
  const sentence = (version: unknown) => {
    const derived = derive(version);
    if (derived.kind !== 'known') throw new Error(String(version));
    return describeSupport(derived.capabilities);
  };

  it('names the tested releases and 0.31’s published API', () => {
    expect(sentence('0.30.0')).toBe('Memos 0.30.0: tested with Memos 0.29.1 and 0.30.0.');
    expect(sentence('0.29.1')).toBe('Memos 0.29.1: tested with Memos 0.29.1 and 0.30.0.');
    expect(sentence('0.31.0')).toBe(
      'Memos 0.31.0: 0.31: supported from its published API (not tested against a real server).',
    );
    expect(sentence('26.10')).toMatch(/^Memos 26\.10 is newer than this app knows .*syncing is tried/);
    expect(describeSupport({ version: parseServerVersion('dev'), support: 'undetermined' })).toMatch(
      /^A development build of Memos/,
    );
    expect(describeSupport({ version: parseServerVersion('banana'), support: 'undetermined' })).toMatch(
      /did not report a Memos version this app recognizes \(banana\)/,
    );
  });
});

describe('[T4][U3] failures the newer releases add', () => {
  const now = Date.UTC(2026, 9, 1, 12, 0, 0);

  it('429 is rate-limited, with the delay of Retry-After (seconds or a date)', () => {
    expect(
      classifyStatus(429, { code: 8, message: 'too many requests, try again later' }, '12', now),
    ).toEqual({
      kind: 'rate-limited',
      message: 'the server asked to slow down (too many requests, try again later)',
      retryAfterMs: 12_000,
    });
    const at = new Date(now + 30_000).toUTCString();
    expect(classifyStatus(429, {}, at, now)).toMatchObject({ kind: 'rate-limited', retryAfterMs: 30_000 });
    expect(classifyStatus(429, {}, null, now)).toEqual({
      kind: 'rate-limited',
      message: 'the server asked to slow down (HTTP 429)',
    });
  });

  it('RESOURCE_EXHAUSTED without Retry-After takes the delay from RetryInfo; an absurd delay is capped at an hour', () => {
    const body = {
      code: 8,
      message: 'too many requests, try again later',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }],
    };
    expect(classifyStatus(429, body, null, now)).toMatchObject({ kind: 'rate-limited', retryAfterMs: 7_000 });
    expect(parseRetryAfter('86400', now)).toBe(3_600_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });

  it('FAILED_PRECONDITION (the gateway sends it as 400) is precondition; other 400s stay invalid', () => {
    expect(classifyStatus(400, { code: 9, message: 'memo state changed, please retry' })).toEqual({
      kind: 'precondition',
      message: 'memo state changed, please retry',
    });
    expect(classifyStatus(400, { code: 3, message: 'content too long (max 8192 characters)' })).toEqual({
      kind: 'invalid',
      message: 'content too long (max 8192 characters)',
    });
  });
});
