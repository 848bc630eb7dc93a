/**
 * Retrieval for "Ask your notes", on the device: the app's own hybrid search, as the search
 * results use it (KeywordIndex.rank for every memo sharing a word with the question, semantic
 * recall, fused by the search's public `fuseRankings`), over the timeline's memos; the top
 * RETRIEVE_K go to the prompt.
 * Semantic recall is used when it is ready and answers within SEMANTIC_WAIT_MS. Without it
 * (offline before the model was cached, still loading, busy), the fusion lists only memos
 * containing every word of the question; memos sharing some of its words then fill the
 * remaining places, best keyword match first, so a question still finds its notes.
 */
import type { LocalMemo } from '../../sync';
import type { RecallHit } from '../../workers/recall/client';
import { fuseRankings } from '../search/fusion';
import { tokenizeQuery } from '../search/tokenize';
import type { AppState } from '../state/app-context';

/** performance measures of the two halves (read by the memory benchmark). */
export const KEYWORD_MEASURE = 'memos-ask-keyword';
export const SEMANTIC_MEASURE = 'memos-ask-semantic';

/** Memos handed to the prompt builder (which may use fewer, see memory/prompt.ts). */
export const RETRIEVE_K = 8;
const KEYWORD_LIMIT = 200;
const SEMANTIC_K = 50;
/** Past this, semantic recall is busy (e.g. embedding a backlog): keyword hits alone are used. */
const SEMANTIC_WAIT_MS = 500;

function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(undefined);
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
  const semantic: Promise<RecallHit[] | undefined> = app.recall.ready()
    ? within(app.recall.search(question, { k: SEMANTIC_K, state: 'NORMAL' }), SEMANTIC_WAIT_MS)
    : Promise.resolve(undefined);
  const keyword = app.view.keyword.rank(question, { state: 'NORMAL', limit: KEYWORD_LIMIT });
  performance.measure(KEYWORD_MEASURE, { start });
  const similar = await semantic;
  performance.measure(SEMANTIC_MEASURE, { start });

  const memos: LocalMemo[] = [];
  const taken = new Set<string>();
  const take = (name: LocalMemo['name']) => {
    const memo = app.view.get(name);
    if (memo?.state !== 'NORMAL' || taken.has(name) || memos.length >= k) return;
    taken.add(name);
    memos.push(memo);
  };
  for (const hit of fuseRankings(keyword, similar ?? [], tokenizeQuery(question).length)) take(hit.name);
  if (similar === undefined) for (const hit of keyword) take(hit.name);
  return memos;
}
