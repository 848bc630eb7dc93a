/**
 * A memo as the server last reported it, already validated at the API boundary. The
 * sync engine keeps one per synced memo as the "base" (the three-way merge ancestor).
 * Times are epoch ms (always whole seconds, the server's resolution).
 */
import type { AttachmentInfo } from './attachments';
import type { MemoName } from './ids';
import {
  type DerivedMemoData,
  fieldEquals,
  type LocalMemo,
  MEMO_FIELDS,
  type MemoField,
  type MemoFields,
  pickFields,
} from './memo';

export interface RemoteMemo extends MemoFields, DerivedMemoData {
  name: MemoName;
  creator: string;
  createTime: number;
  updateTime: number;
  /** What the server says about each attachment in `attachments`. */
  files: readonly AttachmentInfo[];
}

export function sameFields(a: MemoFields, b: MemoFields): boolean {
  return MEMO_FIELDS.every((field) => fieldEquals(field, a, b));
}

export function changedFields(from: MemoFields, to: MemoFields): MemoField[] {
  return MEMO_FIELDS.filter((field) => !fieldEquals(field, from, to));
}

/** The server copy is byte-for-byte what we saw last time (fields and update time). */
export function sameServerState(a: RemoteMemo, b: RemoteMemo): boolean {
  return sameFields(a, b) && a.updateTime === b.updateTime && a.createTime === b.createTime;
}

/** The local row for a server memo (derived data comes from the server, which is authoritative). */
export function localFromRemote(remote: RemoteMemo): LocalMemo {
  return {
    name: remote.name,
    ...pickFields(remote),
    tags: [...remote.tags],
    snippet: remote.snippet,
    property: { ...remote.property },
    pinRank: remote.pinned ? 1 : 0,
    createTime: remote.createTime,
    updateTime: remote.updateTime,
    creator: remote.creator,
  };
}
