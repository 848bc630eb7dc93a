/**
 * Listing the user's memos without trusting offset pagination [P3, P4]. Memos pages by
 * offset, which skips or repeats rows when memos change mid-scan; instead every page is
 * a fresh query `creator == me && <time> >= T` in ascending time order, T advanced to the
 * last item's second, results de-duplicated by name. Only when a whole page shares one
 * second is that second paged through with page tokens.
 */

import { type ApiResult, fail, type ListQuery, type MemosApi, ok } from '../api/types';
import type { MemoName } from '../core/ids';
import type { MemoState } from '../core/memo';
import type { RemoteMemo } from '../core/remote';

export const PAGE_SIZE = 1000;

export interface ListingStats {
  requests: number;
  bytes: number;
  /** The server's clock (epoch ms) as its latest listing answer stated it, when it did. */
  serverTime?: number;
}

export interface ListingOptions {
  user: string;
  state: MemoState;
  /** Which time the keyset runs on: create time for full listings, update time for deltas. */
  by: 'create' | 'update';
  /** epoch ms; only memos at or after this second (delta pulls). */
  since?: number;
  pageSize?: number;
}

const FIELDS = {
  create: { order: 'create_time', time: (m: RemoteMemo) => m.createTime },
  update: { order: 'update_time', time: (m: RemoteMemo) => m.updateTime },
} as const;

export async function listMemos(
  api: MemosApi,
  options: ListingOptions,
  stats: ListingStats,
): Promise<ApiResult<Map<MemoName, RemoteMemo>>> {
  const field = FIELDS[options.by];
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const found = new Map<MemoName, RemoteMemo>();
  let cursor = options.since === undefined ? undefined : Math.floor(options.since / 1000);

  const fetchPage = async (time: ListQuery['time'], pageToken?: string) => {
    stats.requests++;
    const page = await api.list({
      creator: options.user,
      state: options.state,
      order: field.order,
      ...(time ? { time } : {}),
      pageSize,
      ...(pageToken ? { pageToken } : {}),
    });
    if (page.ok) {
      stats.bytes += page.value.bytes;
      if (page.value.serverTime !== undefined) stats.serverTime = page.value.serverTime;
      for (const memo of page.value.memos) found.set(memo.name, memo);
    }
    return page;
  };

  for (let guard = 0; guard < 100_000; guard++) {
    const page = await fetchPage(cursor === undefined ? undefined : { op: '>=', seconds: cursor });
    if (!page.ok) return page;
    const memos = page.value.memos;
    const last = memos[memos.length - 1];
    if (page.value.nextPageToken === '' || !last) return ok(found);
    const lastSecond = Math.floor(field.time(last) / 1000);
    const firstSecond = Math.floor(field.time(memos[0] ?? last) / 1000);
    if (firstSecond !== lastSecond && lastSecond !== cursor) {
      cursor = lastSecond;
      continue;
    }
    // A whole page within one second: page through that second by token, then move past it.
    const sameSecond = { op: '==', seconds: lastSecond } as const;
    let token: string | undefined;
    do {
      const slice = await fetchPage(sameSecond, token);
      if (!slice.ok) return slice;
      token = slice.value.nextPageToken || undefined;
    } while (token);
    cursor = lastSecond + 1;
  }
  return fail({ kind: 'server', message: 'the memo listing did not terminate' });
}

/** Both states, as one map. */
export async function listAllStates(
  api: MemosApi,
  options: Omit<ListingOptions, 'state'>,
  stats: ListingStats,
): Promise<ApiResult<Map<MemoName, RemoteMemo>>> {
  const normal = await listMemos(api, { ...options, state: 'NORMAL' }, stats);
  if (!normal.ok) return normal;
  const archived = await listMemos(api, { ...options, state: 'ARCHIVED' }, stats);
  if (!archived.ok) return archived;
  for (const [name, memo] of archived.value) normal.value.set(name, memo);
  return normal;
}
