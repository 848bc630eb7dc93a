/**
 * One hnswlib HNSW graph and its label map, kept in step: adding a memo allocates labels
 * and inserts its chunk vectors; removing marks its labels deleted. Inner product on
 * L2-normalized vectors (score = dot = cosine; hnswlib's distance is 1 - dot).
 * Invariants: the graph holds exactly the map's labels (live ones unmarked, removed ones
 * marked deleted); capacity grows before an insert would overflow it (hnswlib throws past
 * its preset capacity); vectors are normalized on the way in.
 */
import type { MemoName } from '../../sync';
import type { HierarchicalNSW, HnswlibModule } from './hnsw-files';
import { LabelMap } from './label-map';

export interface HnswParams {
  /** graph degree */
  M: number;
  efConstruction: number;
  efSearch: number;
  seed: number;
}

export interface ChunkHit {
  label: number;
  score: number;
}

const MIN_CAPACITY = 256;

export function normalized(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const x of vector) sum += x * x;
  if (sum === 0 || Math.abs(sum - 1) < 1e-4) return vector;
  const inv = 1 / Math.sqrt(sum);
  return vector.map((x) => x * inv);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] ?? 0) * (b[i] ?? 0);
  return sum;
}

export class HnswInstance {
  private constructor(
    readonly graph: HierarchicalNSW,
    readonly labels: LabelMap,
    readonly dim: number,
    private readonly params: HnswParams,
  ) {
    graph.setEfSearch(params.efSearch);
  }

  static create(lib: HnswlibModule, dim: number, params: HnswParams, capacity: number): HnswInstance {
    const graph = new lib.HierarchicalNSW('ip', dim, '');
    graph.initIndex(Math.max(MIN_CAPACITY, capacity), params.M, params.efConstruction, params.seed);
    return new HnswInstance(graph, new LabelMap(), dim, params);
  }

  /** Reads `file` (already in memory, see HnswFiles.syncFromDisk); throws when unreadable. */
  static async read(
    lib: HnswlibModule,
    file: string,
    dim: number,
    params: HnswParams,
    capacity: number,
    labels: LabelMap,
  ): Promise<HnswInstance> {
    const graph = new lib.HierarchicalNSW('ip', dim, '');
    await graph.readIndex(file, Math.max(MIN_CAPACITY, capacity, labels.total));
    return new HnswInstance(graph, labels, dim, params);
  }

  get capacity(): number {
    return this.graph.getMaxElements();
  }

  /** Grows capacity (by half, at least) so that `extra` more labels fit. */
  reserve(extra: number): void {
    const needed = this.labels.total + extra;
    const capacity = this.capacity;
    if (needed <= capacity) return;
    this.graph.resizeIndex(Math.max(needed, Math.ceil(capacity * 1.5), MIN_CAPACITY));
  }

  /** Inserts a memo's chunk vectors (rows of `dim`), replacing any earlier version. */
  put(name: MemoName, contentHash: string, vectors: Float32Array): void {
    const chunks = vectors.length / this.dim;
    if (!Number.isInteger(chunks) || chunks < 1)
      throw new Error(`${name}: ${vectors.length} floats for dim ${this.dim}`);
    this.remove(name);
    this.reserve(chunks);
    const labels = this.labels.add(name, contentHash, chunks);
    labels.forEach((label, chunk) => {
      this.graph.addPoint(
        normalized(vectors.subarray(chunk * this.dim, (chunk + 1) * this.dim)),
        label,
        false,
      );
    });
  }

  remove(name: MemoName): void {
    for (const label of this.labels.remove(name)) this.graph.markDelete(label);
  }

  point(label: number): Float32Array {
    const value = this.graph.getPoint(label);
    return value instanceof Float32Array ? value : Float32Array.from(value);
  }

  /** Approximate top-`k` chunks; `accept` filters labels (undefined: all live labels). */
  knn(query: Float32Array, k: number, accept?: (label: number) => boolean): ChunkHit[] {
    const n = Math.min(k, this.labels.live, this.capacity);
    if (n < 1) return [];
    this.graph.setEfSearch(Math.max(this.params.efSearch, n));
    const result = this.graph.searchKnn(query, n, accept);
    return result.neighbors.map((label, i) => ({ label, score: 1 - (result.distances[i] ?? 1) }));
  }

  /** Exact scores of the given labels (for selective filters, where a graph walk is worse). */
  exact(query: Float32Array, labels: Iterable<number>): ChunkHit[] {
    const hits: ChunkHit[] = [];
    for (const label of labels) hits.push({ label, score: dot(query, this.point(label)) });
    return hits;
  }

  /** Frees the graph's wasm memory (embind objects are not garbage collected). */
  dispose(): void {
    (this.graph as unknown as { delete?: () => void }).delete?.();
  }

  get deletedRatio(): number {
    return this.labels.total === 0 ? 0 : this.labels.deleted / this.labels.total;
  }
}
