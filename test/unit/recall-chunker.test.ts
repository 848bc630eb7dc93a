/**
 * The chunker (workers/embed/chunker.ts) and pooling (workers/embed/pooling.ts): windows
 * by tokens with overlap, caps for huge inputs, and mean pooling + normalization. The
 * window invariants are checked as properties over random lengths and policies; the real
 * MiniLM tokenizer checks that a long memo really is split at 254 content tokens.
 */
import { fileURLToPath } from 'node:url';
import { AutoTokenizer, env } from '@huggingface/transformers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ChunkingPolicy,
  capText,
  chunkText,
  DEFAULT_CHUNKING,
  splitTokens,
} from '../../workers/embed/chunker';
import { meanPoolNormalize } from '../../workers/embed/pooling';

const ids = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('splitTokens', () => {
  it('keeps a short text in one window and an empty text as one empty window', () => {
    expect(splitTokens(ids(254), DEFAULT_CHUNKING)).toEqual({ windows: [ids(254)], truncated: false });
    expect(splitTokens([], DEFAULT_CHUNKING)).toEqual({ windows: [[]], truncated: false });
  });

  it('splits 600 tokens into overlapping windows of 254', () => {
    const { windows, truncated } = splitTokens(ids(600), DEFAULT_CHUNKING);
    expect(truncated).toBe(false);
    expect(windows.map((w) => [w[0], w[w.length - 1], w.length])).toEqual([
      [0, 253, 254],
      [222, 475, 254],
      [444, 599, 156],
    ]);
  });

  it('holds its invariants for any length and policy', () => {
    const policy = fc
      .record({ windowTokens: fc.integer({ min: 2, max: 64 }), maxChunks: fc.integer({ min: 1, max: 8 }) })
      .chain(({ windowTokens, maxChunks }) =>
        fc.record({
          windowTokens: fc.constant(windowTokens),
          overlapTokens: fc.integer({ min: 0, max: windowTokens - 1 }),
          maxChunks: fc.constant(maxChunks),
          maxChars: fc.constant(1_000),
        }),
      );
    fc.assert(
      fc.property(policy, fc.integer({ min: 0, max: 600 }), (p: ChunkingPolicy, length) => {
        const { windows, truncated } = splitTokens(ids(length), p);
        expect(windows.length).toBeGreaterThanOrEqual(1);
        expect(windows.length).toBeLessThanOrEqual(p.maxChunks);
        for (const w of windows) expect(w.length).toBeLessThanOrEqual(p.windowTokens);
        for (let i = 1; i < windows.length; i++) {
          const previous = windows[i - 1] ?? [];
          expect(previous).toHaveLength(p.windowTokens); // only the last window may be short
          expect((windows[i] ?? [])[0]).toBe((previous[0] ?? 0) + p.windowTokens - p.overlapTokens);
        }
        const last = windows[windows.length - 1] ?? [];
        const covered = last.length > 0 ? (last[last.length - 1] ?? -1) + 1 : 0;
        expect(truncated).toBe(covered < length);
      }),
      { seed: 20251123, numRuns: 300 },
    );
  });
});

describe('capText', () => {
  it('cuts at maxChars without splitting a surrogate pair', () => {
    expect(capText('abc', 5)).toEqual({ text: 'abc', truncated: false });
    expect(capText('ab😀c', 3)).toEqual({ text: 'ab', truncated: true });
    expect(capText('ab😀c', 4)).toEqual({ text: 'ab😀', truncated: true });
  });
});

describe('chunkText with the real all-MiniLM-L6-v2 tokenizer', () => {
  it('splits a long memo by tokens and caps a 10 MB paste before tokenizing it', async () => {
    env.localModelPath = fileURLToPath(new URL('../../public/models/', import.meta.url));
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    const tokenizer = await AutoTokenizer.from_pretrained('Xenova/all-MiniLM-L6-v2');
    let tokenized = 0;
    const tokenize = (text: string) => {
      tokenized += text.length;
      return tokenizer.encode(text, { add_special_tokens: false });
    };
    const sentence = 'Remember to water the tomatoes in the garden every second evening. ';
    const total = tokenize(sentence.repeat(40)).length;
    const long = chunkText(sentence.repeat(40), tokenize);
    expect(long.windows.length).toBe(Math.ceil((total - 254) / 222) + 1);
    expect(long.windows.every((w) => w.length <= 254)).toBe(true);
    expect(long.windows.flat().length).toBe(total + 32 * (long.windows.length - 1));
    expect(long.truncated).toBe(false);

    tokenized = 0;
    const paste = chunkText('x '.repeat(5_000_000), tokenize);
    expect(tokenized).toBe(DEFAULT_CHUNKING.maxChars);
    expect(paste.windows).toHaveLength(DEFAULT_CHUNKING.maxChunks);
    expect(paste.truncated).toBe(true);

    const japanese = chunkText('明日は歯医者の予約があります。牛乳と卵を買う。', tokenize);
    expect(japanese.windows).toHaveLength(1);
    expect(japanese.windows[0]?.length).toBeGreaterThan(5);
  });
});

describe('meanPoolNormalize', () => {
  it('averages the unpadded tokens of each row and normalizes', () => {
    // batch 2, sequence 3, dim 2; row 0 has 2 real tokens, row 1 has 3
    const hidden = Float32Array.from([1, 0, 3, 0, 99, 99, 0, 1, 0, 2, 0, 3]);
    const pooled = meanPoolNormalize(hidden, 2, 3, 2, [2, 3]);
    expect([...pooled]).toEqual([1, 0, 0, 1]);
    const mixed = meanPoolNormalize(Float32Array.from([3, 4]), 1, 1, 2, [1]);
    expect(mixed[0]).toBeCloseTo(0.6, 6);
    expect(mixed[1]).toBeCloseTo(0.8, 6);
    expect([...meanPoolNormalize(new Float32Array(2), 1, 1, 2, [1])]).toEqual([0, 0]);
  });
});
