/** SortedMemos keeps timeline order under any sequence of upserts and removals (property test). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SortedMemos } from '../../app/state/sorted-memos';
import type { MemoName } from '../../sync/core/ids';
import { compareTimeline } from '../../sync/core/memo';
import { buildLocalMemo } from '../../sync/db/notebook';

const SEED = 20261123;

describe('SortedMemos', () => {
  it('matches a full sort after random operations', () => {
    const op = fc.record({
      id: fc.integer({ min: 0, max: 15 }),
      remove: fc.boolean(),
      createTime: fc.integer({ min: 0, max: 20 }),
      pinned: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const sorted = new SortedMemos();
        const model = new Map<string, ReturnType<typeof buildLocalMemo>>();
        for (const step of ops) {
          const name = `memos/m${step.id}` as MemoName;
          if (step.remove) {
            sorted.remove(name);
            model.delete(name);
          } else {
            const memo = buildLocalMemo(
              name,
              { content: 'x', visibility: 'PRIVATE', state: 'NORMAL', pinned: step.pinned, attachments: [] },
              { createTime: step.createTime, updateTime: 0 },
            );
            sorted.upsert(memo);
            model.set(name, memo);
          }
        }
        const expected = [...model.values()].sort(compareTimeline).map((m) => m.name);
        expect(sorted.items().map((m) => m.name)).toEqual(expected);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
