/**
 * Reads what the index is built from: the embedding cache in the app database (tables
 * `recallDocs` and `embeddings`, written by the recall service). The index never embeds;
 * it only mirrors these rows.
 * Invariant: a memo's vectors are returned only when complete and consistent: exactly
 * `chunks` rows, each with the doc's modelId and contentHash and `dim` floats.
 */
import type { MemoName, MemosDatabase, RecallDocRow } from '../../sync';

/** Every cached memo embedded with `modelId`, by name. */
export async function readDocs(db: MemosDatabase, modelId: string): Promise<Map<MemoName, RecallDocRow>> {
  const rows = await db.recallDocs.toArray();
  return new Map(rows.filter((row) => row.modelId === modelId).map((row) => [row.name, row]));
}

export async function readDocsByName(
  db: MemosDatabase,
  names: readonly MemoName[],
  modelId: string,
): Promise<Map<MemoName, RecallDocRow>> {
  const rows = await db.recallDocs.bulkGet([...names]);
  const docs = new Map<MemoName, RecallDocRow>();
  for (const row of rows) if (row && row.modelId === modelId) docs.set(row.name, row);
  return docs;
}

/** The chunk vectors (rows of `dim`) of each doc whose stored vectors are complete. */
export async function readVectors(
  db: MemosDatabase,
  docs: readonly RecallDocRow[],
  dim: number,
): Promise<Map<MemoName, Float32Array>> {
  const byName = new Map(docs.map((doc) => [doc.name, doc]));
  const rows = await db.embeddings
    .where('name')
    .anyOf(docs.map((doc) => doc.name))
    .toArray();
  const vectors = new Map<MemoName, Float32Array>();
  const filled = new Map<MemoName, number>();
  for (const row of rows) {
    const doc = byName.get(row.name);
    if (!doc || row.contentHash !== doc.contentHash || row.modelId !== doc.modelId) continue;
    if (!(row.vector instanceof Float32Array) || row.vector.length !== dim) continue;
    if (!Number.isInteger(row.chunk) || row.chunk < 0 || row.chunk >= doc.chunks) continue;
    let target = vectors.get(row.name);
    if (!target) {
      target = new Float32Array(doc.chunks * dim);
      vectors.set(row.name, target);
    }
    target.set(row.vector, row.chunk * dim);
    filled.set(row.name, (filled.get(row.name) ?? 0) + 1);
  }
  for (const [name, count] of filled) if (count !== byName.get(name)?.chunks) vectors.delete(name);
  return vectors;
}
