/**
 * Attachment bytes from the server [F5]: thumbnails fetched eagerly after each pass (a few
 * per pass, newest first, so a pass stays short), originals fetched when the user opens one,
 * and the offline budget for originals kept by evicting the least recently opened. Media is
 * best effort: a failure here never fails a sync pass and never loses anything.
 * Invariants:
 *  - A "thumbnail" the server could not make arrives as the whole original (Memos falls back
 *    to it): above `MAX_THUMBNAIL_BYTES` it is not kept as a thumbnail; the memo shows a link.
 *  - An original that exists nowhere else is never evicted (core/attachments.ts planEviction).
 *  - Storage full while keeping an original: the file is still handed over, just not kept.
 */
import type { ApiFailure, ApiResult, MemosApi } from '../api/types';
import { type AttachmentName, isInlineImage, planEviction, type StoredOriginal } from '../core/attachments';
import type { AttachmentRow } from '../db/schema';
import type { AttachmentStore } from './attachment-store';

export const THUMBNAILS_PER_PASS = 24;
export const MAX_THUMBNAIL_BYTES = 1.5 * 1024 * 1024;

function info(row: AttachmentRow) {
  return { name: row.name, filename: row.filename, type: row.type, size: row.size };
}

/** Fetches up to `limit` pending thumbnails; returns the failure that stopped it, if any. */
export async function fetchThumbnails(
  api: MemosApi,
  store: AttachmentStore,
  limit = THUMBNAILS_PER_PASS,
  countRequest: () => void = () => undefined,
): Promise<ApiFailure | undefined> {
  const pending = (await store.all())
    .filter((row) => row.thumbnail === 'pending' && row.server === 'uploaded' && !row.detached)
    .sort((a, b) => b.addedAt - a.addedAt)
    .slice(0, limit);
  for (const row of pending) {
    countRequest();
    const got = await api.downloadAttachment(info(row), 'thumbnail');
    if (!got.ok) {
      if (got.error.kind === 'not-found' || got.error.kind === 'forbidden') {
        await store.noThumbnail(row.name);
        continue;
      }
      return got.error;
    }
    if (got.value.size > MAX_THUMBNAIL_BYTES || got.value.size === 0) await store.noThumbnail(row.name);
    else await store.storeBlob(row.name, 'thumbnail', got.value);
  }
  return undefined;
}

/**
 * The original of `name`: from this device, or downloaded (then kept within `budget`,
 * evicting the least recently opened originals that exist on the server).
 */
export async function openOriginal(
  api: MemosApi | undefined,
  store: AttachmentStore,
  name: AttachmentName,
  options: { now: number; budget: number },
): Promise<ApiResult<Blob>> {
  const [row] = [...(await store.rows([name])).values()];
  if (!row)
    return {
      ok: false,
      error: { kind: 'not-found', message: 'this attachment is no longer in the notebook' },
    };
  const local = await store.blob(name, 'original');
  if (local) {
    await store.touchOriginal(name, options.now);
    return { ok: true, value: local };
  }
  if (!api) return { ok: false, error: { kind: 'offline', message: 'not connected to a Memos server' } };
  const got = await api.downloadAttachment(info(row), 'original');
  if (!got.ok) return got;
  try {
    await store.storeBlob(name, 'original', got.value, options.now);
    await enforceBudget(store, options.budget);
  } catch {
    // The device's storage is full: the user still gets the file, it is just not kept.
  }
  return got;
}

/** [F5] Drops originals beyond the budget, least recently opened first. */
export async function enforceBudget(store: AttachmentStore, budget: number): Promise<AttachmentName[]> {
  const trashed = await store.trashedMemos();
  const originals: StoredOriginal[] = (await store.all())
    .filter((row) => row.original)
    .map((row) => ({
      name: row.name,
      size: row.size,
      openedAt: row.openedAt ?? row.addedAt,
      only: row.server !== 'uploaded' || row.detached === true || trashed.has(row.memo),
    }));
  const evict = planEviction(originals, budget);
  for (const name of evict) await store.evictOriginal(name);
  return evict;
}

/** Whether a file may be shown inline (raster images); everything else is downloaded [F5]. */
export { isInlineImage };
