/**
 * Text → search terms for the keyword index, for any script:
 *  - words of letters/digits (and `_`), lower-cased and accent-folded ("Café" → "cafe");
 *  - CJK runs (Han, Hiragana, Katakana, Hangul) have no spaces, so they become overlapping
 *    bigrams plus single characters; a query is tokenised the same way and combined with
 *    AND, so "東京タワー" finds text containing it and a single character still matches;
 *  - `#tags` keep their path as one extra term ("#home/kitchen" → "home/kitchen").
 * Pure and deterministic; shared by indexing and querying.
 */

// Script_Extensions, so letters shared by these scripts (ー, 々) stay inside their run;
// intersected with letters/digits/marks so CJK punctuation (、。) still separates words.
const CJK = /[[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]&&[\p{L}\p{N}\p{M}]]/v;
const SEGMENT =
  /[[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]&&[\p{L}\p{N}\p{M}]]+|[[\p{L}\p{N}\p{M}_]--[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}]]+/gv;
const TAG = /#([\p{L}\p{N}\p{M}_\-/&]+)/gu;

export function foldTerm(term: string): string {
  return term.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

export function isCjkTerm(term: string): boolean {
  return CJK.test(term);
}

function cjkTerms(run: string, into: string[]): void {
  const chars = Array.from(run);
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] ?? '';
    into.push(char);
    const next = chars[i + 1];
    if (next !== undefined) into.push(char + next);
  }
}

export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const match of text.matchAll(SEGMENT)) {
    const segment = match[0];
    if (CJK.test(segment)) cjkTerms(segment, terms);
    else terms.push(foldTerm(segment));
  }
  for (const match of text.matchAll(TAG)) {
    const tag = match[1];
    if (tag?.includes('/')) terms.push(foldTerm(tag));
  }
  return terms;
}

/**
 * Function words dropped from multi-word queries ("what do I need from the shop" → need, shop),
 * and the pieces an apostrophe leaves ("Leo's", "I'm", "don't" → s, m, t): as one-letter
 * terms they would prefix-match nearly every memo.
 */
const STOPWORDS = new Set(
  'a an and are as at be but by can did do does for from had has have how i if in into is it its me my of on or so that the their them then there these they this to was we were what when where which who why will with would you your s t m d ll re ve'.split(
    ' ',
  ),
);

/**
 * Query terms: like `tokenize`, but CJK queries use bigrams only (plus the lone char for
 * one-char queries), and English function words are dropped unless nothing else is left.
 */
export function tokenizeQuery(query: string): string[] {
  const terms = queryTerms(query);
  const meaningful = terms.filter((term) => !STOPWORDS.has(term));
  return meaningful.length > 0 ? meaningful : terms;
}

function queryTerms(query: string): string[] {
  const terms: string[] = [];
  for (const match of query.matchAll(SEGMENT)) {
    const segment = match[0];
    if (!CJK.test(segment)) {
      terms.push(foldTerm(segment));
      continue;
    }
    const chars = Array.from(segment);
    if (chars.length === 1) terms.push(segment);
    for (let i = 0; i + 1 < chars.length; i++) terms.push((chars[i] ?? '') + (chars[i + 1] ?? ''));
  }
  return [...new Set(terms)];
}
