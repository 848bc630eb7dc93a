/**
 * Benchmark arithmetic, pure: percentiles, exact top-k over one flat Float32Array of
 * normalized rows, recall@k against exact results (a tie with the k-th exact score counts
 * as a hit, so equal vectors do not look like misses), and jittered copies of vectors.
 */

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

export interface Scored {
  id: number;
  score: number;
}

/** Exact inner-product top-k of `query` over `rows` (n x dim, flat). */
export function exactTopK(rows: Float32Array, dim: number, query: Float32Array, k: number): Scored[] {
  const n = rows.length / dim;
  const top: Scored[] = [];
  for (let i = 0; i < n; i++) {
    let score = 0;
    const offset = i * dim;
    for (let d = 0; d < dim; d++) score += (rows[offset + d] ?? 0) * (query[d] ?? 0);
    if (top.length < k || score > (top[top.length - 1]?.score ?? -Infinity)) {
      top.push({ id: i, score });
      top.sort((a, b) => b.score - a.score);
      if (top.length > k) top.pop();
    }
  }
  return top;
}

/** Fraction of the exact top-k found (ties with the k-th exact score count). */
export function recallAtK(found: readonly Scored[], exact: readonly Scored[], k: number): number {
  const ids = new Set(exact.slice(0, k).map((s) => s.id));
  const floor = (exact[Math.min(k, exact.length) - 1]?.score ?? Infinity) - 1e-6;
  const hits = found.slice(0, k).filter((s) => ids.has(s.id) || s.score >= floor).length;
  return Math.min(hits, k) / Math.min(k, exact.length);
}

export function dot(rows: Float32Array, dim: number, i: number, query: Float32Array): number {
  let score = 0;
  for (let d = 0; d < dim; d++) score += (rows[i * dim + d] ?? 0) * (query[d] ?? 0);
  return score;
}

/** A unit vector near `source`: Gaussian noise of `sigma` per dimension, renormalized. */
export function jitter(source: Float32Array, sigma: number, random: () => number): Float32Array {
  const out = new Float32Array(source.length);
  let norm = 0;
  for (let d = 0; d < source.length; d++) {
    const u = Math.max(random(), 1e-12);
    const gauss = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
    const value = (source[d] ?? 0) + gauss * sigma;
    out[d] = value;
    norm += value * value;
  }
  const inv = 1 / Math.sqrt(norm);
  for (let d = 0; d < out.length; d++) out[d] = (out[d] ?? 0) * inv;
  return out;
}
