/**
 * How token windows are grouped into model runs. A run pads every window to the longest
 * one in it, and padding is computed like real tokens: memos of 50..2,000 characters
 * (12..450 tokens) packed 16 windows to a run per 8 memos, as the app did until issue 10,
 * cost 1.85-2x the real tokens (2.5x in attention) and 3.7x the CPU time per memo of one
 * window per run. The plan takes windows longest first and closes a run as soon as one
 * more window would waste more than `maxPadding` of its tokens, exceed `maxBatch`
 * windows, or exceed `maxRunTokens` (which bounds how long a run holds the model, so a
 * search query never waits long). Pure.
 * Invariants: every window index appears in exactly one run; a run holds at least one
 * window; within a run, windows are ordered longest first; padded tokens of a run are at
 * most (1 + maxPadding) × its real tokens, unless it holds a single window.
 */

export interface RunPolicy {
  /** windows per run at most */
  maxBatch: number;
  /** padded tokens (windows × longest) per run at most; a longer single window still runs */
  maxRunTokens: number;
  /** padding tokens allowed per real token, e.g. 0.1 */
  maxPadding: number;
}

/**
 * Per backend. wasm (one thread): measured in Chromium on notebook-length memos (`npm run
 * bench -- semantic --phases=plans`), browser CPU seconds per memo: one window per run
 * 0.134, runs of up to 8 similar lengths 0.147, the old plan 0.495; so one window per run,
 * which also keeps a run (what a query may wait for) to one window. WebGPU: batches are
 * where a GPU wins; up to 16 windows of similar length (not measured on a real GPU here).
 */
export const RUN_POLICIES: Readonly<Record<'wasm' | 'webgpu', RunPolicy>> = {
  wasm: { maxBatch: 1, maxRunTokens: 256, maxPadding: 0 },
  webgpu: { maxBatch: 16, maxRunTokens: 4_096, maxPadding: 0.1 },
};

export const DEFAULT_RUN_POLICY: RunPolicy = RUN_POLICIES.wasm;

/** `lengths[i]` is the length of window i with its special tokens; returns runs of indices. */
export function planRuns(lengths: readonly number[], policy: RunPolicy = DEFAULT_RUN_POLICY): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => (lengths[b] ?? 0) - (lengths[a] ?? 0));
  const runs: number[][] = [];
  let run: number[] = [];
  let longest = 0;
  let real = 0;
  for (const index of order) {
    const length = lengths[index] ?? 0;
    const size = run.length + 1;
    const fits =
      run.length > 0 &&
      size <= policy.maxBatch &&
      size * longest <= policy.maxRunTokens &&
      size * longest <= (1 + policy.maxPadding) * (real + length);
    if (!fits && run.length > 0) {
      runs.push(run);
      run = [];
    }
    if (run.length === 0) {
      longest = length;
      real = 0;
    }
    run.push(index);
    real += length;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Padded tokens of a plan divided by its real tokens (1 = no padding). */
export function paddingRatio(lengths: readonly number[], runs: readonly number[][]): number {
  let real = 0;
  let padded = 0;
  for (const run of runs) {
    const longest = Math.max(...run.map((i) => lengths[i] ?? 0));
    padded += longest * run.length;
    for (const i of run) real += lengths[i] ?? 0;
  }
  return real === 0 ? 1 : padded / real;
}
