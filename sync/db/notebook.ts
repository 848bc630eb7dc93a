/**
 * Local edits to the notebook. Every change to `memos` writes its outbox entry in the
 * SAME Dexie transaction, so an edit and its record for sync commit or fail together
 * (nothing is queued in memory). Listeners are told only after the commit. A memo kept on
 * this device only (`localOnly`, restored from another account's Trash) gets no outbox
 * entries [A1]. Deleting moves the memo to the Trash in the same transaction [R1].
 * Content rules: never empty; at most `contentLimitBytes` UTF-8 bytes (the server's limit).
 */
import { type AttachmentName, attachmentNameOf, canonicalSet, mergeSets } from '../core/attachments';
import { deriveMemoData } from '../core/derive';
import { type MemoName, type MemoUid, memoNameOf, newMemoUid } from '../core/ids';
import { checkContent, DEFAULT_CONTENT_LIMIT_BYTES, describeTooLong } from '../core/limits';
import {
  fieldEquals,
  type LocalMemo,
  MEMO_FIELDS,
  type MemoField,
  type MemoFields,
  pickFields,
  type Visibility,
} from '../core/memo';
import { setTaskChecked } from '../core/tasks';
import { mergeText } from '../core/text-merge';
import {
  checkAttachmentSize,
  detachAttachments,
  type NewAttachmentFile,
  storeNewAttachments,
} from './attachments';
import type { ChangeFeed } from './change-feed';
import type { MemosDatabase } from './schema';
import { RejectedInputError, withStorageErrors } from './storage-errors';
import { trashMemos } from './trash';

export class ContentRejectedError extends RejectedInputError {
  readonly reason: 'empty' | 'too-long';
  constructor(reason: 'empty' | 'too-long', message: string) {
    super(message);
    this.name = 'ContentRejectedError';
    this.reason = reason;
  }
}

export interface NotebookDeps {
  db: MemosDatabase;
  feed: ChangeFeed;
  now: () => number;
  newUid?: () => MemoUid;
  contentLimitBytes?: () => number;
}

export interface NewMemoInput {
  content: string;
  visibility: Visibility;
  /** Files attached at capture [F1]. */
  files?: readonly NewAttachmentFile[];
}

/** An editor's attachment changes: the set it opened with, what it kept, what it adds. */
export interface AttachmentEdit {
  from: readonly AttachmentName[];
  keep: readonly AttachmentName[];
  add: readonly NewAttachmentFile[];
}

/**
 * What became of an editor's save (`saveEdit`):
 *  - saved: the memo now holds the edit; `merged` when it changed meanwhile (another device,
 *    another tab) and the two edits were merged line by line without overlap;
 *  - overlap: it changed meanwhile in the same places; nothing was written, `current` is
 *    the memo's text now (the editor keeps the user's text and lets them decide);
 *  - gone: the memo no longer exists here (deleted elsewhere); nothing was written.
 */
export type EditOutcome =
  | { kind: 'saved'; memo: LocalMemo; merged: boolean }
  | { kind: 'overlap'; current: string }
  | { kind: 'gone' };

export interface Notebook {
  /**
   * `shown` receives the memo as it will be stored, before the transaction commits, so a view
   * can show it at once (and must drop it if the returned promise rejects).
   */
  create(
    input: NewMemoInput,
    shown?: (memo: LocalMemo, files: readonly { name: AttachmentName; file: NewAttachmentFile }[]) => void,
  ): Promise<LocalMemo>;
  /** Field changes; `attachments` may only drop names (new files go through `attach`). */
  update(name: MemoName, patch: Partial<MemoFields>): Promise<LocalMemo | undefined>;
  /** Adds files to a memo [F1]. */
  attach(name: MemoName, files: readonly NewAttachmentFile[]): Promise<LocalMemo | undefined>;
  /**
   * An editor's save: `editedFrom` is the text the editor opened with. When the memo's text
   * changed since then, the edit is three-way merged into it instead of overwriting it; so is
   * the attachment set [F2].
   */
  saveEdit(
    name: MemoName,
    edit: { content: string; visibility: Visibility; attachments?: AttachmentEdit },
    editedFrom: string,
  ): Promise<EditOutcome>;
  setTask(name: MemoName, taskIndex: number, checked: boolean): Promise<LocalMemo | undefined>;
  remove(name: MemoName): Promise<void>;
  get(name: MemoName): Promise<LocalMemo | undefined>;
}

export function buildLocalMemo(
  name: MemoName,
  fields: MemoFields,
  times: { createTime: number; updateTime: number },
): LocalMemo {
  return {
    name,
    ...fields,
    ...deriveMemoData(fields.content),
    pinRank: fields.pinned ? 1 : 0,
    createTime: times.createTime,
    updateTime: times.updateTime,
  };
}

/** Applies `patch` to `memo`; returns the new memo and the fields that really changed. */
export function applyPatch(
  memo: LocalMemo,
  patch: Partial<MemoFields>,
  updateTime: number,
): { memo: LocalMemo; changed: MemoField[] } {
  const target: MemoFields = { ...pickFields(memo), ...patch };
  if (patch.attachments) target.attachments = canonicalSet(patch.attachments);
  const changed = MEMO_FIELDS.filter(
    (field) => patch[field] !== undefined && !fieldEquals(field, memo, target),
  );
  if (changed.length === 0) return { memo, changed };
  const next: LocalMemo = { ...memo, ...target, updateTime };
  if (changed.includes('content')) Object.assign(next, deriveMemoData(next.content));
  next.pinRank = next.pinned ? 1 : 0;
  // A new local version supersedes any earlier rejection; the push will tell us again.
  delete next.syncIssue;
  return { memo: next, changed };
}

export function createNotebook(deps: NotebookDeps): Notebook {
  const { db, feed, now } = deps;
  const newUid = deps.newUid ?? (() => newMemoUid());
  const limit = () => deps.contentLimitBytes?.() ?? DEFAULT_CONTENT_LIMIT_BYTES;

  /** Text is required unless the memo carries attachments (a photo alone is a memo). */
  function assertContent(content: string, hasAttachments = false): void {
    const check = checkContent(content, limit());
    if (check.ok) return;
    if (check.reason === 'empty') {
      if (hasAttachments) return;
      throw new ContentRejectedError('empty', 'A memo cannot be empty.');
    }
    throw new ContentRejectedError('too-long', describeTooLong(check.bytes, limit()));
  }

  const EDIT_TABLES = () => [db.memos, db.outbox, db.attachments, db.attachmentBlobs];

  /**
   * One edit of one memo in one transaction: `patchOf` reads the current memo (and may store
   * new attachment bytes); attachments the memo stops listing are detached [F4].
   */
  async function change(
    name: MemoName,
    patchOf: (current: LocalMemo, time: number) => Promise<Partial<MemoFields>> | Partial<MemoFields>,
  ): Promise<LocalMemo | undefined> {
    const time = now();
    let result: LocalMemo | undefined;
    let changed: MemoField[] = [];
    await withStorageErrors(() =>
      db.transaction('rw', EDIT_TABLES(), async () => {
        const current = await db.memos.get(name);
        if (!current) return;
        const patch = await patchOf(current, time);
        const applied = applyPatch(current, patch, time);
        result = applied.memo;
        changed = applied.changed;
        if (changed.length === 0) return;
        if (changed.includes('content') || changed.includes('attachments'))
          assertContent(applied.memo.content, applied.memo.attachments.length > 0);
        const kept = new Set(applied.memo.attachments);
        await detachAttachments(
          db,
          current.attachments.filter((a) => !kept.has(a)),
        );
        await db.memos.put(applied.memo);
        if (!current.localOnly) await db.outbox.add({ name, op: 'update', fields: changed, at: time });
      }),
    );
    if (changed.length > 0) {
      feed.publish({ type: 'memos', names: [name], ...(result ? { rows: [result] } : {}) });
      if (changed.includes('attachments') && result)
        feed.publish({ type: 'attachments', names: [...result.attachments] });
      feed.publish({ type: 'outbox', origin: 'local' });
    }
    return result;
  }

  async function update(name: MemoName, patch: Partial<MemoFields>): Promise<LocalMemo | undefined> {
    return change(name, (current) => {
      if (patch.attachments) {
        // Only names the memo lists may stay: new files come through `attach`.
        const listed = new Set(current.attachments);
        return { ...patch, attachments: patch.attachments.filter((a) => listed.has(a)) };
      }
      return patch;
    });
  }

  return {
    async create(input, shown) {
      const files = input.files ?? [];
      assertContent(input.content, files.length > 0);
      for (const file of files) checkAttachmentSize(file);
      const time = now();
      const name = memoNameOf(newUid());
      const chosen = files.map(() => attachmentNameOf(newUid()));
      const fields: MemoFields = {
        content: input.content,
        visibility: input.visibility,
        state: 'NORMAL',
        pinned: false,
        attachments: canonicalSet(chosen),
      };
      const memo = buildLocalMemo(name, fields, { createTime: time, updateTime: time });
      shown?.(
        memo,
        files.map((file, index) => ({ name: chosen[index] as AttachmentName, file })),
      );
      await withStorageErrors(() =>
        db.transaction('rw', [db.memos, db.outbox, db.attachments, db.attachmentBlobs], async () => {
          await storeNewAttachments(db, name, files, time, newUid, chosen);
          await db.memos.put(memo);
          await db.outbox.add({
            name,
            op: 'create',
            fields: [...MEMO_FIELDS],
            at: time,
            created: pickFields(memo),
          });
        }),
      );
      feed.publish({ type: 'memos', names: [name], rows: [memo] });
      if (chosen.length > 0) feed.publish({ type: 'attachments', names: chosen });
      feed.publish({ type: 'outbox', origin: 'local' });
      return memo;
    },
    async attach(name, files) {
      for (const file of files) checkAttachmentSize(file);
      return change(name, async (current, time) => {
        const added = await storeNewAttachments(db, name, files, time, newUid);
        return { attachments: [...current.attachments, ...added] };
      });
    },
    update,
    async saveEdit(name, edit, editedFrom) {
      const adding = edit.attachments?.add ?? [];
      for (const file of adding) checkAttachmentSize(file);
      const time = now();
      let outcome = { kind: 'gone' } as EditOutcome;
      let changed: MemoField[] = [];
      await withStorageErrors(() =>
        db.transaction('rw', EDIT_TABLES(), async () => {
          const current = await db.memos.get(name);
          if (!current) return;
          let content = edit.content;
          const moved = current.content !== editedFrom;
          if (moved) {
            const merge = mergeText(edit.content, editedFrom, current.content);
            if (!merge.ok) {
              outcome = { kind: 'overlap', current: current.content };
              return;
            }
            content = merge.text;
          }
          let attachments = current.attachments;
          if (edit.attachments) {
            const added = await storeNewAttachments(db, name, adding, time, newUid);
            // [F2] Attachments added or removed elsewhere since the editor opened stay so.
            attachments = mergeSets(
              [...edit.attachments.keep, ...added],
              edit.attachments.from,
              current.attachments,
            );
          }
          assertContent(content, attachments.length > 0);
          const applied = applyPatch(current, { content, visibility: edit.visibility, attachments }, time);
          outcome = { kind: 'saved', memo: applied.memo, merged: moved && content !== edit.content };
          changed = applied.changed;
          if (changed.length === 0) return;
          const kept = new Set(applied.memo.attachments);
          await detachAttachments(
            db,
            current.attachments.filter((a) => !kept.has(a)),
          );
          await db.memos.put(applied.memo);
          if (!current.localOnly) await db.outbox.add({ name, op: 'update', fields: changed, at: time });
        }),
      );
      if (changed.length > 0 && outcome.kind === 'saved') {
        feed.publish({ type: 'memos', names: [name], rows: [outcome.memo] });
        if (changed.includes('attachments'))
          feed.publish({ type: 'attachments', names: [...outcome.memo.attachments] });
        feed.publish({ type: 'outbox', origin: 'local' });
      }
      return outcome;
    },
    async setTask(name, taskIndex, checked) {
      const current = await db.memos.get(name);
      if (!current) return undefined;
      const content = setTaskChecked(current.content, taskIndex, checked);
      if (content === current.content) return current;
      return update(name, { content });
    },
    async remove(name) {
      const time = now();
      const removed = await withStorageErrors(() =>
        db.transaction('rw', [db.memos, db.outbox, db.conflicts, db.trash, db.meta], async () => {
          const existing = await db.memos.get(name);
          if (!existing) return undefined;
          if (!existing.localOnly) {
            await db.outbox.add({ name, op: 'delete', fields: [], at: time, deleted: pickFields(existing) });
          }
          await trashMemos(db, [existing], 'deleted-here', time);
          return existing;
        }),
      );
      if (!removed) return;
      feed.publish({ type: 'memos', names: [name], rows: [null] });
      if (!removed.localOnly) feed.publish({ type: 'outbox', origin: 'local' });
      feed.publish({ type: 'trash' });
      feed.publish({ type: 'conflicts' });
    },
    get: (name) => db.memos.get(name),
  };
}
