/**
 * The WebGPU code path in real Chromium with its software adapter (SwiftShader:
 * `--enable-unsafe-webgpu --use-webgpu-adapter=swiftshader`; right for the code path, not
 * for speed), the real model files and workers built by Vite with the project's config,
 * served by the real app server. Asserts:
 *  - forced WebGPU runs the fp32 file on the GPU and its vectors agree with the int8 file
 *    on wasm (cosine ≥ 0.99 for every text), under a different model id;
 *  - the app's default (`auto`) never probes a software adapter nor downloads the fp32 file;
 *  - `auto` allowed to probe SwiftShader times both backends on realistic memos, decides,
 *    stores the decision, and a second worker reuses it without probing again;
 *  - the GPU process killed while embedding (every device lost, as in a driver crash) falls
 *    back to the same fp32 file on wasm: every text is still embedded, with the same model id.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchPersistent, type PersistentBrowser } from '../helpers/chromium';
import { killGpuProcess } from '../helpers/gpu-process';
import { type HarnessSite, serveHarness } from '../helpers/harness-site';

const REPO = join(import.meta.dirname, '..', '..');

const texts = (
  JSON.parse(readFileSync(join(REPO, 'test/fixtures/recall/corpus.json'), 'utf8')) as {
    memos: Array<{ content: string }>;
  }
).memos
  .map((m) => m.content)
  .slice(0, 8);

const HARNESS = `
import * as Comlink from 'comlink';
import { startEmbedWorker } from '${REPO}/workers/embed/client';
async function run(options, texts) {
  const worker = startEmbedWorker(options);
  try {
    const outcome = await worker.api.load();
    if (!outcome.ok) return { error: outcome.failure.message };
    const info = await worker.api.describe();
    const out = await worker.api.embedDocuments(texts);
    return { info, vectors: Array.from(out.vectors), chunkCounts: out.chunkCounts, stats: await worker.api.stats() };
  } finally {
    worker.terminate();
  }
}
let held;
async function startHeld(texts) {
  held = startEmbedWorker({ backend: 'webgpu' });
  const outcome = await held.api.load();
  if (!outcome.ok) return { error: outcome.failure.message };
  const info = await held.api.describe();
  const first = await held.api.embedDocuments(texts);
  return { info, chunks: first.chunkCounts, stats: await held.api.stats() };
}
async function continueHeld(texts) {
  const out = await held.api.embedDocuments(texts);
  const result = { chunks: out.chunkCounts, stats: await held.api.stats(), info: await held.api.describe() };
  held.terminate();
  return result;
}
const adapter = async () => {
  const a = await navigator.gpu?.requestAdapter();
  return a ? { description: a.info.description, vendor: a.info.vendor, fallback: a.info.isFallbackAdapter ?? null } : null;
};
Object.assign(window, { harness: { run, startHeld, continueHeld, adapter } });
`;

let site: HarnessSite | undefined;
let browser: PersistentBrowser | undefined;
let page: Page;
let origin = '';
const requests: string[] = [];
const FP32 = '/models/Xenova/all-MiniLM-L6-v2/onnx/model.onnx';

interface RunResult {
  error?: string;
  info: { modelId: string };
  vectors: number[];
  chunkCounts: number[];
  stats: { backend?: string; backendReason?: string };
}

async function run(options: Record<string, unknown>): Promise<RunResult> {
  const result = await page.evaluate(
    ([o, t]) =>
      (window as unknown as { harness: { run(o: unknown, t: string[]): Promise<RunResult> } }).harness.run(
        o,
        t,
      ),
    [options, texts] as const,
  );
  if (result.error) throw new Error(result.error);
  return result;
}

const fp32Requests = () => requests.filter((url) => new URL(url).pathname === FP32).length;

beforeAll(async () => {
  site = await serveHarness({ name: 'embed-webgpu', harnessJs: HARNESS });
  origin = site.origin;
  browser = await launchPersistent({ args: ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'] });
  browser.context.on('request', (request: Request) => requests.push(request.url()));
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.goto(`${origin}/`);
  await page.waitForFunction(() => 'harness' in window);
});

afterAll(async () => {
  await browser?.dispose();
  await site?.dispose();
});

function cosines(a: number[], b: number[], dim = 384): number[] {
  const out: number[] = [];
  for (let row = 0; row < a.length / dim; row++) {
    let dot = 0;
    for (let i = 0; i < dim; i++) dot += (a[row * dim + i] ?? 0) * (b[row * dim + i] ?? Number.NaN);
    out.push(dot);
  }
  return out;
}

describe('embedding on WebGPU (SwiftShader) with wasm as the fallback', () => {
  it('offers a software adapter here (the premise of this file)', async () => {
    const adapter = await page.evaluate(() =>
      (window as unknown as { harness: { adapter(): Promise<unknown> } }).harness.adapter(),
    );
    expect(adapter).not.toBeNull();
  });

  it('[E1] runs the fp32 file on WebGPU, agreeing with the int8 file on wasm, under another model id', async () => {
    const wasm = await run({ backend: 'wasm' });
    expect(wasm.stats.backend).toBe('wasm');
    expect(fp32Requests()).toBe(0);
    const gpu = await run({ backend: 'webgpu' });
    expect(gpu.stats).toMatchObject({ backend: 'webgpu', backendReason: 'WebGPU was asked for' });
    expect(fp32Requests()).toBe(1);
    expect(gpu.info.modelId).toContain('@fp32');
    expect(wasm.info.modelId).toContain('@q8');
    expect(gpu.chunkCounts).toEqual(wasm.chunkCounts);
    const agreement = cosines(gpu.vectors, wasm.vectors);
    expect(agreement).toHaveLength(gpu.vectors.length / 384);
    expect(Math.min(...agreement)).toBeGreaterThan(0.99);
  }, 300_000);

  it('[E3] by default neither probes the software adapter nor downloads the fp32 file', async () => {
    const before = fp32Requests();
    const auto = await run({});
    expect(auto.stats.backend).toBe('wasm');
    expect(auto.stats.backendReason).toMatch(/software/);
    expect(auto.info.modelId).toContain('@q8');
    expect(fp32Requests()).toBe(before);
  });

  it('[E4] probes once when allowed, stores the decision, and reuses it', async () => {
    const first = await run({ probeSoftwareAdapters: true });
    expect(first.stats.backendReason).toMatch(/wasm \d+ ms, WebGPU (over )?\d+ ms for \d+ windows/);
    const probedRequests = fp32Requests();
    const second = await run({ probeSoftwareAdapters: true });
    expect(second.stats.backend).toBe(first.stats.backend);
    expect(second.stats.backendReason).toBe(first.stats.backendReason);
    expect(second.info.modelId).toBe(first.info.modelId);
    // Reused: the fp32 file is fetched again only if WebGPU won (to run it), never to probe.
    expect(fp32Requests() - probedRequests).toBe(first.stats.backend === 'webgpu' ? 1 : 0);
  }, 300_000);

  it('[E6] falls back to the same fp32 file on wasm when the GPU process dies mid-way', async () => {
    type Held = {
      error?: string;
      info: { modelId: string };
      chunks: number[];
      stats: { backend?: string; backendReason?: string };
    };
    const call = (fn: 'startHeld' | 'continueHeld', t: string[]) =>
      page.evaluate(
        ([name, list]) =>
          (window as unknown as { harness: Record<string, (t: string[]) => Promise<Held>> }).harness[name]?.(
            list,
          ),
        [fn, t] as const,
      );
    const before = await call('startHeld', texts.slice(0, 2));
    expect(before?.error).toBeUndefined();
    expect(before?.stats.backend).toBe('webgpu');
    // Kill the GPU process (where Dawn runs the adapter): every GPU device is lost, as in a driver crash.
    expect(killGpuProcess(browser?.userDataDir ?? 'no profile')).toBe(1);
    const after = await call('continueHeld', texts.slice(2));
    expect(after?.stats.backend).toBe('wasm');
    expect(after?.stats.backendReason).toMatch(/WebGPU failed while embedding/);
    expect(after?.chunks).toHaveLength(texts.length - 2);
    expect(after?.info.modelId).toBe(before?.info.modelId);
  }, 300_000);
});
