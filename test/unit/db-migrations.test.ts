/**
 * Every released schema version can be opened, filled, and upgraded to the current one
 * without losing data. SCHEMA_VERSIONS entries are frozen; new versions are appended.
 */
import { describe, expect, it } from 'vitest';
import type { MemoName } from '../../sync/core/ids';
import { buildLocalMemo } from '../../sync/db/notebook';
import { CURRENT_SCHEMA_VERSION, MemosDatabase, SCHEMA_VERSIONS } from '../../sync/db/schema';

describe('schema migrations', () => {
  it('versions are strictly increasing and end at CURRENT_SCHEMA_VERSION', () => {
    const versions = SCHEMA_VERSIONS.map((v) => v.version);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(new Set(versions).size).toBe(versions.length);
    expect(versions[versions.length - 1]).toBe(CURRENT_SCHEMA_VERSION);
  });

  it.each(SCHEMA_VERSIONS.map((v) => v.version))(
    'upgrades a database created at version %i',
    async (version) => {
      const name = `migration-${version}-${Math.random()}`;
      const memoName = 'memos/00000000-0000-4000-8000-000000000001' as MemoName;
      const old = new MemosDatabase(name, version);
      await old.open();
      await old.memos.put(
        buildLocalMemo(
          memoName,
          {
            content: 'kept #across versions',
            visibility: 'PRIVATE',
            state: 'NORMAL',
            pinned: true,
            attachments: [],
          },
          { createTime: 1, updateTime: 2 },
        ),
      );
      await old.outbox.add({ name: memoName, op: 'create', fields: ['content'], at: 1 });
      old.close();

      const current = new MemosDatabase(name);
      await current.open();
      expect(current.verno).toBe(CURRENT_SCHEMA_VERSION);
      const memo = await current.memos.get(memoName);
      expect(memo).toMatchObject({ content: 'kept #across versions', pinned: true, tags: ['across'] });
      expect(await current.outbox.count()).toBe(1);
      const timeline = await current.memos
        .where('[state+pinRank+createTime]')
        .between(['NORMAL', 0, -Infinity], ['NORMAL', 1, Infinity])
        .toArray();
      expect(timeline).toHaveLength(1);
      current.close();
      await MemosDatabase.delete(name);
    },
  );
});
