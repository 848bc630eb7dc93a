/**
 * Citations in an answer: `[1]`, `[2][3]` or `[1, 3]` refer to the numbered notes of the
 * prompt (prompt.ts). Pure. Invariant: a number becomes a citation only when it points at a
 * note that was sent; anything else (`[7]` when 3 notes were sent, `[0]`, `[x]`) stays text.
 */

export interface CitationTarget {
  n: number;
  name: string;
}

export type AnswerPiece = { kind: 'text'; text: string } | { kind: 'cite'; n: number; name: string };

const GROUP = /\[(\s*\d{1,3}\s*(?:[,;]\s*\d{1,3}\s*)*)\]/g;

/**
 * Splits plain text into text and citation pieces (adjacent text pieces are merged). A group
 * `[1, 3]` becomes one piece per number: a citation where it points at a note, `[3]` text
 * where it does not.
 */
export function splitCitations(text: string, targets: readonly CitationTarget[]): AnswerPiece[] {
  const byNumber = new Map(targets.map((target) => [target.n, target.name]));
  const pieces: AnswerPiece[] = [];
  const pushText = (value: string) => {
    if (value === '') return;
    const last = pieces[pieces.length - 1];
    if (last?.kind === 'text') last.text += value;
    else pieces.push({ kind: 'text', text: value });
  };
  let at = 0;
  for (const match of text.matchAll(GROUP)) {
    const numbers = (match[1] ?? '').split(/[,;]/).map((part) => Number(part.trim()));
    if (!numbers.some((n) => byNumber.has(n))) continue;
    pushText(text.slice(at, match.index));
    for (const n of numbers) {
      const name = byNumber.get(n);
      if (name !== undefined) pieces.push({ kind: 'cite', n, name });
      else pushText(`[${n}]`);
    }
    at = match.index + match[0].length;
  }
  pushText(text.slice(at));
  return pieces;
}

/** The numbers an answer actually cites, in first-use order. */
export function citedNumbers(text: string, targets: readonly CitationTarget[]): number[] {
  const seen = new Set<number>();
  for (const piece of splitCitations(text, targets)) if (piece.kind === 'cite') seen.add(piece.n);
  return [...seen];
}
