/**
 * Turns whatever loading the model threw into a closed set of reasons with one sentence
 * each for the user (the UI shows it next to the search box; keyword search keeps
 * working). Classification happens here once; nothing else inspects error strings.
 */
import { describeError } from '../protocol';
import type { ModelFailure } from './api';

/** A model file answered 404 (or was absent on disk). */
export class ModelFileMissingError extends Error {
  constructor(readonly url: string) {
    super(`model file not found: ${url}`);
    this.name = 'ModelFileMissingError';
  }
}

/** A request would have left the app's origin; it was refused before being sent. */
export class CrossOriginRequestError extends Error {
  constructor(readonly url: string) {
    super(`refused to fetch ${url}: semantic search only loads files from this app's origin`);
    this.name = 'CrossOriginRequestError';
  }
}

const MISSING = /ModelFileNotFound|ModelFileMissing|not found|could not locate|no such file|ENOENT|\b404\b/i;
const CORRUPT =
  /protobuf|failed to load model|can't create a session|invalid model|model_path|onnx|unexpected token|JSON|tokenizer|Unsupported model/i;

export function noWasmFailure(): ModelFailure {
  return {
    reason: 'no-wasm',
    message:
      'Semantic search is unavailable: this browser cannot run WebAssembly (it may be disabled by a policy or a privacy mode). Keyword search still works.',
  };
}

export function classifyLoadError(error: unknown): ModelFailure {
  const detail = describeError(error);
  if (error instanceof CrossOriginRequestError) {
    return {
      reason: 'failed',
      message: `Semantic search is unavailable: ${error.message}.`,
    };
  }
  if (MISSING.test(detail)) {
    const file = error instanceof ModelFileMissingError ? ` (${error.url})` : '';
    return {
      reason: 'model-missing',
      message: `Semantic search is unavailable: a file of the embedding model is missing from this app${file}. Keyword search still works; reinstalling or updating the app restores it.`,
    };
  }
  if (CORRUPT.test(detail)) {
    return {
      reason: 'model-corrupt',
      message: `Semantic search is unavailable: the embedding model file is damaged and could not be loaded (${detail.slice(0, 160)}). Keyword search still works; reloading the app while online downloads it again.`,
    };
  }
  return {
    reason: 'failed',
    message: `Semantic search is unavailable: the embedding model could not be started (${detail.slice(0, 160)}). Keyword search still works.`,
  };
}
