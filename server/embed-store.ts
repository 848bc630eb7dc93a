/**
 * The home server's vector store: LevelDB (classic-level) under `<DATA_DIR>/embeddings`,
 * one entry per (model id, Memos user, content hash) holding that memo text's chunk vectors.
 * Invariants:
 *  - every read and write names the user: one account's entries are never visible under
 *    another's key prefix (there is no cross-user lookup, not even of existence);
 *  - a value is self-describing (format, chunks, dim, truncation) and checked on read; a
 *    damaged entry reads as missing and is deleted, never returned;
 *  - a write that fails because the disk is full throws DiskFullError (one classification,
 *    here); any other storage failure throws StoreError;
 *  - entries of model files no longer served are removed by `pruneModels` (the server runs
 *    it once per start); entries of texts no memo has any more stay (an edit leaves its old
 *    text's vectors: about 1.5 KB per chunk).
 */
import { ClassicLevel } from 'classic-level';

export interface StoredVectors {
  chunks: number;
  truncated: boolean;
  /** chunks * dim floats */
  vectors: Float32Array;
}

/** Which vectors: the model id and its width. */
export interface StoreModel {
  modelId: string;
  dim: number;
}

export interface VectorStore {
  getMany(
    model: StoreModel,
    user: string,
    hashes: readonly string[],
  ): Promise<Array<StoredVectors | undefined>>;
  putMany(
    model: StoreModel,
    user: string,
    entries: ReadonlyArray<[hash: string, value: StoredVectors]>,
  ): Promise<void>;
  /**
   * Deletes every entry of a model id not in `keep` (vectors of model files this server no
   * longer serves: no device can ask for them again); returns how many. Stops early once
   * `stop` is aborted (the store is about to close).
   */
  pruneModels(keep: ReadonlySet<string>, stop?: AbortSignal): Promise<number>;
  close(): Promise<void>;
}

export class StoreError extends Error {
  override name = 'StoreError';
}

/** The disk under the store is full (ENOSPC): writes cannot succeed until space is freed. */
export class DiskFullError extends StoreError {
  override name = 'DiskFullError';
}

const FORMAT = 1;
const HEADER_BYTES = 8;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeStored(value: StoredVectors, dim: number): Buffer {
  if (value.vectors.length !== value.chunks * dim) throw new StoreError('vector count does not match chunks');
  const out = Buffer.alloc(HEADER_BYTES + value.vectors.length * 4);
  out.writeUInt8(FORMAT, 0);
  out.writeUInt8(value.truncated ? 1 : 0, 1);
  out.writeUInt16LE(value.chunks, 2);
  out.writeUInt16LE(dim, 4);
  if (LITTLE_ENDIAN) {
    out.set(
      new Uint8Array(value.vectors.buffer, value.vectors.byteOffset, value.vectors.byteLength),
      HEADER_BYTES,
    );
  } else {
    for (const [i, v] of value.vectors.entries()) out.writeFloatLE(v, HEADER_BYTES + i * 4);
  }
  return out;
}

export function decodeStored(bytes: Uint8Array, dim: number): StoredVectors | undefined {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length < HEADER_BYTES || buffer.readUInt8(0) !== FORMAT) return undefined;
  const chunks = buffer.readUInt16LE(2);
  if (chunks < 1 || buffer.readUInt16LE(4) !== dim || buffer.length !== HEADER_BYTES + chunks * dim * 4) {
    return undefined;
  }
  const vectors = new Float32Array(chunks * dim);
  if (LITTLE_ENDIAN) {
    vectors.set(
      new Float32Array(
        buffer.buffer.slice(buffer.byteOffset + HEADER_BYTES, buffer.byteOffset + buffer.length),
      ),
    );
  } else {
    for (let i = 0; i < vectors.length; i++) vectors[i] = buffer.readFloatLE(HEADER_BYTES + i * 4);
  }
  if (!vectors.every(Number.isFinite)) return undefined;
  return { chunks, truncated: buffer.readUInt8(1) === 1, vectors };
}

/** Key of one entry; NUL cannot occur in a model id, user name or content hash. */
function keyOf(modelId: string, user: string, hash: string): string {
  return `${KEY_PREFIX}${modelId}\0${user}\0${hash}`;
}

const KEY_PREFIX = 'v1\0';
/** deletes per LevelDB batch while pruning */
const PRUNE_BATCH = 1_000;

/** The model id a key names (undefined for a key of another layout). */
function modelOfKey(key: string): string | undefined {
  if (!key.startsWith(KEY_PREFIX)) return undefined;
  const end = key.indexOf('\0', KEY_PREFIX.length);
  return end < 0 ? undefined : key.slice(KEY_PREFIX.length, end);
}

/** True for "no space left on device" however the storage layer words it. */
export function isDiskFull(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (code === 'ENOSPC' || code === 28) return true;
  if (typeof message === 'string' && /no space left on device|ENOSPC|disk full/i.test(message)) return true;
  return cause !== undefined && cause !== error && isDiskFull(cause);
}

function classify(error: unknown, doing: string): StoreError {
  const detail = error instanceof Error ? error.message : String(error);
  return isDiskFull(error)
    ? new DiskFullError(`${doing}: no space left on device (${detail})`)
    : new StoreError(`${doing}: ${detail}`);
}

/** Opens (creating if needed) the store at `location`; throws StoreError when it cannot. */
export async function openVectorStore(location: string): Promise<VectorStore> {
  const db = new ClassicLevel<string, Uint8Array>(location, { keyEncoding: 'utf8', valueEncoding: 'view' });
  try {
    await db.open();
  } catch (error) {
    throw classify(error, `opening the vector store at ${location}`);
  }
  return {
    async getMany(model, user, hashes) {
      const keys = hashes.map((hash) => keyOf(model.modelId, user, hash));
      let values: Array<Uint8Array | undefined>;
      try {
        values = await db.getMany(keys);
      } catch (error) {
        throw classify(error, 'reading the vector store');
      }
      const damaged: string[] = [];
      const found = values.map((bytes, i) => {
        if (bytes === undefined) return undefined;
        const decoded = decodeStored(bytes, model.dim);
        if (!decoded) damaged.push(keys[i] ?? '');
        return decoded;
      });
      if (damaged.length > 0)
        await db.batch(damaged.map((key) => ({ type: 'del' as const, key }))).catch(() => {});
      return found;
    },
    async putMany(model, user, entries) {
      if (entries.length === 0) return;
      try {
        await db.batch(
          entries.map(([hash, value]) => ({
            type: 'put' as const,
            key: keyOf(model.modelId, user, hash),
            value: encodeStored(value, model.dim),
          })),
        );
      } catch (error) {
        throw classify(error, 'writing the vector store');
      }
    },
    async pruneModels(keep, stop) {
      let removed = 0;
      let doomed: string[] = [];
      const flush = async () => {
        if (doomed.length === 0) return;
        await db.batch(doomed.map((key) => ({ type: 'del' as const, key })));
        removed += doomed.length;
        doomed = [];
      };
      try {
        // Keys are sorted by model id first: whole models are skipped over by seeking past them.
        const keys = db.keys({ gte: KEY_PREFIX, lt: 'v1\u0001' });
        try {
          for (let key = await keys.next(); key !== undefined && !stop?.aborted; key = await keys.next()) {
            const model = modelOfKey(key);
            if (model === undefined) continue;
            if (keep.has(model)) {
              keys.seek(`${KEY_PREFIX}${model}\u0001`);
              continue;
            }
            doomed.push(key);
            if (doomed.length >= PRUNE_BATCH) await flush();
          }
        } finally {
          await keys.close();
        }
        await flush();
      } catch (error) {
        throw classify(error, 'pruning the vector store');
      }
      return removed;
    },
    async close() {
      await db.close();
    },
  };
}
