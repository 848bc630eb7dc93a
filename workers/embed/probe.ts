/**
 * The backend probe's workload: a few memos of realistic lengths (the notebook benchmark's
 * 50..2,000 characters, most of them short), tokenized and planned into runs exactly as the
 * embedder does, and a timer that embeds them once to warm up (WebGPU compiles its
 * shaders on the first run) and then keeps the fastest of a few passes (the least
 * disturbed by whatever else the device is doing). The probe stays short: WebGPU is timed
 * after wasm and gives up as soon as it cannot win (SwiftShader, a slow integrated GPU).
 * Invariants: deterministic text; a pass embeds every window once; only model run time is
 * measured (tokenizing happens before the clock starts).
 */
import { type ChunkingPolicy, chunkText, DEFAULT_CHUNKING } from './chunker';
import type { LoadedModel } from './model-loader';
import { DEFAULT_RUN_POLICY, planRuns, type RunPolicy } from './run-plan';

/** Characters per probe memo: one long, a few medium, several short (like a notebook). */
export const PROBE_MEMO_CHARS = [1_900, 1_100, 600, 320, 180, 110, 70];

const WORDS =
  'meeting notes garden coffee budget travel train doctor recipe backup server review design draft email invoice weather family music podcast remember tomorrow weekend project idea kitchen'.split(
    ' ',
  );

/** Deterministic memo-like text of `chars` characters. */
export function probeText(chars: number, seed: number): string {
  let state = seed;
  let text = '';
  while (text.length < chars) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    const word = WORDS[state % WORDS.length] ?? 'note';
    text += text.length % 90 < 8 ? `${word[0]?.toUpperCase()}${word.slice(1)} ` : `${word} `;
    if (state % 13 === 0) text += '. ';
  }
  return text.slice(0, chars);
}

export interface ProbeWorkload {
  /** token windows with the model's special tokens */
  rows: number[][];
  runs: number[][];
  tokens: number;
}

export function probeWorkload(
  model: Pick<LoadedModel, 'tokenize' | 'prefix' | 'suffix'>,
  chunking: ChunkingPolicy = DEFAULT_CHUNKING,
  policy: RunPolicy = DEFAULT_RUN_POLICY,
): ProbeWorkload {
  const rows = PROBE_MEMO_CHARS.flatMap((chars, i) =>
    chunkText(probeText(chars, i + 1), model.tokenize, chunking).windows.map((ids) => [
      ...model.prefix,
      ...ids,
      ...model.suffix,
    ]),
  );
  const runs = planRuns(
    rows.map((r) => r.length),
    policy,
  );
  return { rows, runs, tokens: rows.reduce((sum, r) => sum + r.length, 0) };
}

/** Embeds every window once; stops between runs once `limitMs` has passed. Returns elapsed ms. */
async function pass(model: LoadedModel, workload: ProbeWorkload, now: () => number, limitMs: number) {
  const started = now();
  for (const run of workload.runs) {
    if (now() - started > limitMs) return { ms: now() - started, complete: false };
    const rows = run.map((i) => workload.rows[i] ?? []);
    const sequence = Math.max(...rows.map((r) => r.length));
    const ids = new BigInt64Array(rows.length * sequence).fill(BigInt(model.padId));
    const mask = new BigInt64Array(rows.length * sequence);
    rows.forEach((row, b) => {
      row.forEach((id, t) => {
        ids[b * sequence + t] = BigInt(id);
        mask[b * sequence + t] = 1n;
      });
    });
    await model.run(ids, mask, rows.length, sequence);
  }
  return { ms: now() - started, complete: true };
}

export interface ProbeLimits {
  /** timed passes after the warm-up */
  passes: number;
  /** give up when the warm-up pass (shader compilation included) takes longer */
  warmUpLimitMs: number;
  /** give up when a timed pass takes longer (it cannot win any more) */
  passLimitMs: number;
}

/**
 * One warm-up pass, then the fastest of `passes` timed passes, in milliseconds. A pass
 * over its limit ends the probe: `complete` is false and `ms` is a lower bound.
 */
export async function timeWorkload(
  model: LoadedModel,
  workload: ProbeWorkload,
  now: () => number,
  limits: ProbeLimits = {
    passes: 2,
    warmUpLimitMs: Number.POSITIVE_INFINITY,
    passLimitMs: Number.POSITIVE_INFINITY,
  },
): Promise<{ ms: number; complete: boolean }> {
  const warmUp = await pass(model, workload, now, limits.warmUpLimitMs);
  if (!warmUp.complete) return warmUp;
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < limits.passes; i++) {
    const timed = await pass(model, workload, now, limits.passLimitMs);
    if (!timed.complete) return timed;
    fastest = Math.min(fastest, timed.ms);
  }
  return { ms: fastest, complete: true };
}
