/**
 * Content limits shared by the editor and the sync engine. Memos counts its content limit
 * in UTF-8 bytes (the server message says "characters"); the default and minimum is 8192.
 */

export const DEFAULT_CONTENT_LIMIT_BYTES = 8192;

const encoder = new TextEncoder();

export function utf8ByteLength(text: string): number {
  // Fast path: pure ASCII strings are one byte per code unit.
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) {
      ascii = false;
      break;
    }
  }
  return ascii ? text.length : encoder.encode(text).length;
}

export type ContentCheck =
  | { ok: true; bytes: number }
  | { ok: false; reason: 'empty' | 'too-long'; bytes: number };

export function checkContent(content: string, limitBytes = DEFAULT_CONTENT_LIMIT_BYTES): ContentCheck {
  if (content.trim() === '') return { ok: false, reason: 'empty', bytes: 0 };
  const bytes = utf8ByteLength(content);
  if (bytes > limitBytes) return { ok: false, reason: 'too-long', bytes };
  return { ok: true, bytes };
}

export function describeTooLong(bytes: number, limitBytes = DEFAULT_CONTENT_LIMIT_BYTES): string {
  const fmt = (n: number) => n.toLocaleString('en-US');
  return `This memo is ${fmt(bytes)} bytes; Memos allows at most ${fmt(limitBytes)} bytes (${limitBytes / 1024} KiB) of UTF-8 text per memo. Shorten it or split it to save. Your draft is kept.`;
}
