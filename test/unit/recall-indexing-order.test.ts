/**
 * The order a first embedding works through a notebook (workers/recall/embedding-cache.ts,
 * byIndexingOrder): removals and metadata first, then pinned, then newest, archived last;
 * and the indexer's background lane that keeps that order across pages (ranked-lane.ts).
 */
import { describe, expect, it } from 'vitest';
import type { MemoName } from '../../sync/core/ids';
import type { MemoState } from '../../sync/core/memo';
import { buildLocalMemo } from '../../sync/db/notebook';
import { byIndexingOrder, type MemoNeed } from '../../workers/recall/embedding-cache';
import { RankedLane } from '../../workers/recall/ranked-lane';

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

describe('ranked background lane', () => {
  it('[E9] takes newest first across pages that arrive oldest first; unranked names last', () => {
    const lane = new RankedLane();
    const page = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => {
        const need = embed(`m${from + i}`, from + i);
        return { name: label(need), need };
      });
    lane.add([{ name: 'memos/no-need' as MemoName }]);
    lane.add(page(0, 5)); // the oldest page first, as a full pull lists them
    lane.add(page(5, 10));
    const taken = lane.take(4, () => true);
    expect(taken).toEqual(['memos/m9', 'memos/m8', 'memos/m7', 'memos/m6']);
    lane.add(page(10, 12));
    // Names that are no longer queued (taken elsewhere) are skipped, not returned.
    expect(lane.take(3, (name) => name !== 'memos/m11')).toEqual(['memos/m10', 'memos/m5', 'memos/m4']);
    expect(lane.take(10, () => true)).toEqual([
      'memos/m3',
      'memos/m2',
      'memos/m1',
      'memos/m0',
      'memos/no-need',
    ]);
    expect(lane.length).toBe(0);
  });
});
