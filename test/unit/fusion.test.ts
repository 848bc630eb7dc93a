/**
 * Score-aware fusion of keyword and semantic hits (app/search/fusion.ts): which memos are
 * results, how far a keyword bonus can lift a memo, and the order before semantic hits
 * arrive. The measured quality lives in ranking-eval.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { FUSION_WEIGHTS, fuseRankings, type KeywordEvidence, keywordWeight } from '../../app/search/fusion';
import type { MemoName } from '../../sync/core/ids';

const name = (s: string) => `memos/${s}` as MemoName;
const kw = (s: string, score: number, coverage = 1): KeywordEvidence => ({
  name: name(s),
  score,
  terms: [s],
  coverage,
});
const sem = (s: string, score: number) => ({ name: name(s), score });
const names = (hits: Array<{ name: MemoName }>) => hits.map((h) => h.name.slice('memos/'.length));

describe('fuseRankings', () => {
  it('lists full keyword matches and semantic hits above the floor, never partial matches alone', () => {
    const fused = fuseRankings(
      [kw('full', 10), kw('partial', 9, 0.5), kw('both', 5)],
      [sem('both', 0.6), sem('meaning', 0.5), sem('noise', FUSION_WEIGHTS.minSimilarity - 0.01)],
      2,
    );
    expect(names(fused).sort()).toEqual(['both', 'full', 'meaning']);
    const both = fused.find((h) => h.name === name('both'));
    expect(both?.terms).toEqual(['both']);
    expect(both?.similarity).toBe(0.6);
    expect(fused.find((h) => h.name === name('meaning'))?.terms).toBeUndefined();
  });

  it('lifts a semantic hit by a partial keyword match, by at most the weight for the query length', () => {
    const fused = fuseRankings([kw('a', 8, 0.5)], [sem('b', 0.6), sem('a', 0.58)], 2);
    expect(names(fused)).toEqual(['a', 'b']);
    const weight = keywordWeight(2);
    // A cosine lead larger than the weight is never overturned by keywords.
    const safe = fuseRankings([kw('a', 8)], [sem('b', 0.6 + weight + 0.01), sem('a', 0.6)], 2);
    expect(names(safe)).toEqual(['b', 'a']);
  });

  it('trusts one typed word more than a question', () => {
    expect(keywordWeight(1)).toBeGreaterThan(keywordWeight(2));
    expect(keywordWeight(2)).toBeGreaterThanOrEqual(keywordWeight(5));
    // "Talisker": the memo containing the word beats closer-sounding memos.
    const literal = fuseRankings([kw('whisky-day', 3)], [sem('drinks', 0.45), sem('whisky-day', 0.2)], 1);
    expect(names(literal)[0]).toBe('whisky-day');
    // A question: a memo that merely contains its words does not beat the one that answers it.
    const question = fuseRankings([kw('lure', 12)], [sem('answer', 0.55), sem('lure', 0.4)], 4);
    expect(names(question)[0]).toBe('answer');
  });

  it('keeps the keyword order while semantic hits have not arrived', () => {
    const fused = fuseRankings([kw('best', 9), kw('second', 4), kw('third', 1)], [], 3);
    expect(names(fused)).toEqual(['best', 'second', 'third']);
  });

  it('returns nothing for nothing and each memo once', () => {
    expect(fuseRankings([], [], 0)).toEqual([]);
    const fused = fuseRankings([kw('x', 1)], [sem('x', 0.5), sem('x', 0.4)], 1);
    expect(names(fused)).toEqual(['x']);
  });
});
