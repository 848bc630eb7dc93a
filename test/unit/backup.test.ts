/** Export / import: round trip, idempotent re-import, and malformed files change nothing. */
import { afterEach, describe, expect, it } from 'vitest';
import { buildZipExport, importZip } from '../../app/settings/backup-zip';
import { buildExport, parseExport } from '../../sync/core/backup-format';
import { applyImport } from '../../sync/db/import';
import { createTestNotebook } from '../helpers/notebook-fixture';

let fixture: ReturnType<typeof createTestNotebook>;
afterEach(async () => {
  await fixture.dispose();
});

/** As if sync had pushed everything: the outbox is empty and each memo's base is its local copy. */
async function synced(f: ReturnType<typeof createTestNotebook>): Promise<void> {
  const memos = await f.db.memos.toArray();
  await f.db.outbox.clear();
  await f.db.bases.bulkPut(memos.map((m) => ({ ...m, creator: 'users/me', files: [] })));
}

async function exportText(f: ReturnType<typeof createTestNotebook>): Promise<string> {
  return JSON.stringify(buildExport(await f.db.memos.toArray(), f.clock.now()));
}

describe('export and import', () => {
  it('round-trips every memo and its metadata', async () => {
    fixture = createTestNotebook();
    const a = await fixture.notebook.create({ content: 'alpha #x', visibility: 'PUBLIC' });
    const b = await fixture.notebook.create({ content: 'beta', visibility: 'PRIVATE' });
    await fixture.notebook.update(b.name, { state: 'ARCHIVED', pinned: true });
    const text = await exportText(fixture);

    const target = createTestNotebook();
    const parsed = parseExport(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const summary = await applyImport(target.db, target.feed, parsed.memos, target.clock.now());
    expect(summary).toEqual({ added: 2, updated: 0, unchanged: 0, keptLocal: 0, conflicts: 0 });
    const imported = await target.db.memos.get(b.name);
    expect(imported).toMatchObject({
      content: 'beta',
      state: 'ARCHIVED',
      pinned: true,
      createTime: b.createTime,
    });
    expect((await target.db.memos.get(a.name))?.tags).toEqual(['x']);
    expect(await target.db.outbox.count()).toBe(2);

    const again = await applyImport(target.db, target.feed, parsed.memos, target.clock.now());
    expect(again).toEqual({ added: 0, updated: 0, unchanged: 2, keptLocal: 0, conflicts: 0 });
    expect(await target.db.memos.count()).toBe(2);
    expect(await target.db.outbox.count()).toBe(2);
    await target.dispose();
  });

  it('newer imported versions replace older synced ones; newer local versions are kept', async () => {
    fixture = createTestNotebook();
    const memo = await fixture.notebook.create({ content: 'v1', visibility: 'PRIVATE' });
    await synced(fixture);
    const snapshot = await exportText(fixture);
    fixture.clock.advance(1000);
    await fixture.notebook.update(memo.name, { content: 'v2 local' });
    await synced(fixture);
    const parsed = parseExport(snapshot);
    if (!parsed.ok) throw new Error('fixture export did not parse');
    expect(await applyImport(fixture.db, fixture.feed, parsed.memos, fixture.clock.now())).toMatchObject({
      keptLocal: 1,
    });
    expect((await fixture.db.memos.get(memo.name))?.content).toBe('v2 local');
    const newer = parsed.memos.map((m) => ({
      ...m,
      content: 'v3 from file',
      updateTime: m.updateTime + 10_000,
    }));
    expect(await applyImport(fixture.db, fixture.feed, newer, fixture.clock.now())).toMatchObject({
      updated: 1,
    });
    expect((await fixture.db.memos.get(memo.name))?.content).toBe('v3 from file');
  });

  it('[B2] an import never overwrites unsynced work: a later file merges into the pending edit, or becomes a visible conflict', async () => {
    fixture = createTestNotebook();
    const memo = await fixture.notebook.create({ content: 'shopping\nmilk', visibility: 'PRIVATE' });
    await synced(fixture);
    const snapshot = parseExport(await exportText(fixture));
    if (!snapshot.ok) throw new Error('fixture export did not parse');
    fixture.clock.advance(1000);
    // A pending local edit (not yet synced).
    await fixture.notebook.update(memo.name, { content: 'shopping\nmilk\neggs' });
    // The file is later, made public, and changed the first line: the text merges, the
    // visibility this device did not touch stays as it is here (never widened by a file).
    const later = snapshot.memos.map((m) => ({
      ...m,
      content: 'Shopping list\nmilk',
      visibility: 'PUBLIC' as const,
      updateTime: m.updateTime + 60_000,
    }));
    expect(await applyImport(fixture.db, fixture.feed, later, fixture.clock.now())).toMatchObject({
      updated: 1,
    });
    expect(await fixture.db.memos.get(memo.name)).toMatchObject({
      content: 'Shopping list\nmilk\neggs',
      visibility: 'PRIVATE',
    });
    expect(await fixture.db.conflicts.count()).toBe(0);

    // A file that changed the same line as the pending edit: nothing is overwritten; a
    // conflict record keeps the imported version for the user to choose.
    await fixture.notebook.update(memo.name, { content: 'Shopping list\nalmond milk\neggs' });
    const clash = snapshot.memos.map((m) => ({
      ...m,
      content: 'Shopping list\noat milk',
      updateTime: m.updateTime + 120_000,
    }));
    expect(await applyImport(fixture.db, fixture.feed, clash, fixture.clock.now())).toMatchObject({
      conflicts: 1,
    });
    expect((await fixture.db.memos.get(memo.name))?.content).toBe('Shopping list\nalmond milk\neggs');
    expect(await fixture.db.conflicts.get(memo.name)).toMatchObject({
      origin: 'import',
      localContent: 'Shopping list\nalmond milk\neggs',
      remoteContent: 'Shopping list\noat milk',
    });
  });

  const MALFORMED: Array<[string, string, RegExp]> = [
    ['not JSON', '{"memos": [', /not valid JSON/],
    ['a list at the top', '[]', /expected a JSON object/],
    ['no memos', '{"format":"memos-offline-export","version":1}', /memos: expected a list/],
    ['wrong format', '{"format":"other","memos":[]}', /format/],
    ['future version', '{"format":"memos-offline-export","version":9,"memos":[]}', /version/],
    [
      'bad name',
      '{"memos":[{"name":"notes/1","content":"x","createTime":"2026-01-01T00:00:00Z"}]}',
      /memos\[0\]\.name/,
    ],
    [
      'empty content',
      '{"memos":[{"name":"memos/abc","content":"","createTime":"2026-01-01T00:00:00Z"}]}',
      /content/,
    ],
    [
      'bad visibility',
      '{"memos":[{"name":"memos/abc","content":"x","visibility":"SECRET","createTime":"2026-01-01T00:00:00Z"}]}',
      /visibility/,
    ],
    ['bad date', '{"memos":[{"name":"memos/abc","content":"x","createTime":"yesterday"}]}', /createTime/],
    [
      'duplicate names',
      '{"memos":[{"name":"memos/abc","content":"x","createTime":"2026-01-01T00:00:00Z"},{"name":"memos/abc","content":"y","createTime":"2026-01-01T00:00:00Z"}]}',
      /appears twice/,
    ],
  ];

  it.each(MALFORMED)('rejects %s with a precise message', (_label, text, message) => {
    const parsed = parseExport(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors.join('; ')).toMatch(message);
  });

  it('a file with one bad memo among good ones imports nothing', () => {
    const good = { name: 'memos/good-1', content: 'fine', createTime: '2026-01-01T00:00:00Z' };
    const parsed = parseExport(JSON.stringify({ memos: [good, { ...good, name: 'memos/-bad' }] }));
    expect(parsed.ok).toBe(false);
  });

  it('accepts a Memos ListMemos page', () => {
    const page = {
      memos: [
        {
          name: 'memos/Abc123xyz',
          content: 'from the server #x',
          visibility: 'PROTECTED',
          state: 'NORMAL',
          pinned: false,
          createTime: '2026-08-22T10:15:30Z',
          updateTime: '2026-08-22T10:15:30Z',
          tags: ['x'],
          creator: 'users/alice',
        },
      ],
      nextPageToken: '',
    };
    const parsed = parseExport(JSON.stringify(page));
    expect(parsed.ok && parsed.memos[0]?.createTime).toBe(Date.parse('2026-08-22T10:15:30Z'));
  });
});

describe('export with attachments', () => {
  it('[B3] a zip export carries the files; importing it elsewhere adds them, importing twice adds nothing', async () => {
    fixture = createTestNotebook();
    const photo = new Blob([new Uint8Array([137, 80, 78, 71, 1, 2, 3])], { type: 'image/png' });
    const memo = await fixture.notebook.create({
      content: 'receipt',
      visibility: 'PRIVATE',
      files: [{ filename: 'receipt.png', type: 'image/png', bytes: photo }],
    });
    const services = {
      db: fixture.db,
      feed: fixture.feed,
      notebook: fixture.notebook,
      now: fixture.clock.now,
    };
    const built = await buildZipExport(services);
    expect(built).toMatchObject({ memos: 1, files: 1, missing: 0 });

    const target = createTestNotebook();
    const targetServices = {
      db: target.db,
      feed: target.feed,
      notebook: target.notebook,
      now: target.clock.now,
    };
    const file = new File([built.blob], 'backup.zip', { type: 'application/zip' });
    const first = await importZip(targetServices, file);
    expect(first.ok && first.summary.added).toBe(1);
    const imported = await target.db.memos.get(memo.name);
    expect(imported?.attachments).toHaveLength(1);
    const [row] = await target.db.attachments.toArray();
    expect(row).toMatchObject({
      filename: 'receipt.png',
      type: 'image/png',
      server: 'local',
      memo: memo.name,
    });
    expect(row?.name).not.toBe(memo.attachments[0]); // fresh ids: the old ones may be another account's
    const bytes = await target.db.attachmentBlobs.get([row?.name as never, 'original']);
    expect([...new Uint8Array(await (bytes?.bytes ?? new Blob()).arrayBuffer())]).toEqual([
      137, 80, 78, 71, 1, 2, 3,
    ]);

    const again = await importZip(targetServices, file);
    expect(again.ok && again.summary).toMatchObject({ added: 0, unchanged: 1 });
    expect(await target.db.attachments.count()).toBe(1);

    const broken = new File([new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2])], 'bad.zip');
    expect(await importZip(targetServices, broken)).toMatchObject({ ok: false });
    expect(await target.db.memos.count()).toBe(1);
    await target.dispose();
  });
});
