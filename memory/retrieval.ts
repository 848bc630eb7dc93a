/**
 * Turning a question into a keyword query: keyword search ANDs its words, so "when did I last
 * change the oil?" would match nothing; the question's content words are searched with OR
 * instead and ranked by the search index. Pure.
 * Invariant: a question of only stop words (or only short words) keeps its words, so the
 * keyword query is never emptier than it has to be.
 */

const STOP_WORDS = new Set(
  (
    'a about above after again all am an and any are as at be been before being below between both but by ' +
    'can could did do does doing down during each few for from further had has have having he her here hers ' +
    'him his how i if in into is it its just me more most my no nor not now of off on once only or other our ' +
    'out over own same she should so some such than that the their them then there these they this those ' +
    'through to too under until up very was we were what when where which while who whom why will with would ' +
    'you your yours last ever tell know please remind note notes memo memos'
  ).split(' '),
);

const WORD = /[\p{L}\p{N}][\p{L}\p{N}'_-]*/gu;
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/** The question's content words, joined for an OR keyword search. */
export function keywordQueryOf(question: string): string {
  const words = question.toLowerCase().match(WORD) ?? [];
  const content = words.filter((word) => CJK.test(word) || (word.length > 2 && !STOP_WORDS.has(word)));
  return [...new Set(content.length > 0 ? content : words)].join(' ');
}
