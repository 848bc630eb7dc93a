/**
 * Memo-level search over chunk vectors: a memo scores by its best chunk; filters by state
 * and tags; excludes memos (related search excludes the memo itself).
 * Strategy: when the filter leaves few chunks (a rare tag, the Archived view), score those
 * chunks exactly: a graph walk through mostly-rejected nodes is both slower and lossy.
 * Otherwise walk the graph, widening k until enough distinct memos are found.
 * Invariants: results are sorted by score descending, then name; at most k; no duplicates;
 * every result passes the filter.
 */
import type { MemoName, MemoState } from '../../sync';
import type { ChunkHit, HnswInstance } from './hnsw-instance';

export interface DocMeta {
  state: MemoState;
  tags: string[];
  chunks: number;
}

export interface MemoFilter {
  state: MemoState;
  /** the memo must carry every one of these tags (case-insensitive) */
  tags: string[];
  exclude?: ReadonlySet<MemoName>;
}

export interface MemoHit {
  name: MemoName;
  score: number;
}

/** Below this many eligible chunks, exact scoring replaces the graph walk. */
export const EXACT_SCAN_LIMIT = 2_000;

export function acceptsDoc(name: MemoName, meta: DocMeta | undefined, filter: MemoFilter): boolean {
  if (!meta || meta.state !== filter.state || filter.exclude?.has(name)) return false;
  if (filter.tags.length === 0) return true;
  const own = meta.tags.map((t) => t.toLowerCase());
  return filter.tags.every((tag) => own.includes(tag.toLowerCase()));
}

function bestPerMemo(instance: HnswInstance, hits: ChunkHit[]): Map<MemoName, number> {
  const best = new Map<MemoName, number>();
  for (const hit of hits) {
    const ref = instance.labels.ref(hit.label);
    if (!ref) continue;
    const previous = best.get(ref.name);
    if (previous === undefined || hit.score > previous) best.set(ref.name, hit.score);
  }
  return best;
}

function ranked(best: Map<MemoName, number>, k: number): MemoHit[] {
  return [...best]
    .map(([name, score]) => ({ name, score }))
    .sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, k);
}

/**
 * @param eligibleChunks how many live chunks pass `filter` (the caller keeps counts)
 */
export function searchMemos(
  instance: HnswInstance,
  meta: ReadonlyMap<MemoName, DocMeta>,
  query: Float32Array,
  k: number,
  filter: MemoFilter,
  eligibleChunks: number,
): MemoHit[] {
  if (k < 1 || eligibleChunks < 1) return [];
  const live = instance.labels.live;
  if (eligibleChunks <= EXACT_SCAN_LIMIT && eligibleChunks < live) {
    const labels: number[] = [];
    for (const [name, doc] of meta) {
      if (acceptsDoc(name, doc, filter)) labels.push(...(instance.labels.doc(name)?.labels ?? []));
    }
    return ranked(bestPerMemo(instance, instance.exact(query, labels)), k);
  }
  const everything = eligibleChunks >= live && !filter.exclude?.size;
  const accept = everything
    ? undefined
    : (label: number) => {
        const ref = instance.labels.ref(label);
        return ref !== undefined && acceptsDoc(ref.name, meta.get(ref.name), filter);
      };
  let want = Math.min(eligibleChunks, Math.max(k * 2, k + 8));
  for (;;) {
    const best = bestPerMemo(instance, instance.knn(query, want, accept));
    if (best.size >= k || want >= eligibleChunks) return ranked(best, k);
    want = Math.min(eligibleChunks, want * 4);
  }
}
