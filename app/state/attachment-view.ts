/**
 * The UI's view of attachments [F5]: for each attachment name a memo lists, its file name,
 * type and a picture to show (a blob URL of its thumbnail, or of a small original). Rows are
 * read lazily and re-read when the change feed names them (a thumbnail arrived, an original
 * was evicted). Blob URLs are revoked when replaced. Nothing here writes to the database.
 * A memo being captured shows its files at once (`preview`), from the bytes in hand, until
 * its row is committed; a preview whose save failed is taken back.
 * Invariant: only raster images get a picture; anything else is a file to download.
 */
import { type Accessor, createSignal, type Setter } from 'solid-js';
import {
  type AttachmentName,
  type ChangeFeed,
  isInlineImage,
  type MemosDatabase,
  type NewAttachmentFile,
} from '../../sync';

/** Originals smaller than this may stand in for a missing thumbnail. */
const ORIGINAL_AS_PICTURE_BYTES = 2 * 1024 * 1024;

export interface AttachmentView {
  name: AttachmentName;
  filename: string;
  type: string;
  size: number;
  /** A blob URL of a picture to show inline, when there is one. */
  picture?: string;
  /** The thumbnail is still coming from the server. */
  pending: boolean;
  /** The original's bytes are on this device. */
  original: boolean;
}

export interface AttachmentViews {
  get(name: AttachmentName): Accessor<AttachmentView | undefined>;
  /** Shows a file being saved before its row exists; returns how to take it back. */
  preview(name: AttachmentName, file: NewAttachmentFile): () => void;
  dispose(): void;
}

export function createAttachmentViews(db: MemosDatabase, feed: ChangeFeed): AttachmentViews {
  const entries = new Map<
    AttachmentName,
    { read: Accessor<AttachmentView | undefined>; write: Setter<AttachmentView | undefined> }
  >();
  /** Names shown from bytes in hand while their save commits. */
  const previewed = new Set<AttachmentName>();

  function entryOf(name: AttachmentName) {
    let entry = entries.get(name);
    if (!entry) {
      const [read, write] = createSignal<AttachmentView | undefined>();
      entry = { read, write };
      entries.set(name, entry);
    }
    return entry;
  }

  async function load(name: AttachmentName): Promise<void> {
    const entry = entries.get(name);
    if (!entry) return;
    const row = await db.attachments.get(name);
    // A preview stays until the committed row replaces it.
    if (!row && previewed.has(name)) return;
    previewed.delete(name);
    const previous = entry.read();
    if (previous?.picture) URL.revokeObjectURL(previous.picture);
    if (!row) {
      entry.write(undefined);
      return;
    }
    let picture: string | undefined;
    if (isInlineImage(row.type)) {
      const thumbnail =
        row.thumbnail === 'here' ? (await db.attachmentBlobs.get([name, 'thumbnail']))?.bytes : undefined;
      const small =
        !thumbnail && row.original && row.size <= ORIGINAL_AS_PICTURE_BYTES && row.thumbnail !== 'none'
          ? (await db.attachmentBlobs.get([name, 'original']))?.bytes
          : undefined;
      const bytes = thumbnail ?? small;
      if (bytes) picture = URL.createObjectURL(bytes);
    }
    entry.write({
      name,
      filename: row.filename,
      type: row.type,
      size: row.size,
      pending: row.thumbnail === 'pending' && !picture,
      original: row.original,
      ...(picture ? { picture } : {}),
    });
  }

  const unsubscribe = feed.subscribe((change) => {
    if (change.type === 'attachments') {
      for (const name of change.names) if (entries.has(name)) void load(name);
    } else if (change.type === 'reset') {
      for (const name of entries.keys()) void load(name);
    }
  });

  return {
    get(name) {
      const known = entries.has(name);
      const entry = entryOf(name);
      if (!known) void load(name);
      return entry.read;
    },
    preview(name, file) {
      const entry = entryOf(name);
      if (entry.read()) return () => undefined;
      previewed.add(name);
      const small = file.bytes.size <= ORIGINAL_AS_PICTURE_BYTES ? file.bytes : undefined;
      const bytes = isInlineImage(file.type) ? (file.thumbnail ?? small) : undefined;
      const picture = bytes ? URL.createObjectURL(bytes) : undefined;
      entry.write({
        name,
        filename: file.filename,
        type: file.type,
        size: file.bytes.size,
        pending: false,
        original: true,
        ...(picture ? { picture } : {}),
      });
      return () => {
        if (!previewed.delete(name)) return;
        if (picture) URL.revokeObjectURL(picture);
        entry.write(undefined);
      };
    },
    dispose() {
      unsubscribe();
      for (const entry of entries.values()) {
        const picture = entry.read()?.picture;
        if (picture) URL.revokeObjectURL(picture);
      }
      entries.clear();
    },
  };
}
