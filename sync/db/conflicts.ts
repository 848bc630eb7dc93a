/**
 * The user's side of conflicts [M4]: listing them and resolving one. Resolving writes the
 * chosen content as an ordinary local edit first (so it syncs like any other) and only
 * then removes the record: a crash in between leaves the record, never loses the text.
 */
import type { MemoName } from '../core/ids';
import type { ChangeFeed } from './change-feed';
import type { Notebook } from './notebook';
import type { ConflictRecord, MemosDatabase } from './schema';
import { withStorageErrors } from './storage-errors';

export interface Conflicts {
  list(): Promise<ConflictRecord[]>;
  count(): Promise<number>;
  /** Keep the server's text: the record goes, the memo stays as the server has it. */
  keepServer(name: MemoName): Promise<void>;
  /** Keep `content` (the local version or a hand merge) as a new edit of the memo. */
  keepContent(name: MemoName, content: string): Promise<void>;
}

export function createConflicts(db: MemosDatabase, feed: ChangeFeed, notebook: Notebook): Conflicts {
  const drop = async (name: MemoName) => {
    await withStorageErrors(() => db.conflicts.delete(name));
    feed.publish({ type: 'conflicts' });
  };
  return {
    list: () => db.conflicts.orderBy('name').toArray(),
    count: () => db.conflicts.count(),
    keepServer: drop,
    async keepContent(name, content) {
      const existing = await notebook.get(name);
      if (existing) await notebook.update(name, { content });
      else await notebook.create({ content, visibility: 'PRIVATE' });
      await drop(name);
    },
  };
}
