/** Keyword search: prefix, typo tolerance, CJK text, tags, state scoping, incremental updates. */
import { describe, expect, it } from 'vitest';
import { KeywordIndex } from '../../app/search/keyword-index';
import { tokenize, tokenizeQuery } from '../../app/search/tokenize';
import type { MemoName } from '../../sync/core/ids';
import { buildLocalMemo } from '../../sync/db/notebook';

let n = 0;
function memo(content: string, state: 'NORMAL' | 'ARCHIVED' = 'NORMAL') {
  n++;
  return buildLocalMemo(
    `memos/m-${n}` as MemoName,
    { content, visibility: 'PRIVATE', state, pinned: false, attachments: [] },
    { createTime: n, updateTime: n },
  );
}

async function indexOf(contents: string[]) {
  const index = new KeywordIndex();
  const memos = contents.map((c) => memo(c));
  await index.addAll(memos);
  return { index, memos };
}

describe('tokenizer', () => {
  it('folds case and accents and splits CJK into bigrams', () => {
    expect(tokenize('Café CRÈME')).toEqual(['cafe', 'creme']);
    expect(tokenize('東京タワー')).toEqual(['東', '東京', '京', '京タ', 'タ', 'タワ', 'ワ', 'ワー', 'ー']);
    expect(tokenizeQuery('東京')).toEqual(['東京']);
    expect(tokenize('abc東京')).toEqual(['abc', '東', '東京', '京']);
  });
});

describe('keyword index', () => {
  it('finds by prefix and tolerates typos', async () => {
    const { index, memos } = await indexOf([
      'groceries: milk, eggs, coffee',
      'meeting notes about the budget',
    ]);
    expect(index.query('groc').map((h) => h.name)).toEqual([memos[0]?.name]);
    expect(index.query('grocereis').map((h) => h.name)).toEqual([memos[0]?.name]);
    expect(index.query('budgat').map((h) => h.name)).toEqual([memos[1]?.name]);
  });

  it('combines words with AND', async () => {
    const { index, memos } = await indexOf(['milk and eggs', 'milk only', 'eggs only']);
    expect(index.query('milk eggs').map((h) => h.name)).toEqual([memos[0]?.name]);
  });

  it('finds Chinese, Japanese and Korean text', async () => {
    const { index, memos } = await indexOf([
      '今天买了牛奶和鸡蛋',
      '東京タワーに行きました',
      '오늘 회의가 있습니다',
      'english only',
    ]);
    expect(index.query('牛奶').map((h) => h.name)).toEqual([memos[0]?.name]);
    expect(index.query('東京タワー').map((h) => h.name)).toEqual([memos[1]?.name]);
    expect(index.query('회의').map((h) => h.name)).toEqual([memos[2]?.name]);
    expect(index.query('奶').map((h) => h.name)).toEqual([memos[0]?.name]);
    expect(index.query('京都')).toEqual([]);
  });

  it('finds tags, including hierarchical ones', async () => {
    const { index, memos } = await indexOf(['note #home/kitchen', 'other']);
    expect(index.query('kitchen').map((h) => h.name)).toEqual([memos[0]?.name]);
    expect(index.query('home/kitchen').map((h) => h.name)).toEqual([memos[0]?.name]);
  });

  it('scopes by state and follows updates and removals', async () => {
    const index = new KeywordIndex();
    const normal = memo('alpha normal');
    const archived = memo('alpha archived', 'ARCHIVED');
    await index.addAll([normal, archived]);
    expect(index.query('alpha', { state: 'NORMAL' }).map((h) => h.name)).toEqual([normal.name]);
    expect(index.query('alpha', { state: 'ARCHIVED' }).map((h) => h.name)).toEqual([archived.name]);
    index.upsert({ ...normal, content: 'beta now' });
    expect(index.query('alpha', { state: 'NORMAL' })).toEqual([]);
    expect(index.query('beta').map((h) => h.name)).toEqual([normal.name]);
    index.remove(normal.name);
    expect(index.query('beta')).toEqual([]);
  });

  it('ranks partial matches with the share of query words they matched', async () => {
    const { index, memos } = await indexOf(['milk and eggs', 'milk only', 'bread']);
    const ranked = index.rank('milk eggs');
    expect(ranked.map((h) => [h.name, h.coverage])).toEqual([
      [memos[0]?.name, 1],
      [memos[1]?.name, 0.5],
    ]);
    // Full matches are the search box's results, whatever the limit on partial ones.
    expect(index.rank('milk eggs', { limit: 0 }).map((h) => h.name)).toEqual([memos[0]?.name]);
    expect(index.rank('   ')).toEqual([]);
  });

  it("drops the pieces an apostrophe leaves (Leo's, I'm) from queries", async () => {
    expect(tokenizeQuery("Leo's shoes")).toEqual(['leo', 'shoes']);
    expect(tokenizeQuery("I'm on holiday")).toEqual(['holiday']);
    const { index, memos } = await indexOf(["Leo's shoe size 29", 'Leo sent a postcard']);
    expect(index.query("Leo's shoe").map((h) => h.name)).toEqual([memos[0]?.name]);
  });

  it('returns nothing for an empty query and survives a 1 MB query', async () => {
    const { index } = await indexOf(['something']);
    expect(index.query('   ')).toEqual([]);
    expect(index.query('word '.repeat(200_000)).length).toBe(0);
  });
});
