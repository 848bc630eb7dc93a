/**
 * The local model of a memo, mirroring the Memos v0.30 `Memo` resource (memos-api.md §2)
 * so that a local memo and its server copy are the same shape. Times are epoch
 * milliseconds locally (the server has whole seconds). `tags`, `snippet` and `property`
 * are derived from `content` (see derive.ts) and are never edited directly. `attachments`
 * is a set (kept sorted) of attachment names; the attachments themselves (file name,
 * type, bytes) live in their own tables (db/attachments.ts).
 */
import { type AttachmentName, sameSet } from './attachments';
import type { MemoName } from './ids';

/** The audiences a user can choose in this app. */
export const VISIBILITIES = ['PRIVATE', 'PROTECTED', 'PUBLIC'] as const;
/**
 * Memos 0.31's `SPACE`: readable by the members of the memo's Space. Only the server sets
 * it (this app knows no Spaces); a memo that has it keeps it until the user picks another.
 */
export const SPACE_VISIBILITY = 'SPACE';
export type Visibility = (typeof VISIBILITIES)[number] | typeof SPACE_VISIBILITY;

export const MEMO_STATES = ['NORMAL', 'ARCHIVED'] as const;
export type MemoState = (typeof MEMO_STATES)[number];

/** The user-editable fields; exactly these move between devices through sync. */
export interface MemoFields {
  content: string;
  visibility: Visibility;
  state: MemoState;
  pinned: boolean;
  /** Sorted set of attachment names [F2]. */
  attachments: readonly AttachmentName[];
}
export type MemoField = keyof MemoFields;
export const MEMO_FIELDS: readonly MemoField[] = ['content', 'visibility', 'state', 'pinned', 'attachments'];

/** Field equality (the attachment set compares as a set). */
export function fieldEquals(field: MemoField, a: MemoFields, b: MemoFields): boolean {
  return field === 'attachments' ? sameSet(a.attachments, b.attachments) : a[field] === b[field];
}

export interface MemoProperty {
  hasLink: boolean;
  hasTaskList: boolean;
  hasCode: boolean;
  hasIncompleteTasks: boolean;
  title: string;
}

export interface DerivedMemoData {
  tags: string[];
  snippet: string;
  property: MemoProperty;
}

/** A problem the server reported for this memo that the user must see (e.g. 400 content too long). */
export interface MemoSyncIssue {
  message: string;
  at: number;
  /**
   * The server may accept it later with no change here (0.31's FAILED_PRECONDITION): sync
   * tries again every pass instead of waiting for the user's next edit [U3].
   */
  retry?: true;
}

export interface LocalMemo extends MemoFields, DerivedMemoData {
  name: MemoName;
  /** epoch ms */
  createTime: number;
  /** epoch ms: the local edit time, or the server's updateTime once synced */
  updateTime: number;
  /** 1 when pinned: IndexedDB cannot index booleans, and the timeline sorts pinned first */
  pinRank: 0 | 1;
  /** `users/{username}` once the server has told us; absent for never-synced memos */
  creator?: string;
  syncIssue?: MemoSyncIssue;
  /**
   * Restored from the Trash of another account than the one this notebook syncs with: kept
   * on this device only. It never enters the outbox, so it never reaches this account
   * unless the user chooses to upload the notebook there [A1].
   */
  localOnly?: true;
}

export function isVisibility(value: unknown): value is Visibility {
  return (
    typeof value === 'string' &&
    (value === SPACE_VISIBILITY || (VISIBILITIES as readonly string[]).includes(value))
  );
}

export function isMemoState(value: unknown): value is MemoState {
  return typeof value === 'string' && (MEMO_STATES as readonly string[]).includes(value);
}

export function pickFields(memo: MemoFields): MemoFields {
  return {
    content: memo.content,
    visibility: memo.visibility,
    state: memo.state,
    pinned: memo.pinned,
    attachments: [...(memo.attachments ?? [])],
  };
}

/** Timeline order: pinned first, then newest created first, then name for a total order. */
export function compareTimeline(a: LocalMemo, b: LocalMemo): number {
  if (a.pinRank !== b.pinRank) return b.pinRank - a.pinRank;
  if (a.createTime !== b.createTime) return b.createTime - a.createTime;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
