/**
 * The identity of the model files on disk: which variants (dtype) of the embedding model a
 * models folder holds, and the digest of each variant's files (workers/embed/model-id.ts
 * turns it into the model id). Used by the home server for the files it serves and embeds
 * with, and at build time (workers/embed/model-digests-plugin.ts) for the files the app
 * ships, so both compute the same id from the same bytes.
 * Invariant: the digest covers every byte of every file in modelFiles(dtype), in that order,
 * with their names; a missing file means the variant is absent (never a partial digest).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ModelDtype, modelFiles } from '../workers/embed/model-id';

export const MODEL_DTYPES: readonly ModelDtype[] = ['q8', 'fp32'];

/** `sha256:<16 hex>` over the variant's files, or undefined when one of them is missing. */
export function modelFilesDigest(modelsDir: string, name: string, dtype: ModelDtype): string | undefined {
  const folder = join(modelsDir, name);
  const files = modelFiles(dtype);
  if (!files.every((file) => existsSync(join(folder, file)))) return undefined;
  const outer = createHash('sha256');
  for (const file of files) {
    const inner = createHash('sha256')
      .update(readFileSync(join(folder, file)))
      .digest('hex');
    outer.update(`${file}\0${inner}\n`);
  }
  return `sha256:${outer.digest('hex').slice(0, 16)}`;
}

/** Digest of every variant present, keyed `<name>@<dtype>`. */
export function modelDigests(modelsDir: string, name: string): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const dtype of MODEL_DTYPES) {
    const digest = modelFilesDigest(modelsDir, name, dtype);
    if (digest) digests[`${name}@${dtype}`] = digest;
  }
  return digests;
}
