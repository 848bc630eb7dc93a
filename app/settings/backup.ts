/**
 * Export and import of the whole notebook from Settings: one JSON file with every memo
 * and its metadata, a Markdown-per-memo zip, and a strict import (validated completely
 * before anything is written; one transaction).
 */
import { strToU8, zipSync } from 'fflate';
import {
  applyImport,
  assertNever,
  buildExport,
  type ImportSummary,
  type LocalMemo,
  type ParseProblem,
  parseExport,
} from '../../sync';
import type { AppServices as AppServicesLike } from '../state/services';
import { buildZipExport, importZip, looksLikeZip, MAX_JSON_IMPORT_BYTES } from './backup-zip';

function download(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

function dateStamp(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

async function allMemos(services: AppServicesLike): Promise<LocalMemo[]> {
  return services.db.memos.toArray();
}

export async function exportJson(services: AppServicesLike): Promise<number> {
  const memos = await allMemos(services);
  const file = buildExport(memos, services.now());
  download(
    `memos-offline-export-${dateStamp(services.now())}.json`,
    new Blob([JSON.stringify(file, null, 2)], { type: 'application/json' }),
  );
  return memos.length;
}

function markdownFileName(memo: LocalMemo, used: Set<string>): string {
  const date = new Date(memo.createTime).toISOString().slice(0, 10);
  const slug =
    (memo.property.title || memo.snippet || 'memo')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'memo';
  let name = `${memo.state === 'ARCHIVED' ? 'archived/' : ''}${date}-${slug}.md`;
  for (let n = 2; used.has(name); n++) name = name.replace(/(-\d+)?\.md$/, `-${n}.md`);
  used.add(name);
  return name;
}

function frontMatter(memo: LocalMemo): string {
  return [
    '---',
    `name: ${memo.name}`,
    `created: ${new Date(memo.createTime).toISOString()}`,
    `updated: ${new Date(memo.updateTime).toISOString()}`,
    `visibility: ${memo.visibility}`,
    `state: ${memo.state}`,
    `pinned: ${memo.pinned}`,
    `tags: [${memo.tags.map((t) => JSON.stringify(t)).join(', ')}]`,
    '---',
    '',
  ].join('\n');
}

export async function exportMarkdownZip(services: AppServicesLike): Promise<number> {
  const memos = await allMemos(services);
  const used = new Set<string>();
  const files: Record<string, Uint8Array> = {};
  for (const memo of memos)
    files[markdownFileName(memo, used)] = strToU8(`${frontMatter(memo)}${memo.content}\n`);
  const zipped = zipSync(files, { level: 6 });
  download(
    `memos-offline-markdown-${dateStamp(services.now())}.zip`,
    new Blob([zipped.slice().buffer], { type: 'application/zip' }),
  );
  return memos.length;
}

/** The export with attachments: a zip of the JSON and the files [B3]. */
export async function exportZip(
  services: AppServicesLike,
): Promise<{ memos: number; files: number; missing: number }> {
  const built = await buildZipExport(services);
  download(`memos-offline-backup-${dateStamp(services.now())}.zip`, built.blob);
  return { memos: built.memos, files: built.files, missing: built.missing };
}

export type ImportOutcome = { ok: true; summary: ImportSummary } | { ok: false; message: string };

/** `memos[2].content: expected non-empty text` → `memo 3: content: expected non-empty text`. */
function readableMemoError(error: string): string {
  return error
    .replace(/^memos\[(\d+)\]\.?/, (_, index: string) => `memo ${Number(index) + 1}: `)
    .replace(': : ', ': ');
}

/** The sentence shown when an import file is refused (never the parser's own text). */
export function describeImportProblem(
  fileName: string,
  problem: ParseProblem,
  errors: readonly string[],
): string {
  switch (problem) {
    case 'not-json':
      return `Nothing was imported: ${fileName} is not a Memos Offline export (it is not a JSON file). Choose a file made with Export.`;
    case 'not-an-export':
      return `Nothing was imported: ${fileName} is not a Memos Offline export. Choose a file made with Export, on this or another device.`;
    case 'other-version':
      return `Nothing was imported: ${fileName} comes from a version of Memos Offline that this one cannot read. Update the app here, then import it again.`;
    case 'invalid-memos': {
      const first = errors[0] ? ` (${readableMemoError(errors[0])})` : '';
      return `Nothing was imported: some memos in ${fileName} are not valid${first}. Your notebook is unchanged.`;
    }
    default:
      return assertNever(problem, 'import problem');
  }
}

/** Imports a one-file JSON export, or a zip export with attachments [B3] (told apart by its first bytes). */
export async function importJson(services: AppServicesLike, file: File): Promise<ImportOutcome> {
  if (looksLikeZip(new Uint8Array(await file.slice(0, 4).arrayBuffer()))) return importZip(services, file);
  if (file.size > MAX_JSON_IMPORT_BYTES)
    return {
      ok: false,
      message: `Nothing was imported: ${file.name} is too large to be an export (over 200 MB).`,
    };
  const parsed = parseExport(await file.text());
  if (!parsed.ok)
    return { ok: false, message: describeImportProblem(file.name, parsed.problem, parsed.errors) };
  const summary = await applyImport(services.db, services.feed, parsed.memos, services.now());
  return { ok: true, summary };
}
