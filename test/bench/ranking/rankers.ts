/**
 * The rankers the ranking benchmark and its unit test compare, each as the app runs it:
 * keywords alone (the search box's keyword list), meaning alone (every memo by cosine),
 * the fusion before issue 10 (RRF of the keyword list and the top 20 semantic hits at
 * cosine >= 0.2) and the app's fusion now (SearchResults: KeywordIndex.rank, the top 50
 * semantic hits, fuseRankings). Semantic scores are computed once per query and shared.
 */
import { fuseRankings } from '../../../app/search/fusion';
import type { KeywordIndex } from '../../../app/search/keyword-index';
import { tokenizeQuery } from '../../../app/search/tokenize';
import { reciprocalRankFusion } from './baseline';
import { type Ranker, type Scored, semanticScores } from './evaluate';
import type { NotebookVectors } from './vectors';

/** SearchResults' SEMANTIC_K. */
export const APP_SEMANTIC_K = 50;

export type RankerName = 'keywords' | 'meaning' | 'fused-before' | 'fused';

export function appRankers(index: KeywordIndex, vectors: NotebookVectors): Record<RankerName, Ranker> {
  const cache = new Map<Float32Array, Scored[]>();
  const semantic = (vector: Float32Array): Scored[] => {
    let scored = cache.get(vector);
    if (!scored) {
      scored = semanticScores(vectors, vector);
      cache.set(vector, scored);
    }
    return scored;
  };
  return {
    keywords: (query) => index.query(query.query, { limit: 100 }).map((hit) => hit.name),
    meaning: (_query, vector) => semantic(vector).map((hit) => hit.name),
    'fused-before': (query, vector) =>
      reciprocalRankFusion(
        index.query(query.query, { limit: 100 }),
        semantic(vector)
          .slice(0, 20)
          .filter((hit) => hit.score >= 0.2),
      ),
    fused: (query, vector) =>
      fuseRankings(
        index.rank(query.query, { limit: 200 }),
        semantic(vector).slice(0, APP_SEMANTIC_K),
        tokenizeQuery(query.query).length,
      ).map((hit) => hit.name),
  };
}
