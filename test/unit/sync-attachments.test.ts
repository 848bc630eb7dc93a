/**
 * Attachments synced with the in-memory fake Memos (which has the real server's quirks):
 * stored with the memo edit [F1], merged as sets [F2], uploaded once with a client-chosen id
 * even after a lost answer, refused files marking the memo [F3], removals leaving no orphan
 * on the server [F4], attachments added elsewhere arriving with thumbnails and originals
 * kept within a budget [F5], names the server accepts [F6], and the Trash keeping them
 * [R1, R3]. The same rules run against the real Memos in
 * test/integration/sync-attachments.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AttachmentName,
  attachmentNameOf,
  planEviction,
  sanitizeFilename,
  strayAfterDelete,
  uploadStep,
} from '../../sync/core/attachments';
import { AttachmentRejectedError } from '../../sync/db/attachments';
import { enforceBudget, openOriginal } from '../../sync/engine/media';
import { bytesOf, createFakeWorld, type FakeWorld, pngFile, TINY_PNG } from '../helpers/fake-world';

let world: FakeWorld;
afterEach(async () => {
  await world.dispose();
});

const serverAttachments = () => world.server.attachments.all();
const uidOf = (name: string) => name.replace(/^(memos|attachments)\//, '');

describe('attachments', () => {
  it('[F1] a file is stored with its memo and outbox entry in one transaction; one over the limit writes nothing', async () => {
    world = createFakeWorld();
    const phone = world.device('phone');
    const memo = await phone.notebook.create({
      content: 'receipt',
      visibility: 'PRIVATE',
      files: [pngFile('receipt.png')],
    });
    expect(memo.attachments).toHaveLength(1);
    const [name] = memo.attachments;
    if (!name) throw new Error('setup');
    expect(await phone.db.attachments.get(name)).toMatchObject({
      memo: memo.name,
      filename: 'receipt.png',
      server: 'local',
    });
    expect(await bytesOf(await phone.store.attachments.blob(name, 'original'))).toEqual([...TINY_PNG]);
    expect(await phone.db.outbox.count()).toBe(1);

    const huge = {
      filename: 'video.mov',
      type: 'video/quicktime',
      bytes: new Blob([new Uint8Array(31 * 1024 * 1024)]),
    };
    await expect(
      phone.notebook.create({ content: 'too big', visibility: 'PRIVATE', files: [huge] }),
    ).rejects.toBeInstanceOf(AttachmentRejectedError);
    expect(await phone.db.memos.count()).toBe(1);
    expect(await phone.db.attachments.count()).toBe(1);
    // A photo alone is a memo (no text needed).
    const photoOnly = await phone.notebook.create({ content: '', visibility: 'PRIVATE', files: [pngFile()] });
    expect(photoOnly.attachments).toHaveLength(1);
  });

  it('[F3] an attachment captured offline reaches the server, byte for byte, before the memo lists it', async () => {
    world = createFakeWorld();
    const phone = world.device('phone');
    const memo = await phone.notebook.create({
      content: 'whiteboard',
      visibility: 'PRIVATE',
      files: [pngFile('board.png')],
    });
    const report = await phone.sync();
    expect(report.ok).toBe(true);
    const upload = phone.requests.findIndex((r) => r.startsWith('POST /api/v1/attachments?attachmentId='));
    const create = phone.requests.findIndex((r) => r.startsWith('POST /api/v1/memos?memoId='));
    expect(upload).toBeGreaterThanOrEqual(0);
    expect(create).toBeGreaterThan(upload);
    const [stored] = serverAttachments();
    expect(stored).toMatchObject({ filename: 'board.png', type: 'image/png', memoUid: uidOf(memo.name) });
    expect([...(stored?.bytes ?? [])]).toEqual([...TINY_PNG]);
    expect(await phone.db.attachments.get(memo.attachments[0] as AttachmentName)).toMatchObject({
      server: 'uploaded',
    });
  });

  it('[F3] a lost answer to the upload: the next pass reads it back instead of uploading twice (a repeat would be 500)', async () => {
    world = createFakeWorld();
    const phone = world.device('phone');
    await phone.notebook.create({
      content: 'parcel label',
      visibility: 'PRIVATE',
      files: [pngFile('label.png')],
    });
    phone.fail('POST', /^\/api\/v1\/attachments$/, 'drop-response');
    expect((await phone.sync()).ok).toBe(false);
    expect(serverAttachments()).toHaveLength(1);
    const second = await phone.sync();
    expect(second.ok).toBe(true);
    expect(phone.requests.filter((r) => r.startsWith('POST /api/v1/attachments'))).toHaveLength(1);
    expect(phone.requests.filter((r) => r.startsWith('GET /api/v1/attachments/'))).toHaveLength(1);
    expect(serverAttachments()).toHaveLength(1);
    expect(world.server.memos()).toHaveLength(1);
  });

  it('[F3][O4] a file the server refuses marks its memo and does not block the others', async () => {
    world = createFakeWorld({ attachmentLimitBytes: 10 });
    const phone = world.device('phone');
    const big = await phone.notebook.create({
      content: 'big photo',
      visibility: 'PRIVATE',
      files: [pngFile()],
    });
    await phone.notebook.create({ content: 'plain text', visibility: 'PRIVATE' });
    const report = await phone.sync();
    expect(report.ok).toBe(true);
    expect(report.rejected).toBe(1);
    expect((await phone.db.memos.get(big.name))?.syncIssue?.message).toMatch(
      /photo\.png.*file size exceeds the limit/,
    );
    expect(world.server.memos().map((m) => m.content)).toEqual(['plain text']);
  });

  it('[F2] two devices each add an attachment to the same memo: both end with both', async () => {
    world = createFakeWorld();
    const phone = world.device('phone');
    const laptop = world.device('laptop');
    const memo = await phone.notebook.create({ content: 'garden plan', visibility: 'PRIVATE' });
    await phone.sync();
    await laptop.sync();
    await phone.notebook.attach(memo.name, [pngFile('from-phone.png')]);
    await laptop.notebook.attach(memo.name, [pngFile('from-laptop.png')]);
    await phone.sync();
    await laptop.sync();
    await phone.sync();
    const files = serverAttachments()
      .map((a) => a.filename)
      .sort();
    expect(files).toEqual(['from-laptop.png', 'from-phone.png']);
    for (const device of [phone, laptop]) {
      const local = await device.db.memos.get(memo.name);
      expect(local?.attachments).toHaveLength(2);
      expect(await device.db.outbox.count()).toBe(0);
    }
  });

  it('[F2][F4] removing an attachment on one device removes it everywhere and leaves no orphan on the server', async () => {
    world = createFakeWorld();
    const phone = world.device('phone');
    const laptop = world.device('laptop');
    const memo = await phone.notebook.create({
      content: 'two photos',
      visibility: 'PRIVATE',
      files: [pngFile('keep.png'), pngFile('drop.png')],
    });
    await phone.sync();
    await laptop.sync();
    const drop = (await phone.db.attachments.toArray()).find((a) => a.filename === 'drop.png');
    if (!drop) throw new Error('setup');
    await phone.notebook.update(memo.name, { attachments: memo.attachments.filter((a) => a !== drop.name) });
    await phone.sync();
    await laptop.sync();
    expect(serverAttachments().map((a) => a.filename)).toEqual(['keep.png']);
    expect(await phone.db.attachments.get(drop.name)).toBeUndefined();
    expect(await laptop.db.attachments.get(drop.name)).toBeUndefined();
    expect((await laptop.db.memos.get(memo.name))?.attachments).toHaveLength(1);
  });

  it('[F4] an attachment uploaded but removed before its memo listed it is deleted on the server', async () => {
    world = createFakeWorld();
    const phone = world.device('phone');
    const memo = await phone.notebook.create({
      content: 'draft',
      visibility: 'PRIVATE',
      files: [pngFile('oops.png')],
    });
    phone.fail('POST', /^\/api\/v1\/memos$/, 'drop-request');
    expect((await phone.sync()).ok).toBe(false);
    expect(serverAttachments()).toHaveLength(1); // uploaded, not linked
    await phone.notebook.update(memo.name, { attachments: [] });
    expect((await phone.sync()).ok).toBe(true);
    expect(serverAttachments()).toEqual([]);
    expect(await phone.db.attachments.count()).toBe(0);
  });

  it('[F5] an attachment added in the web UI arrives with its memo and a thumbnail; the original when opened', async () => {
    world = createFakeWorld();
    const phone = world.device('phone');
    const web = world.server.webUi('alice');
    const memo = web.create('from the web');
    web.attach(memo.uid, [{ filename: 'scan.png', type: 'image/png', bytes: TINY_PNG }]);
    await phone.sync();
    const [row] = await phone.db.attachments.toArray();
    expect(row).toMatchObject({
      filename: 'scan.png',
      server: 'uploaded',
      thumbnail: 'here',
      original: false,
    });
    if (!row) throw new Error('setup');
    expect(await bytesOf(await phone.store.attachments.blob(row.name, 'thumbnail'))).toEqual([...TINY_PNG]);
    const opened = await openOriginal(phone.api, phone.store.attachments, row.name, {
      now: 1,
      budget: 1_000_000,
    });
    expect(opened.ok && (await bytesOf(opened.value))).toEqual([...TINY_PNG]);
    // Offline now: the original opened once is still there.
    const offline = await openOriginal(undefined, phone.store.attachments, row.name, {
      now: 2,
      budget: 1_000_000,
    });
    expect(offline.ok).toBe(true);
  });

  it('[F5] originals beyond the budget go, least recently opened first; one that exists nowhere else stays', async () => {
    expect(
      planEviction(
        [
          { name: 'attachments/a' as AttachmentName, size: 40, openedAt: 1, only: false },
          { name: 'attachments/b' as AttachmentName, size: 40, openedAt: 3, only: false },
          { name: 'attachments/c' as AttachmentName, size: 40, openedAt: 0, only: true },
        ],
        60,
      ),
    ).toEqual(['attachments/a', 'attachments/b']);
    world = createFakeWorld();
    const phone = world.device('phone');
    const pending = await phone.notebook.create({
      content: 'not yet sent',
      visibility: 'PRIVATE',
      files: [pngFile()],
    });
    expect(await enforceBudget(phone.store.attachments, 0)).toEqual([]);
    expect(
      await phone.store.attachments.blob(pending.attachments[0] as AttachmentName, 'original'),
    ).toBeDefined();
  });

  it('[F3] each attachment of a set to send: ready when listed there, else uploaded, read back or dropped', () => {
    expect(uploadStep('uploaded', true)).toBe('ready');
    expect(uploadStep(undefined, true)).toBe('ready'); // the server's side of a merge
    expect(uploadStep('local', false)).toBe('upload');
    expect(uploadStep('unsure', false)).toBe('read-back');
    // Sent before, but the memo's copy there does not list it: deleted with its memo, maybe.
    expect(uploadStep('uploaded', false)).toBe('read-back');
    // No row here and not there: its bytes exist nowhere; a set naming it would be a 404.
    expect(uploadStep(undefined, false)).toBe('drop');
  });

  it('[F4][F7] after a memo is deleted on the server, what it may have left there unlinked goes too', () => {
    const [a, b, c] = ['a1', 'b2', 'c3'].map((n) =>
      attachmentNameOf(`00000000-0000-4000-8000-0000000000${n}`),
    );
    const rows = [
      { name: a as AttachmentName, server: 'uploaded' as const },
      { name: b as AttachmentName, server: 'unsure' as const },
      { name: c as AttachmentName, server: 'local' as const },
    ];
    expect(strayAfterDelete(rows)).toEqual([a, b]);
  });

  it('[F6] file names are made acceptable to the server', () => {
    expect(sanitizeFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFilename('.hidden')).toBe('hidden');
    expect(sanitizeFilename(' report. ')).toBe('report');
    expect(sanitizeFilename('a\\b/c.txt')).toBe('c.txt');
    expect(sanitizeFilename('photos/2024/')).toBe('2024');
    expect(sanitizeFilename('...')).toBe('file');
    expect(sanitizeFilename(`${'x'.repeat(300)}.jpeg`)).toHaveLength(255);
  });

  it('[R1][R3][F3] a memo in the Trash keeps its attachment; Restore puts it back on the server', async () => {
    world = createFakeWorld();
    const phone = world.device('phone');
    const memo = await phone.notebook.create({
      content: 'keep the photo',
      visibility: 'PRIVATE',
      files: [pngFile()],
    });
    await phone.sync();
    await phone.notebook.remove(memo.name);
    await phone.sync();
    expect(world.server.memos()).toEqual([]);
    expect(serverAttachments()).toEqual([]); // Memos deletes a memo's attachments with it
    const [name] = memo.attachments;
    if (!name) throw new Error('setup');
    expect(await phone.store.attachments.blob(name, 'original')).toBeDefined();

    await phone.trash.restore(memo.name);
    expect((await phone.sync()).ok).toBe(true);
    expect(world.server.memos().map((m) => m.content)).toEqual(['keep the photo']);
    expect(serverAttachments().map((a) => [...a.bytes])).toEqual([[...TINY_PNG]]);
  });
});
