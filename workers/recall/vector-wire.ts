/**
 * The binary answer of the home server's embedding service (server/embed-service.ts),
 * written there and read by the device (server-client.ts): a small JSON header naming the
 * model and, per memo, its content hash, chunk count and truncation, followed by every
 * vector as little-endian float32, memo after memo, chunk 0 first. Pure; runs in Node and
 * in the browser.
 *   bytes 0..3  "MOV1"
 *   bytes 4..7  header length H (uint32 LE)
 *   8..8+H      header JSON (UTF-8), then zero padding to a multiple of 4
 *   rest        float32 LE, sum(chunks) * dim values
 * Invariants: decoding checks every length and field, so a truncated or foreign body is
 * refused as a whole (WireFormatError), never half-read; vectors are copied out of the body.
 */

export interface WireItem {
  hash: string;
  chunks: number;
  truncated: boolean;
  /** chunks * dim floats */
  vectors: Float32Array;
}

export interface WireVectors {
  modelId: string;
  dim: number;
  items: WireItem[];
}

export class WireFormatError extends Error {
  override name = 'WireFormatError';
}

export const WIRE_CONTENT_TYPE = 'application/vnd.memos-offline.vectors';
const MAGIC = [0x4d, 0x4f, 0x56, 0x31]; // "MOV1"
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

const pad4 = (n: number) => (4 - (n % 4)) % 4;

export function encodeVectors(answer: WireVectors): Uint8Array<ArrayBuffer> {
  const header = new TextEncoder().encode(
    JSON.stringify({
      modelId: answer.modelId,
      dim: answer.dim,
      items: answer.items.map(({ hash, chunks, truncated }) => ({ hash, chunks, truncated })),
    }),
  );
  const floats = answer.items.reduce((sum, item) => sum + item.vectors.length, 0);
  const dataOffset = 8 + header.length + pad4(header.length);
  const out = new Uint8Array(dataOffset + floats * 4);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  const view = new DataView(out.buffer);
  let offset = dataOffset;
  for (const item of answer.items) {
    if (item.vectors.length !== item.chunks * answer.dim) {
      throw new WireFormatError(
        `item ${item.hash} has ${item.vectors.length} floats for ${item.chunks} chunks`,
      );
    }
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(item.vectors.buffer, item.vectors.byteOffset, item.vectors.byteLength), offset);
    } else {
      for (const [i, value] of item.vectors.entries()) view.setFloat32(offset + i * 4, value, true);
    }
    offset += item.vectors.byteLength;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function decodeVectors(body: ArrayBuffer): WireVectors {
  const bytes = new Uint8Array(body);
  if (bytes.length < 8 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new WireFormatError('not a vectors answer (bad magic)');
  }
  const view = new DataView(body);
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > bytes.length) throw new WireFormatError('vectors answer cut short in its header');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    throw new WireFormatError('vectors answer has an unreadable header');
  }
  if (!isRecord(header) || typeof header.modelId !== 'string' || !Array.isArray(header.items)) {
    throw new WireFormatError('vectors answer header lacks modelId or items');
  }
  const dim = header.dim;
  if (typeof dim !== 'number' || !Number.isInteger(dim) || dim < 1 || dim > 65_536) {
    throw new WireFormatError('vectors answer has no valid dim');
  }
  const dataOffset = 8 + headerLength + pad4(headerLength);
  let offset = dataOffset;
  const items: WireItem[] = [];
  for (const raw of header.items as unknown[]) {
    if (
      !isRecord(raw) ||
      typeof raw.hash !== 'string' ||
      typeof raw.chunks !== 'number' ||
      !Number.isInteger(raw.chunks) ||
      raw.chunks < 1 ||
      typeof raw.truncated !== 'boolean'
    ) {
      throw new WireFormatError('vectors answer has a malformed item');
    }
    const length = raw.chunks * dim;
    if (offset + length * 4 > bytes.length) throw new WireFormatError('vectors answer cut short in its data');
    const vectors = new Float32Array(length);
    if (LITTLE_ENDIAN) vectors.set(new Float32Array(body.slice(offset, offset + length * 4)));
    else for (let i = 0; i < length; i++) vectors[i] = view.getFloat32(offset + i * 4, true);
    offset += length * 4;
    items.push({ hash: raw.hash, chunks: raw.chunks, truncated: raw.truncated, vectors });
  }
  if (offset !== bytes.length) throw new WireFormatError('vectors answer has trailing bytes');
  return { modelId: header.modelId, dim, items };
}
