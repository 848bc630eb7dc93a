/**
 * Attachments as the sync core sees them (pure): names, the server's filename rules, the
 * size limit, and the three-way merge of a memo's attachment set [F2]. Invariants:
 *  - An attachment's identity is `attachments/<uid>`, the uid made on the device with the
 *    same rule as memo uids, so the same name lives on the server (client-chosen
 *    `attachmentId`) with no remapping.
 *  - A memo's set is kept sorted: two sets are equal when their names are.
 *  - The merge keeps an attachment added on either side and drops one removed on either
 *    side; it never conflicts. Only the merged set is ever sent (the server deletes what a
 *    set leaves out).
 */
import { isValidUid } from './ids';

export type AttachmentName = string & { readonly __brand: 'AttachmentName' };

const PREFIX = 'attachments/';

/** The server's default upload limit (instance setting `upload_size_limit_mb`, 30 MiB). */
export const DEFAULT_ATTACHMENT_LIMIT_BYTES = 30 * 1024 * 1024;

export function parseAttachmentName(value: unknown): AttachmentName | undefined {
  if (typeof value !== 'string' || !value.startsWith(PREFIX)) return undefined;
  return isValidUid(value.slice(PREFIX.length)) ? (value as AttachmentName) : undefined;
}

export function attachmentNameOf(uid: string): AttachmentName {
  const name = `${PREFIX}${uid}`;
  const parsed = parseAttachmentName(name);
  if (!parsed) throw new Error(`not a valid attachment id: ${uid}`);
  return parsed;
}

export function attachmentUidOf(name: AttachmentName): string {
  return name.slice(PREFIX.length);
}

/** Sorted, without duplicates: the canonical form of a memo's attachment set. */
export function canonicalSet(names: readonly AttachmentName[]): AttachmentName[] {
  return [...new Set(names)].sort();
}

export function sameSet(a: readonly AttachmentName[], b: readonly AttachmentName[]): boolean {
  const x = canonicalSet(a);
  const y = canonicalSet(b);
  return x.length === y.length && x.every((name, i) => name === y[i]);
}

/**
 * [F2] Three-way merge of attachment sets: what either side added stays, what either side
 * removed goes, what both kept stays.
 */
export function mergeSets(
  local: readonly AttachmentName[],
  base: readonly AttachmentName[],
  remote: readonly AttachmentName[],
): AttachmentName[] {
  const inBase = new Set(base);
  const inLocal = new Set(local);
  const inRemote = new Set(remote);
  const kept = base.filter((name) => inLocal.has(name) && inRemote.has(name));
  const added = [...local, ...remote].filter((name) => !inBase.has(name));
  return canonicalSet([...kept, ...added]);
}

/** Where an attachment stands with the server, as this device knows it (schema.ts). */
export type KnownServerState = 'local' | 'unsure' | 'uploaded';

/**
 * [F3] What a push does with one attachment of the set it is about to send, from what this
 * device knows of it (`undefined`: no row here) and whether the server's copy of the memo,
 * read right before, lists it:
 *  - ready:     listed there (the server's side of a merge has no row here): send it as is;
 *  - upload:    its bytes are only here;
 *  - read-back: it may or may not be there (a lost create answer, a Trash restore), or it was
 *               there once but the memo's copy does not list it: deleted with its memo (a
 *               memo kept or re-created after a remote delete) or on its own. Memos answers a
 *               repeated create with 500 and a set naming a missing one with 404: ask first;
 *  - drop:      no row here and not there: its bytes exist nowhere (the user was told when
 *               its row went); a set naming it would be refused (404) on every pass.
 */
export function uploadStep(
  known: KnownServerState | undefined,
  listedThere: boolean,
): 'ready' | 'upload' | 'read-back' | 'drop' {
  if (listedThere) return 'ready';
  if (known === undefined) return 'drop';
  return known === 'local' ? 'upload' : 'read-back';
}

/**
 * [F4, F7] A memo deleted on the server takes the attachments its copy there listed; one
 * this device sent (or may have) that was never linked to it would stay behind with no
 * memo. Returns every attachment of the memo the server may hold: each is deleted there
 * after the memo (a 404, the linked ones, counts as done). The Trash keeps their rows and
 * bytes; a Restore reads them back and uploads them again.
 */
export function strayAfterDelete(
  rows: ReadonlyArray<{ name: AttachmentName; server: KnownServerState }>,
): AttachmentName[] {
  return rows.filter((row) => row.server !== 'local').map((row) => row.name);
}

/**
 * A file name the server accepts [F6]: the last segment of a path (no `/` or `\`), no
 * leading or trailing space or dot, not empty, at most 255 characters (extension kept when
 * shortening). Control characters go. Returns `file` when nothing usable is left.
 */
export function sanitizeFilename(raw: string): string {
  const segments = raw.replace(/[\p{Cc}]/gu, '').split(/[/\\]+/);
  let name = (segments.filter((s) => s.replace(/[\s.]/g, '') !== '').pop() ?? '').replace(
    /^[\s.]+|[\s.]+$/g,
    '',
  );
  if (name.length > 255) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name = `${name.slice(0, 255 - extension.length).replace(/[\s.]+$/g, '')}${extension}`;
  }
  return name === '' ? 'file' : name;
}

/** Types shown inline as pictures; every other type is a file to download [F5]. */
const INLINE_IMAGE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
]);

export function isInlineImage(type: string): boolean {
  return INLINE_IMAGE_TYPES.has(type.toLowerCase().split(';')[0]?.trim() ?? '');
}

/** The server makes thumbnails for these (v0.30: PNG and JPEG). */
export function hasServerThumbnail(type: string): boolean {
  const base = type.toLowerCase().split(';')[0]?.trim() ?? '';
  return base === 'image/png' || base === 'image/jpeg';
}

/** What the server says about one attachment (its bytes are fetched separately). */
export interface AttachmentInfo {
  name: AttachmentName;
  filename: string;
  /** MIME type as the server normalised it. */
  type: string;
  /** Bytes as stored on the server (may differ from the local file: EXIF is stripped). */
  size: number;
}

/** The default budget for originals kept for offline use [F5]: 500 MB as Settings counts (10^6). */
export const DEFAULT_OFFLINE_BUDGET_BYTES = 500_000_000;

/** What the eviction planner needs to know about one stored original. */
export interface StoredOriginal {
  name: AttachmentName;
  size: number;
  /** When the user last opened it (or it was stored), epoch ms. */
  openedAt: number;
  /** It exists nowhere else (not uploaded yet, or its memo is in the Trash): never evicted. */
  only: boolean;
}

/**
 * [F5] Which originals to drop so that the ones kept fit `budget` bytes: the least recently
 * opened first, never one that exists nowhere else (those may exceed the budget).
 */
export function planEviction(originals: readonly StoredOriginal[], budget: number): AttachmentName[] {
  let total = originals.reduce((sum, o) => sum + o.size, 0);
  const evict: AttachmentName[] = [];
  for (const original of [...originals].filter((o) => !o.only).sort((a, b) => a.openedAt - b.openedAt)) {
    if (total <= budget) break;
    evict.push(original.name);
    total -= original.size;
  }
  return evict;
}
