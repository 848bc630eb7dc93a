/**
 * Hybrid ranking: keyword hits and semantic hits fused by their scores, not their ranks.
 * Each candidate scores its cosine similarity to the query plus a keyword bonus: its BM25
 * score relative to the best keyword match of this query, times a weight that shrinks as
 * the query grows (one word typed is almost always meant literally; a question is meant
 * by its sense). Partial keyword matches (some of the query's words) only add their bonus
 * to memos that semantic search found; they never become results on their own.
 * Invariants:
 *  - the results are exactly the memos matching every query word plus the semantic hits
 *    at or above the similarity floor, each once;
 *  - the keyword bonus is at most the weight for the query's length, so a memo whose
 *    cosine beats another's by more than that weight always ranks above it;
 *  - ties go to the closer meaning, then to the better keyword match, then to the name
 *    (so before semantic hits arrive, keyword results keep their BM25 order). Pure.
 */
import type { MemoName } from '../../sync';

export interface FusionWeights {
  /** keyword bonus for a one-word query, a two-word one, and longer ones */
  keyword: readonly [number, number, number];
  /** the bonus scales with (share of query words matched) to this power */
  coveragePower: number;
  /** cosine assumed for a keyword hit that semantic search did not return */
  unseenSimilarity: number;
  /** semantic hits below this cosine are noise, not results */
  minSimilarity: number;
}

/**
 * Chosen on the tune half of test/fixtures/ranking/notebook.json (`npm run bench -- ranking`
 * reports both halves). Queries of three or more words get no keyword bonus: on that set any
 * bonus let memos that merely contain the words of a question outrank the memo that answers
 * it, while literal phrases of that length are found by meaning anyway; such a memo that
 * contains every word is still listed.
 */
export const FUSION_WEIGHTS: FusionWeights = {
  keyword: [0.4, 0.3, 0],
  coveragePower: 2,
  unseenSimilarity: 0.2,
  minSimilarity: 0.2,
};

export interface KeywordEvidence {
  name: MemoName;
  /** BM25 over the query's terms */
  score: number;
  terms: string[];
  /** share of the query's terms matched; 1 = a keyword result */
  coverage: number;
}

export interface FusedHit {
  name: MemoName;
  score: number;
  /** Matched words, when every query word matched (for highlighting). */
  terms?: string[];
  /** Cosine similarity, when semantic search found it. */
  similarity?: number;
}

export function keywordWeight(queryTerms: number, weights: FusionWeights = FUSION_WEIGHTS): number {
  const [one, two, more] = weights.keyword;
  return queryTerms <= 1 ? one : queryTerms === 2 ? two : more;
}

/**
 * @param keyword     keyword matches of the query, full and partial (KeywordIndex.rank)
 * @param semantic    semantic hits, best first, with their cosine similarity
 * @param queryTerms  how many terms the query has after stop words (tokenizeQuery)
 */
export function fuseRankings(
  keyword: ReadonlyArray<KeywordEvidence>,
  semantic: ReadonlyArray<{ name: MemoName; score: number }>,
  queryTerms: number,
  weights: FusionWeights = FUSION_WEIGHTS,
): FusedHit[] {
  const weight = keywordWeight(queryTerms, weights);
  const best = keyword.reduce((max, hit) => Math.max(max, hit.score), 0);
  const evidence = new Map<MemoName, KeywordEvidence>();
  for (const hit of keyword) evidence.set(hit.name, hit);
  const bonus = (name: MemoName): number => {
    const hit = evidence.get(name);
    return hit && best > 0 ? (weight * hit.coverage ** weights.coveragePower * hit.score) / best : 0;
  };
  // Each candidate with its sort keys (a query like "coffee" has thousands of keyword
  // results: no lookups inside the comparator).
  const fused = new Map<MemoName, { hit: FusedHit; closeness: number; keywordScore: number }>();
  for (const hit of semantic) {
    if (hit.score < weights.minSimilarity || fused.has(hit.name)) continue;
    fused.set(hit.name, {
      hit: { name: hit.name, score: hit.score + bonus(hit.name), similarity: hit.score },
      closeness: hit.score,
      keywordScore: evidence.get(hit.name)?.score ?? 0,
    });
  }
  for (const hit of keyword) {
    if (hit.coverage < 1) continue;
    const existing = fused.get(hit.name);
    if (existing) existing.hit.terms = hit.terms;
    else
      fused.set(hit.name, {
        hit: { name: hit.name, score: weights.unseenSimilarity + bonus(hit.name), terms: hit.terms },
        closeness: -2,
        keywordScore: hit.score,
      });
  }
  // Ties go to the closer meaning, then to the better keyword match, then to the name.
  return [...fused.values()]
    .sort(
      (a, b) =>
        b.hit.score - a.hit.score ||
        b.closeness - a.closeness ||
        b.keywordScore - a.keywordScore ||
        (a.hit.name < b.hit.name ? -1 : 1),
    )
    .map((entry) => entry.hit);
}
