/**
 * The pure heart of sync: given one memo's local row, its pending local changes, its base
 * (the server state we last synced) and its remote state, decide what to do. No I/O, no
 * clock, no Dexie. Rule IDs refer to sync/SPEC.md; tests are named after them.
 */

import { mergeSets } from './attachments';
import type { MemoName } from './ids';
import {
  fieldEquals,
  type LocalMemo,
  MEMO_FIELDS,
  type MemoField,
  type MemoFields,
  pickFields,
} from './memo';
import { changedFields, type RemoteMemo, sameFields, sameServerState } from './remote';
import { mergeText } from './text-merge';

/** What the outbox holds for one memo, coalesced. */
export interface PendingSummary {
  /** The first pending op is a create (the memo may not exist remotely yet). */
  created: boolean;
  /** The last pending op is a delete (the local row is gone). */
  deleted: boolean;
  /** Highest outbox seq covered by this summary; entries above it arrived later. */
  maxSeq: number;
  /** When `deleted`: the fields of the copy the user deleted, if recorded. */
  deletedFields?: MemoFields;
  /** When `created`: the fields the memo was created with, if recorded. */
  createdFields?: MemoFields;
}

export type RemoteState = { present: true; memo: RemoteMemo } | { present: false };

/** A memo with pending local changes, as the push sees it. */
export interface PlanInput {
  name: MemoName;
  local: LocalMemo | undefined;
  pending: PendingSummary;
  base: RemoteMemo | undefined;
  remote: RemoteState;
}

/** Something the user must be told about. */
export type SyncNotice =
  | { kind: 'recreated-after-remote-delete'; name: MemoName }
  | { kind: 'restored-after-remote-edit'; name: MemoName }
  | { kind: 'conflict'; name: MemoName }
  /** [R1] The server no longer has these memos: they were moved to the Trash here. */
  | { kind: 'moved-to-trash'; names: MemoName[] }
  /** [F3] These attachments' files exist nowhere any more (never uploaded, gone here). */
  | { kind: 'attachments-missing'; name: MemoName; filenames: string[] };

export interface ConflictDraft {
  /** Content this device wanted; the server keeps its own until the user decides. */
  localContent: string;
  baseContent: string;
  remoteContent: string;
}

/**
 * [M5] A memo keeps one conflict record. When a new conflict arrives while an earlier one
 * is unresolved, the earlier local version must not be lost: it is appended below the new
 * local version (that earlier edit clashed with the server's text, which the new local
 * version is built on, so merging them would clash again). The user then decides.
 */
export function carryConflict(previous: ConflictDraft | undefined, next: ConflictDraft): ConflictDraft {
  if (!previous || next.localContent.includes(previous.localContent)) return next;
  return { ...next, localContent: `${next.localContent}\n\n${previous.localContent}` };
}

/**
 * [O3] A push landed while newer local edits were waiting: re-apply those edits (planned →
 * current) on top of what the server now has, field by field, so the next push sends only
 * them and never reverts what the push merged in. A newer content edit that does not merge
 * with the server's text becomes a conflict; the memo then shows the server's text [M4].
 */
export function rebaseLocal(
  current: MemoFields,
  planned: MemoFields,
  server: MemoFields,
): { fields: MemoFields; conflict?: ConflictDraft } {
  const fields: MemoFields = pickFields(server);
  let conflict: ConflictDraft | undefined;
  for (const field of MEMO_FIELDS) {
    if (fieldEquals(field, current, planned) || fieldEquals(field, current, server)) continue;
    if (field === 'attachments') {
      fields.attachments = mergeSets(current.attachments, planned.attachments, server.attachments);
      continue;
    }
    if (field !== 'content') {
      Object.assign(fields, { [field]: current[field] });
      continue;
    }
    const outcome = mergeText(current.content, planned.content, server.content);
    if (outcome.ok) fields.content = outcome.text;
    else
      conflict = {
        localContent: current.content,
        baseContent: planned.content,
        remoteContent: server.content,
      };
  }
  return conflict ? { fields, conflict } : { fields };
}

export type MemoPlan =
  /** [D3] Take the server's memo over a local delete: local := remote, base := remote. */
  | { kind: 'apply-remote'; remote: RemoteMemo; notice?: SyncNotice }
  /** [C1] POST with memoId = uid; then [C2] PATCH pinned/state when needed. */
  | { kind: 'push-create'; fields: MemoFields; createTime: number; notice?: SyncNotice }
  /**
   * [U1] PATCH the server to `merged` (only `mask` fields), keeping `conflict` locally when
   * the content could not be merged. An empty mask only adopts the remote as the new base.
   */
  | {
      kind: 'push-update';
      remote: RemoteMemo;
      /** The local fields this plan was made from (the ancestor of any newer local edit). */
      planned: MemoFields;
      merged: MemoFields;
      mask: MemoField[];
      conflict?: ConflictDraft;
    }
  /** [D2] DELETE on the server (404 counts as done). */
  | { kind: 'push-delete' };

/** [M1–M3] Field-wise three-way merge; content by text merge, scalars: a one-sided change wins, else local. */
export function mergeFields(
  local: MemoFields,
  base: MemoFields,
  remote: MemoFields,
): { merged: MemoFields; conflict?: ConflictDraft } {
  const merged: MemoFields = pickFields(remote);
  let conflict: ConflictDraft | undefined;
  for (const field of MEMO_FIELDS) {
    const localChanged = !fieldEquals(field, local, base);
    const remoteChanged = !fieldEquals(field, remote, base);
    if (!localChanged || fieldEquals(field, local, remote)) continue;
    if (!remoteChanged) {
      Object.assign(merged, { [field]: local[field] });
      continue;
    }
    if (field === 'attachments') {
      // [F2] Added on either side stays, removed on either side goes; never a conflict.
      merged.attachments = mergeSets(local.attachments, base.attachments, remote.attachments);
    } else if (field === 'content') {
      const outcome = mergeText(local.content, base.content, remote.content);
      if (outcome.ok) merged.content = outcome.text;
      else
        conflict = { localContent: local.content, baseContent: base.content, remoteContent: remote.content };
    } else {
      // [M3] Both sides set a scalar differently: the later, local intent wins.
      Object.assign(merged, { [field]: local[field] });
    }
  }
  return conflict ? { merged, conflict } : { merged };
}

/** What a pull does with the server's copy of a memo that has no pending local changes. */
export type CleanPlan = { kind: 'noop' } | { kind: 'apply-remote'; remote: RemoteMemo };

/** [P1] A clean memo follows the server (unless it already equals it). */
export function planClean(
  local: LocalMemo | undefined,
  base: RemoteMemo | undefined,
  remote: RemoteMemo,
): CleanPlan {
  if (local && base && sameServerState(base, remote) && sameFields(local, remote)) return { kind: 'noop' };
  return { kind: 'apply-remote', remote };
}

/**
 * The push's plan for one memo with pending local changes. (Deletions caused by the server
 * are decided by the pull planner, pull-plan.ts, never here.)
 */
export function planMemo(input: PlanInput): MemoPlan {
  const { local, pending, base, remote } = input;

  if (pending.deleted || !local) {
    // [D4] A GET's 404 is not proof (Memos answers 404 to an anonymous read of an archived
    // memo, e.g. a token revoked mid-pass): the DELETE settles it, 404 = gone, 401 = stop.
    if (!remote.present) return { kind: 'push-delete' };
    // [D3] Deleted here, but edited on the server since we last saw it: restore with the edit.
    // Without a base (the create landed but its answer was lost) the deleted copy is what we
    // saw; with neither, the server's copy may hold edits never seen here: keep it.
    const seen = base ?? pending.deletedFields;
    if (!seen || !sameFields(seen, remote.memo)) {
      return {
        kind: 'apply-remote',
        remote: remote.memo,
        notice: { kind: 'restored-after-remote-edit', name: input.name },
      };
    }
    return { kind: 'push-delete' }; // [D2]
  }

  if (!remote.present) {
    // [C1] Never on the server yet, or [C3] deleted on the server while edited here: (re-)create it.
    const notice: SyncNotice | undefined =
      base && !pending.created ? { kind: 'recreated-after-remote-delete', name: input.name } : undefined;
    return {
      kind: 'push-create',
      fields: pickFields(local),
      createTime: local.createTime,
      ...(notice ? { notice } : {}),
    };
  }

  // [U2] With no base (a create whose response was lost, or an import of a server memo),
  // the fields it was created with are the ancestor when recorded; otherwise the remote copy
  // is, when its content equals ours; otherwise the content conflicts. [F2] Without a
  // recorded ancestor no attachment is known to both sides: what either side has stays.
  const ancestor: MemoFields = base ??
    (pending.created ? pending.createdFields : undefined) ?? {
      ...pickFields(remote.memo),
      content: remote.memo.content === local.content ? local.content : '',
      attachments: [],
    };
  const { merged, conflict } =
    base || (pending.created && pending.createdFields) || remote.memo.content === local.content
      ? mergeFields(local, ancestor, remote.memo)
      : {
          merged: {
            ...pickFields(local),
            content: remote.memo.content,
            attachments: mergeSets(local.attachments, [], remote.memo.attachments),
          },
          conflict: { localContent: local.content, baseContent: '', remoteContent: remote.memo.content },
        };
  const mask = changedFields(remote.memo, merged);
  return {
    kind: 'push-update',
    remote: remote.memo,
    planned: pickFields(local),
    merged,
    mask,
    ...(conflict ? { conflict } : {}),
  };
}
