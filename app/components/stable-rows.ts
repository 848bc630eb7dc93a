/**
 * Rows that keep their object while they do not change. A list recomputed from the notebook
 * builds new row objects every time; handing a card a new object re-runs all of its
 * bindings even when nothing it shows changed. `stableRows` returns, for each fresh row, the
 * previous computation's row of the same key when `same` says they are equal.
 * Invariant: a returned row is always equal (by `same`) to the fresh row at its place.
 */
export function stableRows<T>(
  key: (row: T) => string,
  same: (previous: T, fresh: T) => boolean,
  /** rows remembered between two computations (default: all) */
  remember = Number.POSITIVE_INFINITY,
): (fresh: readonly T[]) => T[] {
  let previous = new Map<string, T>();
  return (fresh) => {
    const kept = fresh.map((row) => {
      const old = previous.get(key(row));
      return old !== undefined && same(old, row) ? old : row;
    });
    previous = new Map(kept.slice(0, remember).map((row) => [key(row), row]));
    return kept;
  };
}
