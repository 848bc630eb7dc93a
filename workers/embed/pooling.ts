/**
 * Sentence-transformers pooling for all-MiniLM-L6-v2: the mean of the token vectors of
 * `last_hidden_state` over the attention mask, then L2 normalization. Pure arithmetic on
 * flat Float32Arrays (row-major [batch, sequence, dim]), so it is exact to test.
 * Invariant: every output row has unit length (a zero row stays zero).
 */

/**
 * @param hidden    last_hidden_state, [batch, sequence, dim] flattened
 * @param lengths   real (unpadded) length of each row, in tokens including specials
 * @returns         [batch, dim] flattened, each row mean-pooled and normalized
 */
export function meanPoolNormalize(
  hidden: Float32Array,
  batch: number,
  sequence: number,
  dim: number,
  lengths: readonly number[],
): Float32Array {
  if (hidden.length !== batch * sequence * dim) {
    throw new Error(`hidden state has ${hidden.length} values, expected ${batch}x${sequence}x${dim}`);
  }
  const out = new Float32Array(batch * dim);
  for (let b = 0; b < batch; b++) {
    const length = Math.min(lengths[b] ?? 0, sequence);
    const row = out.subarray(b * dim, (b + 1) * dim);
    for (let t = 0; t < length; t++) {
      const offset = (b * sequence + t) * dim;
      for (let d = 0; d < dim; d++) row[d] = (row[d] ?? 0) + (hidden[offset + d] ?? 0);
    }
    normalizeInPlace(row, length > 0 ? 1 / length : 0);
  }
  return out;
}

/** Scales `row` by `scale`, then to unit length (leaves an all-zero row alone). */
export function normalizeInPlace(row: Float32Array, scale = 1): void {
  let sum = 0;
  for (let d = 0; d < row.length; d++) {
    const value = (row[d] ?? 0) * scale;
    row[d] = value;
    sum += value * value;
  }
  if (sum === 0) return;
  const inv = 1 / Math.sqrt(sum);
  for (let d = 0; d < row.length; d++) row[d] = (row[d] ?? 0) * inv;
}
