/**
 * Persistence of attachment sync results [F3–F5], used by the push (uploads, forgetting
 * detached attachments) and the media step (thumbnails, originals, eviction). Each method
 * is its own transaction; listeners hear about changes after the commit.
 */
import type { AttachmentName } from '../core/attachments';
import type { MemoName } from '../core/ids';
import type { ChangeFeed } from '../db/change-feed';
import type { AttachmentRow, AttachmentServerState, MemosDatabase } from '../db/schema';
import { withStorageErrors } from '../db/storage-errors';

export interface AttachmentStore {
  rows(names: readonly AttachmentName[]): Promise<Map<AttachmentName, AttachmentRow>>;
  all(): Promise<AttachmentRow[]>;
  /** The rows of one memo (its Trash copy's too). */
  ofMemo(memo: MemoName): Promise<AttachmentRow[]>;
  blob(name: AttachmentName, kind: 'original' | 'thumbnail'): Promise<Blob | undefined>;
  /** `uploaded` here is this device's upload (or read-back): `unlinked` until a memo lists it. */
  setServerState(name: AttachmentName, server: AttachmentServerState): Promise<void>;
  /** [F4] Rows the memo no longer lists and the server may still have. */
  detached(): Promise<AttachmentRow[]>;
  /** Drops a row and its bytes (the server has forgotten it). */
  forget(name: AttachmentName): Promise<void>;
  /**
   * [F3] Its bytes exist nowhere any more: the row and bytes go, and so does its name from
   * the set of the memo that lists it (a row exists for every name a memo lists).
   */
  dropMissing(name: AttachmentName): Promise<void>;
  /** Stores fetched bytes; `original` also records when the user opened it. */
  storeBlob(
    name: AttachmentName,
    kind: 'original' | 'thumbnail',
    bytes: Blob,
    openedAt?: number,
  ): Promise<void>;
  /** The server has no thumbnail for it (not an image, or a broken one): show a file link. */
  noThumbnail(name: AttachmentName): Promise<void>;
  /** [F5] Frees an original's bytes (it stays on the server). */
  evictOriginal(name: AttachmentName): Promise<void>;
  touchOriginal(name: AttachmentName, openedAt: number): Promise<void>;
  /** Memos in the Trash (their originals exist nowhere else once the delete is pushed). */
  trashedMemos(): Promise<Set<MemoName>>;
}

export function createAttachmentStore(db: MemosDatabase, feed: ChangeFeed): AttachmentStore {
  const tx = <T>(work: () => Promise<T>) =>
    withStorageErrors(() => db.transaction('rw', [db.attachments, db.attachmentBlobs], work));
  const announce = (names: readonly AttachmentName[]) => {
    if (names.length > 0) feed.publish({ type: 'attachments', names: [...names] });
  };
  return {
    async rows(names) {
      const rows = await db.attachments.bulkGet([...names]);
      return new Map(rows.filter((row) => row !== undefined).map((row) => [row.name, row]));
    },
    all: () => db.attachments.toArray(),
    ofMemo: (memo) => db.attachments.where('memo').equals(memo).toArray(),
    async blob(name, kind) {
      return (await db.attachmentBlobs.get([name, kind]))?.bytes;
    },
    async setServerState(name, server) {
      await tx(async () => {
        // Sent by this device: unlinked until the server's copy of its memo lists it [F4].
        await db.attachments.update(name, server === 'uploaded' ? { server, unlinked: true } : { server });
      });
    },
    detached: () => db.attachments.filter((row) => row.detached === true).toArray(),
    async forget(name) {
      await tx(async () => {
        await db.attachments.delete(name);
        await db.attachmentBlobs.where('name').equals(name).delete();
      });
      announce([name]);
    },
    async dropMissing(name) {
      const memo = await withStorageErrors(() =>
        db.transaction('rw', [db.memos, db.attachments, db.attachmentBlobs], async () => {
          const row = await db.attachments.get(name);
          await db.attachments.delete(name);
          await db.attachmentBlobs.where('name').equals(name).delete();
          const listing = row ? await db.memos.get(row.memo) : undefined;
          if (!listing?.attachments.includes(name)) return undefined;
          await db.memos.put({ ...listing, attachments: listing.attachments.filter((a) => a !== name) });
          return listing.name;
        }),
      );
      announce([name]);
      if (memo) feed.publish({ type: 'memos', names: [memo] });
    },
    async storeBlob(name, kind, bytes, openedAt) {
      const stored = await tx(async () => {
        const row = await db.attachments.get(name);
        if (!row) return false;
        await db.attachmentBlobs.put({ name, kind, bytes });
        await db.attachments.put(
          kind === 'original'
            ? { ...row, original: true, ...(openedAt !== undefined ? { openedAt } : {}) }
            : { ...row, thumbnail: 'here' },
        );
        return true;
      });
      if (stored) announce([name]);
    },
    async noThumbnail(name) {
      await tx(async () => {
        await db.attachments.update(name, { thumbnail: 'none' });
      });
      announce([name]);
    },
    async evictOriginal(name) {
      await tx(async () => {
        await db.attachmentBlobs.delete([name, 'original']);
        await db.attachments.update(name, { original: false });
      });
      announce([name]);
    },
    async touchOriginal(name, openedAt) {
      await db.attachments.update(name, { openedAt });
    },
    async trashedMemos() {
      return new Set((await db.trash.toCollection().primaryKeys()) as MemoName[]);
    },
  };
}
