/**
 * Hybrid ranking: keyword hits and semantic hits fused by reciprocal rank fusion
 * (score = Σ 1 / (K + rank)), which needs no score calibration between the two. Each
 * result remembers why it matched: the words (for highlighting) and/or "similar meaning".
 * Pure.
 */
import type { MemoName } from '../../sync';

export const RRF_K = 60;

export interface FusedHit {
  name: MemoName;
  score: number;
  /** Matched words, when the keyword index found it. */
  terms?: string[];
  /** Cosine similarity, when semantic search found it. */
  similarity?: number;
}

export function fuseRankings(
  keyword: ReadonlyArray<{ name: MemoName; terms: string[] }>,
  semantic: ReadonlyArray<{ name: MemoName; score: number }>,
  k = RRF_K,
): FusedHit[] {
  const fused = new Map<MemoName, FusedHit>();
  keyword.forEach((hit, rank) => {
    fused.set(hit.name, { name: hit.name, score: 1 / (k + rank + 1), terms: hit.terms });
  });
  semantic.forEach((hit, rank) => {
    const existing = fused.get(hit.name);
    const add = 1 / (k + rank + 1);
    if (existing) {
      existing.score += add;
      existing.similarity = hit.score;
    } else {
      fused.set(hit.name, { name: hit.name, score: add, similarity: hit.score });
    }
  });
  // Ties (one list each, same rank) go to the closer meaning, then to the name.
  return [...fused.values()].sort(
    (a, b) => b.score - a.score || (b.similarity ?? -2) - (a.similarity ?? -2) || (a.name < b.name ? -1 : 1),
  );
}
