/**
 * The order a first embedding works through a notebook (workers/recall/embedding-cache.ts,
 * byIndexingOrder): removals and metadata first, then pinned, then newest, archived last.
 */
import { describe, expect, it } from 'vitest';
import type { MemoName } from '../../sync/core/ids';
import type { MemoState } from '../../sync/core/memo';
import { buildLocalMemo } from '../../sync/db/notebook';
import { byIndexingOrder, type MemoNeed } from '../../workers/recall/embedding-cache';

type Extra = { state?: MemoState; pinned?: boolean };

function memo(id: string, updateTime: number, extra: Extra = {}) {
  return buildLocalMemo(
    `memos/${id}` as MemoName,
    {
      content: id,
      visibility: 'PRIVATE',
      state: extra.state ?? 'NORMAL',
      pinned: extra.pinned ?? false,
      attachments: [],
    },
    { createTime: updateTime, updateTime },
  );
}

function embed(id: string, updateTime: number, extra: Extra = {}): MemoNeed {
  return { kind: 'embed', memo: memo(id, updateTime, extra), hash: id };
}

const label = (need: MemoNeed) =>
  need.kind === 'embed' || need.kind === 'update-meta' ? need.memo.name : need.name;

describe('indexing order of a scan', () => {
  it('does cheap work first, then pinned, then newest first, archived last', () => {
    const needs: MemoNeed[] = [
      embed('old', 1),
      embed('archived-new', 99, { state: 'ARCHIVED' }),
      { kind: 'update-meta', memo: memo('meta', 5) },
      embed('new', 50),
      { kind: 'remove', name: 'memos/gone' as MemoName },
      embed('pinned-old', 2, { pinned: true }),
      embed('middle', 20),
      embed('archived-old', 3, { state: 'ARCHIVED' }),
    ];
    expect(needs.sort(byIndexingOrder).map(label)).toEqual([
      'memos/gone',
      'memos/meta',
      'memos/pinned-old',
      'memos/new',
      'memos/middle',
      'memos/old',
      'memos/archived-new',
      'memos/archived-old',
    ]);
  });
});
