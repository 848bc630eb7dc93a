/**
 * Chooses and starts the model for this device (backend-choice.ts says what is decided):
 *  - `auto`: the stored decision when it still applies; otherwise wasm with the int8 file
 *    unless a hardware WebGPU adapter exists, in which case a short probe times both
 *    (int8 on wasm, fp32 on WebGPU) on realistic memos and keeps the faster, by a margin,
 *    and the decision is stored. The 90 MB fp32 file is downloaded only on such a device,
 *    and dropped again when wasm wins;
 *  - `wasm` / `webgpu`: forced (benchmarks, tests); nothing stored.
 * Any WebGPU failure (no adapter, shader compile error, lost device) falls back to wasm: at
 * start-up to the int8 file when nothing was embedded with fp32 yet, later (`fallback`) to
 * the same fp32 file on wasm, so the vectors keep their identity.
 * All effects are injected (loading, the adapter, the store, the clock), so the rules are
 * tested in Node.
 */
import { describeError } from '../protocol';
import {
  type AdapterIdentity,
  adapterKey,
  type BackendChoice,
  type BackendPreference,
  type ChoiceStore,
  decideFromProbe,
  PROBE_VERSION,
} from './backend-choice';
import type { LoadedModel, ModelDevice, ModelDtype } from './model-loader';

export interface Selected {
  model: LoadedModel;
  choice: BackendChoice;
}

export interface SelectDeps {
  preference: BackendPreference;
  /** the browser's WebGPU adapter, undefined without one */
  findAdapter(): Promise<AdapterIdentity | undefined>;
  /** probe a software adapter too (SwiftShader in tests); never in the app */
  probeSoftwareAdapters?: boolean;
  store: ChoiceStore;
  load(dtype: ModelDtype, device: ModelDevice): Promise<LoadedModel>;
  /**
   * Times the probe workload (probe.ts) on `model`, giving up after `limitMs` per timed
   * pass (then `complete` is false and `ms` a lower bound).
   */
  timeProbe(
    model: LoadedModel,
    limitMs: number,
  ): Promise<{ ms: number; windows: number; tokens: number; complete: boolean }>;
  /** frees the space of a model file that will not be used (best effort) */
  forget(dtype: ModelDtype): Promise<void>;
  now(): number;
}

const NONE = '';

function short(error: unknown): string {
  return describeError(error).slice(0, 200);
}

async function onWasm(deps: SelectDeps, dtype: ModelDtype, reason: string): Promise<Selected> {
  return { model: await deps.load(dtype, 'wasm'), choice: { backend: 'wasm', dtype, reason } };
}

/** Starts `choice`; a WebGPU start failure falls back to wasm with the same file. */
async function start(deps: SelectDeps, choice: BackendChoice): Promise<Selected> {
  if (choice.backend === 'wasm') return { model: await deps.load(choice.dtype, 'wasm'), choice };
  try {
    return { model: await deps.load(choice.dtype, 'webgpu'), choice };
  } catch (error) {
    return onWasm(deps, choice.dtype, `WebGPU failed to start (${short(error)}); wasm with the same model`);
  }
}

async function remember(deps: SelectDeps, adapter: string, choice: BackendChoice): Promise<void> {
  await deps.store.write({ adapter, probeVersion: PROBE_VERSION, choice, at: deps.now() });
}

async function probe(deps: SelectDeps, adapter: AdapterIdentity): Promise<Selected> {
  const key = adapterKey(adapter);
  const wasm = await deps.load('q8', 'wasm');
  let gpu: LoadedModel | undefined;
  try {
    gpu = await deps.load('fp32', 'webgpu');
    const onCpu = await deps.timeProbe(wasm, Number.POSITIVE_INFINITY);
    // WebGPU can only win by finishing a pass in wasm's time / MIN_WEBGPU_SPEEDUP: stop at wasm's time.
    const onGpu = await deps.timeProbe(gpu, onCpu.ms);
    const choice = decideFromProbe({
      windows: onCpu.windows,
      tokens: onCpu.tokens,
      wasmMs: onCpu.ms,
      webgpuMs: onGpu.ms,
      ...(onGpu.complete ? {} : { webgpuGaveUp: true }),
    });
    await remember(deps, key, choice);
    if (choice.backend === 'webgpu') {
      await wasm.dispose();
      return { model: gpu, choice };
    }
    await gpu.dispose();
    await deps.forget('fp32');
    return { model: wasm, choice };
  } catch (error) {
    await gpu?.dispose().catch(() => undefined);
    await deps.forget('fp32');
    const choice: BackendChoice = {
      backend: 'wasm',
      dtype: 'q8',
      reason: `WebGPU probe failed (${short(error)})`,
    };
    await remember(deps, key, choice);
    return { model: wasm, choice };
  }
}

/** What to start: a known choice, or a model the probe already started. */
type Plan = { kind: 'start'; choice: BackendChoice } | { kind: 'started'; selected: Selected };

async function plan(deps: SelectDeps): Promise<Plan> {
  const choose = (backend: BackendChoice['backend'], dtype: ModelDtype, reason: string): Plan => ({
    kind: 'start',
    choice: { backend, dtype, reason },
  });
  if (deps.preference === 'wasm') return choose('wasm', 'q8', 'wasm was asked for');
  const adapter = await deps.findAdapter().catch(() => undefined);
  if (deps.preference === 'webgpu') {
    return adapter
      ? choose('webgpu', 'fp32', 'WebGPU was asked for')
      : choose('wasm', 'fp32', 'WebGPU was asked for, but this browser offers no adapter');
  }
  const stored = await deps.store.read();
  const current = stored?.probeVersion === PROBE_VERSION ? stored : undefined;
  // A device that embeds with the fp32 file keeps it (its vectors), with or without WebGPU.
  if (current?.choice.dtype === 'fp32') {
    return adapter
      ? { kind: 'start', choice: current.choice }
      : choose('wasm', 'fp32', 'WebGPU is gone; wasm with the same model');
  }
  const key = adapter ? adapterKey(adapter) : NONE;
  if (current && current.adapter === key) return { kind: 'start', choice: current.choice };
  if (!adapter) return choose('wasm', 'q8', 'this browser offers no WebGPU adapter');
  if (adapter.fallback && !deps.probeSoftwareAdapters) {
    return choose('wasm', 'q8', 'the only WebGPU adapter is a software one');
  }
  return { kind: 'started', selected: await probe(deps, adapter) };
}

export interface Selection {
  /** the model file, known before the model is started when the choice was stored */
  dtype: Promise<ModelDtype>;
  selected: Promise<Selected>;
}

export function selectBackend(deps: SelectDeps): Selection {
  const planned = plan(deps);
  return {
    dtype: planned.then((p) => (p.kind === 'start' ? p.choice : p.selected.choice).dtype),
    selected: planned.then((p) => (p.kind === 'start' ? start(deps, p.choice) : p.selected)),
  };
}

/**
 * After a WebGPU failure while embedding: the same file on wasm (the vectors keep their
 * identity), remembered for this device. Undefined when already on wasm (nothing to fall
 * back to: the failure is the model's).
 */
export async function fallbackToWasm(
  deps: SelectDeps,
  current: Selected,
  error: unknown,
): Promise<Selected | undefined> {
  if (current.choice.backend !== 'webgpu') return undefined;
  await current.model.dispose().catch(() => undefined);
  const next = await onWasm(deps, current.choice.dtype, `WebGPU failed while embedding (${short(error)})`);
  if (deps.preference === 'auto') {
    const adapter = await deps.findAdapter().catch(() => undefined);
    await remember(deps, adapter ? adapterKey(adapter) : NONE, next.choice);
  }
  return next;
}
