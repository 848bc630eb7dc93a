/**
 * Branded identifiers for memos. A memo's identity is its Memos resource name
 * `memos/{uid}`; the uid is generated on the device as a canonical lowercase UUIDv4, which
 * satisfies the server's memoId rule, so the same name can live on the server later
 * without any remapping. Invariant: every `MemoName` matches `memos/<valid uid>`.
 */

export type MemoUid = string & { readonly __brand: 'MemoUid' };
export type MemoName = string & { readonly __brand: 'MemoName' };

/** The server's rule for client-chosen ids (memoId, attachmentId). */
const UID_PATTERN = /^[a-zA-Z0-9]([a-zA-Z0-9-]{0,34}[a-zA-Z0-9])?$/;
const NAME_PREFIX = 'memos/';

export function isValidUid(value: string): value is MemoUid {
  return UID_PATTERN.test(value);
}

export function newMemoUid(randomUuid: () => string = () => crypto.randomUUID()): MemoUid {
  const uid = randomUuid().toLowerCase();
  if (!isValidUid(uid)) throw new Error(`generated memo uid is not a valid Memos id: ${uid}`);
  return uid;
}

export function memoNameOf(uid: MemoUid): MemoName {
  return `${NAME_PREFIX}${uid}` as MemoName;
}

/** Returns the name if `value` is a well-formed `memos/{uid}`, otherwise undefined. */
export function parseMemoName(value: unknown): MemoName | undefined {
  if (typeof value !== 'string' || !value.startsWith(NAME_PREFIX)) return undefined;
  const uid = value.slice(NAME_PREFIX.length);
  return isValidUid(uid) ? (value as MemoName) : undefined;
}

export function uidOf(name: MemoName): MemoUid {
  return name.slice(NAME_PREFIX.length) as MemoUid;
}
