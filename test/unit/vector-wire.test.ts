/**
 * The binary vectors answer shared by the home server and the device
 * (workers/recall/vector-wire.ts): exact round trip, and a damaged body refused whole.
 */
import { describe, expect, it } from 'vitest';
import { decodeVectors, encodeVectors, WireFormatError } from '../../workers/recall/vector-wire';

const answer = {
  modelId: 'tiny@q8#w254#sha256:0123456789abcdef',
  dim: 3,
  items: [
    { hash: 'f1:aa:1', chunks: 1, truncated: false, vectors: Float32Array.of(0.6, 0.8, 0) },
    { hash: 'f1:bb:22', chunks: 2, truncated: true, vectors: Float32Array.of(1, 0, 0, 0, 0, 1) },
  ],
};

function bytes(value: Uint8Array): ArrayBuffer {
  return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer;
}

describe('vector wire format', () => {
  it('round-trips model, items and every float exactly (odd header lengths are padded)', () => {
    for (const modelId of [answer.modelId, `${answer.modelId}x`, `${answer.modelId}xy`]) {
      const decoded = decodeVectors(bytes(encodeVectors({ ...answer, modelId })));
      expect(decoded.modelId).toBe(modelId);
      expect(decoded.dim).toBe(3);
      expect(decoded.items.map(({ hash, chunks, truncated }) => ({ hash, chunks, truncated }))).toEqual([
        { hash: 'f1:aa:1', chunks: 1, truncated: false },
        { hash: 'f1:bb:22', chunks: 2, truncated: true },
      ]);
      expect([...(decoded.items[1]?.vectors ?? [])]).toEqual([1, 0, 0, 0, 0, 1]);
      expect(decoded.items[0]?.vectors[0]).toBe(Math.fround(0.6));
    }
    expect(decodeVectors(bytes(encodeVectors({ ...answer, items: [] }))).items).toEqual([]);
  });

  it('refuses a body cut short, with trailing bytes, foreign, or with a bad header', () => {
    const good = encodeVectors(answer);
    const cases: Uint8Array[] = [
      good.subarray(0, good.length - 4),
      Uint8Array.of(...good, 0, 0, 0, 0),
      new TextEncoder().encode('{"code":5,"message":"not found"}'),
      good.subarray(0, 6),
    ];
    const badHeader = encodeVectors(answer);
    badHeader[9] = 0x7b; // corrupt the JSON
    cases.push(badHeader);
    for (const body of cases) expect(() => decodeVectors(bytes(body))).toThrow(WireFormatError);
  });

  it('refuses to encode an item whose floats do not match its chunks', () => {
    expect(() =>
      encodeVectors({
        ...answer,
        items: [{ hash: 'h', chunks: 2, truncated: false, vectors: new Float32Array(3) }],
      }),
    ).toThrow(WireFormatError);
  });
});
