/**
 * Applies a parsed import in ONE transaction (all or nothing), with its outbox entries.
 * Idempotent: a memo already present with the same fields is left alone, so importing the
 * same file twice creates no duplicates. Rules [B1–B3]:
 *  - A clean memo (no pending local changes) takes the file's fields when the file's
 *    `updateTime` is newer; otherwise the local copy is kept.
 *  - A memo with pending local changes is never overwritten [B2]: its scalars (visibility,
 *    pin, state) stay as this device set them, and the file's text is merged three ways
 *    into the local text (ancestor: the last server copy, or the text it was created with);
 *    text that cannot be merged becomes a visible conflict ("Imported version"), and a memo
 *    that already has an unresolved conflict is left alone and counted.
 *  - A zip export's attachments [B3] are added to their memo when it does not already have a
 *    file of the same name and size (so importing twice adds nothing). They get fresh ids:
 *    the exported ones may belong to another account of the same server.
 */

import { type AttachmentName, canonicalSet, sanitizeFilename } from '../core/attachments';
import type { ImportedMemo } from '../core/backup-format';
import type { MemoName, MemoUid } from '../core/ids';
import { fieldEquals, MEMO_FIELDS, type MemoField, type MemoFields } from '../core/memo';
import { mergeText } from '../core/text-merge';
import { type NewAttachmentFile, storeNewAttachments } from './attachments';
import type { ChangeFeed } from './change-feed';
import { applyPatch, buildLocalMemo } from './notebook';
import type { MemosDatabase } from './schema';
import { withStorageErrors } from './storage-errors';

export interface ImportSummary {
  added: number;
  updated: number;
  unchanged: number;
  keptLocal: number;
  /** Memos with unsynced edits whose text in the file could not be merged (see Conflicts). */
  conflicts: number;
}

/** The ancestor of a pending memo's text: the server copy last synced, or its creation text. */
async function pendingAncestor(db: MemosDatabase, name: MemoName): Promise<string | undefined> {
  const base = await db.bases.get(name);
  if (base) return base.content;
  const entries = await db.outbox.where('name').equals(name).toArray();
  return entries.find((e) => e.op === 'create' && e.created)?.created?.content;
}

export interface ImportFiles {
  /** The bytes of each attachment, by its path in the zip. */
  files: ReadonlyMap<string, Blob>;
  /** Thumbnails made on the device for the images among them, by the same path. */
  thumbnails?: ReadonlyMap<string, Blob>;
  newUid: () => MemoUid;
}

/** [B3] Stores the memo's imported attachments it lacks; returns the names added. */
async function importAttachments(
  db: MemosDatabase,
  name: MemoName,
  incoming: ImportedMemo,
  extra: ImportFiles | undefined,
  now: number,
): Promise<AttachmentName[]> {
  if (!extra || !incoming.attachments) return [];
  const have = new Set(
    (await db.attachments.where('memo').equals(name).toArray())
      .filter((row) => !row.detached)
      .map((row) => `${row.filename}\u0000${row.size}`),
  );
  const files: NewAttachmentFile[] = [];
  for (const attachment of incoming.attachments) {
    const bytes = extra.files.get(attachment.path);
    if (!bytes) continue;
    const key = `${sanitizeFilename(attachment.filename)}\u0000${bytes.size}`;
    if (have.has(key)) continue;
    have.add(key);
    const thumbnail = extra.thumbnails?.get(attachment.path);
    files.push({
      filename: attachment.filename,
      type: attachment.type,
      bytes,
      ...(thumbnail ? { thumbnail } : {}),
    });
  }
  return storeNewAttachments(db, name, files, now, extra.newUid);
}

export async function applyImport(
  db: MemosDatabase,
  feed: ChangeFeed,
  memos: readonly ImportedMemo[],
  now: number,
  extra?: ImportFiles,
): Promise<ImportSummary> {
  const summary: ImportSummary = { added: 0, updated: 0, unchanged: 0, keptLocal: 0, conflicts: 0 };
  const touched: MemoName[] = [];
  await withStorageErrors(() =>
    db.transaction(
      'rw',
      [db.memos, db.outbox, db.bases, db.conflicts, db.attachments, db.attachmentBlobs],
      async () => {
        const existing = await db.memos.bulkGet(memos.map((m) => m.name));
        const pending = new Set(
          (
            await db.outbox
              .where('name')
              .anyOf(memos.map((m) => m.name))
              .toArray()
          ).map((e) => e.name),
        );
        for (const [index, found] of memos.entries()) {
          const incoming = found;
          let current = existing[index];
          // A JSON export carries no attachments: an imported memo keeps the set it has here.
          const fields: MemoFields = {
            content: incoming.content,
            visibility: incoming.visibility,
            state: incoming.state,
            pinned: incoming.pinned,
            attachments: current?.attachments ?? [],
          };
          if (!current) {
            fields.attachments = canonicalSet(
              await importAttachments(db, incoming.name, incoming, extra, now),
            );
            await db.memos.add(buildLocalMemo(incoming.name, fields, incoming));
            await db.outbox.add({
              name: incoming.name,
              op: 'create',
              fields: [...MEMO_FIELDS],
              at: now,
              created: fields,
            });
            summary.added++;
            touched.push(incoming.name);
            continue;
          }
          // [B3] Files the memo lacks join its set (never removed by an import).
          const addedFiles = await importAttachments(db, incoming.name, incoming, extra, now);
          if (addedFiles.length > 0) {
            const { memo, changed } = applyPatch(
              current,
              { attachments: [...current.attachments, ...addedFiles] },
              now,
            );
            await db.memos.put(memo);
            if (!current.localOnly)
              await db.outbox.add({ name: incoming.name, op: 'update', fields: changed, at: now });
            touched.push(incoming.name);
            current = memo;
            fields.attachments = memo.attachments;
          }
          const differs: MemoField[] = MEMO_FIELDS.filter((f) => !fieldEquals(f, current, fields));
          if (differs.length === 0) {
            summary.unchanged++;
            continue;
          }
          if (!pending.has(incoming.name) && !current.localOnly) {
            if (incoming.updateTime > current.updateTime) {
              const { memo } = applyPatch(current, fields, incoming.updateTime);
              await db.memos.put(memo);
              await db.outbox.add({ name: incoming.name, op: 'update', fields: differs, at: now });
              summary.updated++;
              touched.push(incoming.name);
            } else {
              summary.keptLocal++;
            }
            continue;
          }
          // [B2] Unsynced work here: only the text may change, and only by a clean merge.
          if (current.content === incoming.content) {
            summary.keptLocal++;
            continue;
          }
          if (await db.conflicts.get(incoming.name)) {
            summary.conflicts++;
            continue;
          }
          const ancestor = await pendingAncestor(db, incoming.name);
          const merge =
            ancestor === undefined ? undefined : mergeText(current.content, ancestor, incoming.content);
          if (merge?.ok) {
            const { memo, changed } = applyPatch(current, { content: merge.text }, now);
            if (changed.length > 0) {
              await db.memos.put(memo);
              if (!current.localOnly)
                await db.outbox.add({ name: incoming.name, op: 'update', fields: changed, at: now });
              summary.updated++;
              touched.push(incoming.name);
            } else summary.keptLocal++;
            continue;
          }
          await db.conflicts.put({
            name: incoming.name,
            detectedAt: now,
            origin: 'import',
            localContent: current.content,
            baseContent: ancestor ?? '',
            remoteContent: incoming.content,
          });
          summary.conflicts++;
        }
      },
    ),
  );
  if (touched.length > 0) {
    feed.publish({ type: 'memos', names: touched });
    feed.publish({ type: 'outbox', origin: 'local' });
  }
  if (summary.conflicts > 0) feed.publish({ type: 'conflicts' });
  return summary;
}
