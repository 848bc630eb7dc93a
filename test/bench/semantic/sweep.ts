/**
 * Chooses the HNSW parameters by measurement: builds hnswlib-wasm (the same wasm as the
 * app, in Node) over the real all-MiniLM-L6-v2 embeddings cached by run.ts, for a grid of
 * M and efConstruction, and reports build time and recall@10 / latency per efSearch,
 * against an exact scan. Run after `run.ts --phases=embed`:
 *   npx tsx test/bench/semantic/sweep.ts [--copies=0]
 * `--copies=N` adds N jittered copies per vector (the 100k setting is --copies=9).
 */
import 'fake-indexeddb/auto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exactTopK, jitter, percentile, recallAtK, type Scored } from './metrics';

(globalThis as { window?: unknown }).window = globalThis;
const { hnswFiles } = await import('../../../workers/index/hnsw-files');

const RESULTS = join(import.meta.dirname, '..', 'results');
const DIM = 384;
const { values: args } = parseArgs({
  options: {
    copies: { type: 'string', default: '0' },
    m: { type: 'string', default: '8,12,16,24' },
    efc: { type: 'string', default: '64,100,200' },
    ef: { type: 'string', default: '10,16,24,32,48,64,96,128' },
  },
});
const list = (value: string | undefined) => (value ?? '').split(',').map(Number);

function load(prefix: string): Float32Array {
  const file = readdirSync(RESULTS).find((f) => f.startsWith(prefix) && f.endsWith('.b64'));
  if (!file) throw new Error(`no ${prefix}*.b64 in ${RESULTS}: run run.ts --phases=embed first`);
  const bytes = Buffer.from(readFileSync(join(RESULTS, file), 'utf8'), 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}

const base = load('semantic-vectors-');
const queries = load('semantic-queries-');
const copies = Number(args.copies);
let seed = 12345;
const next = () => {
  seed = (seed * 1103515245 + 12345) >>> 0;
  return seed / 2 ** 32;
};
const n0 = base.length / DIM;
const vectors = new Float32Array(n0 * (copies + 1) * DIM);
vectors.set(base);
for (let c = 1; c <= copies; c++) {
  for (let i = 0; i < n0; i++)
    vectors.set(jitter(base.subarray(i * DIM, (i + 1) * DIM), 0.025, next), (c * n0 + i) * DIM);
}
const n = vectors.length / DIM;
const nq = queries.length / DIM;
const query = (i: number) => queries.subarray(i * DIM, (i + 1) * DIM);
console.log(`${n} vectors, ${nq} queries`);
const exact: Scored[][] = Array.from({ length: nq }, (_, i) => exactTopK(vectors, DIM, query(i), 10));

const { lib } = await hnswFiles();
const rows: Array<Record<string, number>> = [];
for (const M of list(args.m)) {
  for (const efConstruction of list(args.efc)) {
    const index = new lib.HierarchicalNSW('ip', DIM, '');
    index.initIndex(n, M, efConstruction, 100);
    const started = performance.now();
    for (let i = 0; i < n; i++) index.addPoint(vectors.subarray(i * DIM, (i + 1) * DIM), i, false);
    const buildMs = performance.now() - started;
    for (const ef of list(args.ef)) {
      index.setEfSearch(ef);
      const times: number[] = [];
      let recall = 0;
      for (let i = 0; i < nq; i++) {
        const t = performance.now();
        const r = index.searchKnn(query(i), 10, undefined);
        times.push(performance.now() - t);
        recall += recallAtK(
          r.neighbors.map((id, j) => ({ id, score: 1 - (r.distances[j] ?? 1) })),
          exact[i] ?? [],
          10,
        );
      }
      const row = {
        M,
        efConstruction,
        buildS: buildMs / 1000,
        efSearch: ef,
        recallAt10: recall / nq,
        p50Ms: percentile(times, 50),
        p95Ms: percentile(times, 95),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
    (index as unknown as { delete(): void }).delete();
  }
}
console.table(rows);
writeFileSync(
  join(RESULTS, `semantic-sweep-${n}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
  JSON.stringify(rows, null, 2),
);
