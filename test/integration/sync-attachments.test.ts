/**
 * Attachments synced with the real Memos v0.30.0 [F1–F5]: a photo attached offline reaches
 * the server linked to its memo with identical bytes (PNG, which Memos stores as it is); a
 * file attached the web UI's way shows on the device with the network off; two devices each
 * adding one to the same memo end with both; a removal on one device removes it everywhere
 * and leaves no orphan; a lost upload answer is read back, never duplicated.
 */
import { describe, expect, it } from 'vitest';
import type { AttachmentName } from '../../sync/core/attachments';
import { openOriginal } from '../../sync/engine/media';
import { pngFile, TINY_PNG } from '../helpers/fake-world';
import { expectMirrors } from './helpers/device';
import { useMemosServer } from './helpers/server-suite';

const suite = useMemosServer();

describe('attachments with the real server', () => {
  it('[F1][F3] a photo attached offline reaches the server linked to its memo, byte for byte', async () => {
    const { account, device } = await suite.solo();
    const memo = await device.notebook.create({
      content: 'receipt',
      visibility: 'PRIVATE',
      files: [pngFile('receipt.png')],
    });
    await device.syncOk();
    const [listed] = (await account.web.get(memo.name))?.attachments ?? [];
    expect(listed).toBe(memo.attachments[0]);
    const onServer = await account.web.attachments();
    expect(onServer).toEqual([{ name: listed, filename: 'receipt.png', memo: memo.name }]);
    expect([...(await account.web.fileBytes(listed ?? ''))]).toEqual([...TINY_PNG]);
    await expectMirrors(device, await account.web.listAll());
  });

  it('[F5] a file attached the web UI’s way shows on the device with the network off', async () => {
    const { account, device } = await suite.solo();
    const made = await account.web.create('scanned letter');
    await account.web.attach(made.name, [{ filename: 'letter.png', type: 'image/png', bytes: TINY_PNG }]);
    await device.syncOk();
    const local = await device.memo(made.name);
    expect(local?.attachments).toHaveLength(1);
    const name = local?.attachments[0] as AttachmentName;
    const row = await device.db.attachments.get(name);
    expect(row).toMatchObject({ filename: 'letter.png', type: 'image/png', server: 'uploaded' });
    // The thumbnail came with the pass; the original comes when opened, then stays offline.
    expect(row?.thumbnail).toBe('here');
    const opened = await openOriginal(device.api, device.store.attachments, name, {
      now: Date.now(),
      budget: 1e9,
    });
    expect(opened.ok).toBe(true);
    const offline = await openOriginal(undefined, device.store.attachments, name, {
      now: Date.now(),
      budget: 1e9,
    });
    expect(offline.ok && [...new Uint8Array(await offline.value.arrayBuffer())]).toEqual([...TINY_PNG]);
    await expectMirrors(device, await account.web.listAll());
  });

  it('[F2] two devices each adding an attachment to the same memo end with both', async () => {
    const account = await suite.account();
    const phone = suite.device(account, { label: 'phone' });
    const laptop = suite.device(account, { label: 'laptop' });
    const memo = await phone.notebook.create({ content: 'garden plan', visibility: 'PRIVATE' });
    await phone.syncOk();
    await laptop.syncOk();
    await phone.notebook.attach(memo.name, [pngFile('phone.png')]);
    await laptop.notebook.attach(memo.name, [pngFile('laptop.png')]);
    await phone.syncOk('delta');
    await laptop.syncOk('delta');
    await phone.syncOk('delta');
    const server = await account.web.listAll();
    expect(server[0]?.attachments).toHaveLength(2);
    expect((await account.web.attachments()).map((a) => a.filename).sort()).toEqual([
      'laptop.png',
      'phone.png',
    ]);
    await expectMirrors(phone, server);
    await expectMirrors(laptop, server);
  });

  it('[F2][F4] removal on one device removes it everywhere and leaves no orphan', async () => {
    const account = await suite.account();
    const phone = suite.device(account, { label: 'phone' });
    const laptop = suite.device(account, { label: 'laptop' });
    const memo = await phone.notebook.create({
      content: 'two photos',
      visibility: 'PRIVATE',
      files: [pngFile('keep.png'), pngFile('drop.png')],
    });
    await phone.syncOk();
    await laptop.syncOk();
    const drop = (await phone.db.attachments.toArray()).find((a) => a.filename === 'drop.png')?.name;
    await phone.notebook.update(memo.name, { attachments: memo.attachments.filter((a) => a !== drop) });
    await phone.syncOk('delta');
    await laptop.syncOk('delta');
    expect((await account.web.attachments()).map((a) => a.filename)).toEqual(['keep.png']);
    const server = await account.web.listAll();
    await expectMirrors(phone, server);
    await expectMirrors(laptop, server);
    expect(await laptop.db.attachments.count()).toBe(1);
  });

  it('[F3] a lost upload answer is read back on the next pass: one attachment, one memo', async () => {
    const { account, device } = await suite.solo();
    await device.notebook.create({ content: 'label', visibility: 'PRIVATE', files: [pngFile('label.png')] });
    device.transport.on({ method: 'POST', path: '/api/v1/attachments', fault: 'drop-response' });
    expect((await device.sync()).ok).toBe(false);
    await device.syncOk();
    expect(device.transport.requests('POST', '/api/v1/attachments').length).toBe(1);
    expect(await account.web.attachments()).toHaveLength(1);
    expect(await account.web.listAll()).toHaveLength(1);
  });
});
