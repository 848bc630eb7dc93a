/**
 * The map between hnswlib labels (uint32) and memo chunks, plus what each indexed memo's
 * vectors were made from (content hash). Pure data; the index owns one per HNSW instance.
 * Invariants:
 *  - labels are handed out from `nextLabel` upwards and never reused within one HNSW
 *    instance (hnswlib cannot reuse deleted slots); a rebuild starts a new map at 0;
 *  - a memo is either absent or has labels for chunks 0..n-1, all live;
 *  - `deleted` counts labels marked deleted in the HNSW instance (compaction trigger);
 *  - a snapshot restores to an equal map, and `restore` rejects anything malformed.
 */
import { type MemoName, parseMemoName } from '../../sync';

export interface ChunkRef {
  name: MemoName;
  chunk: number;
}

export interface IndexedDoc {
  contentHash: string;
  labels: number[];
}

/**
 * Columnar, so that storing and loading 100k entries is a few strings and typed arrays
 * for structured clone rather than 100k objects. Memo i owns `chunkCounts[i]` consecutive
 * entries of `labels`, in chunk order.
 */
export interface LabelMapSnapshot {
  nextLabel: number;
  deleted: number;
  /** memo names joined by '\n' (names never contain one) */
  names: string;
  /** content hashes joined by '\n', same order */
  hashes: string;
  chunkCounts: Uint32Array;
  labels: Uint32Array;
}

const MAX_LABEL = 0xffff_ffff;

export class LabelMap {
  /** by label (labels are dense, 0..next-1): the owning memo, or undefined once deleted */
  private readonly owners: Array<MemoName | undefined> = [];
  private readonly chunkOf: number[] = [];
  private readonly docs = new Map<MemoName, IndexedDoc>();
  private next = 0;
  private liveCount = 0;
  private deletedCount = 0;

  /** Labels in use (live chunks). */
  get live(): number {
    return this.liveCount;
  }
  /** Labels ever added to this HNSW instance, live or deleted. */
  get total(): number {
    return this.liveCount + this.deletedCount;
  }
  get deleted(): number {
    return this.deletedCount;
  }
  get memoCount(): number {
    return this.docs.size;
  }
  get nextLabel(): number {
    return this.next;
  }

  ref(label: number): ChunkRef | undefined {
    const name = this.owners[label];
    return name === undefined ? undefined : { name, chunk: this.chunkOf[label] ?? 0 };
  }
  doc(name: MemoName): IndexedDoc | undefined {
    return this.docs.get(name);
  }
  names(): IterableIterator<MemoName> {
    return this.docs.keys();
  }

  private own(label: number, name: MemoName, chunk: number): void {
    this.owners[label] = name;
    this.chunkOf[label] = chunk;
    this.liveCount++;
  }

  /** Allocates labels for chunks 0..chunks-1 of a memo that is not in the map. */
  add(name: MemoName, contentHash: string, chunks: number): number[] {
    if (this.docs.has(name)) throw new Error(`${name} is already indexed; remove it first`);
    if (!Number.isInteger(chunks) || chunks < 1) throw new Error(`bad chunk count ${chunks}`);
    if (this.next + chunks > MAX_LABEL) throw new Error('label space exhausted; rebuild the index');
    const labels: number[] = [];
    for (let chunk = 0; chunk < chunks; chunk++) {
      const label = this.next++;
      this.own(label, name, chunk);
      labels.push(label);
    }
    this.docs.set(name, { contentHash, labels });
    return labels;
  }

  /** Forgets a memo; returns the labels the caller must mark deleted in HNSW. */
  remove(name: MemoName): number[] {
    const doc = this.docs.get(name);
    if (!doc) return [];
    this.docs.delete(name);
    for (const label of doc.labels) this.owners[label] = undefined;
    this.liveCount -= doc.labels.length;
    this.deletedCount += doc.labels.length;
    return doc.labels;
  }

  snapshot(): LabelMapSnapshot {
    const docs = [...this.docs];
    const chunkCounts = Uint32Array.from(docs, ([, doc]) => doc.labels.length);
    const labels = new Uint32Array(this.liveCount);
    let offset = 0;
    for (const [, doc] of docs) {
      labels.set(doc.labels, offset);
      offset += doc.labels.length;
    }
    return {
      nextLabel: this.next,
      deleted: this.deletedCount,
      names: docs.map(([name]) => name).join('\n'),
      hashes: docs.map(([, doc]) => doc.contentHash).join('\n'),
      chunkCounts,
      labels,
    };
  }

  /** Rebuilds a map from a stored snapshot; undefined when anything is malformed. */
  static restore(value: unknown): LabelMap | undefined {
    if (typeof value !== 'object' || value === null) return undefined;
    const v = value as Partial<Record<keyof LabelMapSnapshot, unknown>>;
    const isCount = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 0;
    if (!isCount(v.nextLabel) || !isCount(v.deleted) || typeof v.names !== 'string') return undefined;
    if (typeof v.hashes !== 'string' || !(v.chunkCounts instanceof Uint32Array)) return undefined;
    if (!(v.labels instanceof Uint32Array)) return undefined;
    const names = v.names === '' ? [] : v.names.split('\n');
    const hashes = v.hashes === '' ? [] : v.hashes.split('\n');
    const { chunkCounts, labels, nextLabel } = v;
    if (hashes.length !== names.length || chunkCounts.length !== names.length) return undefined;
    const map = new LabelMap();
    let offset = 0;
    for (const [i, raw] of names.entries()) {
      const name = parseMemoName(raw);
      const count = chunkCounts[i] ?? 0;
      if (!name || count < 1 || offset + count > labels.length || map.docs.has(name)) return undefined;
      const own: number[] = [];
      for (let chunk = 0; chunk < count; chunk++) {
        const label = labels[offset + chunk] ?? nextLabel;
        if (label >= nextLabel || map.owners[label] !== undefined) return undefined;
        map.own(label, name, chunk);
        own.push(label);
      }
      offset += count;
      map.docs.set(name, { contentHash: hashes[i] ?? '', labels: own });
    }
    map.next = nextLabel;
    map.deletedCount = v.deleted;
    return offset === labels.length && map.total === nextLabel ? map : undefined;
  }
}
