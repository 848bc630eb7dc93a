/**
 * Loading and saving the HNSW index. A saved index is used only if every check passes:
 * the row parses, model/dimension/graph degree match, the file exists and hnswlib reads
 * it, element and deleted counts agree with the label map, and a sample of stored
 * embeddings equals the vectors in the graph. Otherwise the caller rebuilds from the
 * stored embeddings (never by re-embedding). Loading reads only the row and the file (a
 * cold load must be fast); memos changed since the save are caught up afterwards.
 * Saving writes the graph into the slot the row does not name, waits until IndexedDB has
 * it, then switches the row, then blanks the old slot (so disk holds one full copy).
 */
import type { MemoName, MemosDatabase } from '../../sync';
import { describeError } from '../protocol';
import type { DocCatalog } from './doc-catalog';
import type { HnswFiles } from './hnsw-files';
import { dot, HnswInstance, type HnswParams } from './hnsw-instance';
import { otherSlot, parseSavedIndex, SAVED_INDEX_KEY, type Slot, savedIndex, slotFile } from './saved-index';
import { readDocsByName, readVectors } from './store-reader';

export interface PersistenceDeps {
  db: MemosDatabase;
  files: HnswFiles;
  /** distinguishes the files of different databases, e.g. `recall-memos-offline` */
  fileBase: string;
  now: () => number;
  random: () => number;
}

export interface Expected {
  modelId: string;
  dim: number;
  params: HnswParams;
}

export type LoadResult =
  | { ok: true; instance: HnswInstance; slot: Slot; catalog: DocCatalog }
  | { ok: false; reason: string };

const SPOT_CHECKS = 8;

/** Compares the graph's vectors of a few sampled memos with their stored embeddings. */
async function vectorsMatch(
  deps: PersistenceDeps,
  instance: HnswInstance,
  modelId: string,
): Promise<boolean> {
  const names = [...instance.labels.names()];
  const sample = new Set<MemoName>();
  while (sample.size < Math.min(SPOT_CHECKS, names.length)) {
    const pick = names[Math.floor(deps.random() * names.length)];
    if (pick) sample.add(pick);
  }
  const docs = await readDocsByName(deps.db, [...sample], modelId);
  // Memos changed since the save are not evidence either way; catch-up handles them.
  const same = [...docs.values()].filter((d) => d.contentHash === instance.labels.doc(d.name)?.contentHash);
  const stored = await readVectors(deps.db, same, instance.dim);
  for (const [name, vectors] of stored) {
    const labels = instance.labels.doc(name)?.labels ?? [];
    if (labels.length * instance.dim !== vectors.length) return false;
    for (const [chunk, label] of labels.entries()) {
      const expected = vectors.subarray(chunk * instance.dim, (chunk + 1) * instance.dim);
      if (dot(expected, instance.point(label)) < 0.999) return false;
    }
  }
  return true;
}

/** The saved row, read by the caller (in parallel with its other start-up reads). */
export function readSavedRow(deps: PersistenceDeps) {
  return deps.db.recallIndex.get(SAVED_INDEX_KEY);
}

export async function loadSaved(
  deps: PersistenceDeps,
  expected: Expected,
  row: { value: unknown } | undefined,
  phases: Record<string, number>,
): Promise<LoadResult> {
  if (!row) return { ok: false, reason: 'no saved index' };
  let mark = deps.now();
  const lap = (name: string) => {
    const now = deps.now();
    phases[name] = now - mark;
    mark = now;
  };
  const restored = parseSavedIndex(row.value);
  lap('labelMap');
  if (!restored) return { ok: false, reason: 'the saved label map is malformed' };
  const { saved, labels, catalog } = restored;
  if (
    saved.modelId !== expected.modelId ||
    saved.dim !== expected.dim ||
    saved.params.M !== expected.params.M
  ) {
    return { ok: false, reason: 'the saved index was built for another model or graph degree' };
  }
  const file = slotFile(deps.fileBase, saved.slot);
  if (!deps.files.exists(file)) return { ok: false, reason: `the index file ${file} is missing` };
  let instance: HnswInstance;
  try {
    instance = await HnswInstance.read(
      deps.files.lib,
      file,
      expected.dim,
      expected.params,
      saved.capacity,
      labels,
    );
  } catch (error) {
    return { ok: false, reason: `the index file ${file} is unreadable (${describeError(error)})` };
  }
  lap('readGraph');
  const graph = instance.graph;
  const counts =
    graph.getNumDimensions() === expected.dim &&
    graph.getCurrentCount() === labels.total &&
    graph.getDeletedLabels().length === labels.deleted;
  const matches = counts && (await vectorsMatch(deps, instance, expected.modelId));
  lap('checks');
  if (!matches) {
    instance.dispose();
    return { ok: false, reason: 'the index file does not match its label map or the stored embeddings' };
  }
  return { ok: true, instance, slot: saved.slot, catalog };
}

/** Saves `instance` into the free slot; returns the slot now in use. Throws on failure. */
export async function saveInstance(
  deps: PersistenceDeps,
  instance: HnswInstance,
  catalog: DocCatalog,
  expected: Expected,
  current: Slot | undefined,
): Promise<Slot> {
  const slot = current ? otherSlot(current) : 'a';
  const snapshot = savedIndex({
    modelId: expected.modelId,
    dim: expected.dim,
    params: expected.params,
    capacity: instance.capacity,
    slot,
    labels: instance.labels.snapshot(),
    catalog: catalog.snapshot([...instance.labels.names()]),
    savedAt: deps.now(),
  });
  await deps.files.write(instance.graph, slotFile(deps.fileBase, slot));
  await deps.db.recallIndex.put({ key: SAVED_INDEX_KEY, value: snapshot });
  const stale = slotFile(deps.fileBase, otherSlot(slot));
  if (deps.files.exists(stale)) {
    const blank = HnswInstance.create(deps.files.lib, expected.dim, expected.params, 1);
    try {
      await deps.files.write(blank.graph, stale);
    } catch {
      // Best effort: a stale full copy only costs disk space; the row names the new slot.
    } finally {
      blank.dispose();
    }
  }
  return slot;
}
