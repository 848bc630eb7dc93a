/**
 * Benchmark page, nearest-neighbour part: on the same vectors, an exact scan over one
 * Float32Array, hnswlib-wasm (HNSW, inner product) and MeMemo (HNSW in JavaScript):
 * build time, query latency p50/p95, recall@10 against the exact scan, memory.
 * Memory: the exact scan's array; hnswlib's wasm heap growth; MeMemo's JS heap growth
 * (Chromium's performance.memory with --enable-precise-memory-info, after gc()).
 */
import { HNSW } from 'mememo';
import { hnswFiles } from '../../../workers/index/hnsw-files';
import { exactTopK, percentile, recallAtK, type Scored } from './metrics';

export interface AnnRow {
  engine: string;
  params: string;
  buildMs: number;
  p50Ms: number;
  p95Ms: number;
  recallAt10: number;
  memoryMB: number;
  /** how memoryMB was obtained */
  memoryHow: string;
}

export function fromBase64(base64: string): Float32Array {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

/**
 * hnswlib's memory per element: the vector, the level-0 links (2M ids + count), the label,
 * the label-lookup hash entry (~40 B), and upper-level links (1/ln M levels on average).
 */
function hnswBytesPerElement(dim: number, M: number): number {
  return dim * 4 + (2 * M * 4 + 4) + 8 + 40 + (M * 4 + 4) / Math.log(M);
}

function heapMB(): number {
  const g = globalThis as { gc?: () => void; performance: { memory?: { usedJSHeapSize: number } } };
  g.gc?.();
  return (g.performance.memory?.usedJSHeapSize ?? 0) / 2 ** 20;
}

const row = (rows: Float32Array, dim: number, i: number) => rows.subarray(i * dim, (i + 1) * dim);

function measure(queries: Float32Array, dim: number, search: (q: Float32Array) => Scored[]) {
  const times: number[] = [];
  const results: Scored[][] = [];
  const n = queries.length / dim;
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    results.push(search(row(queries, dim, i)));
    times.push(performance.now() - started);
  }
  return { times, results };
}

export async function compare(
  vectorsB64: string,
  queriesB64: string,
  dim: number,
  hnsw: { M: number; efConstruction: number; efSearch: number },
  withMememo: boolean,
): Promise<AnnRow[]> {
  const vectors = fromBase64(vectorsB64);
  const queries = fromBase64(queriesB64);
  const n = vectors.length / dim;
  const k = 10;
  const rows: AnnRow[] = [];
  const exact = measure(queries, dim, (q) => exactTopK(vectors, dim, q, k));
  const recall = (results: Scored[][]) =>
    results.reduce((sum, found, i) => sum + recallAtK(found, exact.results[i] ?? [], k), 0) / results.length;
  rows.push({
    engine: 'exact scan (Float32Array)',
    params: `${n} x ${dim}`,
    buildMs: 0,
    p50Ms: percentile(exact.times, 50),
    p95Ms: percentile(exact.times, 95),
    recallAt10: 1,
    memoryMB: vectors.byteLength / 2 ** 20,
    memoryHow: 'array size',
  });

  const { lib } = await hnswFiles();
  const heapBefore = lib.HEAPU8.buffer.byteLength;
  const index = new lib.HierarchicalNSW('ip', dim, '');
  let started = performance.now();
  index.initIndex(n, hnsw.M, hnsw.efConstruction, 100);
  for (let i = 0; i < n; i++) index.addPoint(row(vectors, dim, i), i, false);
  const hnswBuild = performance.now() - started;
  index.setEfSearch(hnsw.efSearch);
  const approx = measure(queries, dim, (q) => {
    const r = index.searchKnn(q, k, undefined);
    return r.neighbors.map((id, j) => ({ id, score: 1 - (r.distances[j] ?? 1) }));
  });
  rows.push({
    engine: 'hnswlib-wasm',
    params: `M=${hnsw.M} efC=${hnsw.efConstruction} ef=${hnsw.efSearch}`,
    buildMs: hnswBuild,
    p50Ms: percentile(approx.times, 50),
    p95Ms: percentile(approx.times, 95),
    recallAt10: recall(approx.results),
    memoryMB: (n * hnswBytesPerElement(dim, hnsw.M)) / 2 ** 20,
    memoryHow: `layout estimate (wasm heap grew ${((lib.HEAPU8.buffer.byteLength - heapBefore) / 2 ** 20).toFixed(1)} MB)`,
  });
  (index as unknown as { delete(): void }).delete();

  if (withMememo) {
    const before = heapMB();
    const mememo = new HNSW({
      distanceFunction: 'cosine-normalized',
      m: hnsw.M,
      efConstruction: hnsw.efConstruction,
      seed: 100,
      useIndexedDB: false,
    });
    const keys = Array.from({ length: n }, (_, i) => String(i));
    const values = Array.from({ length: n }, (_, i) => Array.from(row(vectors, dim, i)));
    started = performance.now();
    await mememo.bulkInsert(keys, values);
    const mememoBuild = performance.now() - started;
    const memory = heapMB() - before;
    const times: number[] = [];
    const results: Scored[][] = [];
    for (let i = 0; i < queries.length / dim; i++) {
      const q = Array.from(row(queries, dim, i));
      const t = performance.now();
      const r = await mememo.query(q, k, hnsw.efSearch);
      times.push(performance.now() - t);
      results.push(r.keys.map((key, j) => ({ id: Number(key), score: 1 - (r.distances[j] ?? 1) })));
    }
    rows.push({
      engine: 'MeMemo (mememo 0.1.0)',
      params: `m=${hnsw.M} efC=${hnsw.efConstruction} ef=${hnsw.efSearch}`,
      buildMs: mememoBuild,
      p50Ms: percentile(times, 50),
      p95Ms: percentile(times, 95),
      recallAt10: recall(results),
      memoryMB: memory,
      memoryHow: 'JS heap growth after gc()',
    });
  }
  return rows;
}
