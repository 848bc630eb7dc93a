/**
 * The export file format and its strict parser. An export is one JSON document:
 *   { "format": "memos-offline-export", "version": 1, "exportedAt": ISO, "memos": [Memo...] }
 * where each memo uses the Memos API field names (name, content, visibility, state,
 * pinned, createTime, updateTime, tags), so a Memos `ListMemos` page (`{"memos": [...]}`)
 * is importable too. Parsing validates the WHOLE file before anything is applied and
 * reports the first problems with their JSON path, so a malformed file changes nothing.
 * The same JSON is the index of a zip export (backup-zip in app/settings), where a memo's
 * `attachments` name each file by its `path` inside the zip.
 */
import { type MemoName, parseMemoName } from './ids';
import { isMemoState, isVisibility, type LocalMemo, type MemoFields } from './memo';

export const EXPORT_FORMAT = 'memos-offline-export';
export const EXPORT_VERSION = 1;

/** The memo fields an export carries (attachments travel only in a zip export, see backup-zip). */
type ExportedFields = Omit<MemoFields, 'attachments'>;

/** An attachment in a zip export: its bytes are the zip entry at `path`. */
export interface ExportedAttachment {
  name: string;
  filename: string;
  type: string;
  size: number;
  path: string;
}

export interface ExportedMemo extends ExportedFields {
  name: string;
  createTime: string;
  updateTime: string;
  tags: string[];
  attachments?: ExportedAttachment[];
}

export interface ExportFile {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  memos: ExportedMemo[];
}

export interface ImportedAttachment {
  filename: string;
  type: string;
  /** Where its bytes are in the zip. */
  path: string;
}

export interface ImportedMemo extends ExportedFields {
  name: MemoName;
  createTime: number;
  updateTime: number;
  /** Only in a zip export. */
  attachments?: ImportedAttachment[];
}

/**
 * Why a file is refused, for the words the user sees: not JSON at all, JSON that is not
 * an export, an export of another version, or an export with invalid memos (`errors`
 * then name them; for the other kinds they are details for logs, not for people).
 */
export type ParseProblem = 'not-json' | 'not-an-export' | 'other-version' | 'invalid-memos';

export type ParseResult =
  | { ok: true; memos: ImportedMemo[] }
  | { ok: false; problem: ParseProblem; errors: string[] };

export function buildExport(
  memos: readonly LocalMemo[],
  now: number,
  attachmentsOf?: (memo: LocalMemo) => ExportedAttachment[],
): ExportFile {
  return {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    exportedAt: new Date(now).toISOString(),
    memos: memos.map((memo) => ({
      name: memo.name,
      content: memo.content,
      visibility: memo.visibility,
      state: memo.state,
      pinned: memo.pinned,
      createTime: new Date(memo.createTime).toISOString(),
      updateTime: new Date(memo.updateTime).toISOString(),
      tags: [...memo.tags],
      ...(attachmentsOf && memo.attachments.length > 0 ? { attachments: attachmentsOf(memo) } : {}),
    })),
  };
}

const MAX_ERRORS = 5;

function parseTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const time = Date.parse(value);
  return Number.isFinite(time) ? time : undefined;
}

function parseMemo(raw: unknown, path: string, errors: string[]): ImportedMemo | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    errors.push(`${path}: expected an object`);
    return undefined;
  }
  const value = raw as Record<string, unknown>;
  const before = errors.length;
  const name = parseMemoName(value.name);
  if (!name)
    errors.push(
      `${path}.name: expected "memos/<id>" with a valid Memos id, got ${JSON.stringify(value.name)}`,
    );
  if (typeof value.content !== 'string' || value.content.trim() === '')
    errors.push(`${path}.content: expected non-empty text`);
  const visibility = value.visibility ?? 'PRIVATE';
  if (!isVisibility(visibility)) errors.push(`${path}.visibility: expected PRIVATE, PROTECTED or PUBLIC`);
  const state = value.state ?? 'NORMAL';
  if (!isMemoState(state)) errors.push(`${path}.state: expected NORMAL or ARCHIVED`);
  const pinned = value.pinned ?? false;
  if (typeof pinned !== 'boolean') errors.push(`${path}.pinned: expected true or false`);
  const createTime = parseTime(value.createTime);
  if (createTime === undefined) errors.push(`${path}.createTime: expected an ISO 8601 date-time`);
  const updateTime = value.updateTime === undefined ? createTime : parseTime(value.updateTime);
  if (updateTime === undefined) errors.push(`${path}.updateTime: expected an ISO 8601 date-time`);
  const attachments: ImportedAttachment[] = [];
  if (value.attachments !== undefined) {
    if (!Array.isArray(value.attachments)) errors.push(`${path}.attachments: expected a list`);
    else
      value.attachments.forEach((item: unknown, i: number) => {
        const a = (item ?? {}) as Record<string, unknown>;
        if (typeof a.path !== 'string' || !a.path.startsWith('attachments/') || a.path.includes('..'))
          errors.push(`${path}.attachments[${i}].path: expected a file inside attachments/`);
        else
          attachments.push({
            path: a.path,
            filename: typeof a.filename === 'string' && a.filename !== '' ? a.filename : 'file',
            type: typeof a.type === 'string' && a.type !== '' ? a.type : 'application/octet-stream',
          });
      });
  }
  if (errors.length > before || !name || createTime === undefined || updateTime === undefined)
    return undefined;
  return {
    name,
    content: value.content as string,
    visibility: visibility as MemoFields['visibility'],
    state: state as MemoFields['state'],
    pinned: pinned as boolean,
    createTime,
    updateTime,
    ...(attachments.length > 0 ? { attachments } : {}),
  };
}

export function parseExport(text: string): ParseResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      problem: 'not-json',
      errors: [`not valid JSON (${error instanceof Error ? error.message : String(error)})`],
    };
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, problem: 'not-an-export', errors: ['expected a JSON object with a "memos" list'] };
  }
  const root = data as Record<string, unknown>;
  if (root.format !== undefined && root.format !== EXPORT_FORMAT) {
    return {
      ok: false,
      problem: 'not-an-export',
      errors: [`format: expected "${EXPORT_FORMAT}", got ${JSON.stringify(root.format)}`],
    };
  }
  if (root.format === EXPORT_FORMAT && root.version !== EXPORT_VERSION) {
    return {
      ok: false,
      problem: 'other-version',
      errors: [
        `version: this app reads export version ${EXPORT_VERSION}, the file has ${JSON.stringify(root.version)}`,
      ],
    };
  }
  if (!Array.isArray(root.memos))
    return { ok: false, problem: 'not-an-export', errors: ['memos: expected a list of memos'] };
  const errors: string[] = [];
  const memos: ImportedMemo[] = [];
  const seen = new Set<string>();
  root.memos.forEach((raw, index) => {
    if (errors.length >= MAX_ERRORS) return;
    const memo = parseMemo(raw, `memos[${index}]`, errors);
    if (!memo) return;
    if (seen.has(memo.name)) errors.push(`memos[${index}].name: ${memo.name} appears twice`);
    seen.add(memo.name);
    memos.push(memo);
  });
  if (errors.length > 0) return { ok: false, problem: 'invalid-memos', errors };
  return { ok: true, memos };
}
