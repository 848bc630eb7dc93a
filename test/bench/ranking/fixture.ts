/**
 * The ranking evaluation notebook (test/fixtures/ranking/notebook.json): its types, loading
 * with shape checks, the notebook as the app's LocalMemos and keyword index, and the
 * mechanical check that a paraphrase shares no content word with its target under the
 * app's own matching (tokenizer, stop words, prefix and typo tolerance).
 * Invariants: memo ids are unique; every query's target, lures and confusers exist.
 */
import { readFileSync } from 'node:fs';
import { KeywordIndex } from '../../../app/search/keyword-index';
import { tokenizeQuery } from '../../../app/search/tokenize';
import type { MemoName } from '../../../sync/core/ids';
import type { LocalMemo } from '../../../sync/core/memo';
import { buildLocalMemo } from '../../../sync/db/notebook';

export type QueryKind = 'paraphrase' | 'mixed' | 'keyword';
export type Split = 'tune' | 'heldout';

export interface EvalMemo {
  id: string;
  content: string;
}

export interface EvalQuery {
  id: string;
  kind: QueryKind;
  /** keyword queries: exact, name, typo, prefix or tag */
  subkind?: string;
  split: Split;
  query: string;
  target: string;
  /** memos that share the query's words but mean something else */
  lures?: string[];
  /** memos that mean the same about another name or place (mixed queries) */
  confusers?: string[];
}

export interface EvalNotebook {
  description: string;
  memos: EvalMemo[];
  queries: EvalQuery[];
}

export const NOTEBOOK_PATH = new URL('../../fixtures/ranking/notebook.json', import.meta.url);

export function loadNotebook(path: URL = NOTEBOOK_PATH): EvalNotebook {
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as EvalNotebook;
  const ids = new Set<string>();
  for (const memo of parsed.memos) {
    if (typeof memo.id !== 'string' || typeof memo.content !== 'string') throw new Error('malformed memo');
    if (ids.has(memo.id)) throw new Error(`duplicate memo id ${memo.id}`);
    ids.add(memo.id);
  }
  for (const query of parsed.queries) {
    for (const id of [query.target, ...(query.lures ?? []), ...(query.confusers ?? [])]) {
      if (!ids.has(id)) throw new Error(`query ${query.id} names unknown memo ${id}`);
    }
  }
  return parsed;
}

/** The memo name the app would use for a fixture memo. */
export function memoNameOf(id: string): MemoName {
  return `memos/rank-${id}` as MemoName;
}

export function idOf(name: MemoName): string {
  return name.slice('memos/rank-'.length);
}

export function localMemos(notebook: EvalNotebook): LocalMemo[] {
  return notebook.memos.map((memo, i) =>
    buildLocalMemo(
      memoNameOf(memo.id),
      { content: memo.content, visibility: 'PRIVATE', state: 'NORMAL', pinned: false, attachments: [] },
      { createTime: i * 60_000, updateTime: i * 60_000 },
    ),
  );
}

export async function keywordIndexOf(notebook: EvalNotebook): Promise<KeywordIndex> {
  const index = new KeywordIndex();
  await index.addAll(localMemos(notebook));
  return index;
}

/**
 * Query terms (after the app's stop words) that the app's keyword search would match in
 * `memoId` on their own: exact, by prefix or within its typo tolerance. Empty means the
 * query shares no content word with the memo.
 */
export function sharedTerms(index: KeywordIndex, query: string, memoId: string): string[] {
  const name = memoNameOf(memoId);
  return tokenizeQuery(query).filter(
    (term) => index.query(term, { filter: (candidate) => candidate === name }).length > 0,
  );
}
