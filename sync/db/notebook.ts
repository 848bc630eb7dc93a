/**
 * Local edits to the notebook. Every change to `memos` writes its outbox entry in the
 * SAME Dexie transaction, so an edit and its record for sync commit or fail together
 * (nothing is queued in memory). Listeners are told only after the commit. A memo kept on
 * this device only (`localOnly`, restored from another account's Trash) gets no outbox
 * entries [A1]. Deleting moves the memo to the Trash in the same transaction [R1].
 * Content rules: never empty; at most `contentLimitBytes` UTF-8 bytes (the server's limit).
 */
import { deriveMemoData } from '../core/derive';
import { type MemoName, type MemoUid, memoNameOf, newMemoUid } from '../core/ids';
import { checkContent, DEFAULT_CONTENT_LIMIT_BYTES, describeTooLong } from '../core/limits';
import {
  type LocalMemo,
  MEMO_FIELDS,
  type MemoField,
  type MemoFields,
  pickFields,
  type Visibility,
} from '../core/memo';
import { setTaskChecked } from '../core/tasks';
import { mergeText } from '../core/text-merge';
import type { ChangeFeed } from './change-feed';
import type { MemosDatabase } from './schema';
import { withStorageErrors } from './storage-errors';
import { trashMemos } from './trash';

export class ContentRejectedError extends Error {
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
  create(input: NewMemoInput): Promise<LocalMemo>;
  update(name: MemoName, patch: Partial<MemoFields>): Promise<LocalMemo | undefined>;
  /**
   * An editor's save: `editedFrom` is the text the editor opened with. When the memo's text
   * changed since then, the edit is three-way merged into it instead of overwriting it.
   */
  saveEdit(
    name: MemoName,
    edit: { content: string; visibility: Visibility },
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
  const changed = MEMO_FIELDS.filter((field) => patch[field] !== undefined && patch[field] !== memo[field]);
  if (changed.length === 0) return { memo, changed };
  const next: LocalMemo = { ...memo, ...patch, updateTime };
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

  function assertContent(content: string): void {
    const check = checkContent(content, limit());
    if (check.ok) return;
    if (check.reason === 'empty') throw new ContentRejectedError('empty', 'A memo cannot be empty.');
    throw new ContentRejectedError('too-long', describeTooLong(check.bytes, limit()));
  }

  async function update(name: MemoName, patch: Partial<MemoFields>): Promise<LocalMemo | undefined> {
    if (patch.content !== undefined) assertContent(patch.content);
    const time = now();
    let result: LocalMemo | undefined;
    let changed: MemoField[] = [];
    await withStorageErrors(() =>
      db.transaction('rw', db.memos, db.outbox, async () => {
        const current = await db.memos.get(name);
        if (!current) return;
        const applied = applyPatch(current, patch, time);
        result = applied.memo;
        changed = applied.changed;
        if (changed.length === 0) return;
        await db.memos.put(applied.memo);
        if (!current.localOnly) await db.outbox.add({ name, op: 'update', fields: changed, at: time });
      }),
    );
    if (changed.length > 0) {
      feed.publish({ type: 'memos', names: [name], ...(result ? { rows: [result] } : {}) });
      feed.publish({ type: 'outbox', origin: 'local' });
    }
    return result;
  }

  return {
    async create(input) {
      assertContent(input.content);
      const time = now();
      const name = memoNameOf(newUid());
      const memo = buildLocalMemo(
        name,
        { content: input.content, visibility: input.visibility, state: 'NORMAL', pinned: false },
        { createTime: time, updateTime: time },
      );
      await withStorageErrors(() =>
        db.transaction('rw', db.memos, db.outbox, async () => {
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
      feed.publish({ type: 'outbox', origin: 'local' });
      return memo;
    },
    update,
    async saveEdit(name, edit, editedFrom) {
      assertContent(edit.content);
      const time = now();
      let outcome = { kind: 'gone' } as EditOutcome;
      let changed: MemoField[] = [];
      await withStorageErrors(() =>
        db.transaction('rw', db.memos, db.outbox, async () => {
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
            assertContent(content);
          }
          const applied = applyPatch(current, { content, visibility: edit.visibility }, time);
          outcome = { kind: 'saved', memo: applied.memo, merged: moved && content !== edit.content };
          changed = applied.changed;
          if (changed.length === 0) return;
          await db.memos.put(applied.memo);
          if (!current.localOnly) await db.outbox.add({ name, op: 'update', fields: changed, at: time });
        }),
      );
      if (changed.length > 0 && outcome.kind === 'saved') {
        feed.publish({ type: 'memos', names: [name], rows: [outcome.memo] });
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
