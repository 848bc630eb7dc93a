/**
 * The backend choice (workers/embed/backend-select.ts, backend-choice.ts) with injected
 * fakes: when the probe runs (only for a hardware WebGPU adapter, once per device), what
 * it decides, that the fp32 file is fetched only then and dropped when wasm wins, that a
 * WebGPU failure at any point falls back to wasm (with the same file once fp32 vectors may
 * exist), and that the embedder keeps answering through such a fallback (tiny model).
 * Real WebGPU (SwiftShader) is exercised in test/e2e/embed-webgpu.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdapterIdentity,
  type ChoiceStore,
  decideFromProbe,
  PROBE_VERSION,
  parseStoredChoice,
  type StoredChoice,
} from '../../workers/embed/backend-choice';
import {
  fallbackToWasm,
  type SelectDeps,
  type Selected,
  selectBackend,
} from '../../workers/embed/backend-select';
import { createEmbedder } from '../../workers/embed/embedder';
import {
  type LoadedModel,
  loadModel,
  type ModelDevice,
  type ModelDtype,
} from '../../workers/embed/model-loader';
import { PROBE_MEMO_CHARS, probeWorkload, timeWorkload } from '../../workers/embed/probe';
import { parseWorkerName, workerName } from '../../workers/embed/worker-options';
import { writeTinyModel } from '../helpers/tiny-model';

const GPU: AdapterIdentity = {
  vendor: 'acme',
  architecture: 'rdna',
  device: '0x1234',
  description: 'Acme GPU',
  fallback: false,
};
const SWIFTSHADER: AdapterIdentity = {
  vendor: 'google',
  architecture: 'swiftshader',
  device: '',
  description: 'SwiftShader',
  fallback: true,
};

function memoryStore(
  initial?: StoredChoice,
): ChoiceStore & { record: StoredChoice | undefined; writes: number } {
  const store = {
    record: initial,
    writes: 0,
    async read() {
      return store.record;
    },
    async write(record: StoredChoice) {
      store.record = record;
      store.writes++;
    },
  };
  return store;
}

interface FakeModel extends LoadedModel {
  tag: string;
  disposed: boolean;
}

function fakeModel(tag: string): FakeModel {
  const model: FakeModel = {
    tag,
    disposed: false,
    device: tag.endsWith('webgpu') ? 'webgpu' : 'wasm',
    tokenize: () => [],
    prefix: [101],
    suffix: [102],
    padId: 0,
    maxLength: 256,
    async run() {
      return { data: new Float32Array(0), dims: [0, 0, 0] };
    },
    async dispose() {
      model.disposed = true;
    },
  };
  return model;
}

function world(
  options: {
    adapter?: AdapterIdentity;
    stored?: StoredChoice | undefined;
    wasmMs?: number;
    webgpuMs?: number;
    webgpuFails?: string;
    probeSoftwareAdapters?: boolean;
    preference?: SelectDeps['preference'];
  } = {},
) {
  const loads: string[] = [];
  const forgotten: ModelDtype[] = [];
  const models: FakeModel[] = [];
  const store = memoryStore(options.stored);
  const deps: SelectDeps = {
    preference: options.preference ?? 'auto',
    probeSoftwareAdapters: options.probeSoftwareAdapters ?? false,
    findAdapter: async () => options.adapter,
    store,
    async load(dtype: ModelDtype, device: ModelDevice) {
      loads.push(`${dtype}/${device}`);
      if (device === 'webgpu' && options.webgpuFails) throw new Error(options.webgpuFails);
      const model = fakeModel(`${dtype}/${device}`);
      models.push(model);
      return model;
    },
    async timeProbe(model) {
      const ms = (model as FakeModel).tag.endsWith('webgpu')
        ? (options.webgpuMs ?? 100)
        : (options.wasmMs ?? 100);
      return { ms, windows: 9, tokens: 1200, complete: true };
    },
    async forget(dtype) {
      forgotten.push(dtype);
    },
    now: () => 1_000,
  };
  return { deps, loads, forgotten, models, store };
}

const stored = (adapter: string, backend: 'wasm' | 'webgpu', dtype: ModelDtype): StoredChoice => ({
  adapter,
  probeVersion: PROBE_VERSION,
  choice: { backend, dtype, reason: 'probed earlier' },
  at: 1,
});

const tagOf = (selected: Selected) => (selected.model as FakeModel).tag;

describe('backend choice', () => {
  it('[E3] uses int8 on wasm without probing when the browser offers no adapter', async () => {
    const w = world();
    const selection = selectBackend(w.deps);
    expect(await selection.dtype).toBe('q8');
    const selected = await selection.selected;
    expect(tagOf(selected)).toBe('q8/wasm');
    expect(w.loads).toEqual(['q8/wasm']);
    expect(selected.choice.reason).toMatch(/no WebGPU adapter/);
  });

  it('[E3] never probes (nor downloads fp32 for) a software adapter unless asked', async () => {
    const w = world({ adapter: SWIFTSHADER });
    expect(tagOf(await selectBackend(w.deps).selected)).toBe('q8/wasm');
    expect(w.loads).toEqual(['q8/wasm']);
    const probing = world({ adapter: SWIFTSHADER, probeSoftwareAdapters: true, webgpuMs: 5_000 });
    const selected = await selectBackend(probing.deps).selected;
    expect(probing.loads).toEqual(['q8/wasm', 'fp32/webgpu']);
    expect(selected.choice).toMatchObject({ backend: 'wasm', dtype: 'q8' });
    expect(selected.choice.probe).toMatchObject({ wasmMs: 100, webgpuMs: 5_000, windows: 9 });
  });

  it('[E4] chooses fp32 on WebGPU when the probe shows it 1.5x faster, once per device', async () => {
    const w = world({ adapter: GPU, wasmMs: 900, webgpuMs: 200 });
    const first = await selectBackend(w.deps).selected;
    expect(tagOf(first)).toBe('fp32/webgpu');
    expect(first.choice.reason).toMatch(/WebGPU is 4\.5x faster/);
    expect(w.models.find((m) => m.tag === 'q8/wasm')?.disposed).toBe(true);
    expect(w.store.record).toMatchObject({
      adapter: 'acme|rdna|0x1234|Acme GPU',
      choice: { backend: 'webgpu' },
    });

    // The next launch: the stored decision, no probe, and the file is known before loading.
    const again = world({ adapter: GPU, stored: w.store.record });
    const selection = selectBackend(again.deps);
    expect(await selection.dtype).toBe('fp32');
    expect(tagOf(await selection.selected)).toBe('fp32/webgpu');
    expect(again.loads).toEqual(['fp32/webgpu']);
  });

  it('[E4] keeps int8 on wasm and drops the fp32 file when WebGPU is not faster enough', async () => {
    const w = world({ adapter: GPU, wasmMs: 300, webgpuMs: 250 });
    const selected = await selectBackend(w.deps).selected;
    expect(selected.choice).toMatchObject({ backend: 'wasm', dtype: 'q8' });
    expect(w.models.find((m) => m.tag === 'fp32/webgpu')?.disposed).toBe(true);
    expect(w.forgotten).toEqual(['fp32']);
    const again = world({ adapter: GPU, stored: w.store.record });
    await selectBackend(again.deps).selected;
    expect(again.loads).toEqual(['q8/wasm']);
  });

  it('[E6] falls back to int8 on wasm when WebGPU fails to start during the probe, and remembers it', async () => {
    const w = world({ adapter: GPU, webgpuFails: 'shader compile error' });
    const selected = await selectBackend(w.deps).selected;
    expect(selected.choice).toMatchObject({ backend: 'wasm', dtype: 'q8' });
    expect(selected.choice.reason).toMatch(/shader compile error/);
    expect(w.store.writes).toBe(1);
    expect(w.forgotten).toEqual(['fp32']);
  });

  it('[E4] probes again on another adapter or after the probe changed', async () => {
    const otherGpu = world({
      adapter: GPU,
      stored: stored('other|gpu||', 'wasm', 'q8'),
      wasmMs: 900,
      webgpuMs: 100,
    });
    expect(tagOf(await selectBackend(otherGpu.deps).selected)).toBe('fp32/webgpu');
    const oldProbe = world({
      adapter: GPU,
      stored: { ...stored('acme|rdna|0x1234|Acme GPU', 'wasm', 'q8'), probeVersion: PROBE_VERSION - 1 },
    });
    await selectBackend(oldProbe.deps).selected;
    expect(oldProbe.loads).toEqual(['q8/wasm', 'fp32/webgpu']);
  });

  it('[E5] keeps the fp32 file (its vectors) on wasm when WebGPU is gone or fails to start', async () => {
    const gone = world({ stored: stored('acme|rdna|0x1234|Acme GPU', 'webgpu', 'fp32') });
    const selection = selectBackend(gone.deps);
    expect(await selection.dtype).toBe('fp32');
    expect(tagOf(await selection.selected)).toBe('fp32/wasm');
    const broken = world({
      adapter: GPU,
      stored: stored('acme|rdna|0x1234|Acme GPU', 'webgpu', 'fp32'),
      webgpuFails: 'device lost',
    });
    const selected = await selectBackend(broken.deps).selected;
    expect(tagOf(selected)).toBe('fp32/wasm');
    expect(selected.choice.reason).toMatch(/device lost/);
  });

  it('[E3] forced backends neither probe nor store', async () => {
    const wasm = world({ adapter: GPU, preference: 'wasm' });
    expect(tagOf(await selectBackend(wasm.deps).selected)).toBe('q8/wasm');
    const gpu = world({ adapter: SWIFTSHADER, preference: 'webgpu' });
    expect(tagOf(await selectBackend(gpu.deps).selected)).toBe('fp32/webgpu');
    const none = world({ preference: 'webgpu' });
    expect(tagOf(await selectBackend(none.deps).selected)).toBe('fp32/wasm');
    expect(wasm.store.writes + gpu.store.writes + none.store.writes).toBe(0);
  });

  it('[E6] after a WebGPU failure while embedding, runs the same file on wasm and remembers it', async () => {
    const w = world({ adapter: GPU, wasmMs: 900, webgpuMs: 100 });
    const selected = await selectBackend(w.deps).selected;
    const next = await fallbackToWasm(w.deps, selected, new Error('GPU device was lost'));
    expect(next && tagOf(next)).toBe('fp32/wasm');
    expect((selected.model as FakeModel).disposed).toBe(true);
    expect(w.store.record?.choice).toMatchObject({ backend: 'wasm', dtype: 'fp32' });
    expect(next && (await fallbackToWasm(w.deps, next, new Error('again')))).toBeUndefined();
  });

  it('[E3] decides by the speed-up and reads only well-formed stored records', () => {
    expect(decideFromProbe({ windows: 9, tokens: 1200, wasmMs: 149, webgpuMs: 100 }).backend).toBe('wasm');
    expect(decideFromProbe({ windows: 9, tokens: 1200, wasmMs: 150, webgpuMs: 100 }).backend).toBe('webgpu');
    const gaveUp = decideFromProbe({
      windows: 9,
      tokens: 1200,
      wasmMs: 900,
      webgpuMs: 950,
      webgpuGaveUp: true,
    });
    expect(gaveUp).toMatchObject({ backend: 'wasm', reason: expect.stringMatching(/WebGPU over 950 ms/) });
    expect(parseStoredChoice(stored('a', 'webgpu', 'fp32'))).toEqual(stored('a', 'webgpu', 'fp32'));
    for (const junk of [null, 'x', {}, { ...stored('a', 'wasm', 'q8'), choice: { backend: 'cuda' } }]) {
      expect(parseStoredChoice(junk)).toBeUndefined();
    }
  });
});

describe('embedding worker options (its name)', () => {
  it('[E3] round-trips a forced backend and reads anything else as the app defaults', () => {
    expect(workerName({})).toBe('embed');
    expect(parseWorkerName(workerName({ backend: 'webgpu', probeSoftwareAdapters: true }))).toEqual({
      backend: 'webgpu',
      probeSoftwareAdapters: true,
    });
    for (const junk of ['embed', 'embed {', 'embed {"backend":"cuda"}', 'recall', '']) {
      expect(parseWorkerName(junk)).toEqual({});
    }
  });
});

describe('probe workload', () => {
  it('[E3] is realistic memos planned like the embedder, and a slow backend is given up between runs', async () => {
    let clock = 0;
    const runs: number[] = [];
    const model: LoadedModel = {
      ...fakeModel('fp32/webgpu'),
      tokenize: (text) => Array.from({ length: Math.ceil(text.length / 5) }, (_, i) => 1000 + i),
      async run(_ids, _mask, batch, sequence) {
        runs.push(batch * sequence);
        clock += 100;
        return { data: new Float32Array(0), dims: [batch, sequence, 384] };
      },
    };
    const workload = probeWorkload(model);
    expect(workload.rows.length).toBeGreaterThan(PROBE_MEMO_CHARS.length);
    expect(Math.max(...workload.rows.map((r) => r.length))).toBe(256);
    expect(workload.runs).toHaveLength(workload.rows.length); // wasm policy: one window per run
    const full = await timeWorkload(model, workload, () => clock, {
      passes: 2,
      warmUpLimitMs: Number.POSITIVE_INFINITY,
      passLimitMs: Number.POSITIVE_INFINITY,
    });
    expect(full).toEqual({ ms: workload.runs.length * 100, complete: true });
    runs.length = 0;
    const cut = await timeWorkload(model, workload, () => clock, {
      passes: 2,
      warmUpLimitMs: 250,
      passLimitMs: 250,
    });
    expect(cut).toEqual({ ms: 300, complete: false });
    expect(runs).toHaveLength(3);
  });
});

describe('embedder through a WebGPU failure (tiny model)', () => {
  let dir = '';
  let tiny: { modelId: string; localModelPath: string };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'embed-backend-'));
    tiny = await writeTinyModel(dir, { dim: 32 });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('[E6] answers every call: a failing run is retried on the fallback, and the model id is unchanged', async () => {
    const spec = {
      name: tiny.modelId,
      dtype: 'fp32' as const,
      source: { kind: 'filesystem' as const, localModelPath: tiny.localModelPath },
    };
    const real = await loadModel(spec);
    let gpuRuns = 0;
    const gpu: LoadedModel = {
      ...real,
      async run(...args) {
        gpuRuns++;
        if (gpuRuns > 2) throw new Error('GPU device was lost');
        return real.run(...args);
      },
    };
    const fallbacks: string[] = [];
    const embedder = createEmbedder({
      ...spec,
      dim: 32,
      backends: {
        select: () => ({
          dtype: Promise.resolve('fp32'),
          selected: Promise.resolve({
            model: gpu,
            choice: { backend: 'webgpu', dtype: 'fp32', reason: 'probed' },
          }),
        }),
        async fallback(current, error) {
          fallbacks.push(String(error));
          if (current.choice.backend !== 'webgpu') return undefined;
          return { model: real, choice: { backend: 'wasm', dtype: 'fp32', reason: 'WebGPU failed' } };
        },
      },
    });
    const before = await embedder.describe();
    const out = await embedder.embedDocuments(['garden', 'coffee', 'train', 'budget'], { batchSize: 1 });
    expect(out.chunkCounts).toEqual([1, 1, 1, 1]);
    expect(fallbacks).toEqual(['Error: GPU device was lost']);
    expect((await embedder.describe()).modelId).toBe(before.modelId);
    expect(await embedder.stats()).toMatchObject({ backend: 'wasm', backendReason: 'WebGPU failed' });
    expect(await embedder.embedQuery('garden')).toHaveLength(32);
  });
});
