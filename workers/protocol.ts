/**
 * Small pieces shared by every worker in `workers/`: the guard that stops a worker module
 * from running on the main thread, exhaustiveness checks for discriminated unions, and a
 * way to turn anything thrown (Error, DOMException, WebAssembly.Exception whose `message`
 * is an array) into one readable sentence. No DOM UI, no Solid, no database.
 */

/**
 * Thrown when a `*.worker.ts` module is evaluated outside a worker: that means the bundler
 * inlined it into the page's chunk (or something imported it directly), which would load a
 * model or an index on the UI thread. Same idea as Excalidraw's guard of the same name.
 */
export class WorkerInTheMainChunkError extends Error {
  constructor(moduleName: string) {
    super(`${moduleName} must run inside a Web Worker, but it was loaded on the main thread.`);
    this.name = 'WorkerInTheMainChunkError';
  }
}

/** Throws WorkerInTheMainChunkError unless this code runs in a dedicated or shared worker. */
export function assertWorkerScope(moduleName: string): void {
  const inWorker = typeof WorkerGlobalScope !== 'undefined' && globalThis instanceof WorkerGlobalScope;
  if (!inWorker || 'document' in globalThis) throw new WorkerInTheMainChunkError(moduleName);
}

export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}

/** One line describing `error`; understands hnswlib's WebAssembly.Exception (message is an array). */
export function describeError(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const { name, message } = error as { name?: unknown; message?: unknown };
    const text = Array.isArray(message)
      ? message.filter((part): part is string => typeof part === 'string').join(': ')
      : typeof message === 'string'
        ? message
        : '';
    const label = typeof name === 'string' && name !== 'Error' && name !== '' ? `${name}: ` : '';
    return `${label}${text || 'unknown error'}`;
  }
  return String(error);
}

/** True for a storage quota failure from IndexedDB, Dexie or the Cache API. */
export function isQuotaError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, inner } = error as { name?: unknown; inner?: unknown };
  if (name === 'QuotaExceededError') return true;
  return inner !== undefined && inner !== error && isQuotaError(inner);
}
