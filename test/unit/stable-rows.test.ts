/** app/components/stable-rows.ts: unchanged rows keep their object; changed and new rows are the fresh ones. */
import { describe, expect, it } from 'vitest';
import { stableRows } from '../../app/components/stable-rows';

interface Row {
  key: string;
  value: number;
}

describe('stable rows', () => {
  it('keeps the previous object of an unchanged row and takes changed and new rows as they come', () => {
    const keep = stableRows<Row>(
      (row) => row.key,
      (a, b) => a.value === b.value,
    );
    const first = keep([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    const changed = { key: 'b', value: 3 };
    const added = { key: 'c', value: 4 };
    const second = keep([{ key: 'a', value: 1 }, changed, added]);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toBe(changed);
    expect(second[2]).toBe(added);
    // What the second computation returned is what the third compares with.
    const third = keep([{ key: 'b', value: 3 }]);
    expect(third[0]).toBe(changed);
  });

  it('remembers only the first rows when asked to', () => {
    const keep = stableRows<Row>(
      (row) => row.key,
      (a, b) => a.value === b.value,
      1,
    );
    const first = keep([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    const second = keep([
      { key: 'a', value: 1 },
      { key: 'b', value: 2 },
    ]);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
  });
});
