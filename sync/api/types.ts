/**
 * The network as the sync engine sees it: one small interface over the Memos v0.30 REST
 * API. Only http-client.ts implements it for real (and only it knows URLs, headers and
 * status codes); tests also implement it with faults. Every failure is classified once,
 * at that boundary, into the closed union ApiFailure.
 */
import type { AttachmentInfo, AttachmentName } from '../core/attachments';
import type { MemoName } from '../core/ids';
import type { MemoFields, MemoState, Visibility } from '../core/memo';
import type { RemoteMemo } from '../core/remote';

export type ApiFailure =
  | { kind: 'offline'; message: string; timedOut?: boolean }
  | { kind: 'unauthorized'; message: string }
  | { kind: 'forbidden'; message: string }
  | { kind: 'not-found'; message: string }
  | { kind: 'already-exists'; message: string }
  | { kind: 'invalid'; message: string }
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
  /** "0.30.0", or "dev" for builds made with `go install` */
  version: string;
  needsSetup: boolean;
}

export interface UserStats {
  totalMemoCount: number;
  pinnedMemos: MemoName[];
}

/** Paths accepted in `updateMask` (snake_case, sent literally). */
export type UpdatePath = 'content' | 'visibility' | 'state' | 'pinned' | 'attachments' | 'update_time';

export interface ListQuery {
  /** A CEL filter (v0.30 syntax). */
  filter: string;
  state: MemoState;
  orderBy: string;
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
    case 'unsupported-version':
      return failure.message;
    default:
      return failure.message;
  }
}
