/**
 * Runs the ranking notebook's queries through three rankers and scores them: keywords alone
 * (the app's KeywordIndex, as the search box shows it), meaning alone (cosine of the query
 * to each memo's best window, over the whole notebook) and the fused list the app shows
 * (keyword hits and the top semantic hits above the similarity floor, fused). Pure apart
 * from the keyword index it is given; vectors come from vectors.ts.
 * Metrics per query set: top-1, top-3, MRR (1/rank, 0 when absent), recall@10, and the
 * queries whose target is missing from the list altogether.
 */
import type { MemoName } from '../../../sync/core/ids';
import { type EvalNotebook, type EvalQuery, idOf, memoNameOf, type QueryKind, type Split } from './fixture';
import type { NotebookVectors } from './vectors';

export interface Scored {
  name: MemoName;
  score: number;
}

/** Ranks memo names for one query; the query's vector is passed along for semantic rankers. */
export type Ranker = (query: EvalQuery, vector: Float32Array) => MemoName[];

export interface Metrics {
  queries: number;
  top1: number;
  top3: number;
  mrr: number;
  recall10: number;
  /** ids of queries whose target is not in the list at all */
  missing: string[];
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

/** Cosine of the query to each memo's best window (what the semantic index ranks by), best first. */
export function semanticScores(vectors: NotebookVectors, vector: Float32Array): Scored[] {
  const scored: Scored[] = [];
  for (const [id, windows] of vectors.memos) {
    scored.push({ name: memoNameOf(id), score: Math.max(...windows.map((w) => dot(w, vector))) });
  }
  return scored.sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : 1));
}

export function rankOf(ranking: readonly MemoName[], target: string): number {
  return ranking.indexOf(memoNameOf(target)) + 1;
}

export function score(queries: readonly EvalQuery[], rankings: ReadonlyMap<string, MemoName[]>): Metrics {
  let top1 = 0;
  let top3 = 0;
  let mrr = 0;
  let recall10 = 0;
  const missing: string[] = [];
  for (const query of queries) {
    const rank = rankOf(rankings.get(query.id) ?? [], query.target);
    if (rank === 0) missing.push(query.id);
    else {
      mrr += 1 / rank;
      if (rank === 1) top1++;
      if (rank <= 3) top3++;
      if (rank <= 10) recall10++;
    }
  }
  const n = queries.length || 1;
  return {
    queries: queries.length,
    top1: top1 / n,
    top3: top3 / n,
    mrr: mrr / n,
    recall10: recall10 / n,
    missing,
  };
}

export function runRanker(
  notebook: EvalNotebook,
  vectors: NotebookVectors,
  ranker: Ranker,
): Map<string, MemoName[]> {
  const out = new Map<string, MemoName[]>();
  for (const query of notebook.queries) {
    const vector = vectors.queries.get(query.id);
    if (!vector) throw new Error(`no vector for query ${query.id}`);
    out.set(query.id, ranker(query, vector));
  }
  return out;
}

export interface SliceKey {
  kind: QueryKind | 'all';
  split: Split | 'all';
}

export function slice(notebook: EvalNotebook, key: SliceKey): EvalQuery[] {
  return notebook.queries.filter(
    (q) => (key.kind === 'all' || q.kind === key.kind) && (key.split === 'all' || q.split === key.split),
  );
}

export { idOf };
