/**
 * What a Memos server says about its version (`GET /api/v1/instance/profile` → `version`),
 * read without trusting it. Release builds report `0.30.0` (no "v"; `v0.31.0` is accepted
 * too) or a pre-release such as `0.31.0-rc.1`; since 26.10 Memos is named by year and month
 * (`26.10`, `26.10.1`); builds made with plain `go build` report `dev`. Anything else, or no
 * version at all, is `unrecognized` / `missing`: never an exception.
 *
 * Invariant: `compareVersions` orders releases by (major, minor, patch), a pre-release
 * before its release; calendar versions (major ≥ 20) sort after every 0.x release.
 */

export type ServerVersion =
  | {
      kind: 'release';
      /** As the server wrote it. */
      raw: string;
      major: number;
      minor: number;
      patch: number;
      /** `rc.1` for `0.31.0-rc.1`; '' for a release. */
      prerelease: string;
    }
  | { kind: 'dev'; raw: string }
  | { kind: 'missing' }
  | { kind: 'unrecognized'; raw: string };

export type ReleaseVersion = Extract<ServerVersion, { kind: 'release' }>;

const RELEASE = /^v?(\d{1,4})\.(\d{1,4})(?:\.(\d{1,4}))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Reads the profile's `version` field (any JSON value). */
export function parseServerVersion(value: unknown): ServerVersion {
  if (value === undefined || value === null) return { kind: 'missing' };
  if (typeof value !== 'string') return { kind: 'unrecognized', raw: JSON.stringify(value) ?? String(value) };
  const raw = value.trim();
  if (raw === '') return { kind: 'missing' };
  if (raw.toLowerCase() === 'dev') return { kind: 'dev', raw };
  const match = RELEASE.exec(raw);
  if (!match) return { kind: 'unrecognized', raw: raw.slice(0, 60) };
  return {
    kind: 'release',
    raw,
    major: Number(match[1]),
    minor: Number(match[2]),
    patch: Number(match[3] ?? 0),
    prerelease: match[4] ?? '',
  };
}

/** A release version from a literal such as "0.29.1" (for constants and tests). */
export function releaseVersion(text: string): ReleaseVersion {
  const parsed = parseServerVersion(text);
  if (parsed.kind !== 'release') throw new Error(`not a release version: ${text}`);
  return parsed;
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareVersions(a: ReleaseVersion, b: ReleaseVersion): number {
  if (a.major !== b.major) return a.major - b.major;
  if (a.minor !== b.minor) return a.minor - b.minor;
  if (a.patch !== b.patch) return a.patch - b.patch;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

/** The same major.minor series (0.29.0 and 0.29.1; 26.10 and 26.10.2). */
export function sameSeries(a: ReleaseVersion, b: ReleaseVersion): boolean {
  return a.major === b.major && a.minor === b.minor;
}

/** How the version reads to a person: "0.30.0", "26.10", "0.31.0-rc.1", "dev". */
export function formatVersion(version: ServerVersion): string {
  switch (version.kind) {
    case 'release': {
      const base =
        version.patch === 0 && version.major >= 20
          ? `${version.major}.${version.minor}`
          : `${version.major}.${version.minor}.${version.patch}`;
      return version.prerelease ? `${base}-${version.prerelease}` : base;
    }
    case 'dev':
      return 'dev';
    case 'missing':
      return 'unknown';
    case 'unrecognized':
      return version.raw;
  }
}
