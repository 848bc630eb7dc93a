/**
 * Executable facts about attachments in the real Memos v0.30.0 REST API that the client's
 * attachment sync relies on (../shared/memos-0.31-and-attachments.md §2, memos-api.md §5),
 * checked with plain `fetch` against a fresh private instance. Where the server disagrees
 * with the documents, the test asserts what the server does and says so in its title.
 */
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { asMemo, bob, call, rec, server, uidOf, useMemosInstance } from './memos-api-facts/harness';

useMemosInstance();

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

async function upload(
  bytes: Buffer,
  options: { uid?: string; filename?: string; type?: string; token?: string } = {},
) {
  const uid = options.uid ?? randomUUID();
  const res = await call('POST', `/api/v1/attachments?attachmentId=${uid}`, {
    body: {
      filename: options.filename ?? 'photo.png',
      type: options.type ?? 'image/png',
      content: bytes.toString('base64'),
    },
    ...(options.token ? { token: options.token } : {}),
  });
  return { uid, res };
}

async function file(uid: string, query = '', token?: string | null) {
  const headers: Record<string, string> = {};
  const bearer = token === undefined ? server().admin.token : token;
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const res = await fetch(`${server().baseUrl}/file/attachments/${uid}/photo.png${query}`, { headers });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

describe('§5 attachments', () => {
  it('§5 create with ?attachmentId: 200, name attachments/<id>, size as a string, content empty, no memo', async () => {
    const { uid, res } = await upload(PNG);
    expect(res.status).toBe(200);
    const body = rec(res.body);
    expect(body.name).toBe(`attachments/${uid}`);
    expect(body.size).toBe(String(PNG.length));
    expect(body.content).toBe('');
    expect(body.type).toBe('image/png');
    expect(body.memo).toBeUndefined();
  });

  it('§5 a repeated attachmentId answers 500 (INTERNAL), not 409; the first one is intact', async () => {
    const { uid } = await upload(PNG);
    const again = await upload(PNG, { uid });
    expect(again.res.status).toBe(500);
    expect(rec(again.res.body).code).toBe(13);
    const read = await call('GET', `/api/v1/attachments/${uid}`);
    expect(read.status).toBe(200);
  });

  it('§5 an unlinked attachment is readable by its creator (and admins) only: others get 403, anonymous 401', async () => {
    const owner = await upload(PNG, { token: bob().token });
    expect((await call('GET', `/api/v1/attachments/${owner.uid}`, { token: bob().token })).status).toBe(200);
    expect((await call('GET', `/api/v1/attachments/${owner.uid}`, { token: null })).status).toBe(401);
    expect((await call('GET', `/api/v1/attachments/${owner.uid}`)).status).toBe(200); // the admin
    const { uid } = await upload(PNG);
    expect((await call('GET', `/api/v1/attachments/${uid}`, { token: bob().token })).status).toBe(403);
    expect((await file(uid, '', bob().token)).status).not.toBe(200);
  });

  it('§5 a file name with a slash or a leading dot is refused (400)', async () => {
    for (const filename of ['a/b.png', '.hidden.png', 'trailing.']) {
      const { res } = await upload(PNG, { filename });
      expect(res.status, filename).toBe(400);
    }
  });

  it('§5 a zero-byte file is accepted (size "0")', async () => {
    const { res } = await upload(Buffer.alloc(0), { filename: 'empty.txt', type: 'text/plain' });
    expect(res.status).toBe(200);
    expect(rec(res.body).size).toBe('0');
  });

  it('§5 the upload limit: over it is 400 "file size exceeds the limit"; only an admin can read the setting', async () => {
    const setting = await call('GET', '/api/v1/instance/settings/STORAGE');
    expect(setting.status).toBe(200);
    expect((await call('GET', '/api/v1/instance/settings/STORAGE', { token: bob().token })).status).toBe(403);
    const storage = rec(rec(setting.body).storageSetting);
    const limitMb = Number(storage.uploadSizeLimitMb);
    expect(limitMb).toBe(30);
    const patched = await call('PATCH', '/api/v1/instance/settings/STORAGE?updateMask=storage_setting', {
      body: { name: 'instance/settings/STORAGE', storageSetting: { ...storage, uploadSizeLimitMb: 1 } },
    });
    expect(patched.status).toBe(200);
    try {
      const { res } = await upload(Buffer.alloc(1024 * 1024 + 1), {
        filename: 'big.bin',
        type: 'application/octet-stream',
      });
      expect(res.status).toBe(400);
      expect(rec(res.body).message).toBe('file size exceeds the limit');
    } finally {
      await call('PATCH', '/api/v1/instance/settings/STORAGE?updateMask=storage_setting', {
        body: { name: 'instance/settings/STORAGE', storageSetting: storage },
      });
    }
  });

  it('§5 CreateMemo with attachments links them; the memo lists them with file name, type and size', async () => {
    const { uid } = await upload(PNG);
    const memoId = randomUUID();
    const res = await call('POST', `/api/v1/memos?memoId=${memoId}`, {
      body: { content: 'with a photo', attachments: [{ name: `attachments/${uid}` }] },
    });
    expect(res.status).toBe(200);
    const [listed] = asMemo(res.body).attachments.map(rec);
    expect(listed).toMatchObject({
      name: `attachments/${uid}`,
      filename: 'photo.png',
      type: 'image/png',
      size: String(PNG.length),
    });
    expect(rec((await call('GET', `/api/v1/attachments/${uid}`)).body).memo).toBe(`memos/${memoId}`);
  });

  it('§5 UpdateMemo with mask attachments replaces the set and DELETES the attachments it leaves out; update_time moves', async () => {
    const a = await upload(PNG);
    const b = await upload(PNG);
    const created = asMemo(
      (
        await call('POST', `/api/v1/memos?memoId=${randomUUID()}`, {
          body: {
            content: 'two',
            attachments: [{ name: `attachments/${a.uid}` }, { name: `attachments/${b.uid}` }],
          },
        })
      ).body,
    );
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const res = await call('PATCH', `/api/v1/${created.name}?updateMask=attachments,update_time`, {
      body: { attachments: [{ name: `attachments/${a.uid}` }] },
    });
    expect(res.status).toBe(200);
    const updated = asMemo(res.body);
    expect(updated.attachments.map((x) => rec(x).name)).toEqual([`attachments/${a.uid}`]);
    expect(Date.parse(updated.updateTime)).toBeGreaterThan(Date.parse(created.updateTime));
    expect((await call('GET', `/api/v1/attachments/${b.uid}`)).status).toBe(404);
    expect((await file(b.uid)).status).toBe(404);
  });

  it('§5 UpdateMemo listing an unknown attachment is 404, like a missing memo (ambiguous for a client)', async () => {
    const created = asMemo(
      (await call('POST', `/api/v1/memos?memoId=${randomUUID()}`, { body: { content: 'x' } })).body,
    );
    const res = await call('PATCH', `/api/v1/${created.name}?updateMask=attachments`, {
      body: { attachments: [{ name: `attachments/${randomUUID()}` }] },
    });
    expect(res.status).toBe(404);
  });

  it('§5 deleting a memo deletes its attachments', async () => {
    const { uid } = await upload(PNG);
    const created = asMemo(
      (
        await call('POST', `/api/v1/memos?memoId=${randomUUID()}`, {
          body: { content: 'goes', attachments: [{ name: `attachments/${uid}` }] },
        })
      ).body,
    );
    expect((await call('DELETE', `/api/v1/${created.name}`)).status).toBe(200);
    expect((await call('GET', `/api/v1/attachments/${uid}`)).status).toBe(404);
  });

  it('§5 deleting an attachment is own-only: another user gets 404', async () => {
    const { uid } = await upload(PNG);
    expect((await call('DELETE', `/api/v1/attachments/${uid}`, { token: bob().token })).status).toBe(404);
    expect((await call('DELETE', `/api/v1/attachments/${uid}`)).status).toBe(200);
    expect((await call('DELETE', `/api/v1/attachments/${uid}`)).status).toBe(404);
  });

  it('§5 the file route serves a PNG byte for byte with a Bearer token; anonymous on a private instance is refused', async () => {
    const { uid } = await upload(PNG);
    const got = await file(uid);
    expect(got.status).toBe(200);
    expect(got.type).toBe('image/png');
    expect(got.bytes.equals(PNG)).toBe(true);
    expect((await file(uid, '', null)).status).toBe(401);
  });

  it('§5 ?thumbnail=true of an image answers a JPEG', async () => {
    const big = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer();
    const { uid } = await upload(big);
    const thumb = await file(uid, '?thumbnail=true');
    expect(thumb.status).toBe(200);
    expect(thumb.type).toBe('image/jpeg');
    const meta = await sharp(thumb.bytes).metadata();
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(600);
  });

  it('§5 EXIF is stripped from a JPEG: the stored bytes and size differ from the upload', async () => {
    const jpeg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#f80' } })
      .jpeg()
      .withExif({ IFD0: { Copyright: 'Memos Offline fact test', Artist: 'someone' } })
      .toBuffer();
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
    const { uid, res } = await upload(jpeg, { filename: 'photo.jpg', type: 'image/jpeg' });
    expect(res.status).toBe(200);
    expect(Number(rec(res.body).size)).not.toBe(jpeg.length);
    const stored = await file(uid);
    expect(stored.bytes.equals(jpeg)).toBe(false);
    expect((await sharp(stored.bytes).metadata()).exif).toBeUndefined();
  });

  it('§5 v0.30 re-binds an attachment already linked to another memo without a check', async () => {
    const { uid } = await upload(PNG);
    const first = asMemo(
      (
        await call('POST', `/api/v1/memos?memoId=${randomUUID()}`, {
          body: { content: 'first', attachments: [{ name: `attachments/${uid}` }] },
        })
      ).body,
    );
    const second = await call('POST', `/api/v1/memos?memoId=${randomUUID()}`, {
      body: { content: 'second', attachments: [{ name: `attachments/${uid}` }] },
    });
    expect(second.status).toBe(200);
    const reread = asMemo((await call('GET', `/api/v1/${first.name}`)).body);
    expect(reread.attachments).toEqual([]);
    expect(uidOf(asMemo(second.body))).not.toBe(uidOf(first));
  });
});
