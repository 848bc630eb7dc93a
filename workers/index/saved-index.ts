/**
 * The persisted bookkeeping of the HNSW index (one row in the `recallIndex` table): which
 * IDBFS file holds the graph, for which model and parameters, and the label map. The
 * file and the row are written in that order (file first, verified), and files alternate
 * between two slots, so the row always names a complete file.
 * `parseSavedIndex` validates everything read back; storage is not trusted.
 */

import { type CatalogSnapshot, DocCatalog } from './doc-catalog';
import type { HnswParams } from './hnsw-instance';
import { LabelMap, type LabelMapSnapshot } from './label-map';

export const SAVED_INDEX_KEY = 'hnsw';
const FORMAT = 2;

export type Slot = 'a' | 'b';

export interface SavedIndex {
  format: typeof FORMAT;
  modelId: string;
  dim: number;
  params: HnswParams;
  capacity: number;
  slot: Slot;
  labels: LabelMapSnapshot;
  catalog: CatalogSnapshot;
  savedAt: number;
}

export interface RestoredIndex {
  saved: SavedIndex;
  labels: LabelMap;
  catalog: DocCatalog;
}

export function slotFile(fileBase: string, slot: Slot): string {
  return `${fileBase}-${slot}.hnsw`;
}

export function otherSlot(slot: Slot): Slot {
  return slot === 'a' ? 'b' : 'a';
}

function isParams(value: unknown): value is HnswParams {
  if (typeof value !== 'object' || value === null) return false;
  const p = value as Record<string, unknown>;
  return ['M', 'efConstruction', 'efSearch', 'seed'].every((key) => Number.isInteger(p[key]));
}

export function parseSavedIndex(value: unknown): RestoredIndex | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (v.format !== FORMAT || typeof v.modelId !== 'string' || !Number.isInteger(v.dim)) return undefined;
  if (!isParams(v.params) || !Number.isInteger(v.capacity) || (v.slot !== 'a' && v.slot !== 'b'))
    return undefined;
  const labels = LabelMap.restore(v.labels);
  if (!labels || typeof v.savedAt !== 'number') return undefined;
  const catalog = new DocCatalog();
  if (!catalog.restore(labels, v.catalog)) return undefined;
  return {
    labels,
    catalog,
    saved: {
      format: FORMAT,
      modelId: v.modelId,
      dim: v.dim as number,
      params: v.params,
      capacity: v.capacity as number,
      slot: v.slot,
      labels: v.labels as LabelMapSnapshot,
      catalog: v.catalog as CatalogSnapshot,
      savedAt: v.savedAt,
    },
  };
}

export function savedIndex(fields: Omit<SavedIndex, 'format'>): SavedIndex {
  return { format: FORMAT, ...fields };
}
