/**
 * Which ONNX runtime backend and model file embed on this device, and why: the decision
 * record, the rule that turns a probe's timings into a decision, and where the decision is
 * kept (one IndexedDB record per browser profile, so the probe runs once per device).
 * Invariants:
 *  - the model file (dtype) decides the model identity (the vectors), the backend only
 *    how fast they are made: a WebGPU failure falls back to wasm with the SAME file;
 *  - WebGPU runs the fp32 file (it handles the int8 file poorly), wasm the int8 file,
 *    except after a WebGPU failure (fp32 on wasm keeps the identity);
 *  - a record is reused only for the adapter it was probed on (vendor, architecture,
 *    device, description) and the same probe version.
 */
import type { ModelDtype } from './model-loader';

export type Backend = 'wasm' | 'webgpu';

/** `auto`: probe when a hardware WebGPU adapter exists; the others force a backend. */
export type BackendPreference = 'auto' | 'wasm' | 'webgpu';

export interface ProbeTimings {
  /** windows embedded per pass, with their token lengths */
  windows: number;
  tokens: number;
  /** milliseconds of the fastest pass (after a warm-up pass) */
  wasmMs: number;
  webgpuMs: number;
  /** WebGPU was stopped early (it could not win): webgpuMs is a lower bound */
  webgpuGaveUp?: boolean;
}

export interface BackendChoice {
  backend: Backend;
  dtype: ModelDtype;
  /** one line: why this backend */
  reason: string;
  probe?: ProbeTimings;
}

/** WebGPU must be at least this much faster: it costs a 90 MB download and a GPU. */
export const MIN_WEBGPU_SPEEDUP = 1.5;

/** Bump when the probe changes, so every device probes again. */
export const PROBE_VERSION = 1;

export function decideFromProbe(probe: ProbeTimings, minSpeedup = MIN_WEBGPU_SPEEDUP): BackendChoice {
  const speedup = probe.webgpuGaveUp ? 0 : probe.wasmMs / probe.webgpuMs;
  const gpu = `${probe.webgpuGaveUp ? 'over ' : ''}${Math.round(probe.webgpuMs)}`;
  const summary = `wasm ${Math.round(probe.wasmMs)} ms, WebGPU ${gpu} ms for ${probe.windows} windows`;
  return speedup >= minSpeedup
    ? {
        backend: 'webgpu',
        dtype: 'fp32',
        reason: `WebGPU is ${speedup.toFixed(1)}x faster (${summary})`,
        probe,
      }
    : {
        backend: 'wasm',
        dtype: 'q8',
        reason: `WebGPU is not ${minSpeedup}x faster (${summary})`,
        probe,
      };
}

export interface AdapterIdentity {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** a software adapter (SwiftShader): never faster, probed only when asked */
  fallback: boolean;
}

export function adapterKey(adapter: AdapterIdentity): string {
  return [adapter.vendor, adapter.architecture, adapter.device, adapter.description].join('|');
}

export interface StoredChoice {
  adapter: string;
  probeVersion: number;
  choice: BackendChoice;
  at: number;
}

export interface ChoiceStore {
  read(): Promise<StoredChoice | undefined>;
  write(record: StoredChoice): Promise<void>;
}

function isChoice(value: unknown): value is BackendChoice {
  if (typeof value !== 'object' || value === null) return false;
  const { backend, dtype, reason } = value as Partial<BackendChoice>;
  return (
    (backend === 'wasm' || backend === 'webgpu') &&
    (dtype === 'q8' || dtype === 'fp32') &&
    typeof reason === 'string'
  );
}

/** Validates a stored record (the disk can hold anything); undefined when unusable. */
export function parseStoredChoice(value: unknown): StoredChoice | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { adapter, probeVersion, choice, at } = value as Partial<StoredChoice>;
  if (typeof adapter !== 'string' || typeof probeVersion !== 'number' || typeof at !== 'number')
    return undefined;
  return isChoice(choice) ? { adapter, probeVersion, choice, at } : undefined;
}

const DB_NAME = 'memos-offline-embed';
const STORE = 'backend';
const KEY = 'choice';

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function transact<T>(
  mode: IDBTransactionMode,
  act: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = act(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** The record in IndexedDB (`memos-offline-embed`); a failing disk only costs a new probe. */
export function indexedDbChoiceStore(): ChoiceStore {
  return {
    async read() {
      try {
        return parseStoredChoice(await transact('readonly', (store) => store.get(KEY)));
      } catch {
        return undefined;
      }
    },
    async write(record) {
      try {
        await transact('readwrite', (store) => store.put(record, KEY));
      } catch {
        // Not remembered: the next launch probes again.
      }
    },
  };
}
