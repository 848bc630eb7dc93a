/**
 * Loads the tokenizer and the ONNX model with transformers.js, either from a folder on
 * disk (Node: tests, benchmarks; onnxruntime-node) or from the app's origin (browser
 * worker; onnxruntime-web on wasm or WebGPU). Owns transformers.js' global `env` for this
 * thread; several models may be loaded one after the other (the backend probe).
 * Invariants (origin mode): remote models off, browser cache off (the service worker caches),
 * wasm preloading off (we fetch the wasm ourselves, counting bytes, once per thread), every
 * fetch same-origin; only the model file of the requested dtype is downloaded.
 */
import { AutoModel, AutoTokenizer, env, Tensor } from '@huggingface/transformers';
import type { ModelLoadProgress } from './api';
import { isCached, warmCaches } from './model-cache';
import { downloadFiles, type FetchLike, originOnlyFetch } from './model-files';
import { type ModelDtype, modelFileName } from './model-id';

export { type ModelDtype, modelFileName };

export type ModelSource =
  | {
      kind: 'filesystem';
      localModelPath: string;
      /** onnxruntime-node intra-op threads (default: onnxruntime's choice) */
      threads?: number;
    }
  | {
      kind: 'origin';
      /** e.g. `https://notes.example` */
      origin: string;
      /** path of the models folder on the origin, e.g. `/models/` */
      modelBaseUrl: string;
      /** onnxruntime-web's asyncify wasm and its loader, self-hosted (Vite `?url` imports) */
      ortWasmUrl: string;
      ortMjsUrl: string;
      fetch: FetchLike;
    };

/** Where the model runs in the browser (Node always uses onnxruntime-node on the CPU). */
export type ModelDevice = 'wasm' | 'webgpu';

export interface ModelSpec {
  /** folder under the models path, e.g. `Xenova/all-MiniLM-L6-v2` */
  name: string;
  dtype: ModelDtype;
  source: ModelSource;
  /** origin mode only; default wasm */
  device?: ModelDevice;
}

export interface LoadedTokenizer {
  /** token ids of `text` without special tokens */
  tokenize(text: string): number[];
  /** ids the model wraps every window with, e.g. [CLS] and [SEP] */
  prefix: number[];
  suffix: number[];
  padId: number;
  maxLength: number;
}

export interface LoadedModel extends LoadedTokenizer {
  /** where it runs: onnxruntime-web on wasm or WebGPU, or onnxruntime-node */
  device: ModelDevice | 'node';
  /** runs the model on padded int64 inputs; returns last_hidden_state and its dims */
  run(
    inputIds: BigInt64Array,
    attentionMask: BigInt64Array,
    batch: number,
    sequence: number,
  ): Promise<HiddenState>;
  /** releases the ONNX session (and its GPU buffers) */
  dispose(): Promise<void>;
}

export interface HiddenState {
  data: Float32Array;
  dims: number[];
}

/** The ONNX runtime of this thread has been set up (by a first model load). */
let runtimeStarted = false;

async function configureOrigin(
  spec: ModelSpec & { source: { kind: 'origin' } },
  onProgress: ((progress: ModelLoadProgress) => void) | undefined,
  withModel = true,
): Promise<() => void> {
  const { source } = spec;
  const base = `${source.modelBaseUrl.replace(/\/?$/, '/')}${spec.name}/`;
  const files = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
  const modelUrls = (withModel ? [...files, modelFileName(spec.dtype)] : files).map(
    (file) => `${base}${file}`,
  );
  // Once the runtime's wasm is cached, let onnxruntime stream-compile it from its URL:
  // the browser can then reuse its compiled-code cache. The first time, we fetch it
  // ourselves to count its 27 MB in the progress bar and to put it in the cache. A second
  // model in this thread reuses the runtime already started.
  const streamWasm = runtimeStarted || (await isCached(source.ortWasmUrl, source.origin));
  const runtime =
    runtimeStarted || !withModel
      ? []
      : streamWasm
        ? [source.ortMjsUrl]
        : [source.ortWasmUrl, source.ortMjsUrl];
  // Progress counts only files that really come over the network: those already in the
  // runtime caches load from this device (offline too) and are no "download".
  const urls = [...runtime, ...modelUrls];
  const cached = await Promise.all(urls.map((url) => isCached(url, source.origin)));
  const download = (list: string[], progress?: (p: ModelLoadProgress) => void) =>
    downloadFiles(list, {
      origin: source.origin,
      fetch: source.fetch,
      ...(progress ? { onProgress: progress } : {}),
    });
  const [fromNetwork, fromCache] = await Promise.all([
    download(
      urls.filter((_, i) => !cached[i]),
      onProgress,
    ),
    download(urls.filter((_, i) => cached[i])),
  ]);
  const downloaded = new Map([...fromCache, ...fromNetwork]);
  const wasmBinary = downloaded.get(new URL(source.ortWasmUrl, `${source.origin}/`).href);
  await warmCaches(downloaded);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = source.modelBaseUrl;
  env.useBrowserCache = false;
  env.useWasmCache = false;
  env.useFSCache = false;
  env.fetch = originOnlyFetch(downloaded, source.origin, source.fetch);
  const wasm = env.backends.onnx.wasm;
  if (wasm) {
    wasm.wasmPaths = { wasm: source.ortWasmUrl, mjs: source.ortMjsUrl };
    if (wasmBinary) wasm.wasmBinary = wasmBinary;
    wasm.proxy = false;
    // Always one thread. Measured: with a cross-origin isolated page (COOP + COEP) and
    // numThreads 2, this onnxruntime-web build never finishes its first run inside a
    // dedicated worker (raw ORT session too), so isolation must never switch threads on.
    wasm.numThreads = 1;
  }
  return () => downloaded.clear();
}

function specialIds(encode: (text: string) => number[]): { prefix: number[]; suffix: number[] } {
  const empty = encode('');
  const probe = encode('a');
  // BERT-style templates: [prefix..., content..., suffix...]; find where the content sits.
  const prefixLength = probe.findIndex((id, i) => id !== empty[i]);
  if (prefixLength < 0) throw new Error('tokenizer adds no content tokens for "a"');
  return { prefix: empty.slice(0, prefixLength), suffix: empty.slice(prefixLength) };
}

async function configure(
  spec: ModelSpec,
  onProgress: ((progress: ModelLoadProgress) => void) | undefined,
  withModel: boolean,
): Promise<() => void> {
  if (spec.source.kind === 'origin')
    return configureOrigin({ ...spec, source: spec.source }, onProgress, withModel);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = spec.source.localModelPath;
  return () => {};
}

async function tokenizerOf(name: string): Promise<LoadedTokenizer> {
  const tokenizer = await AutoTokenizer.from_pretrained(name);
  const { prefix, suffix } = specialIds((text) => tokenizer.encode(text));
  const declared = Number(tokenizer.model_max_length);
  return {
    tokenize: (text) => tokenizer.encode(text, { add_special_tokens: false }),
    prefix,
    suffix,
    padId: tokenizer.pad_token_id ?? 0,
    maxLength: Number.isFinite(declared) && declared > 0 ? declared : 256,
  };
}

/** The tokenizer alone (the model runs elsewhere, e.g. in the WebGPU session worker). */
export async function loadTokenizer(
  spec: ModelSpec,
  onProgress?: (progress: ModelLoadProgress) => void,
): Promise<LoadedTokenizer> {
  const release = await configure(spec, onProgress, false);
  try {
    return await tokenizerOf(spec.name);
  } finally {
    release();
  }
}

export async function loadModel(
  spec: ModelSpec,
  onProgress?: (progress: ModelLoadProgress) => void,
): Promise<LoadedModel> {
  const release = await configure(spec, onProgress, true);
  try {
    const tokenizer = await tokenizerOf(spec.name);
    const model = await AutoModel.from_pretrained(spec.name, {
      dtype: spec.dtype,
      ...(spec.source.kind === 'origin' ? { device: spec.device ?? 'wasm' } : {}),
      ...(spec.source.kind === 'filesystem' && spec.source.threads
        ? { session_options: { intraOpNumThreads: spec.source.threads, interOpNumThreads: 1 } }
        : {}),
    });
    if (spec.source.kind === 'origin') runtimeStarted = true;
    return {
      ...tokenizer,
      device: spec.source.kind === 'origin' ? (spec.device ?? 'wasm') : 'node',
      async run(inputIds, attentionMask, batch, sequence) {
        const dims = [batch, sequence];
        const output: unknown = await model.forward({
          input_ids: new Tensor('int64', inputIds, dims),
          attention_mask: new Tensor('int64', attentionMask, dims),
          token_type_ids: new Tensor('int64', new BigInt64Array(batch * sequence), dims),
        });
        const hidden = (output as { last_hidden_state?: { data?: unknown; dims?: unknown } })
          .last_hidden_state;
        if (!(hidden?.data instanceof Float32Array) || !Array.isArray(hidden.dims)) {
          throw new Error('model output has no float last_hidden_state');
        }
        return { data: hidden.data, dims: hidden.dims.map(Number) };
      },
      async dispose() {
        await model.dispose();
      },
    };
  } finally {
    release();
  }
}
