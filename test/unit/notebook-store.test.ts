/**
 * The local store: memos keyed by `memos/{uuid}`, derived fields, and the outbox written
 * in the same transaction as every edit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isValidUid, uidOf } from '../../sync/core/ids';
import { ContentRejectedError } from '../../sync/db/notebook';
import { classifyStorageError, StorageError } from '../../sync/db/storage-errors';
import { createTestNotebook } from '../helpers/notebook-fixture';

let fixture: ReturnType<typeof createTestNotebook>;
afterEach(async () => {
  await fixture.dispose();
});

describe('notebook store', () => {
  it('creates a memo keyed memos/{uuid v4} with derived fields and one outbox entry', async () => {
    fixture = createTestNotebook();
    const memo = await fixture.notebook.create({ content: 'Buy #groceries: milk', visibility: 'PRIVATE' });
    expect(memo.name).toMatch(/^memos\/[0-9a-f-]{36}$/);
    expect(isValidUid(uidOf(memo.name))).toBe(true);
    expect(memo).toMatchObject({ state: 'NORMAL', pinned: false, pinRank: 0, tags: ['groceries'] });
    expect(await fixture.db.memos.get(memo.name)).toEqual(memo);
    const outbox = await fixture.db.outbox.toArray();
    expect(outbox).toEqual([
      expect.objectContaining({
        name: memo.name,
        op: 'create',
        fields: ['content', 'visibility', 'state', 'pinned', 'attachments'],
      }),
    ]);
    expect(fixture.changes).toContainEqual(expect.objectContaining({ type: 'memos', names: [memo.name] }));
  });

  it('generates real random UUIDv4 uids by default', async () => {
    fixture = createTestNotebook();
    const { createNotebook } = await import('../../sync/db/notebook');
    const notebook = createNotebook({ db: fixture.db, feed: fixture.feed, now: () => 1 });
    const a = await notebook.create({ content: 'a', visibility: 'PRIVATE' });
    const b = await notebook.create({ content: 'b', visibility: 'PRIVATE' });
    expect(uidOf(a.name)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.name).not.toBe(b.name);
  });

  it('updates only changed fields, re-derives tags, bumps updateTime and records the fields', async () => {
    fixture = createTestNotebook();
    const memo = await fixture.notebook.create({ content: 'first #a', visibility: 'PRIVATE' });
    fixture.clock.advance(5000);
    const updated = await fixture.notebook.update(memo.name, {
      content: 'second #b',
      pinned: true,
      visibility: 'PRIVATE',
    });
    expect(updated).toMatchObject({ content: 'second #b', tags: ['b'], pinned: true, pinRank: 1 });
    expect(updated?.updateTime).toBe(memo.updateTime + 5000);
    expect(updated?.createTime).toBe(memo.createTime);
    const outbox = await fixture.db.outbox.orderBy('seq').toArray();
    expect(outbox.map((e) => [e.op, e.fields])).toEqual([
      ['create', ['content', 'visibility', 'state', 'pinned', 'attachments']],
      ['update', ['content', 'pinned']],
    ]);
  });

  it('writes nothing for a no-op update', async () => {
    fixture = createTestNotebook();
    const memo = await fixture.notebook.create({ content: 'same', visibility: 'PUBLIC' });
    await fixture.notebook.update(memo.name, { content: 'same', visibility: 'PUBLIC' });
    expect(await fixture.db.outbox.count()).toBe(1);
  });

  it('archives, restores, pins and deletes through the outbox', async () => {
    fixture = createTestNotebook();
    const memo = await fixture.notebook.create({ content: 'x', visibility: 'PRIVATE' });
    await fixture.notebook.update(memo.name, { state: 'ARCHIVED' });
    await fixture.notebook.update(memo.name, { state: 'NORMAL', pinned: true });
    await fixture.notebook.remove(memo.name);
    expect(await fixture.db.memos.get(memo.name)).toBeUndefined();
    const ops = (await fixture.db.outbox.orderBy('seq').toArray()).map((e) => e.op);
    expect(ops).toEqual(['create', 'update', 'update', 'delete']);
  });

  it('toggles the n-th task checkbox in the content', async () => {
    fixture = createTestNotebook();
    const memo = await fixture.notebook.create({ content: '- [ ] one\n- [ ] two', visibility: 'PRIVATE' });
    const updated = await fixture.notebook.setTask(memo.name, 1, true);
    expect(updated?.content).toBe('- [ ] one\n- [x] two');
    expect(updated?.property.hasIncompleteTasks).toBe(true);
  });

  it('rejects empty content and content over 8 KiB of UTF-8, naming the limit', async () => {
    fixture = createTestNotebook();
    await expect(fixture.notebook.create({ content: '   ', visibility: 'PRIVATE' })).rejects.toBeInstanceOf(
      ContentRejectedError,
    );
    // 2,731 three-byte characters = 8,193 bytes, although only 2,731 characters.
    const tooLong = '€'.repeat(2731);
    await expect(fixture.notebook.create({ content: tooLong, visibility: 'PRIVATE' })).rejects.toThrow(
      /8,192 bytes/,
    );
    await fixture.notebook.create({ content: '€'.repeat(2730), visibility: 'PRIVATE' });
    expect(await fixture.db.memos.count()).toBe(1);
  });
});

describe('saving an editor (the memo may have changed or vanished since the editor opened)', () => {
  const opened = 'groceries\nmilk\neggs\n\nweekend\nhike';

  it('saves over an unchanged memo as a plain edit', async () => {
    fixture = createTestNotebook();
    const memo = await fixture.notebook.create({ content: opened, visibility: 'PRIVATE' });
    const outcome = await fixture.notebook.saveEdit(
      memo.name,
      { content: `${opened}\nswim`, visibility: 'PROTECTED' },
      opened,
    );
    expect(outcome).toMatchObject({ kind: 'saved', merged: false });
    expect(await fixture.db.memos.get(memo.name)).toMatchObject({
      content: `${opened}\nswim`,
      visibility: 'PROTECTED',
    });
    expect((await fixture.db.outbox.orderBy('seq').last())?.fields).toEqual(['content', 'visibility']);
  });

  it('merges into a memo another device changed elsewhere in the text (no edit lost)', async () => {
    fixture = createTestNotebook();
    const memo = await fixture.notebook.create({ content: opened, visibility: 'PRIVATE' });
    // Sync brought another device's edit while the editor was open.
    await fixture.notebook.update(memo.name, { content: opened.replace('hike', 'hike and picnic') });
    const outcome = await fixture.notebook.saveEdit(
      memo.name,
      { content: opened.replace('milk', 'oat milk'), visibility: 'PRIVATE' },
      opened,
    );
    expect(outcome).toMatchObject({ kind: 'saved', merged: true });
    expect((await fixture.db.memos.get(memo.name))?.content).toBe(
      'groceries\noat milk\neggs\n\nweekend\nhike and picnic',
    );
  });

  it('writes nothing and reports the current text when both changed the same place', async () => {
    fixture = createTestNotebook();
    const memo = await fixture.notebook.create({ content: opened, visibility: 'PRIVATE' });
    await fixture.notebook.update(memo.name, { content: opened.replace('milk', 'soy milk') });
    const before = await fixture.db.outbox.count();
    const outcome = await fixture.notebook.saveEdit(
      memo.name,
      { content: opened.replace('milk', 'oat milk'), visibility: 'PRIVATE' },
      opened,
    );
    expect(outcome).toEqual({ kind: 'overlap', current: opened.replace('milk', 'soy milk') });
    expect((await fixture.db.memos.get(memo.name))?.content).toBe(opened.replace('milk', 'soy milk'));
    expect(await fixture.db.outbox.count()).toBe(before);
    // Saving again from the current text (the user chose theirs) replaces it.
    const again = await fixture.notebook.saveEdit(
      memo.name,
      { content: opened.replace('milk', 'oat milk'), visibility: 'PRIVATE' },
      opened.replace('milk', 'soy milk'),
    );
    expect(again).toMatchObject({ kind: 'saved', merged: false });
    expect((await fixture.db.memos.get(memo.name))?.content).toBe(opened.replace('milk', 'oat milk'));
  });

  it('reports a memo deleted meanwhile as gone and writes nothing', async () => {
    fixture = createTestNotebook();
    const memo = await fixture.notebook.create({ content: opened, visibility: 'PRIVATE' });
    await fixture.db.memos.delete(memo.name);
    const before = await fixture.db.outbox.count();
    expect(
      await fixture.notebook.saveEdit(memo.name, { content: 'mine', visibility: 'PRIVATE' }, opened),
    ).toEqual({ kind: 'gone' });
    expect(await fixture.db.outbox.count()).toBe(before);
  });

  it('rejects an empty or over-limit edit before touching the store', async () => {
    fixture = createTestNotebook();
    const memo = await fixture.notebook.create({ content: opened, visibility: 'PRIVATE' });
    await expect(
      fixture.notebook.saveEdit(memo.name, { content: '  ', visibility: 'PRIVATE' }, opened),
    ).rejects.toBeInstanceOf(ContentRejectedError);
    await expect(
      fixture.notebook.saveEdit(memo.name, { content: 'x'.repeat(8193), visibility: 'PRIVATE' }, opened),
    ).rejects.toBeInstanceOf(ContentRejectedError);
  });
});

describe('outbox atomicity', () => {
  it('[O1] a failed transaction leaves neither the edit nor its outbox entry (create)', async () => {
    fixture = createTestNotebook();
    fixture.db.outbox.hook('creating', () => {
      throw new Error('disk fault while writing the outbox');
    });
    await expect(fixture.notebook.create({ content: 'lost?', visibility: 'PRIVATE' })).rejects.toBeInstanceOf(
      StorageError,
    );
    expect(await fixture.db.memos.count()).toBe(0);
    expect(await fixture.db.outbox.count()).toBe(0);
    expect(fixture.changes).toEqual([]);
  });

  it('[O1] a failed transaction leaves neither the edit nor its outbox entry (update and delete)', async () => {
    fixture = createTestNotebook();
    const memo = await fixture.notebook.create({ content: 'original', visibility: 'PRIVATE' });
    fixture.db.outbox.hook('creating', () => {
      throw new Error('disk fault');
    });
    await expect(fixture.notebook.update(memo.name, { content: 'edited' })).rejects.toBeInstanceOf(
      StorageError,
    );
    await expect(fixture.notebook.remove(memo.name)).rejects.toBeInstanceOf(StorageError);
    expect((await fixture.db.memos.get(memo.name))?.content).toBe('original');
    expect(await fixture.db.outbox.count()).toBe(1);
  });

  it('[O1] a failed memo write leaves no outbox entry', async () => {
    fixture = createTestNotebook();
    fixture.db.memos.hook('creating', () => {
      throw new Error('memo write failed');
    });
    await expect(fixture.notebook.create({ content: 'x', visibility: 'PRIVATE' })).rejects.toBeInstanceOf(
      StorageError,
    );
    expect(await fixture.db.outbox.count()).toBe(0);
  });
});

describe('storage error classification', () => {
  it('recognises quota errors however Dexie wraps them', () => {
    const quota = {
      name: 'AbortError',
      message: 'aborted',
      inner: { name: 'QuotaExceededError', message: 'full' },
    };
    expect(classifyStorageError(quota).kind).toBe('quota');
    expect(classifyStorageError(quota).message).toMatch(/draft is kept/);
    expect(classifyStorageError({ name: 'MissingAPIError', message: 'no indexedDB' }).kind).toBe(
      'unavailable',
    );
    expect(classifyStorageError(new Error('weird')).kind).toBe('unknown');
  });
});
