/**
 * The content hash keying the embedding cache: 64-bit FNV-1a over UTF-16 code units, as
 * two independent 32-bit lanes, hex. Not cryptographic (nothing trusts it for security),
 * fast enough to hash 10,000 memos at start-up in a few milliseconds.
 * Invariant: equal strings hash equal; the prefix names the algorithm so it can change.
 */
export function contentHash(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
  return `f1:${hex(a)}${hex(b)}:${text.length}`;
}
