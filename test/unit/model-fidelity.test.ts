/**
 * Fidelity of the self-hosted embedding model (public/models/Xenova/all-MiniLM-L6-v2).
 * Owns the proof that what the app ships embeds like the original sentence-transformers model:
 * every sentence of test/fixtures/embeddings/reference.json (made by make_reference.py from the
 * PyTorch weights) is embedded with transformers.js exactly as the app does (feature-extraction,
 * mean pooling, L2 normalisation, local files only) and compared by cosine.
 * Both shipped files are checked: the int8 file (wasm, every device) and the fp32 file (only
 * where WebGPU proved faster, workers/embed/backend-choice.ts); and the two against each other
 * through the app's own embedder (chunking, pooling) on notebook-like memos: they are distinct
 * model identities, but close enough that the SPEC can say so with a number.
 * Invariants: mean cosine >= 0.99 and min >= 0.97; no network (remote models off); the dtypes
 * below are the ones public/models/README.md tells the app to load.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { env, pipeline } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { createEmbedder } from '../../workers/embed/embedder';
import { makeCorpus } from '../bench/corpus';

const MODEL_ID = 'Xenova/all-MiniLM-L6-v2';
const DTYPES = ['q8', 'fp32'] as const; // onnx/model_quantized.onnx, onnx/model.onnx (public/models/README.md)
const DIM = 384;
const BATCH = 8; // batched like the app, so padding is exercised too

interface ReferenceSentence {
  text: string;
  tokens: number;
  embedding: number[];
}
interface Reference {
  model: string;
  max_seq_length: number;
  sentences: ReferenceSentence[];
}

const modelsDir = fileURLToPath(new URL('../../public/models/', import.meta.url));
const reference = JSON.parse(
  readFileSync(new URL('../fixtures/embeddings/reference.json', import.meta.url), 'utf8'),
) as Reference;

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / Math.sqrt(na * nb);
}

describe('self-hosted all-MiniLM-L6-v2 vs sentence-transformers reference', () => {
  it('fixture is well formed and covers truncation', () => {
    expect(reference.sentences.length).toBeGreaterThanOrEqual(60);
    expect(reference.max_seq_length).toBe(256);
    for (const s of reference.sentences) expect(s.embedding).toHaveLength(DIM);
    expect(reference.sentences.some((s) => s.tokens > 256 && s.tokens <= 512)).toBe(true);
    expect(reference.sentences.some((s) => s.tokens > 512)).toBe(true);
  });

  it.each(DTYPES)(
    'embeds every fixture sentence with mean cosine >= 0.99 and min >= 0.97 (%s)',
    async (DTYPE) => {
      env.localModelPath = modelsDir;
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      const extractor = await pipeline('feature-extraction', MODEL_ID, { dtype: DTYPE });
      // sentence-transformers truncates at max_seq_length 256; transformers.js reads model_max_length.
      expect(extractor.tokenizer.model_max_length).toBe(256);

      const scores: { text: string; cos: number }[] = [];
      for (let start = 0; start < reference.sentences.length; start += BATCH) {
        const batch = reference.sentences.slice(start, start + BATCH);
        const output = await extractor(
          batch.map((s) => s.text),
          { pooling: 'mean', normalize: true },
        );
        expect(output.dims).toEqual([batch.length, DIM]);
        const data = output.data as Float32Array;
        batch.forEach((s, i) => {
          const vector = data.subarray(i * DIM, (i + 1) * DIM);
          scores.push({ text: s.text, cos: cosine(vector, s.embedding) });
        });
      }
      await extractor.dispose();

      const mean = scores.reduce((sum, s) => sum + s.cos, 0) / scores.length;
      const worst = scores.reduce((w, s) => (s.cos < w.cos ? s : w));
      console.log(
        `[model-fidelity] ${MODEL_ID} dtype=${DTYPE} n=${scores.length} mean=${mean.toFixed(6)} ` +
          `min=${worst.cos.toFixed(6)} worst=${JSON.stringify(worst.text.slice(0, 80))}`,
      );
      expect(scores).toHaveLength(reference.sentences.length);
      expect(mean).toBeGreaterThanOrEqual(0.99);
      expect(worst.cos).toBeGreaterThanOrEqual(0.97);
    },
    180_000,
  );

  it('[E2] gives the int8 and fp32 files the same vectors within cosine 0.995 on notebook-like memos', async () => {
    const make = (dtype: 'q8' | 'fp32') =>
      createEmbedder({
        name: MODEL_ID,
        dtype,
        dim: DIM,
        source: { kind: 'filesystem', localModelPath: modelsDir },
      });
    const texts = [...reference.sentences.map((s) => s.text), ...makeCorpus(40, 99)];
    const [a, b] = await Promise.all([make('q8').embedDocuments(texts), make('fp32').embedDocuments(texts)]);
    expect(b.chunkCounts).toEqual(a.chunkCounts);
    const rows = a.vectors.length / DIM;
    const scores = Array.from({ length: rows }, (_, r) =>
      cosine(a.vectors.subarray(r * DIM, (r + 1) * DIM), b.vectors.subarray(r * DIM, (r + 1) * DIM)),
    );
    const mean = scores.reduce((sum, c) => sum + c, 0) / rows;
    console.log(
      `[model-fidelity] q8 vs fp32 chunks=${rows} mean=${mean.toFixed(6)} min=${Math.min(...scores).toFixed(6)}`,
    );
    expect(mean).toBeGreaterThanOrEqual(0.999);
    expect(Math.min(...scores)).toBeGreaterThanOrEqual(0.995);
  }, 180_000);
});
