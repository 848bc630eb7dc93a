/**
 * Applies a parsed import in ONE transaction (all or nothing), with its outbox entries.
 * Idempotent: a memo already present with the same fields is left alone, so importing the
 * same file twice creates no duplicates. When both sides have the memo with different
 * fields, the newer `updateTime` wins (the local copy is kept when it is newer or equal).
 */
import type { ImportedMemo } from '../core/backup-format';
import { MEMO_FIELDS, type MemoField } from '../core/memo';
import type { ChangeFeed } from './change-feed';
import { applyPatch, buildLocalMemo } from './notebook';
import type { MemosDatabase } from './schema';
import { withStorageErrors } from './storage-errors';

export interface ImportSummary {
  added: number;
  updated: number;
  unchanged: number;
  keptLocal: number;
}

export async function applyImport(
  db: MemosDatabase,
  feed: ChangeFeed,
  memos: readonly ImportedMemo[],
  now: number,
): Promise<ImportSummary> {
  const summary: ImportSummary = { added: 0, updated: 0, unchanged: 0, keptLocal: 0 };
  const touched: ImportedMemo['name'][] = [];
  await withStorageErrors(() =>
    db.transaction('rw', db.memos, db.outbox, async () => {
      const existing = await db.memos.bulkGet(memos.map((m) => m.name));
      for (const [index, incoming] of memos.entries()) {
        const current = existing[index];
        const fields = {
          content: incoming.content,
          visibility: incoming.visibility,
          state: incoming.state,
          pinned: incoming.pinned,
        };
        if (!current) {
          await db.memos.add(buildLocalMemo(incoming.name, fields, incoming));
          await db.outbox.add({
            name: incoming.name,
            op: 'create',
            fields: [...MEMO_FIELDS],
            at: now,
            created: fields,
          });
          summary.added++;
          touched.push(incoming.name);
          continue;
        }
        const differs: MemoField[] = MEMO_FIELDS.filter((f) => current[f] !== fields[f]);
        if (differs.length === 0) {
          summary.unchanged++;
        } else if (incoming.updateTime > current.updateTime) {
          const { memo } = applyPatch(current, fields, incoming.updateTime);
          await db.memos.put(memo);
          await db.outbox.add({ name: incoming.name, op: 'update', fields: differs, at: now });
          summary.updated++;
          touched.push(incoming.name);
        } else {
          summary.keptLocal++;
        }
      }
    }),
  );
  if (touched.length > 0) {
    feed.publish({ type: 'memos', names: touched });
    feed.publish({ type: 'outbox', origin: 'local' });
  }
  return summary;
}
