/**
 * Citations in a rendered answer become links: after the answer's Markdown is rendered by the
 * app's sanitizing renderer (so any HTML in it is inert text), each `[n]` in its text that
 * points at a note that was sent becomes `<a class="citation" href="/memo/<uid>">[n]</a>`;
 * a number that points nowhere stays plain text (memory/citations.ts). Text inside code, links
 * and buttons is left alone.
 */
import { type CitationTarget, splitCitations } from '../../memory/citations';
import { type MemoName, uidOf } from '../../sync';

const SKIP = 'code, pre, a, button';

export function linkCitations(
  root: HTMLElement,
  targets: readonly CitationTarget[],
  titleOf: (name: string) => string,
): void {
  if (targets.length === 0) return;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node instanceof Text && node.data.includes('[') && !node.parentElement?.closest(SKIP))
      nodes.push(node);
  }
  for (const node of nodes) {
    const pieces = splitCitations(node.data, targets);
    if (!pieces.some((piece) => piece.kind === 'cite')) continue;
    const fragment = document.createDocumentFragment();
    for (const piece of pieces) {
      if (piece.kind === 'text') {
        fragment.append(piece.text);
        continue;
      }
      const link = document.createElement('a');
      link.className = 'citation';
      link.href = `/memo/${uidOf(piece.name as MemoName)}`;
      link.textContent = `[${piece.n}]`;
      link.title = titleOf(piece.name);
      fragment.append(link);
    }
    node.replaceWith(fragment);
  }
}
