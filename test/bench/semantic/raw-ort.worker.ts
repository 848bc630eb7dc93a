/**
 * Benchmark baseline: a bare onnxruntime-web InferenceSession (the same build and wasm
 * transformers.js uses) running all-MiniLM-L6-v2 on already tokenized windows, batched
 * exactly like the app's embedder (longest first, padded per batch). Times only
 * tensor creation + session.run, so the app's overhead (tokenizing, pooling, messaging)
 * shows up as the ratio between the two.
 */
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web/webgpu';

let session: ort.InferenceSession | undefined;

const api = {
  async init(modelUrl: string, wasmUrl: string, mjsUrl: string): Promise<void> {
    const wasm = ort.env.wasm;
    wasm.wasmPaths = { wasm: wasmUrl, mjs: mjsUrl };
    wasm.proxy = false;
    const bytes = new Uint8Array(await (await fetch(modelUrl)).arrayBuffer());
    session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  },
  /**
   * Runs the given plan: `runs` lists indices into `rows` (ids with specials), each run
   * padded to its longest row. Returns milliseconds spent.
   */
  async runPlan(rows: number[][], runs: number[][]): Promise<number> {
    if (!session) throw new Error('init first');
    const started = performance.now();
    for (const run of runs) {
      const batch = run.map((i) => rows[i] ?? []);
      const sequence = Math.max(...batch.map((r) => r.length));
      const ids = new BigInt64Array(batch.length * sequence);
      const mask = new BigInt64Array(batch.length * sequence);
      batch.forEach((row, b) => {
        row.forEach((id, t) => {
          ids[b * sequence + t] = BigInt(id);
          mask[b * sequence + t] = 1n;
        });
      });
      const dims = [batch.length, sequence];
      const output = await session.run({
        input_ids: new ort.Tensor('int64', ids, dims),
        attention_mask: new ort.Tensor('int64', mask, dims),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(batch.length * sequence), dims),
      });
      for (const tensor of Object.values(output)) tensor.dispose();
    }
    return performance.now() - started;
  },
  /** Runs every window (ids without specials) in batches; returns milliseconds spent. */
  async run(windows: number[][], batchSize: number, prefix: number[], suffix: number[]): Promise<number> {
    if (!session) throw new Error('init first');
    const rows = windows.map((w) => [...prefix, ...w, ...suffix]).sort((a, b) => b.length - a.length);
    const started = performance.now();
    for (let start = 0; start < rows.length; start += batchSize) {
      const batch = rows.slice(start, start + batchSize);
      const sequence = Math.max(...batch.map((r) => r.length));
      const ids = new BigInt64Array(batch.length * sequence);
      const mask = new BigInt64Array(batch.length * sequence);
      batch.forEach((row, b) => {
        row.forEach((id, t) => {
          ids[b * sequence + t] = BigInt(id);
          mask[b * sequence + t] = 1n;
        });
      });
      const dims = [batch.length, sequence];
      const output = await session.run({
        input_ids: new ort.Tensor('int64', ids, dims),
        attention_mask: new ort.Tensor('int64', mask, dims),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(batch.length * sequence), dims),
      });
      for (const tensor of Object.values(output)) tensor.dispose();
    }
    return performance.now() - started;
  },
};

export type RawOrtApi = typeof api;
Comlink.expose(api);
