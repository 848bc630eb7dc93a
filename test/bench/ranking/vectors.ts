/**
 * Vectors of the ranking notebook, made by the app's own embedder (workers/embed: the shipped
 * q8 all-MiniLM-L6-v2 in onnxruntime-node, the app's token windows and mean pooling): one
 * vector per window of each memo, one per query. Cached as float32 under .tmp/ so reruns are
 * fast (embedding the whole notebook takes seconds, so the unit test embeds it afresh).
 * Invariant: a cached set carries the hash of the notebook texts it was made from, and a
 * set whose hash does not match is never loaded.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chunkingTag, DEFAULT_CHUNKING } from '../../../workers/embed/chunker';
import { createEmbedder } from '../../../workers/embed/embedder';
import type { EvalNotebook } from './fixture';

export const MODEL_NAME = 'Xenova/all-MiniLM-L6-v2';
export const DIM = 384;

export interface NotebookVectors {
  modelId: string;
  notebookHash: string;
  /** unit vectors of each memo's windows (several for a long memo) */
  memos: Map<string, Float32Array[]>;
  queries: Map<string, Float32Array>;
}

interface SerializedVectors {
  modelId: string;
  notebookHash: string;
  dim: number;
  /** memo ids with their window counts, in row order; the query rows follow */
  memos: Array<[string, number]>;
  queries: string[];
  /** base64 of the float32 rows */
  data: string;
}

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Hash of the notebook's texts and of how they are embedded (model, dtype, windows). */
export function notebookHash(notebook: EvalNotebook): string {
  const hash = createHash('sha256');
  hash.update(`${MODEL_NAME}@q8#${chunkingTag(DEFAULT_CHUNKING)}\0`);
  for (const memo of notebook.memos) hash.update(`m\0${memo.id}\0${memo.content}\0`);
  for (const query of notebook.queries) hash.update(`q\0${query.id}\0${query.query}\0`);
  return hash.digest('hex').slice(0, 16);
}

export async function embedNotebook(
  notebook: EvalNotebook,
  log: (line: string) => void = () => {},
): Promise<NotebookVectors> {
  const embedder = createEmbedder({
    name: MODEL_NAME,
    dtype: 'q8',
    dim: DIM,
    source: { kind: 'filesystem', localModelPath: `${REPO}public/models/` },
  });
  const loaded = await embedder.load();
  if (!loaded.ok) throw new Error(`model did not load: ${loaded.failure.message}`);
  const started = Date.now();
  const docs = await embedder.embedDocuments(notebook.memos.map((memo) => memo.content));
  const memos = new Map<string, Float32Array[]>();
  let row = 0;
  notebook.memos.forEach((memo, i) => {
    const windows: Float32Array[] = [];
    for (let c = 0; c < (docs.chunkCounts[i] ?? 0); c++, row++) {
      windows.push(docs.vectors.slice(row * DIM, (row + 1) * DIM));
    }
    memos.set(memo.id, windows);
  });
  const queries = new Map<string, Float32Array>();
  for (const query of notebook.queries) queries.set(query.id, await embedder.embedQuery(query.query));
  log(
    `embedded ${notebook.memos.length} memos (${row} windows) and ${queries.size} queries in ${Date.now() - started} ms`,
  );
  return { modelId: loaded.info.modelId, notebookHash: notebookHash(notebook), memos, queries };
}

export function serialize(vectors: NotebookVectors): string {
  const all = [...[...vectors.memos.values()].flat(), ...vectors.queries.values()];
  const flat = new Float32Array(all.length * DIM);
  all.forEach((row, i) => {
    flat.set(row, i * DIM);
  });
  const serialized: SerializedVectors = {
    modelId: vectors.modelId,
    notebookHash: vectors.notebookHash,
    dim: DIM,
    memos: [...vectors.memos].map(([id, windows]) => [id, windows.length]),
    queries: [...vectors.queries.keys()],
    data: Buffer.from(flat.buffer).toString('base64'),
  };
  return JSON.stringify(serialized);
}

export function deserialize(text: string, expectedHash: string): NotebookVectors {
  const parsed = JSON.parse(text) as SerializedVectors;
  if (parsed.notebookHash !== expectedHash) {
    throw new Error(`vectors are for notebook ${parsed.notebookHash}, not ${expectedHash}`);
  }
  const count = parsed.memos.reduce((sum, [, n]) => sum + n, 0) + parsed.queries.length;
  const bytes = Buffer.from(parsed.data, 'base64');
  if (parsed.dim !== DIM || bytes.length !== count * DIM * 4) {
    throw new Error('vector data has the wrong shape');
  }
  const flat = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  let row = 0;
  const next = () => flat.slice(row * DIM, ++row * DIM);
  const memos = new Map<string, Float32Array[]>();
  for (const [id, windows] of parsed.memos) memos.set(id, Array.from({ length: windows }, next));
  const queries = new Map<string, Float32Array>();
  for (const id of parsed.queries) queries.set(id, next());
  return { modelId: parsed.modelId, notebookHash: parsed.notebookHash, memos, queries };
}

/** Float vectors from the .tmp cache, embedding (and caching) them when absent or stale. */
export async function cachedVectors(
  notebook: EvalNotebook,
  log: (line: string) => void = () => {},
): Promise<NotebookVectors> {
  const hash = notebookHash(notebook);
  const path = `${REPO}.tmp/ranking/vectors-${hash}.json`;
  if (existsSync(path)) {
    log(`vectors from ${path}`);
    return deserialize(readFileSync(path, 'utf8'), hash);
  }
  const vectors = await embedNotebook(notebook, log);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, serialize(vectors));
  return vectors;
}
