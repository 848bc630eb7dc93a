/**
 * The embedding cache in the app database (tables `recallDocs` and `embeddings`, schema
 * v2): deciding what a memo needs, and writing or deleting its vectors atomically.
 * Invariants:
 *  - a memo's doc row and all its chunk rows are written in one transaction, and only if
 *    the stored memo still has the content that was embedded (an edit during embedding
 *    wins; the change feed brings the memo back);
 *  - a memo is re-embedded only when its (contentHash, modelId) changed; state or tag
 *    changes only update the doc row.
 */
import type { LocalMemo, MemoName, MemosDatabase, RecallDocRow } from '../../sync';
import { contentHash } from './content-hash';

export type MemoNeed =
  | { kind: 'remove'; name: MemoName }
  | { kind: 'embed'; memo: LocalMemo; hash: string }
  | { kind: 'update-meta'; memo: LocalMemo }
  | { kind: 'none'; name: MemoName };

function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((tag, i) => tag === b[i]);
}

export function needOf(
  name: MemoName,
  memo: LocalMemo | undefined,
  doc: RecallDocRow | undefined,
  modelId: string,
): MemoNeed {
  if (!memo) return doc ? { kind: 'remove', name } : { kind: 'none', name };
  const hash = contentHash(memo.content);
  if (!doc || doc.modelId !== modelId || doc.contentHash !== hash) return { kind: 'embed', memo, hash };
  if (doc.state !== memo.state || !sameTags(doc.tags, memo.tags)) return { kind: 'update-meta', memo };
  return { kind: 'none', name };
}

export async function needsOf(
  db: MemosDatabase,
  names: readonly MemoName[],
  modelId: string,
): Promise<MemoNeed[]> {
  const [memos, docs] = await Promise.all([db.memos.bulkGet([...names]), db.recallDocs.bulkGet([...names])]);
  return names.map((name, i) => needOf(name, memos[i], docs[i], modelId));
}

/** Every memo whose cache entry is missing, stale, or orphaned (start-up scan). */
export async function scanNeeds(db: MemosDatabase, modelId: string): Promise<MemoNeed[]> {
  const [memos, docs] = await Promise.all([db.memos.toArray(), db.recallDocs.toArray()]);
  const docsByName = new Map(docs.map((doc) => [doc.name, doc]));
  const needs = memos.map((memo) => needOf(memo.name, memo, docsByName.get(memo.name), modelId));
  const present = new Set(memos.map((memo) => memo.name));
  for (const doc of docs) if (!present.has(doc.name)) needs.push({ kind: 'remove', name: doc.name });
  return needs.filter((need) => need.kind !== 'none').sort(byIndexingOrder);
}

/**
 * The order a scan is worked through: cheap work (removals, metadata) first, then what is
 * searched most: pinned memos, then the newest; archived memos (searched only from the
 * Archived view) last. A first embedding of a large notebook takes minutes, so recent
 * memos become findable by meaning long before old ones.
 */
export function byIndexingOrder(a: MemoNeed, b: MemoNeed): number {
  const [groupA, ageA] = indexingRank(a);
  const [groupB, ageB] = indexingRank(b);
  return groupA - groupB || ageA - ageB;
}

/** [group, -updateTime]: groups are removals/none, metadata, pinned, normal, archived. */
function indexingRank(need: MemoNeed): [number, number] {
  if (need.kind === 'remove' || need.kind === 'none') return [0, 0];
  if (need.kind === 'update-meta') return [1, 0];
  const group = need.memo.state === 'ARCHIVED' ? 4 : need.memo.pinned ? 2 : 3;
  return [group, -need.memo.updateTime];
}

export interface EmbeddedMemo {
  memo: LocalMemo;
  hash: string;
  /** rows of `dim` floats, chunk 0 first */
  vectors: Float32Array;
  truncated: boolean;
  /** where the vectors were computed (default: this device) */
  source?: 'device' | 'server';
}

/** Stores embeddings; returns the names actually written (skips memos edited meanwhile). */
export async function storeEmbeddings(
  db: MemosDatabase,
  modelId: string,
  dim: number,
  items: readonly EmbeddedMemo[],
): Promise<MemoName[]> {
  const written: MemoName[] = [];
  await db.transaction('rw', db.memos, db.recallDocs, db.embeddings, async () => {
    const current = await db.memos.bulkGet(items.map((item) => item.memo.name));
    for (const [i, item] of items.entries()) {
      const stored = current[i];
      if (!stored || contentHash(stored.content) !== item.hash) continue;
      const { name } = item.memo;
      const chunks = item.vectors.length / dim;
      await db.embeddings.where('name').equals(name).delete();
      await db.recallDocs.put({
        name,
        modelId,
        contentHash: item.hash,
        chunks,
        state: stored.state,
        tags: stored.tags,
        truncated: item.truncated,
        source: item.source ?? 'device',
      });
      await db.embeddings.bulkPut(
        Array.from({ length: chunks }, (_, chunk) => ({
          name,
          chunk,
          modelId,
          contentHash: item.hash,
          vector: item.vectors.slice(chunk * dim, (chunk + 1) * dim),
        })),
      );
      written.push(name);
    }
  });
  return written;
}

export async function removeEmbeddings(db: MemosDatabase, names: readonly MemoName[]): Promise<void> {
  if (names.length === 0) return;
  await db.transaction('rw', db.recallDocs, db.embeddings, async () => {
    await db.recallDocs.bulkDelete([...names]);
    await db.embeddings
      .where('name')
      .anyOf([...names])
      .delete();
  });
}

/** How many memos got their vectors from this device and from the home server. */
export async function countBySource(
  db: MemosDatabase,
  modelId: string,
): Promise<{ device: number; server: number }> {
  const counts = { device: 0, server: 0 };
  await db.recallDocs.each((doc) => {
    if (doc.modelId === modelId) counts[doc.source ?? 'device']++;
  });
  return counts;
}

/** Forgets every memo's vectors (Re-index); returns the names that had some. */
export async function clearEmbeddings(db: MemosDatabase): Promise<MemoName[]> {
  return db.transaction('rw', db.recallDocs, db.embeddings, async () => {
    const names = (await db.recallDocs.toCollection().primaryKeys()) as MemoName[];
    await db.recallDocs.clear();
    await db.embeddings.clear();
    return names;
  });
}

export async function updateMeta(db: MemosDatabase, memos: readonly LocalMemo[]): Promise<void> {
  if (memos.length === 0) return;
  await db.transaction('rw', db.recallDocs, async () => {
    for (const memo of memos) await db.recallDocs.update(memo.name, { state: memo.state, tags: memo.tags });
  });
}
