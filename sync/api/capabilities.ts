/**
 * The version-capability object: what this client may send to one Memos server and how
 * much it knows about that server, derived from the version its profile reports. This is
 * the only module that knows which Memos release does what; the HTTP client renders
 * requests through it and nothing else in the app branches on versions.
 *
 * Invariants:
 * - Memos older than 0.29 is refused with one sentence naming the oldest supported version.
 * - A version that does not say what it can do (`dev`, no version, garbage) is never
 *   refused for that: its filter form is probed on the server (`needsProbe`).
 * - A release newer than any this app knows is tried with the newest known shapes.
 * - Capabilities are re-derived from the profile at the start of every sync pass, so an
 *   upgrade of the server while the app runs never gets the old shapes.
 */

import {
  compareVersions,
  formatVersion,
  type ReleaseVersion,
  releaseVersion,
  type ServerVersion,
  sameSeries,
} from './server-version';
import type { ListQuery } from './types';

/**
 * How the app's knowledge covers this server: `tested` (a version the test suite runs
 * against), `tested-series` (another patch release of such a series), `published` (0.31:
 * written from its published API, no real server available), `newer` (a later release than
 * any the app knows: tried), `undetermined` (a `dev` build or no usable version: probed).
 */
export type SupportLevel = 'tested' | 'tested-series' | 'published' | 'newer' | 'undetermined';

/**
 * How a ListMemos filter compares `created_ts` / `updated_ts` with a moment:
 * `updated_ts >= 1700000000` until 0.29, `updated_ts >= timestamp(1700000000)` since 0.30
 * (each is a 400 on the other).
 */
export type TimeFilterForm = 'epoch-seconds' | 'timestamp';

export interface ServerCapabilities {
  readonly version: ServerVersion;
  readonly support: SupportLevel;
  readonly timeFilter: TimeFilterForm;
}

/** The versions the integration suite runs against (see README, "Memos versions"). */
export const TESTED_VERSIONS: readonly ReleaseVersion[] = [
  releaseVersion('0.29.1'),
  releaseVersion('0.30.0'),
];
/** The oldest release this app accepts. */
export const OLDEST_SUPPORTED: ReleaseVersion = releaseVersion('0.29.0');
/** Release series supported from their published API only (no real server to test). */
export const PUBLISHED_SERIES: readonly ReleaseVersion[] = [releaseVersion('0.31.0')];
/** The newest series this app knows anything about. */
const NEWEST_KNOWN: ReleaseVersion = releaseVersion('0.31.0');
/** The first series whose filters take CEL timestamps. */
const TIMESTAMP_FILTERS_SINCE: ReleaseVersion = releaseVersion('0.30.0');

export const TESTED_SENTENCE = 'tested with Memos 0.29.1 and 0.30.0';
export const PUBLISHED_SENTENCE = '0.31: supported from its published API';

export type Derivation =
  | { kind: 'known'; capabilities: ServerCapabilities }
  /** The version does not tell: probe the filter form, then call `withProbedFilter`. */
  | { kind: 'probe'; version: ServerVersion }
  | { kind: 'too-old'; message: string };

function atLeastSeries(version: ReleaseVersion, series: ReleaseVersion): boolean {
  return version.major !== series.major ? version.major > series.major : version.minor >= series.minor;
}

function supportOf(version: ReleaseVersion): SupportLevel {
  if (TESTED_VERSIONS.some((t) => compareVersions(t, version) === 0)) return 'tested';
  if (TESTED_VERSIONS.some((t) => sameSeries(t, version))) return 'tested-series';
  if (PUBLISHED_SERIES.some((p) => sameSeries(p, version))) return 'published';
  return atLeastSeries(version, NEWEST_KNOWN) ? 'newer' : 'tested-series';
}

export function deriveCapabilities(version: ServerVersion): Derivation {
  if (version.kind !== 'release') return { kind: 'probe', version };
  if (!atLeastSeries(version, OLDEST_SUPPORTED)) {
    return {
      kind: 'too-old',
      message: `Memos ${formatVersion(version)} is older than this app supports; it needs Memos ${formatVersion(OLDEST_SUPPORTED)} or newer.`,
    };
  }
  return {
    kind: 'known',
    capabilities: {
      version,
      support: supportOf(version),
      timeFilter: atLeastSeries(version, TIMESTAMP_FILTERS_SINCE) ? 'timestamp' : 'epoch-seconds',
    },
  };
}

/** The capabilities of a server whose version did not tell, once its filter form is known. */
export function withProbedFilter(version: ServerVersion, timeFilter: TimeFilterForm): ServerCapabilities {
  return { version, support: 'undetermined', timeFilter };
}

/** A moment in a ListMemos filter, in the form this server compares times in. */
export function timeLiteral(capabilities: Pick<ServerCapabilities, 'timeFilter'>, seconds: number): string {
  const whole = Math.floor(seconds);
  return capabilities.timeFilter === 'timestamp' ? `timestamp(${whole})` : String(whole);
}

/** The CEL filter and orderBy of a listing, rendered for this server. */
export function renderListQuery(
  capabilities: Pick<ServerCapabilities, 'timeFilter'>,
  query: ListQuery,
): { filter: string; orderBy: string } {
  const owner = `creator == ${JSON.stringify(query.creator)}`;
  const field = query.order === 'create_time' ? 'created_ts' : 'updated_ts';
  const filter = query.time
    ? `${owner} && ${field} ${query.time.op} ${timeLiteral(capabilities, query.time.seconds)}`
    : owner;
  return { filter, orderBy: `${query.order} asc` };
}

/** One sentence for Settings: the server's version and what this app knows about it. */
export function describeSupport(capabilities: Pick<ServerCapabilities, 'version' | 'support'>): string {
  const version = formatVersion(capabilities.version);
  switch (capabilities.support) {
    case 'tested':
      return `Memos ${version}: ${TESTED_SENTENCE}.`;
    case 'tested-series':
      return `Memos ${version}: same release series as the versions this app was ${TESTED_SENTENCE}.`;
    case 'published':
      return `Memos ${version}: ${PUBLISHED_SENTENCE} (not tested against a real server).`;
    case 'newer':
      return `Memos ${version} is newer than this app knows (${TESTED_SENTENCE}; ${PUBLISHED_SENTENCE}): syncing is tried, and any error is shown here.`;
    case 'undetermined':
      return capabilities.version.kind === 'dev'
        ? `A development build of Memos (version "dev"): the app detected its API and syncs; it was ${TESTED_SENTENCE}.`
        : `This server did not report a Memos version this app recognizes (${version}): the app detected its API and syncs; it was ${TESTED_SENTENCE}.`;
  }
}
