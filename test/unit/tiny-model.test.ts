/**
 * Proves the generated tiny model (test/helpers/tiny-model.ts) is accepted by transformers.js in
 * Node: it loads from a temporary local folder with remote models off, and the feature-extraction
 * pipeline returns L2-normalised vectors of the declared dim that differ between texts and are
 * stable for the same text. Owns nothing but its temporary folder, removed afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { env, pipeline } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyModel } from '../helpers/tiny-model';

let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tiny-model-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}
function dot(a: Float32Array, b: Float32Array): number {
  return a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
}

describe('tiny generated model', () => {
  it.each([
    [16, 'fp32'],
    [384, 'q8'],
  ] as const)('dim %i loads with dtype %s and embeds as declared', async (dim, dtype) => {
    const { modelId, localModelPath } = await writeTinyModel(dir, { dim });
    env.localModelPath = localModelPath;
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    const extractor = await pipeline('feature-extraction', modelId, { dtype });

    const texts = [
      'coffee: oat milk, no sugar',
      'Remind me to call the dentist tomorrow morning',
      'The kids want pizza for dinner on Friday',
      'Xylophone quizzically juxtaposed', // mostly ## letter pieces, no [UNK]
      'coffee: oat milk, no sugar',
    ];
    const out = await extractor(texts, { pooling: 'mean', normalize: true });
    expect(out.dims).toEqual([texts.length, dim]);
    const data = out.data as Float32Array;
    const rows = texts.map((_, i) => data.slice(i * dim, (i + 1) * dim));

    for (const row of rows) expect(norm(row)).toBeCloseTo(1, 5);
    for (let i = 0; i < 4; i++) {
      for (let j = i + 1; j < 4; j++) {
        const [a, b] = [rows[i], rows[j]];
        if (!a || !b) throw new Error('missing row');
        expect(dot(a, b)).toBeLessThan(0.999);
      }
    }
    const [first, , , , again] = rows;
    if (!first || !again) throw new Error('missing row');
    expect(dot(first, again)).toBeCloseTo(1, 6);

    // Same text alone (no padding in the batch) gives the same vector.
    const single = await extractor(texts[1] ?? '', { pooling: 'mean', normalize: true });
    const second = rows[1];
    if (!second) throw new Error('missing row');
    expect(dot(single.data as Float32Array, second)).toBeCloseTo(1, 6);

    // Common words have their own vocabulary rows, so they are not [UNK].
    const ids = extractor.tokenizer.encode('coffee milk dinner tomorrow');
    expect(ids).not.toContain(extractor.tokenizer.convert_tokens_to_ids('[UNK]'));
    await extractor.dispose();
  });
});
