/**
 * Full-text keyword search over every local memo (MiniSearch): prefix matching on every
 * term, typo tolerance on longer Latin-script terms, AND semantics, tags boosted. Kept in
 * step with the store by upsert/remove; building it for a large notebook is chunked so
 * the UI never freezes. Results carry the matched terms so the UI can highlight them.
 */
import MiniSearch from 'minisearch';
import type { LocalMemo, MemoName } from '../../sync';
import { isCjkTerm, tokenize, tokenizeQuery } from './tokenize';

interface IndexedDoc {
  id: MemoName;
  content: string;
  tags: string;
  state: LocalMemo['state'];
}

export interface KeywordHit {
  name: MemoName;
  score: number;
  /** Index terms that matched, for highlighting. */
  terms: string[];
  /** The query words (as typed, folded) that matched. */
  queryTerms: string[];
}

export interface RankedKeywordHit extends KeywordHit {
  /** share of the query's terms (after stop words) this memo matched, 0..1 */
  coverage: number;
}

export interface KeywordSearchOptions {
  state?: LocalMemo['state'];
  limit?: number;
  filter?: (name: MemoName) => boolean;
}

function toDoc(memo: LocalMemo): IndexedDoc {
  return { id: memo.name, content: memo.content, tags: memo.tags.join(' '), state: memo.state };
}

export class KeywordIndex {
  private readonly search = new MiniSearch<IndexedDoc>({
    fields: ['content', 'tags'],
    storeFields: ['state'],
    tokenize,
    processTerm: (term) => term,
    searchOptions: {
      tokenize: tokenizeQuery,
      processTerm: (term) => term,
      prefix: (term) => !isCjkTerm(term),
      // One typo from 4 letters, two from 8 (as absolute edit distances).
      fuzzy: (term) => (isCjkTerm(term) || term.length < 4 ? false : term.length < 8 ? 1 : 2),
      maxFuzzy: 2,
      combineWith: 'AND',
      boost: { tags: 2 },
    },
    autoVacuum: { minDirtCount: 200, minDirtFactor: 0.2 },
  });

  get size(): number {
    return this.search.documentCount;
  }

  has(name: MemoName): boolean {
    return this.search.has(name);
  }

  /** Adds many memos, yielding to the event loop between chunks. */
  async addAll(memos: readonly LocalMemo[]): Promise<void> {
    const fresh = memos.filter((memo) => !this.search.has(memo.name));
    await this.search.addAllAsync(fresh.map(toDoc), { chunkSize: 250 });
  }

  upsert(memo: LocalMemo): void {
    if (this.search.has(memo.name)) this.search.replace(toDoc(memo));
    else this.search.add(toDoc(memo));
  }

  remove(name: MemoName): void {
    if (this.search.has(name)) this.search.discard(name);
  }

  /** Memos matching every query term (prefix and typo tolerant), best first: what the search box lists. */
  query(text: string, options: KeywordSearchOptions = {}): KeywordHit[] {
    return this.run(text, 'AND', options);
  }

  /**
   * Memos matching at least one query term, best first (BM25: more and rarer terms score
   * higher), with the share of the query's terms each matched: every full match, and the
   * best `limit` partial ones. For ranking: a partial match is evidence, never a result.
   */
  rank(text: string, options: KeywordSearchOptions = {}): RankedKeywordHit[] {
    const total = tokenizeQuery(text).length;
    const partialLimit = options.limit ?? 200;
    let partial = 0;
    const ranked: RankedKeywordHit[] = [];
    for (const hit of this.run(text, 'OR', { ...options, limit: Number.POSITIVE_INFINITY })) {
      const coverage = total > 0 ? Math.min(1, new Set(hit.queryTerms).size / total) : 0;
      // Every full match is kept (they are results); partial ones up to the limit.
      if (coverage < 1 && partial++ >= partialLimit) continue;
      ranked.push({ ...hit, coverage });
    }
    return ranked;
  }

  private run(text: string, combineWith: 'AND' | 'OR', options: KeywordSearchOptions): KeywordHit[] {
    if (text.trim() === '') return [];
    const results = this.search.search(text, {
      combineWith,
      filter: (result) =>
        (options.state === undefined || result.state === options.state) &&
        (options.filter === undefined || options.filter(result.id as MemoName)),
    });
    return results.slice(0, options.limit ?? 200).map((result) => ({
      name: result.id as MemoName,
      score: result.score,
      terms: result.terms,
      queryTerms: result.queryTerms,
    }));
  }
}
