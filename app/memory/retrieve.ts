/**
 * Retrieval for "Ask your notes", on the device: the app's own hybrid search (keyword index and
 * semantic recall, fused by the search's public `fuseRankings`) over the timeline's memos.
 * The question's content words are searched with OR and without typo tolerance
 * (memory/retrieval.ts); semantic recall is used when it is ready and answers within
 * SEMANTIC_WAIT_MS, otherwise keyword hits alone count.
 */
import { keywordQueryOf } from '../../memory/retrieval';
import type { LocalMemo } from '../../sync';
import type { RecallHit } from '../../workers/recall/client';
import { fuseRankings } from '../search/fusion';
import type { AppState } from '../state/app-context';

/** performance measures of the two halves (read by the memory benchmark). */
export const KEYWORD_MEASURE = 'memos-ask-keyword';
export const SEMANTIC_MEASURE = 'memos-ask-semantic';

/** Memos handed to the prompt builder (which may use fewer, see memory/prompt.ts). */
export const RETRIEVE_K = 8;
const KEYWORD_LIMIT = 50;
const SEMANTIC_K = 20;
/** Cosine similarity below which a semantic neighbour is noise (as in the search results). */
const MIN_SIMILARITY = 0.2;
/** Past this, semantic recall is busy (e.g. embedding a backlog): keyword hits alone are used. */
const SEMANTIC_WAIT_MS = 500;

function within<T>(work: Promise<T>, ms: number, fallback: T): Promise<T> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

export async function retrieveMemos(
  app: Pick<AppState, 'view' | 'recall'>,
  question: string,
  k = RETRIEVE_K,
): Promise<LocalMemo[]> {
  // Start the semantic query first: it runs in a worker while the keyword search runs here.
  const start = performance.now();
  const semantic: Promise<RecallHit[]> = app.recall.ready()
    ? within(app.recall.search(question, { k: SEMANTIC_K, state: 'NORMAL' }), SEMANTIC_WAIT_MS, [])
    : Promise.resolve([]);
  const keyword = app.view.keyword.query(keywordQueryOf(question), {
    state: 'NORMAL',
    limit: KEYWORD_LIMIT,
    combineWith: 'OR',
    // Typo tolerance over every word of a question costs tens of milliseconds on a large
    // notebook; search by meaning covers what a typo misses.
    fuzzy: false,
  });
  performance.measure(KEYWORD_MEASURE, { start });
  const similar = (await semantic).filter((hit) => hit.score >= MIN_SIMILARITY);
  performance.measure(SEMANTIC_MEASURE, { start });
  const memos: LocalMemo[] = [];
  for (const hit of fuseRankings(keyword, similar)) {
    const memo = app.view.get(hit.name);
    if (memo && memo.state === 'NORMAL') memos.push(memo);
    if (memos.length >= k) break;
  }
  return memos;
}
