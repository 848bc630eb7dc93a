/**
 * Removes one secret (the LLM API key) from a byte stream that is passed on as it arrives.
 * Invariants: the output never contains the secret, even when it is split across chunks;
 * only a tail that could still be the start of the secret is held back (so an SSE event,
 * which ends in a blank line, is never delayed by it); `flush` releases that tail at the end.
 */

const REPLACEMENT = '[redacted]';

export interface Scrubber {
  push(chunk: Buffer): Buffer;
  flush(): Buffer;
}

/** Length of the longest suffix of `text` that is a proper prefix of `secret`. */
function heldTail(text: string, secret: string): number {
  for (let length = Math.min(secret.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(secret.slice(0, length))) return length;
  }
  return 0;
}

export function createScrubber(secret: string | undefined): Scrubber {
  if (!secret) return { push: (chunk) => chunk, flush: () => Buffer.alloc(0) };
  // latin1 maps bytes 1:1 to code units, so byte-level matching works for any secret bytes.
  const needle = Buffer.from(secret, 'utf8').toString('latin1');
  let carry = '';
  return {
    push(chunk) {
      const text = (carry + chunk.toString('latin1')).replaceAll(needle, REPLACEMENT);
      const hold = heldTail(text, needle);
      carry = text.slice(text.length - hold);
      return Buffer.from(text.slice(0, text.length - hold), 'latin1');
    },
    flush() {
      const rest = carry;
      carry = '';
      return Buffer.from(rest, 'latin1');
    },
  };
}

/** The secret removed from a whole string (error messages). */
export function scrubText(text: string, secret: string | undefined): string {
  return secret ? text.replaceAll(secret, REPLACEMENT) : text;
}
