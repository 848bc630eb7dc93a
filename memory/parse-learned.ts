/** `#learned` memos: their lines, newest memo first, each linking back to its memo line. Pure. */
import { hasMemoryTag, MAX_LINE_CHARS, type MemoryMemo, plainText, scanLines } from './parse-lines';

export interface LearnedItem {
  text: string;
  memo: string;
  line: number;
  time: number;
}

export function learnedItems(memo: MemoryMemo): LearnedItem[] {
  const items: LearnedItem[] = [];
  for (const line of scanLines(memo.content)) {
    if (line.fenced) continue;
    const text = plainText(line.text);
    if (text !== '') {
      items.push({
        text: text.slice(0, MAX_LINE_CHARS),
        memo: memo.name,
        line: line.index,
        time: memo.createTime,
      });
    }
  }
  return items;
}

/** The lines of the `#learned` memos: newest memo first, each memo's lines in order. */
export function collectLearned(
  memos: readonly MemoryMemo[],
  itemsOf: (memo: MemoryMemo) => LearnedItem[] = learnedItems,
): LearnedItem[] {
  const learned = memos.filter((memo) => hasMemoryTag(memo.tags, 'learned'));
  learned.sort((a, b) => b.createTime - a.createTime || (a.name < b.name ? -1 : 1));
  return learned.flatMap((memo) => itemsOf(memo));
}
