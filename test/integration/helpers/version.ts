/**
 * The Memos release the integration tests run against (MEMOS_VERSION, default v0.30.0), as
 * the client sees it: its capability object, and a moment written the way its filters take
 * one (`updated_ts >= 1700000000` on 0.29, `timestamp(1700000000)` since 0.30), for tests
 * that check the requests the client sent.
 */
import { deriveCapabilities, type ServerCapabilities, timeLiteral } from '../../../sync/api/capabilities';
import { parseServerVersion } from '../../../sync/api/server-version';
import { memosVersionUnderTest } from '../../helpers/memos-binary';

export function capabilitiesUnderTest(): ServerCapabilities {
  const derived = deriveCapabilities(parseServerVersion(memosVersionUnderTest()));
  if (derived.kind !== 'known')
    throw new Error(`Memos ${memosVersionUnderTest()} is not a supported release`);
  return derived.capabilities;
}

/** `seconds` as this release's filters compare times. */
export function filterTime(seconds: number): string {
  return timeLiteral(capabilitiesUnderTest(), seconds);
}
