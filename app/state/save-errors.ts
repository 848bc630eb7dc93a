/** Turns a failed save into the one sentence the user sees. */
import { ContentRejectedError, StorageError } from '../../sync';

export function describeSaveError(error: unknown): string {
  if (error instanceof ContentRejectedError) return error.message;
  if (error instanceof StorageError) return error.failure.message;
  return `The memo could not be saved: ${error instanceof Error ? error.message : String(error)}. Your draft is kept.`;
}
