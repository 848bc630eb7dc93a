/**
 * The Memos releases the fake server can be, as the facts suite recorded them (0.29.1,
 * 0.30.0: test/integration/memos-api-facts-*.test.ts) and as 0.31's published API describes
 * it (dotcom `content/changelog/0-31-0*.mdx`, `openapi/0-31.yaml`). One profile is a flat
 * list of switches; the fake consults them where the releases differ, nowhere else.
 */

export type FakeProfileName = '0.29' | '0.30' | '0.31';

export interface FakeProfile {
  readonly name: FakeProfileName;
  /** What `/api/v1/instance/profile` reports. */
  readonly version: string;
  /** Filters compare `created_ts`/`updated_ts` with an int (≤0.29, `now()`) or a CEL timestamp (≥0.30, `now`). */
  readonly timeFilter: 'epoch-seconds' | 'timestamp';
  /**
   * 0.29: the gateway middleware never refuses anonymous callers, so public methods answer
   * as for anonymous even without --instance-url, and protected ones refuse in the service
   * (401 JSON `{"code":16,"message":"user not authenticated"}`).
   */
  readonly anonymousReadsOnPrivate: boolean;
  /** `needsSetup` in the profile (since 0.30). */
  readonly needsSetupField: boolean;
  /** ListMemos page size when none is asked for (0.29: 10; 0.30: 50). */
  readonly defaultPageSize: number;
  /** 0.31: unset message fields are omitted (0.30 sent `null`, e.g. profile.admin). */
  readonly omitsUnsetMessages: boolean;
  /** 0.31: the SPACE visibility and `Memo.space`. */
  readonly spaces: boolean;
  /** 0.31: a comment keeps its own visibility (default PRIVATE) and outlives its parent. */
  readonly independentComments: boolean;
  /** 0.31: UpdateMemo needs an explicit `updateMask` (no inference from the body). */
  readonly explicitUpdateMask: boolean;
  /**
   * 0.31: managed image links `![](/file/attachments/{uid}/…)` in content need the
   * attachment bound to the memo, else FAILED_PRECONDITION.
   */
  readonly managedAttachmentLinks: boolean;
  /** 0.31: a subscriber whose 32-event buffer is full is disconnected (0.30 dropped the event). */
  readonly sseDisconnectsSlowClients: boolean;
  /** 0.31: requests per user and window before 429 RESOURCE_EXHAUSTED (with Retry-After). */
  readonly rateLimit: { requests: number; windowSeconds: number } | undefined;
}

const V030: FakeProfile = {
  name: '0.30',
  version: '0.30.0',
  timeFilter: 'timestamp',
  anonymousReadsOnPrivate: false,
  needsSetupField: true,
  defaultPageSize: 50,
  omitsUnsetMessages: false,
  spaces: false,
  independentComments: false,
  explicitUpdateMask: false,
  managedAttachmentLinks: false,
  sseDisconnectsSlowClients: false,
  rateLimit: undefined,
};

export const FAKE_PROFILES: Record<FakeProfileName, FakeProfile> = {
  '0.29': {
    ...V030,
    name: '0.29',
    version: '0.29.1',
    timeFilter: 'epoch-seconds',
    anonymousReadsOnPrivate: true,
    needsSetupField: false,
    defaultPageSize: 10,
  },
  '0.30': V030,
  '0.31': {
    ...V030,
    name: '0.31',
    version: '0.31.0',
    omitsUnsetMessages: true,
    spaces: true,
    independentComments: true,
    explicitUpdateMask: true,
    managedAttachmentLinks: true,
    sseDisconnectsSlowClients: true,
    rateLimit: { requests: 120, windowSeconds: 60 },
  },
};
