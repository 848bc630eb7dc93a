/**
 * The network as the sync engine sees it: one small interface over the Memos REST API
 * (0.29 and newer). Only http-client.ts implements it for real (and only it knows URLs,
 * headers, status codes and the differences between Memos versions, through the
 * capability object of capabilities.ts); tests also implement it with faults. Every failure
 * is classified once, at that boundary, into the closed union ApiFailure.
 */
import type { AttachmentInfo, AttachmentName } from '../core/attachments';
import type { MemoName } from '../core/ids';
import type { MemoFields, MemoState, Visibility } from '../core/memo';
import type { RemoteMemo } from '../core/remote';
import type { ServerCapabilities } from './capabilities';

export type ApiFailure =
  | { kind: 'offline'; message: string; timedOut?: boolean }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'forbidden'; message: string }
  | { kind: 'not-found'; message: string }
  | { kind: 'already-exists'; message: string }
  | { kind: 'invalid'; message: string }
  /**
   * FAILED_PRECONDITION (0.31: an attachment binding or a memo that changed under the
   * write): read the memo again and retry once; if it persists, it is about that memo.
   */
  | { kind: 'precondition'; message: string }
  /** 429 / RESOURCE_EXHAUSTED: wait `retryAfterMs` (from Retry-After), then try again. */
  | { kind: 'rate-limited'; message: string; retryAfterMs?: number }
  /** The resource is one this app does not mirror (a comment). */
  | { kind: 'not-mirrored'; message: string }
  | { kind: 'server'; message: string; status?: number }
  | { kind: 'unsupported-version'; message: string; version: string };

export type ApiFailureKind = ApiFailure['kind'];

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiFailure };

export const ok = <T>(value: T): ApiResult<T> => ({ ok: true, value });
export const fail = <T>(error: ApiFailure): ApiResult<T> => ({ ok: false, error });

export interface RemoteUser {
  /** `users/{username}` */
  name: string;
  username: string;
  displayName: string;
  role: string;
}

export interface InstanceProfile {
  /** As reported: "0.30.0", "26.10", "dev" for plain `go build`s; absent on broken servers. */
  version: unknown;
  needsSetup: boolean;
}

/** What one check of the server found (start of a connection and of every pass). */
export interface ServerInfo {
  capabilities: ServerCapabilities;
}

export interface UserStats {
  totalMemoCount: number;
  pinnedMemos: MemoName[];
}

/** Paths accepted in `updateMask` (snake_case, sent literally). */
export type UpdatePath = 'content' | 'visibility' | 'state' | 'pinned' | 'attachments' | 'update_time';

/**
 * One page of `creator`'s memos in one state, ascending by a time field, optionally from
 * (`>=`) or at (`==`) one second of it. The client renders the filter for its server.
 */
export interface ListQuery {
  creator: string;
  state: MemoState;
  order: 'create_time' | 'update_time';
  time?: { op: '>=' | '=='; seconds: number };
  pageSize: number;
  pageToken?: string;
}

export interface ListPage {
  memos: RemoteMemo[];
  nextPageToken: string;
  /** Response size in bytes, for the benchmark and the delta-sync budget. */
  bytes: number;
  /** The server's clock when it answered (its `Date` header), epoch ms; absent if unstated. */
  serverTime?: number;
}

export interface CreateMemoInput {
  content: string;
  visibility: Visibility;
  /** epoch ms; the server keeps whole seconds */
  createTime: number;
  /** Attachments (already on the server) the memo is created with. */
  attachments?: readonly AttachmentName[];
}

/** A file to upload as an attachment with a client-chosen id [F3]. */
export interface NewAttachmentUpload {
  filename: string;
  type: string;
  bytes: Blob;
}

export type FileVariant = 'original' | 'thumbnail';

export type ServerEvent =
  | { type: 'memo.created' | 'memo.updated' | 'memo.deleted'; name: MemoName }
  | { type: 'memo.comment.created' | 'reaction.upserted' | 'reaction.deleted'; name: MemoName }
  | { type: 'connected' };

export interface MemosApi {
  me(): Promise<ApiResult<RemoteUser>>;
  profile(): Promise<ApiResult<InstanceProfile>>;
  /**
   * Reads the profile and (re)derives the capabilities every later request is shaped by;
   * probes the server when its version does not tell. Refuses a server older than supported
   * ('unsupported-version'). Call it at the start of a connection and of every pass.
   */
  checkServer(): Promise<ApiResult<ServerInfo>>;
  stats(user: string): Promise<ApiResult<UserStats>>;
  list(query: ListQuery): Promise<ApiResult<ListPage>>;
  get(name: MemoName): Promise<ApiResult<RemoteMemo>>;
  create(memoId: string, input: CreateMemoInput): Promise<ApiResult<RemoteMemo>>;
  update(
    name: MemoName,
    patch: Partial<MemoFields>,
    mask: readonly UpdatePath[],
  ): Promise<ApiResult<RemoteMemo>>;
  remove(name: MemoName): Promise<ApiResult<void>>;
  /**
   * [F3] Creates an attachment (not yet linked to a memo) under a client-chosen id. Memos
   * answers a duplicate id with 500, not 409: after any failure but a 400, `getAttachment`
   * tells whether it landed.
   */
  createAttachment(uid: string, upload: NewAttachmentUpload): Promise<ApiResult<AttachmentInfo>>;
  getAttachment(name: AttachmentName): Promise<ApiResult<AttachmentInfo>>;
  deleteAttachment(name: AttachmentName): Promise<ApiResult<void>>;
  /** The bytes of an attachment (`thumbnail`: the server's small JPEG of an image). */
  downloadAttachment(info: AttachmentInfo, variant: FileVariant): Promise<ApiResult<Blob>>;
  /** Revokes one of the signed-in user's personal access tokens (`users/x/personalAccessTokens/y`). */
  revokeToken(name: string): Promise<ApiResult<void>>;
  /**
   * Server-sent events until `signal` aborts or the stream ends. Resolves with the
   * reason the stream ended; never throws.
   */
  events(
    onEvent: (event: ServerEvent) => void,
    signal: AbortSignal,
  ): Promise<ApiFailure | { kind: 'closed' }>;
}

export function describeFailure(failure: ApiFailure): string {
  switch (failure.kind) {
    case 'offline':
      return failure.timedOut ? 'the server did not answer in time' : 'server unreachable';
    case 'unauthorized':
      return 'the access token was refused (sign in again)';
    case 'forbidden':
      return 'the server refused access';
    case 'rate-limited':
      return failure.retryAfterMs === undefined
        ? 'the server asked to slow down; trying again soon'
        : `the server asked to slow down; trying again in ${Math.max(1, Math.round(failure.retryAfterMs / 1000))} s`;
    case 'unsupported-version':
    case 'not-found':
    case 'already-exists':
    case 'invalid':
    case 'precondition':
    case 'not-mirrored':
    case 'server':
      return failure.message;
  }
}
