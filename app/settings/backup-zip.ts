/**
 * The export with attachments [B3]: a zip holding `memos-offline-export.json` (the same JSON
 * as the one-file export, each memo's `attachments` naming its files) and the files under
 * `attachments/<id>/<name>`. Import takes it back, validated entirely before anything is
 * written (one transaction); importing twice adds nothing. Limits: the one-file JSON import
 * takes up to 200 MB, a zip up to 1 GB (both stated in Settings).
 * Attachments whose original is not on this device (only a thumbnail was fetched) are left
 * out of the zip and counted, so the user can open them first if they want them in.
 */
import { unzipSync, zipSync } from 'fflate';
import {
  applyImport,
  buildExport,
  type ExportedAttachment,
  type ImportSummary,
  newLocalUid,
  parseExport,
} from '../../sync';
import { makeThumbnail } from '../state/attachment-files';
import type { AppServices } from '../state/services';

export const ZIP_INDEX = 'memos-offline-export.json';
export const MAX_JSON_IMPORT_BYTES = 200 * 1024 * 1024;
export const MAX_ZIP_IMPORT_BYTES = 1024 * 1024 * 1024;

export interface ZipExport {
  blob: Blob;
  memos: number;
  files: number;
  /** Attachments left out because their original is not on this device. */
  missing: number;
}

function safeSegment(name: string): string {
  return name.replace(/[/\\\0]/g, '_').replace(/^\.+/, '_') || 'file';
}

export async function buildZipExport(services: AppServices): Promise<ZipExport> {
  const memos = await services.db.memos.toArray();
  const rows = await services.db.attachments.toArray();
  const byName = new Map(rows.map((row) => [row.name, row]));
  const entries: Record<string, Uint8Array | [Uint8Array, { level: 0 }]> = {};
  let missing = 0;
  const listed = new Map<string, ExportedAttachment[]>();
  for (const memo of memos) {
    const exported: ExportedAttachment[] = [];
    for (const name of memo.attachments) {
      const row = byName.get(name);
      const blob = row ? (await services.db.attachmentBlobs.get([name, 'original']))?.bytes : undefined;
      if (!row || !blob) {
        missing++;
        continue;
      }
      const path = `attachments/${name.slice('attachments/'.length)}/${safeSegment(row.filename)}`;
      // Photos and most files are compressed already: store them as they are.
      entries[path] = [new Uint8Array(await blob.arrayBuffer()), { level: 0 }];
      exported.push({ name, filename: row.filename, type: row.type, size: blob.size, path });
    }
    listed.set(memo.name, exported);
  }
  const index = buildExport(memos, services.now(), (memo) => listed.get(memo.name) ?? []);
  entries[ZIP_INDEX] = new TextEncoder().encode(JSON.stringify(index, null, 2));
  const zipped = zipSync(entries, { level: 6 });
  return {
    blob: new Blob([zipped.slice().buffer], { type: 'application/zip' }),
    memos: memos.length,
    files: Object.keys(entries).length - 1,
    missing,
  };
}

export type ZipImport = { ok: true; summary: ImportSummary } | { ok: false; message: string };

export function looksLikeZip(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

export async function importZip(services: AppServices, file: File): Promise<ZipImport> {
  if (file.size > MAX_ZIP_IMPORT_BYTES)
    return { ok: false, message: `${file.name} is larger than the 1 GB a backup zip may be.` };
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(await file.arrayBuffer()));
  } catch {
    return { ok: false, message: `${file.name} is not a readable zip file.` };
  }
  const index = entries[ZIP_INDEX];
  if (!index)
    return { ok: false, message: `${file.name} is a zip, but not a Memos Offline backup (no ${ZIP_INDEX}).` };
  const parsed = parseExport(new TextDecoder().decode(index));
  if (!parsed.ok) return { ok: false, message: `${file.name} holds an export this app cannot read.` };
  const files = new Map<string, Blob>();
  for (const memo of parsed.memos) {
    for (const attachment of memo.attachments ?? []) {
      const bytes = entries[attachment.path];
      if (!bytes) return { ok: false, message: `${file.name} is incomplete: ${attachment.path} is missing.` };
      files.set(attachment.path, new Blob([bytes.slice().buffer], { type: attachment.type }));
    }
  }
  const thumbnails = new Map<string, Blob>();
  for (const [path, blob] of files) {
    const thumbnail = await makeThumbnail(blob);
    if (thumbnail) thumbnails.set(path, thumbnail);
  }
  const summary = await applyImport(services.db, services.feed, parsed.memos, services.now(), {
    files,
    thumbnails,
    newUid: newLocalUid,
  });
  return { ok: true, summary };
}
