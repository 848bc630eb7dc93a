/**
 * The fusion the app used before issue 10 (reciprocal rank fusion of the AND keyword list
 * and the top 20 semantic hits at cosine >= 0.2, K = 60), kept only to report the
 * "before" numbers next to the current ranking. Pure.
 */
import type { MemoName } from '../../../sync/core/ids';

export function reciprocalRankFusion(
  keyword: ReadonlyArray<{ name: MemoName }>,
  semantic: ReadonlyArray<{ name: MemoName; score: number }>,
  k = 60,
): MemoName[] {
  const fused = new Map<MemoName, { score: number; similarity: number }>();
  keyword.forEach((hit, rank) => {
    fused.set(hit.name, { score: 1 / (k + rank + 1), similarity: -2 });
  });
  semantic.forEach((hit, rank) => {
    const existing = fused.get(hit.name) ?? { score: 0, similarity: -2 };
    fused.set(hit.name, { score: existing.score + 1 / (k + rank + 1), similarity: hit.score });
  });
  return [...fused]
    .sort(([an, a], [bn, b]) => b.score - a.score || b.similarity - a.similarity || (an < bn ? -1 : 1))
    .map(([name]) => name);
}
