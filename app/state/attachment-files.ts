/**
 * Files the user attaches, before and after they are stored [F1, F5, F6]:
 *  - a small JPEG thumbnail made on the device for images (a broken image gets none and is
 *    shown as a file link);
 *  - the checks made before anything is written: the upload limit, and whether this
 *    device's storage quota can hold the files (with a clear sentence when not);
 *  - saving an original to the user's disk: always as a download of an opaque type, never
 *    a page of the app's origin (an HTML or SVG file must not run here).
 */
import { DEFAULT_ATTACHMENT_LIMIT_BYTES, isInlineImage, type NewAttachmentFile } from '../../sync';

const THUMBNAIL_EDGE = 600;

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toLocaleString('en-US', { maximumFractionDigits: 0 })} KB`;
  return `${(bytes / 1_000_000).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
}

/** A JPEG of at most 600 px per side, or undefined when the image cannot be decoded. */
export async function makeThumbnail(file: Blob): Promise<Blob | undefined> {
  if (!isInlineImage(file.type) || typeof createImageBitmap !== 'function') return undefined;
  let bitmap: ImageBitmap | undefined;
  try {
    bitmap = await createImageBitmap(file);
    const scale = Math.min(1, THUMBNAIL_EDGE / Math.max(bitmap.width, bitmap.height));
    const width = Math.max(1, Math.round(bitmap.width * scale));
    const height = Math.max(1, Math.round(bitmap.height * scale));
    if (typeof OffscreenCanvas !== 'undefined') {
      const canvas = new OffscreenCanvas(width, height);
      canvas.getContext('2d')?.drawImage(bitmap, 0, 0, width, height);
      return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.82 });
    }
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0, width, height);
    return await new Promise<Blob | undefined>((resolve) =>
      canvas.toBlob((blob) => resolve(blob ?? undefined), 'image/jpeg', 0.82),
    );
  } catch {
    return undefined;
  } finally {
    bitmap?.close();
  }
}

/** The files as the notebook takes them, with the thumbnails made when they were attached. */
export async function prepareFiles(
  files: readonly { file: File; thumbnail: Promise<Blob | undefined> }[],
): Promise<NewAttachmentFile[]> {
  return Promise.all(
    files.map(async ({ file, thumbnail: made }) => {
      const thumbnail = await made;
      return {
        filename: file.name || 'file',
        type: file.type || 'application/octet-stream',
        bytes: file,
        ...(thumbnail ? { thumbnail } : {}),
      };
    }),
  );
}

/**
 * [F1] Why these files cannot be stored, before anything is written: one over the upload
 * limit, or more than this device's free storage. Undefined when they fit.
 */
export async function whyFilesCannotBeStored(
  files: readonly { name: string; size: number }[],
): Promise<string | undefined> {
  const tooLarge = files.find((file) => file.size > DEFAULT_ATTACHMENT_LIMIT_BYTES);
  if (tooLarge)
    return `“${tooLarge.name}” is ${formatBytes(tooLarge.size)}; Memos accepts files up to ${formatBytes(DEFAULT_ATTACHMENT_LIMIT_BYTES)}. Nothing was saved; your draft is kept.`;
  const total = files.reduce((sum, file) => sum + file.size, 0);
  // No files, nothing to ask: the storage estimate is a trip to the browser process, which
  // a loaded device can take tens of milliseconds to answer (a text capture never waits for it).
  if (total === 0) return undefined;
  try {
    const estimate = await navigator.storage?.estimate?.();
    if (estimate?.quota !== undefined && estimate.usage !== undefined) {
      const free = estimate.quota - estimate.usage;
      if (total * 1.1 > free)
        return `This device has room for ${formatBytes(Math.max(0, free))} more, and these files need ${formatBytes(total)}. Free some space (or remove files), then save again; your draft is kept.`;
    }
  } catch {
    // No estimate: the write itself will say if storage is full.
  }
  return undefined;
}

/** Saves bytes to the user's disk as a download (never opened as a page of this origin). */
export function downloadFile(filename: string, bytes: Blob): void {
  const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** The files of a paste or a drop. */
export function filesOf(transfer: DataTransfer | null): File[] {
  if (!transfer) return [];
  return [...transfer.files];
}
