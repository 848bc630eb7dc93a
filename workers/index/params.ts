/**
 * HNSW parameters, chosen by measurement (test/bench/semantic/sweep.ts: hnswlib-wasm in
 * Node over real all-MiniLM-L6-v2 embeddings of the 10,000-memo benchmark corpus, 200 real
 * queries, recall@10 against an exact scan; 2-core machine, 2026-11-23):
 *
 *   10k real           M=16 efC=100: build 4.5 s, recall 0.998 @ef32, 1.000 @ef48
 *                      M=32 efC=100: build 4.0 s, recall 1.000 @ef32..128 (p50 0.21–0.46 ms)
 *   100k (10k real + 9 jittered copies each, cos ≈ 0.9 to their source):
 *                      M=16 efC=100: build 91 s,  recall 0.961 @ef48, 0.985 @ef128
 *                      M=16 efC=200: build 124 s, recall 0.998 @ef48, 1.000 @ef64
 *                      M=32 efC=100: build 58 s,  recall 0.993 @ef48..64, 1.000 @ef128 (p50 0.67 ms)
 *                      M=32 efC=200: build 106 s, recall 1.000 @ef48
 *
 * M=32 / efConstruction=100 builds fastest and reaches recall@10 1.000 at both sizes with
 * efSearch=128, whose extra cost (< 0.5 ms per query) is small next to embedding the query
 * (~15 ms). It costs ~1.8 KB per chunk (vs 1.7 KB at M=16).
 */
import type { HnswParams } from './hnsw-instance';

export const DEFAULT_HNSW_PARAMS: HnswParams = {
  M: 32,
  efConstruction: 100,
  efSearch: 128,
  seed: 100,
};
