/**
 * The home server's vectors are interchangeable with the app's own: every sentence of the
 * model-fidelity fixture (test/fixtures/embeddings/reference.json, 71 texts, some past one
 * window) plus an 8 KiB memo are embedded by the server (onnxruntime-node, natively, in its
 * worker threads, over HTTP) and by the app's embedding worker in Chromium (onnxruntime-web,
 * wasm), with the REAL all-MiniLM-L6-v2. Each window's vectors must agree: mean cosine
 * ≥ 0.999 and min ≥ 0.995, with the same windows (chunk counts, truncation). The server
 * accepts the model id the app's build computed, which shows both derive the same identity
 * from the same files.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedServerClient } from '../../workers/recall/server-client';
import { launchPersistent, type PersistentBrowser } from '../helpers/chromium';
import { type HarnessSite, serveHarness } from '../helpers/harness-site';

const REPO = join(import.meta.dirname, '..', '..');
const DIM = 384;

const reference = JSON.parse(readFileSync(join(REPO, 'test/fixtures/embeddings/reference.json'), 'utf8')) as {
  sentences: Array<{ text: string }>;
};
const LONG_MEMO = Array.from(
  { length: 80 },
  (_, i) =>
    `Day ${i + 1}: we walked along the river to the old mill, fed the ducks, and planned the garden beds for spring. `,
).join('\n');

const HARNESS = `
import { startEmbedWorker } from '${REPO}/workers/embed/client';
const embed = startEmbedWorker();
window.harness = {
  describe: () => embed.api.describe(),
  async embed(texts) {
    const outcome = await embed.api.load();
    if (!outcome.ok) throw new Error(outcome.failure.message);
    const result = await embed.api.embedDocuments(texts, { batchSize: 8 });
    return { vectors: Array.from(result.vectors), chunkCounts: result.chunkCounts, truncated: result.truncated };
  },
};
`;

let site: HarnessSite | undefined;
let browser: PersistentBrowser | undefined;
let page: Page;
let origin = '';

beforeAll(async () => {
  site = await serveHarness({
    name: 'embed-fidelity',
    harnessJs: HARNESS,
    server: { embed: { mode: 'on', threads: 2 } },
  });
  origin = site.origin;
  browser = await launchPersistent();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'harness' in window);
});

afterAll(async () => {
  await browser?.dispose();
  await site?.dispose();
});

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

describe('home-server vectors (native, Node) vs the app’s (wasm, Chromium)', () => {
  it('agree on every window of the fidelity fixture and an 8 KiB memo: mean cosine ≥ 0.999, min ≥ 0.995', async () => {
    const texts = [...reference.sentences.map((s) => s.text), LONG_MEMO];
    expect(texts).toHaveLength(72);
    expect(LONG_MEMO.length).toBeGreaterThanOrEqual(8 * 1024);
    const info = await page.evaluate(() =>
      (window as unknown as { harness: { describe(): Promise<{ modelId: string }> } }).harness.describe(),
    );
    expect(info.modelId).toMatch(/^Xenova\/all-MiniLM-L6-v2@q8#w254-o32-c16-m32768#sha256:[0-9a-f]{16}$/);
    const app = await page.evaluate(
      (list) =>
        (
          window as unknown as {
            harness: {
              embed(t: string[]): Promise<{ vectors: number[]; chunkCounts: number[]; truncated: boolean[] }>;
            };
          }
        ).harness.embed(list),
      texts,
    );

    const client = createEmbedServerClient({
      origin,
      token: async () => undefined,
      fetch: (i, init) => fetch(i, init),
    });
    const items = [];
    for (let start = 0; start < texts.length; start += 24) {
      const answer = await client.embed(info.modelId, texts.slice(start, start + 24));
      if (!answer.ok) throw new Error(`the server refused: ${JSON.stringify(answer.failure)}`);
      items.push(...answer.value.items);
    }
    expect(items.map((item) => item.chunks)).toEqual(app.chunkCounts);
    expect(items.map((item) => item.truncated)).toEqual(app.truncated);
    expect(app.chunkCounts.filter((n) => n > 1).length).toBeGreaterThanOrEqual(4);

    const scores: Array<{ text: string; cos: number }> = [];
    let row = 0;
    items.forEach((item, i) => {
      for (let chunk = 0; chunk < item.chunks; chunk++, row++) {
        const server = item.vectors.subarray(chunk * DIM, (chunk + 1) * DIM);
        const mine = app.vectors.slice(row * DIM, (row + 1) * DIM);
        scores.push({ text: `${(texts[i] ?? '').slice(0, 50)} [${chunk}]`, cos: cosine(server, mine) });
      }
    });
    const mean = scores.reduce((sum, s) => sum + s.cos, 0) / scores.length;
    const worst = scores.reduce((w, s) => (s.cos < w.cos ? s : w));
    console.log(
      `[embed-fidelity] ${scores.length} windows of ${texts.length} texts: mean cosine ${mean.toFixed(9)} (1 - mean = ${(1 - mean).toExponential(2)}), min ${worst.cos.toFixed(9)} (${JSON.stringify(worst.text)})`,
    );
    expect(mean).toBeGreaterThanOrEqual(0.999);
    expect(worst.cos).toBeGreaterThanOrEqual(0.995);
  });
});
