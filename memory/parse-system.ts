/** `#system` memos: `name: URL` lines as services, the other lines as notes, newest first. Pure. */
import { hasMemoryTag, MAX_LINE_CHARS, type MemoryMemo, plainText, scanLines } from './parse-lines';
import { parseKeyValueLine } from './parse-preferences';

export interface Service {
  name: string;
  url: string;
  line: number;
}

export interface SystemNote {
  memo: string;
  time: number;
  services: Service[];
  /** the other lines, as text */
  notes: string[];
}

const URL_IN_TEXT = /\b(?:https?|wss?|mqtts?|rtsp|tcp|udp|smb|sftp|ftp):\/\/[^\s<>()[\]"'`]+/iu;

export function systemNote(memo: MemoryMemo): SystemNote {
  const note: SystemNote = { memo: memo.name, time: memo.createTime, services: [], notes: [] };
  for (const line of scanLines(memo.content)) {
    if (line.fenced) continue;
    const parsed = parseKeyValueLine(line.text);
    const url = parsed ? URL_IN_TEXT.exec(parsed.value)?.[0] : undefined;
    if (parsed && url) {
      note.services.push({ name: parsed.key, url: url.replace(/[.,;:!?]+$/, ''), line: line.index });
      continue;
    }
    const text = plainText(line.text);
    if (text !== '') note.notes.push(text.slice(0, MAX_LINE_CHARS));
  }
  return note;
}

/** The `#system` memos, newest first. */
export function collectSystem(
  memos: readonly MemoryMemo[],
  noteOf: (memo: MemoryMemo) => SystemNote = systemNote,
): SystemNote[] {
  return memos
    .filter((memo) => hasMemoryTag(memo.tags, 'system'))
    .sort((a, b) => b.createTime - a.createTime || (a.name < b.name ? -1 : 1))
    .map((memo) => noteOf(memo));
}
