/**
 * Validation of server JSON at the API boundary: untrusted input in, typed values or a
 * precise reason out. Only known fields are read (so `__proto__` and other extra keys
 * are ignored), enums are checked, RFC 3339 times become epoch ms. A field that is absent
 * reads as its default, exactly like `null` (0.31 omits unset messages; 0.30 sent `null`).
 * A comment (a memo with a `parent`) is classified as such, never as a malformed memo: this
 * app does not mirror comments, on any version.
 */
import { type AttachmentInfo, canonicalSet, parseAttachmentName } from '../core/attachments';
import { type MemoName, parseMemoName } from '../core/ids';
import { isVisibility, type MemoProperty } from '../core/memo';
import type { RemoteMemo } from '../core/remote';
import type { InstanceProfile, RemoteUser, UserStats } from './types';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function time(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

function property(value: unknown): MemoProperty {
  const p = isObject(value) ? value : {};
  return {
    hasLink: p.hasLink === true,
    hasTaskList: p.hasTaskList === true,
    hasCode: p.hasCode === true,
    hasIncompleteTasks: p.hasIncompleteTasks === true,
    title: typeof p.title === 'string' ? p.title : '',
  };
}

/** One attachment as the server describes it (`size` is an int64 sent as a string). */
export function parseAttachment(value: unknown): Parsed<AttachmentInfo> {
  if (!isObject(value)) return { ok: false, reason: 'attachment is not an object' };
  const name = parseAttachmentName(value.name);
  if (!name)
    return { ok: false, reason: `attachment name ${JSON.stringify(value.name)} is not attachments/{id}` };
  const size =
    typeof value.size === 'string' ? Number(value.size) : typeof value.size === 'number' ? value.size : 0;
  return {
    ok: true,
    value: {
      name,
      filename: typeof value.filename === 'string' && value.filename !== '' ? value.filename : 'file',
      type: typeof value.type === 'string' && value.type !== '' ? value.type : 'application/octet-stream',
      size: Number.isFinite(size) && size >= 0 ? size : 0,
    },
  };
}

export type ParsedMemo =
  | { kind: 'memo'; memo: RemoteMemo }
  /** A comment: not mirrored (it must never become a top-level memo of the timeline). */
  | { kind: 'comment'; name: MemoName }
  | { kind: 'malformed'; reason: string };

/** A memo of the server: a top-level memo, a comment, or malformed (with the reason). */
export function parseMemo(value: unknown): ParsedMemo {
  if (!isObject(value)) return { kind: 'malformed', reason: 'memo is not an object' };
  const name = parseMemoName(value.name);
  if (!name)
    return { kind: 'malformed', reason: `memo name ${JSON.stringify(value.name)} is not memos/{id}` };
  if (typeof value.parent === 'string' && value.parent !== '') return { kind: 'comment', name };
  const memo = parseTopLevel(name, value);
  return memo.ok ? { kind: 'memo', memo: memo.value } : { kind: 'malformed', reason: memo.reason };
}

function parseTopLevel(name: MemoName, value: Json): Parsed<RemoteMemo> {
  if (typeof value.content !== 'string') return { ok: false, reason: `${name}: content is not text` };
  const visibility =
    value.visibility === undefined ||
    value.visibility === null ||
    value.visibility === 'VISIBILITY_UNSPECIFIED'
      ? 'PRIVATE'
      : value.visibility;
  if (!isVisibility(visibility))
    return { ok: false, reason: `${name}: unknown visibility ${String(visibility)}` };
  const rawState = value.state ?? 'NORMAL';
  const state =
    rawState === 'ARCHIVED'
      ? 'ARCHIVED'
      : rawState === 'NORMAL' || rawState === 'STATE_UNSPECIFIED'
        ? 'NORMAL'
        : undefined;
  if (!state) return { ok: false, reason: `${name}: unknown state ${String(rawState)}` };
  const createTime = time(value.createTime);
  const updateTime = time(value.updateTime);
  if (createTime === undefined || updateTime === undefined)
    return { ok: false, reason: `${name}: missing times` };
  const tags = Array.isArray(value.tags) ? value.tags.filter((t): t is string => typeof t === 'string') : [];
  const files: AttachmentInfo[] = [];
  for (const item of Array.isArray(value.attachments) ? value.attachments : []) {
    const attachment = parseAttachment(item);
    if (!attachment.ok) return { ok: false, reason: `${name}: ${attachment.reason}` };
    files.push(attachment.value);
  }
  return {
    ok: true,
    value: {
      name,
      creator: typeof value.creator === 'string' ? value.creator : '',
      content: value.content,
      visibility,
      state,
      pinned: value.pinned === true,
      createTime,
      updateTime,
      tags,
      snippet: typeof value.snippet === 'string' ? value.snippet : '',
      property: property(value.property),
      attachments: canonicalSet(files.map((f) => f.name)),
      files,
    },
  };
}

export function parseUser(value: unknown): Parsed<RemoteUser> {
  const user = isObject(value) && isObject(value.user) ? value.user : value;
  if (!isObject(user) || typeof user.name !== 'string' || !user.name.startsWith('users/')) {
    return { ok: false, reason: 'the server did not return a user' };
  }
  const username = typeof user.username === 'string' ? user.username : user.name.slice('users/'.length);
  return {
    ok: true,
    value: {
      name: user.name,
      username,
      displayName:
        typeof user.displayName === 'string' && user.displayName !== '' ? user.displayName : username,
      role: typeof user.role === 'string' ? user.role : 'USER',
    },
  };
}

/** The instance profile; its `version` is read later (server-version.ts), whatever it is. */
export function parseProfile(value: unknown): Parsed<InstanceProfile> {
  if (!isObject(value)) {
    return { ok: false, reason: 'the server did not describe itself (is this a Memos server?)' };
  }
  return { ok: true, value: { version: value.version, needsSetup: value.needsSetup === true } };
}

export function parseStats(value: unknown): Parsed<UserStats> {
  if (!isObject(value)) return { ok: false, reason: 'stats is not an object' };
  const total =
    typeof value.totalMemoCount === 'number' ? value.totalMemoCount : Number(value.totalMemoCount ?? 0);
  const pinned = Array.isArray(value.pinnedMemos)
    ? value.pinnedMemos.map(parseMemoName).filter((n) => n !== undefined)
    : [];
  return { ok: true, value: { totalMemoCount: Number.isFinite(total) ? total : 0, pinnedMemos: pinned } };
}

export function serverMessage(body: unknown, fallback: string): string {
  if (isObject(body)) {
    if (typeof body.message === 'string' && body.message !== '') return body.message;
    if (typeof body.error === 'string' && body.error !== '') return body.error;
  }
  return fallback;
}
