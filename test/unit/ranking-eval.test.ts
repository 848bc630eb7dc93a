/**
 * Issue 10, part 5: the app's fused ranking measured on the ranking notebook with the real
 * model (the shipped all-MiniLM-L6-v2 through the app's own embedder, about 10 s here), and
 * the qualitative guarantees asserted — never timings and never exact figures (those are
 * in `npm run bench -- ranking`):
 *  - on the held-out half (never tuned on), the fused ranking is at least as good as
 *    keywords alone and as meaning alone on top-1, top-3 and MRR;
 *  - a memo that meaning ranks first is never pushed out of the fused top 10;
 *  - every keyword query keeps its target where keywords alone put it (first, or top 3);
 *  - no more targets go missing from the list than with the fusion before.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { MemoName } from '../../sync/core/ids';
import { type Metrics, rankOf, runRanker, score, semanticScores, slice } from '../bench/ranking/evaluate';
import { keywordIndexOf, loadNotebook } from '../bench/ranking/fixture';
import { appRankers, type RankerName } from '../bench/ranking/rankers';
import { embedNotebook, type NotebookVectors } from '../bench/ranking/vectors';

const notebook = loadNotebook();
let vectors: NotebookVectors;
let rankings: Record<RankerName, Map<string, MemoName[]>>;

beforeAll(async () => {
  vectors = await embedNotebook(notebook);
  const rankers = appRankers(await keywordIndexOf(notebook), vectors);
  rankings = {
    keywords: runRanker(notebook, vectors, rankers.keywords),
    meaning: runRanker(notebook, vectors, rankers.meaning),
    'fused-before': runRanker(notebook, vectors, rankers['fused-before']),
    fused: runRanker(notebook, vectors, rankers.fused),
  };
}, 300_000);

function brief(m: Metrics): string {
  return `top1 ${m.top1.toFixed(3)} top3 ${m.top3.toFixed(3)} mrr ${m.mrr.toFixed(3)} missing ${m.missing.length}`;
}

describe('fused ranking on the ranking notebook (real model)', () => {
  it('beats or equals keywords alone and meaning alone on the held-out half', () => {
    const heldout = slice(notebook, { kind: 'all', split: 'heldout' });
    const fused = score(heldout, rankings.fused);
    for (const single of ['keywords', 'meaning'] as const) {
      const other = score(heldout, rankings[single]);
      console.log(`[ranking] heldout fused ${brief(fused)} | ${single} ${brief(other)}`);
      expect(fused.top1, single).toBeGreaterThanOrEqual(other.top1);
      expect(fused.top3, single).toBeGreaterThanOrEqual(other.top3);
      expect(fused.mrr, single).toBeGreaterThanOrEqual(other.mrr);
    }
  });

  it('never pushes the memo that meaning ranks first out of the top 10', () => {
    const pushed: string[] = [];
    for (const query of notebook.queries) {
      const best = semanticScores(vectors, vectors.queries.get(query.id) ?? new Float32Array())[0];
      if (!best || best.score < 0.2) continue;
      const rank = (rankings.fused.get(query.id) ?? []).indexOf(best.name) + 1;
      if (rank === 0 || rank > 10) pushed.push(`${query.query} → ${best.name} at ${rank}`);
      if (rankOf(rankings.meaning.get(query.id) ?? [], query.target) === 1) {
        expect(rankOf(rankings.fused.get(query.id) ?? [], query.target), query.query).toBeLessThanOrEqual(10);
      }
    }
    expect(pushed).toEqual([]);
  });

  it('keeps every keyword query’s target where keywords alone put it', () => {
    const worse: string[] = [];
    for (const query of slice(notebook, { kind: 'keyword', split: 'all' })) {
      const alone = rankOf(rankings.keywords.get(query.id) ?? [], query.target);
      const fused = rankOf(rankings.fused.get(query.id) ?? [], query.target);
      if ((alone === 1 && fused !== 1) || (alone <= 3 && (fused === 0 || fused > 3))) {
        worse.push(`${query.query}: ${alone} → ${fused}`);
      }
    }
    expect(worse).toEqual([]);
  });

  it('loses no more targets from the list than the fusion before', () => {
    const all = slice(notebook, { kind: 'all', split: 'all' });
    const now = score(all, rankings.fused);
    const before = score(all, rankings['fused-before']);
    console.log(`[ranking] all queries fused ${brief(now)} | before ${brief(before)}`);
    expect(now.missing.length).toBeLessThanOrEqual(before.missing.length);
    expect(now.mrr).toBeGreaterThanOrEqual(before.mrr);
  });
});
