/**
 * Classifies IndexedDB/Dexie failures once into a closed union so that every caller can
 * tell the user something precise ("storage is full") instead of a raw exception.
 */

export type StorageFailure =
  | { kind: 'quota'; message: string }
  | { kind: 'unavailable'; message: string }
  | { kind: 'unknown'; message: string };

export class StorageError extends Error {
  readonly failure: StorageFailure;
  constructor(failure: StorageFailure, options?: { cause?: unknown }) {
    super(failure.message, options);
    this.name = 'StorageError';
    this.failure = failure;
  }
}

function errorChain(error: unknown): Array<{ name?: unknown; message?: unknown }> {
  const chain: Array<{ name?: unknown; message?: unknown }> = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const candidate = current as { name?: unknown; message?: unknown; inner?: unknown; cause?: unknown };
    chain.push(candidate);
    current = candidate.inner ?? candidate.cause;
  }
  return chain;
}

export function classifyStorageError(error: unknown): StorageFailure {
  if (error instanceof StorageError) return error.failure;
  const chain = errorChain(error);
  const names = chain.map((e) => String(e.name ?? ''));
  const detail = chain.map((e) => String(e.message ?? '')).find((m) => m !== '') ?? String(error);
  if (names.includes('QuotaExceededError') || /quota/i.test(detail)) {
    return {
      kind: 'quota',
      message:
        'This device has run out of storage for the app, so the change was not saved. Free some space (or delete old memos) and try again; your draft is kept.',
    };
  }
  if (
    names.some((n) =>
      ['MissingAPIError', 'OpenFailedError', 'DatabaseClosedError', 'InvalidStateError'].includes(n),
    )
  ) {
    return {
      kind: 'unavailable',
      message: `Local storage is unavailable (${detail}). Private browsing or a blocked site storage setting can cause this.`,
    };
  }
  return { kind: 'unknown', message: `Saving to local storage failed: ${detail}` };
}

/** Runs `work`, rethrowing any failure as a classified StorageError. */
/**
 * An input the notebook refuses (empty or too long text, a file too large): thrown inside a
 * transaction to abort it, and passed through to the caller unchanged (it is not a storage
 * failure).
 */
export class RejectedInputError extends Error {}

export async function withStorageErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof RejectedInputError) throw error;
    throw new StorageError(classifyStorageError(error), { cause: error });
  }
}
