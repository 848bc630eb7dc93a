/**
 * What the index knows about each indexed memo besides its vectors: state, tags and chunk
 * count (the search filters), with running chunk counts per state so a default search
 * knows how many chunks pass its filter without scanning. Also the memo-level queries
 * built on it: `search` and `related` (a memo's neighbours by its best chunk).
 * Invariant: holds exactly the memos of the current graph (the owner keeps it so).
 */
import type { MemoName, MemoState } from '../../sync';
import type { IndexHit, MemoQuery } from './api';
import type { HnswInstance } from './hnsw-instance';
import type { LabelMap } from './label-map';
import { acceptsDoc, type DocMeta, type MemoFilter, searchMemos } from './memo-search';

/** State and tags of the indexed memos, in the label map's memo order (saved with it). */
export interface CatalogSnapshot {
  /** 1 = ARCHIVED, 0 = NORMAL */
  archived: Uint8Array;
  /** JSON of string[][] */
  tags: string;
}

export class DocCatalog {
  private readonly meta = new Map<MemoName, DocMeta>();
  private readonly chunksByState = new Map<MemoState, number>();

  set(name: MemoName, next: DocMeta | undefined): void {
    const previous = this.meta.get(name);
    if (previous) this.add(previous.state, -previous.chunks);
    if (next) {
      this.meta.set(name, next);
      this.add(next.state, next.chunks);
    } else this.meta.delete(name);
  }

  get(name: MemoName): DocMeta | undefined {
    return this.meta.get(name);
  }

  snapshot(order: readonly MemoName[]): CatalogSnapshot {
    return {
      archived: Uint8Array.from(order, (name) => (this.meta.get(name)?.state === 'ARCHIVED' ? 1 : 0)),
      tags: JSON.stringify(order.map((name) => this.meta.get(name)?.tags ?? [])),
    };
  }

  /** Replaces the contents from a saved snapshot; false (and empty) when it does not fit. */
  restore(labels: LabelMap, value: unknown): boolean {
    this.clear();
    if (typeof value !== 'object' || value === null) return false;
    const { archived, tags } = value as Partial<Record<keyof CatalogSnapshot, unknown>>;
    if (!(archived instanceof Uint8Array) || typeof tags !== 'string') return false;
    let parsed: unknown;
    try {
      parsed = JSON.parse(tags);
    } catch {
      return false;
    }
    const names = [...labels.names()];
    if (!Array.isArray(parsed) || parsed.length !== names.length || archived.length !== names.length)
      return false;
    for (const [i, name] of names.entries()) {
      const own: unknown = parsed[i];
      if (!Array.isArray(own) || !own.every((t) => typeof t === 'string')) {
        this.clear();
        return false;
      }
      const chunks = labels.doc(name)?.labels.length ?? 0;
      this.set(name, { state: archived[i] === 1 ? 'ARCHIVED' : 'NORMAL', tags: own, chunks });
    }
    return true;
  }

  /** Takes over the contents of `other` (a restored catalog). */
  adopt(other: DocCatalog): void {
    this.clear();
    for (const [name, meta] of other.meta) this.set(name, meta);
  }

  clear(): void {
    this.meta.clear();
    this.chunksByState.clear();
  }

  private add(state: MemoState, chunks: number): void {
    this.chunksByState.set(state, (this.chunksByState.get(state) ?? 0) + chunks);
  }

  /** Live chunks that pass `filter`. */
  eligibleChunks(filter: MemoFilter): number {
    if (filter.tags.length === 0) {
      let excluded = 0;
      for (const name of filter.exclude ?? []) {
        const m = this.meta.get(name);
        if (m?.state === filter.state) excluded += m.chunks;
      }
      return (this.chunksByState.get(filter.state) ?? 0) - excluded;
    }
    let count = 0;
    for (const [name, m] of this.meta) if (acceptsDoc(name, m, filter)) count += m.chunks;
    return count;
  }

  search(instance: HnswInstance, vector: Float32Array, options: MemoQuery, exclude?: ReadonlySet<MemoName>) {
    const filter: MemoFilter = { state: options.state ?? 'NORMAL', tags: options.tags ?? [] };
    if (exclude) filter.exclude = exclude;
    return searchMemos(instance, this.meta, vector, options.k, filter, this.eligibleChunks(filter));
  }

  related(instance: HnswInstance, name: MemoName, options: MemoQuery): IndexHit[] {
    const best = new Map<MemoName, number>();
    const self = new Set([name]);
    for (const label of instance.labels.doc(name)?.labels ?? []) {
      for (const hit of this.search(instance, instance.point(label), options, self)) {
        best.set(hit.name, Math.max(hit.score, best.get(hit.name) ?? Number.NEGATIVE_INFINITY));
      }
    }
    return [...best]
      .map(([memo, score]) => ({ name: memo, score }))
      .sort((a, b) => b.score - a.score || (a.name < b.name ? -1 : 1))
      .slice(0, options.k);
  }
}
