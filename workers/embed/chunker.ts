/**
 * Splits a text into model windows BY TOKENS, with overlap, and caps the input so that a
 * pathological paste (10 MB) costs no more than a long memo. Pure: the tokenizer is
 * passed in as a function.
 * Invariants:
 *  - every window holds at most `windowTokens` content tokens (the model adds [CLS] and
 *    [SEP], so windowTokens = model_max_length - 2);
 *  - consecutive windows share exactly `overlapTokens` tokens (except when the text ends);
 *  - a text yields 1..maxChunks windows (an empty text yields one empty window);
 *  - `truncated` is true iff some of the text is not covered by any window, either because
 *    it was past `maxChars` or past the last allowed window.
 */

export interface ChunkingPolicy {
  /** content tokens per window (without the special tokens) */
  windowTokens: number;
  /** tokens repeated at the start of the next window */
  overlapTokens: number;
  /** at most this many windows per text */
  maxChunks: number;
  /** characters (UTF-16 code units) tokenized at most; the rest is never looked at */
  maxChars: number;
}

/** all-MiniLM-L6-v2 reads 256 tokens: 254 plus [CLS] and [SEP]. 16 windows ≈ 3,500 tokens. */
export const DEFAULT_CHUNKING: ChunkingPolicy = {
  windowTokens: 254,
  overlapTokens: 32,
  maxChunks: 16,
  maxChars: 32_768,
};

export interface ChunkedText {
  windows: number[][];
  truncated: boolean;
}

/** A short, stable description of the policy; part of the embedding cache key (model id). */
export function chunkingTag(policy: ChunkingPolicy): string {
  return `w${policy.windowTokens}-o${policy.overlapTokens}-c${policy.maxChunks}-m${policy.maxChars}`;
}

export function validatePolicy(policy: ChunkingPolicy): void {
  const { windowTokens, overlapTokens, maxChunks, maxChars } = policy;
  const ints = [windowTokens, overlapTokens, maxChunks, maxChars].every(Number.isInteger);
  if (!ints || windowTokens < 1 || overlapTokens < 0 || overlapTokens >= windowTokens || maxChunks < 1) {
    throw new Error(`invalid chunking policy ${JSON.stringify(policy)}`);
  }
  if (maxChars < 1) throw new Error('maxChars must be positive');
}

/** Cuts `text` to at most `maxChars` code units without splitting a surrogate pair. */
export function capText(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  let end = maxChars;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { text: text.slice(0, end), truncated: true };
}

/** Splits token ids into overlapping windows (see the invariants in the header). */
export function splitTokens(ids: readonly number[], policy: ChunkingPolicy): ChunkedText {
  validatePolicy(policy);
  const { windowTokens, overlapTokens, maxChunks } = policy;
  if (ids.length <= windowTokens) return { windows: [ids.slice()], truncated: false };
  const stride = windowTokens - overlapTokens;
  const windows: number[][] = [];
  let start = 0;
  while (windows.length < maxChunks) {
    const end = Math.min(start + windowTokens, ids.length);
    windows.push(ids.slice(start, end));
    if (end >= ids.length) return { windows, truncated: false };
    start += stride;
  }
  return { windows, truncated: true };
}

/** Caps, tokenizes and splits one text. `tokenize` returns ids WITHOUT special tokens. */
export function chunkText(
  text: string,
  tokenize: (text: string) => readonly number[],
  policy: ChunkingPolicy = DEFAULT_CHUNKING,
): ChunkedText {
  const capped = capText(text, policy.maxChars);
  const split = splitTokens(tokenize(capped.text), policy);
  return { windows: split.windows, truncated: capped.truncated || split.truncated };
}
