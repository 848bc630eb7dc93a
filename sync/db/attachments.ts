/**
 * The local attachment store [F1–F5]: one row per attachment a memo lists, and its bytes
 * (original, thumbnail). Every function that writes runs inside its caller's transaction
 * over `attachments` and `attachmentBlobs` (plus the caller's own tables), so an attachment
 * is stored in the same transaction as the memo edit and outbox entry that list it [F1].
 * Invariants:
 *  - A row exists for every attachment a memo, a base or a Trash copy lists.
 *  - Bytes only here (`server: 'local'`) are never dropped while a memo lists them.
 *  - A row the memo no longer lists, and which the server may have, is kept `detached` until
 *    sync has made the server forget it; one the server never had goes at once.
 */
import {
  type AttachmentInfo,
  type AttachmentName,
  attachmentNameOf,
  DEFAULT_ATTACHMENT_LIMIT_BYTES,
  hasServerThumbnail,
  sanitizeFilename,
} from '../core/attachments';
import type { MemoName, MemoUid } from '../core/ids';
import type { AttachmentRow, MemosDatabase } from './schema';
import { RejectedInputError } from './storage-errors';

/** A file the user attaches (capture box, editor, share target, import). */
export interface NewAttachmentFile {
  filename: string;
  type: string;
  bytes: Blob;
  /** A small picture made on the device (images only; absent when it could not be made). */
  thumbnail?: Blob;
}

export class AttachmentRejectedError extends RejectedInputError {
  readonly reason: 'too-large';
  constructor(reason: 'too-large', message: string) {
    super(message);
    this.name = 'AttachmentRejectedError';
    this.reason = reason;
  }
}

function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
}

/** [F1] Refuses, before anything is written, a file the server would refuse for its size. */
export function checkAttachmentSize(file: NewAttachmentFile, limit = DEFAULT_ATTACHMENT_LIMIT_BYTES): void {
  if (file.bytes.size > limit) {
    throw new AttachmentRejectedError(
      'too-large',
      `“${file.filename}” is ${mebibytes(file.bytes.size)}; Memos accepts files up to ${mebibytes(limit)}.`,
    );
  }
}

/** Stores new files for `memo` (rows and bytes); returns their names in the order given. */
export async function storeNewAttachments(
  db: MemosDatabase,
  memo: MemoName,
  files: readonly NewAttachmentFile[],
  now: number,
  newUid: () => MemoUid,
  /** Names chosen before the transaction (one per file), if any. */
  chosen?: readonly AttachmentName[],
): Promise<AttachmentName[]> {
  const names: AttachmentName[] = [];
  for (const [index, file] of files.entries()) {
    const name = chosen?.[index] ?? attachmentNameOf(newUid());
    names.push(name);
    const type = file.type || file.bytes.type || 'application/octet-stream';
    await db.attachments.add({
      name,
      memo,
      filename: sanitizeFilename(file.filename),
      type,
      size: file.bytes.size,
      server: 'local',
      thumbnail: file.thumbnail ? 'here' : 'none',
      original: true,
      addedAt: now,
    });
    await db.attachmentBlobs.put({ name, kind: 'original', bytes: file.bytes });
    if (file.thumbnail) await db.attachmentBlobs.put({ name, kind: 'thumbnail', bytes: file.thumbnail });
  }
  return names;
}

async function dropRows(db: MemosDatabase, names: readonly AttachmentName[]): Promise<void> {
  if (names.length === 0) return;
  await db.attachments.bulkDelete([...names]);
  await db.attachmentBlobs
    .where('name')
    .anyOf([...names])
    .delete();
}

/**
 * [F4] The memo no longer lists these: a row only this device ever had goes now; one the
 * server may have stays, detached, until sync makes the server forget it.
 */
export async function detachAttachments(db: MemosDatabase, names: readonly AttachmentName[]): Promise<void> {
  const rows = (await db.attachments.bulkGet([...names])).filter((row) => row !== undefined);
  await dropRows(
    db,
    rows.filter((row) => row.server === 'local').map((row) => row.name),
  );
  for (const row of rows)
    if (row.server !== 'local') await db.attachments.update(row.name, { detached: true });
}

/** The server's view of a memo's attachments (pull, push answer): rows are created or refreshed. */
export async function recordServerAttachments(
  db: MemosDatabase,
  memo: MemoName,
  infos: readonly AttachmentInfo[],
  now: number,
): Promise<void> {
  for (const info of infos) {
    const row = await db.attachments.get(info.name);
    if (row) {
      // Listed by its memo there: no longer unlinked [F4].
      const { detached: _kept, unlinked: _linked, ...rest } = row;
      await db.attachments.put({
        ...rest,
        ...(row.detached ? { detached: true as const } : {}),
        memo,
        filename: info.filename,
        type: info.type,
        size: info.size,
        server: 'uploaded',
      });
    } else {
      await db.attachments.add({
        name: info.name,
        memo,
        filename: info.filename,
        type: info.type,
        size: info.size,
        server: 'uploaded',
        thumbnail: hasServerThumbnail(info.type) ? 'pending' : 'none',
        original: false,
        addedAt: now,
      });
    }
  }
}

/**
 * A clean memo took the server's set: attachments the server dropped from it (removed on
 * another device or in the web UI, so deleted there) are forgotten here too. One this
 * device sent that the memo never listed there (`unlinked`), or may have sent (`unsure`),
 * may still be on the server: it is detached, so sync deletes it there first [F4].
 */
export async function forgetDroppedAttachments(
  db: MemosDatabase,
  memo: MemoName,
  kept: readonly AttachmentName[],
): Promise<void> {
  const keep = new Set(kept);
  const rows = (await db.attachments.where('memo').equals(memo).toArray()).filter(
    (row) => !keep.has(row.name) && !row.detached,
  );
  const stray = (row: AttachmentRow) => row.server === 'unsure' || row.unlinked === true;
  await dropRows(
    db,
    rows.filter((row) => row.server === 'uploaded' && !stray(row)).map((r) => r.name),
  );
  for (const row of rows.filter(stray)) await db.attachments.update(row.name, { detached: true });
}

/** Everything of these memos' attachments goes (Delete forever, Trash expiry, a wipe). */
export async function deleteAttachmentsOf(db: MemosDatabase, memos: readonly MemoName[]): Promise<void> {
  if (memos.length === 0) return;
  const rows = await db.attachments
    .where('memo')
    .anyOf([...memos])
    .toArray();
  await dropRows(
    db,
    rows.map((row) => row.name),
  );
}

/** [R3] A memo restored from the Trash: its attachments may be gone from the server. */
export async function markRestoredAttachments(
  db: MemosDatabase,
  memo: MemoName,
  newMemo: MemoName,
): Promise<void> {
  const rows = await db.attachments.where('memo').equals(memo).toArray();
  for (const row of rows) {
    if (row.detached) continue;
    const next: AttachmentRow = {
      ...row,
      memo: newMemo,
      server: row.server === 'local' ? 'local' : 'unsure',
    };
    await db.attachments.put(next);
  }
}
