/**
 * Attachments of the fake Memos server, with the v0.30 quirks a client must survive
 * (../shared/memos-0.31-and-attachments.md §2, checked against the real server in
 * test/integration/memos-api-facts-attachments.test.ts):
 *  - a client-chosen `attachmentId`; a duplicate answers 500 INTERNAL, not 409;
 *  - the file name must not contain `/` or `\` nor start or end with a space or dot (400);
 *  - over the upload limit (30 MiB by default) is 400 "file size exceeds the limit";
 *  - EXIF is stripped from JPEG/WebP/HEIC, so stored bytes and size differ;
 *  - setting a memo's attachments replaces the whole set and DELETES what it leaves out;
 *    an unknown name is 404; another user's attachment is 403;
 *  - deleting a memo deletes its attachments; deleting an attachment is own-only (else 404);
 *  - an unlinked attachment is readable only by its creator or an admin (others 403, anonymous
 *    401); a linked one as its memo is (PUBLIC to anyone, PRIVATE to its creator, else 403);
 *  - the file route serves the bytes; `?thumbnail=true` a "thumbnail" (here: the same bytes
 *    for PNG/JPEG/WebP/HEIC; the original for other types).
 */
import { isValidUid } from '../../sync/core/ids';
import { FakeRpcError, type FakeUser, rfc3339 } from './fake-memos-state';

export interface FakeAttachment {
  uid: string;
  creatorId: number;
  filename: string;
  type: string;
  bytes: Uint8Array;
  memoUid?: string;
  createdTs: number;
  /** Moves when the attachment is (re)linked to a memo, as Memos' `updated_ts` does. */
  updatedTs: number;
}

export const DEFAULT_FAKE_ATTACHMENT_LIMIT = 30 * 1024 * 1024;
const EXIF_TYPES = new Set([
  'image/jpeg',
  'image/jpg',
  'image/webp',
  'image/heic',
  'image/heif',
  'image/tiff',
]);
const THUMBNAIL_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/jpg',
  'image/webp',
  'image/heic',
  'image/heif',
]);

function validFilename(name: string): boolean {
  return name !== '' && !/[/\\]/.test(name) && !/^[ .]|[ .]$/.test(name);
}

/** What EXIF stripping does to the bytes, as far as a client can tell: they change. */
function stripExif(bytes: Uint8Array): Uint8Array {
  const marker = [0x45, 0x78, 0x69, 0x66]; // "Exif"
  for (let i = 0; i + 4 <= bytes.length; i++) {
    if (marker.every((b, j) => bytes[i + j] === b))
      return new Uint8Array([...bytes.subarray(0, i), ...bytes.subarray(i + 4)]);
  }
  return bytes;
}

function base64Bytes(content: unknown): Uint8Array {
  if (typeof content !== 'string') return new Uint8Array();
  try {
    const binary = atob(content);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    throw new FakeRpcError('INVALID_ARGUMENT', 'invalid base64 data');
  }
}

export class FakeAttachments {
  private readonly rows = new Map<string, FakeAttachment>();

  constructor(
    private readonly now: () => number,
    private readonly newUid: () => string,
    private readonly limitBytes: number,
  ) {}

  all(): FakeAttachment[] {
    return [...this.rows.values()].map((a) => ({ ...a }));
  }

  get(uid: string): FakeAttachment | undefined {
    const row = this.rows.get(uid);
    return row ? { ...row } : undefined;
  }

  ofMemo(memoUid: string): FakeAttachment[] {
    return [...this.rows.values()].filter((a) => a.memoUid === memoUid).map((a) => ({ ...a }));
  }

  create(user: FakeUser, attachmentId: string | undefined, body: Record<string, unknown>): FakeAttachment {
    const filename = typeof body.filename === 'string' ? body.filename : '';
    if (filename === '') throw new FakeRpcError('INVALID_ARGUMENT', 'filename is required');
    if (!validFilename(filename))
      throw new FakeRpcError('INVALID_ARGUMENT', 'filename contains invalid characters or format');
    const uid = (attachmentId ?? '').trim() || this.newUid();
    if (!isValidUid(uid)) throw new FakeRpcError('INVALID_ARGUMENT', 'invalid attachment id');
    let bytes = base64Bytes(body.content);
    if (bytes.length > this.limitBytes)
      throw new FakeRpcError('INVALID_ARGUMENT', 'file size exceeds the limit');
    const type = typeof body.type === 'string' && body.type !== '' ? body.type : 'application/octet-stream';
    // [quirk] the duplicate check is the database's UNIQUE constraint: 500, not 409.
    if (this.rows.has(uid))
      throw new FakeRpcError(
        'INTERNAL',
        'failed to create attachment: UNIQUE constraint failed: attachment.uid',
      );
    if (EXIF_TYPES.has(type)) bytes = stripExif(bytes);
    const now = this.now();
    const row: FakeAttachment = {
      uid,
      creatorId: user.id,
      filename,
      type,
      bytes,
      createdTs: now,
      updatedTs: now,
    };
    this.rows.set(uid, row);
    return { ...row };
  }

  /** GetAttachment's access check (see the header); `memoReadable` decides for a linked one. */
  read(
    viewer: FakeUser | undefined,
    uid: string,
    memoReadable: (memoUid: string) => boolean,
  ): FakeAttachment {
    const row = this.rows.get(uid);
    if (!row) throw new FakeRpcError('NOT_FOUND', 'attachment not found');
    if (row.memoUid !== undefined) {
      if (memoReadable(row.memoUid)) return { ...row };
      if (!viewer) throw new FakeRpcError('UNAUTHENTICATED', 'user not authenticated');
      throw new FakeRpcError('PERMISSION_DENIED', 'permission denied');
    }
    if (!viewer) throw new FakeRpcError('UNAUTHENTICATED', 'user not authenticated');
    if (row.creatorId !== viewer.id && viewer.role !== 'ADMIN')
      throw new FakeRpcError('PERMISSION_DENIED', 'permission denied');
    return { ...row };
  }

  remove(user: FakeUser, uid: string): void {
    const row = this.rows.get(uid);
    if (!row || row.creatorId !== user.id) throw new FakeRpcError('NOT_FOUND', 'attachment not found');
    this.rows.delete(uid);
  }

  /** [quirk] The whole set: attachments left out are deleted, not just unlinked. */
  setForMemo(user: FakeUser, memoUid: string, names: readonly string[]): void {
    const wanted: FakeAttachment[] = [];
    for (const name of names) {
      const uid = name.replace(/^attachments\//, '');
      const row = this.rows.get(uid);
      if (!row) throw new FakeRpcError('NOT_FOUND', `attachment not found: ${uid}`);
      if (row.creatorId !== user.id && user.role !== 'ADMIN')
        throw new FakeRpcError('PERMISSION_DENIED', 'cannot attach another user’s attachment');
      wanted.push(row);
    }
    const keep = new Set(wanted.map((a) => a.uid));
    for (const row of [...this.rows.values()]) {
      if (row.memoUid === memoUid && !keep.has(row.uid)) this.rows.delete(row.uid);
    }
    for (const row of wanted) {
      row.memoUid = memoUid; // [quirk v0.30] re-binds without a check
      row.updatedTs = this.now();
    }
  }

  /**
   * ListAttachments: the caller's own attachments, most recently updated first (Memos orders
   * by `updated_ts DESC` only, so ties come in no defined order; here newest row first), in
   * pages of `pageSize` (≤ 0: 50, at most 1000). The page token is a plain decimal offset;
   * a next token is given whenever a page is full, even if nothing follows.
   */
  list(
    user: FakeUser,
    pageSize: number,
    pageToken: string,
    filter: string,
  ): { rows: FakeAttachment[]; next: string } {
    if (filter !== '')
      throw new FakeRpcError('INVALID_ARGUMENT', 'invalid filter: (fake server) filters are not supported');
    let offset = 0;
    if (pageToken !== '') {
      if (!/^\d+/.test(pageToken)) throw new FakeRpcError('INVALID_ARGUMENT', 'invalid page token');
      offset = Number.parseInt(pageToken, 10);
    }
    const limit = pageSize <= 0 ? 50 : Math.min(pageSize, 1000);
    const own = [...this.rows.values()].filter((a) => a.creatorId === user.id).reverse();
    const sorted = own.sort((a, b) => b.updatedTs - a.updatedTs);
    const rows = sorted.slice(offset, offset + limit).map((a) => ({ ...a }));
    return { rows, next: rows.length === limit ? String(offset + limit) : '' };
  }

  deleteForMemo(memoUid: string): void {
    for (const row of [...this.rows.values()]) if (row.memoUid === memoUid) this.rows.delete(row.uid);
  }

  file(row: FakeAttachment, thumbnail: boolean): Response {
    const type = thumbnail && THUMBNAIL_TYPES.has(row.type) ? 'image/jpeg' : row.type;
    return new Response(new Blob([row.bytes.slice().buffer]), {
      status: 200,
      headers: { 'Content-Type': type, 'Cache-Control': 'public, max-age=3600' },
    });
  }
}

export function attachmentJson(row: FakeAttachment): Record<string, unknown> {
  return {
    name: `attachments/${row.uid}`,
    createTime: rfc3339(row.createdTs),
    filename: row.filename,
    content: '',
    externalLink: '',
    type: row.type,
    size: String(row.bytes.length),
    ...(row.memoUid !== undefined ? { memo: `memos/${row.memoUid}` } : {}),
    motionMedia: null,
  };
}
