/**
 * Executable facts about the real Memos REST API (v0.29.1 and v0.30.0, by MEMOS_VERSION;
 * facts that differ are given for both with `onVersion`) that the sync client relies on:
 * who may read and write what, comments, relations, reactions and attachments (§3.1–§3.6, §5).
 * One `it()` per claim of /work/shared/memos-api.md (section numbers in the titles), checked
 * with plain `fetch` against a fresh private instance. Where the server disagrees with the
 * document, the test asserts what the server does and says so in its title;
 * test/fixtures/memos/FINDINGS.md lists those places. Tests never skip and never assert
 * durations; each creates the memos it inspects, and tests that need an isolated memo set
 * use their own user.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  asMemo,
  bob,
  call,
  createMemo,
  listQuery,
  memoList,
  patchMemo,
  rec,
  uidOf,
  useMemosInstance,
} from './memos-api-facts/harness';

useMemosInstance();

describe('§3 access rules, comments, relations, reactions, attachments', () => {
  it('§3.2 visibility rules: PRIVATE → 403 for others (admins too); PROTECTED/PUBLIC readable by users', async () => {
    const priv = await createMemo({ content: 'admin private', visibility: 'PRIVATE' });
    const prot = await createMemo({ content: 'admin protected', visibility: 'PROTECTED' });
    const pub = await createMemo({ content: 'admin public', visibility: 'PUBLIC' });
    const denied = await call('GET', `/api/v1/${priv.name}`, { token: bob().token });
    expect(denied.status).toBe(403);
    expect(denied.body).toEqual({ code: 7, message: 'permission denied', details: [] });
    expect((await call('GET', `/api/v1/${prot.name}`, { token: bob().token })).status).toBe(200);
    expect((await call('GET', `/api/v1/${pub.name}`, { token: bob().token })).status).toBe(200);
    const bobs = await createMemo({ content: 'bob private' }, { token: bob().token });
    expect((await call('GET', `/api/v1/${bobs.name}`)).status).toBe(403);
  });

  it('§3.3/§3.5 only the creator or an admin may PATCH/DELETE (403 otherwise); an admin may PATCH a PRIVATE memo it cannot GET', async () => {
    const pub = await createMemo({ content: 'admin public', visibility: 'PUBLIC' });
    const patch = await patchMemo(uidOf(pub), 'content', { content: 'bob was here' }, bob().token);
    expect(patch.status).toBe(403);
    expect(rec(patch.body)).toMatchObject({ code: 7 });
    expect((await call('DELETE', `/api/v1/${pub.name}`, { token: bob().token })).status).toBe(403);
    const bobs = await createMemo({ content: 'bob private' }, { token: bob().token });
    const adminPatch = await patchMemo(uidOf(bobs), 'pinned', { pinned: true });
    expect(adminPatch.status).toBe(200);
    expect(asMemo(adminPatch.body).pinned).toBe(true);
  });

  it('§3.2/§3.4 an ARCHIVED memo is readable by its creator, 404 for everyone else (even admins)', async () => {
    const memo = await createMemo({ content: 'bob archived', visibility: 'PUBLIC' }, { token: bob().token });
    await patchMemo(uidOf(memo), 'state', { state: 'ARCHIVED' }, bob().token);
    const own = await call('GET', `/api/v1/${memo.name}`, { token: bob().token });
    expect(asMemo(own.body).state).toBe('ARCHIVED');
    const admin = await call('GET', `/api/v1/${memo.name}`);
    expect(admin.status).toBe(404);
    expect(rec(admin.body)).toMatchObject({ code: 5, message: 'memo not found' });
  });

  it('§3.1 comments: CreateMemoComment response has NO parent (DISAGREES); listed comments have it; visibility copied', async () => {
    const parent = await createMemo({ content: 'parent', visibility: 'PUBLIC' });
    const commentId = randomUUID();
    const res = await call('POST', `/api/v1/${parent.name}/comments?commentId=${commentId}`, {
      body: { content: 'a comment', visibility: 'PRIVATE' },
    });
    expect(res.status).toBe(200);
    const comment = asMemo(res.body);
    expect(comment.name).toBe(`memos/${commentId}`);
    expect(comment.visibility).toBe('PUBLIC');
    expect('parent' in rec(res.body)).toBe(false);
    const listed = await call('GET', `/api/v1/${parent.name}/comments`);
    const comments = memoList(listed).memos;
    expect(comments.map((c) => c.name)).toEqual([comment.name]);
    expect(comments[0]?.parent).toBe(parent.name);
    const got = asMemo((await call('GET', `/api/v1/${comment.name}`)).body);
    expect(got.parent).toBe(parent.name);
    // The parent's relations list the COMMENT relation.
    const parentNow = asMemo((await call('GET', `/api/v1/${parent.name}`)).body);
    expect(parentNow.relations).toEqual([
      {
        memo: { name: comment.name, snippet: 'a comment' },
        relatedMemo: { name: parent.name, snippet: 'parent' },
        type: 'COMMENT',
      },
    ]);
  });

  it('§2 relation snippets are filled by Get/Create but empty ("") in ListMemos and list comments', async () => {
    const parent = await createMemo({ content: 'rel parent', visibility: 'PUBLIC' });
    const ref = await createMemo({
      content: 'rel source',
      relations: [{ relatedMemo: { name: parent.name }, type: 'REFERENCE' }],
    });
    const expected = (snippets: boolean): unknown[] => [
      {
        memo: { name: ref.name, snippet: snippets ? 'rel source' : '' },
        relatedMemo: { name: parent.name, snippet: snippets ? 'rel parent' : '' },
        type: 'REFERENCE',
      },
    ];
    expect(ref.relations).toEqual(expected(true));
    expect(asMemo((await call('GET', `/api/v1/${ref.name}`)).body).relations).toEqual(expected(true));
    const listed = memoList(await call('GET', listQuery({ filter: 'content == "rel source"' }))).memos;
    expect(listed.map((m) => m.relations)).toEqual([expected(false)]);
  });

  it('§3.6 reactions: upsert → 200 with name memos/<uid>/reactions/<n>; repeating it → 500; updateTime not bumped', async () => {
    const memo = await createMemo({ content: 'react', updateTime: '2020-06-01T00:00:00Z' });
    const body = { reaction: { contentId: memo.name, reactionType: '👍' } };
    const first = await call('POST', `/api/v1/${memo.name}/reactions`, { body });
    expect(first.status).toBe(200);
    expect(rec(first.body)).toMatchObject({
      creator: 'users/admin',
      contentId: memo.name,
      reactionType: '👍',
    });
    expect(String(rec(first.body).name)).toMatch(new RegExp(`^${memo.name}/reactions/\\d+$`));
    const again = await call('POST', `/api/v1/${memo.name}/reactions`, { body });
    expect(again.status).toBe(500);
    expect(again.body).toEqual({ code: 13, message: 'failed to upsert reaction', details: [] });
    const now = asMemo((await call('GET', `/api/v1/${memo.name}`)).body);
    expect(now.updateTime).toBe('2020-06-01T00:00:00Z');
    expect(now.reactions).toHaveLength(1);
  });

  it('§3.1 a relation to a missing memo → 500 (Echo body) while the memo itself was created', async () => {
    const uid = randomUUID();
    const res = await call('POST', `/api/v1/memos?memoId=${uid}`, {
      body: {
        content: 'dangling',
        relations: [{ relatedMemo: { name: `memos/${randomUUID()}` }, type: 'REFERENCE' }],
      },
    });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ message: 'Internal Server Error' });
    expect((await call('GET', `/api/v1/memos/${uid}`)).status).toBe(200);
  });

  it('§5 attachments: int64 size as a string, content "" and motionMedia null in output; duplicate attachmentId → 500', async () => {
    const id = randomUUID();
    const body = { filename: 'a.txt', type: 'text/plain', content: Buffer.from('hello').toString('base64') };
    const res = await call('POST', `/api/v1/attachments?attachmentId=${id}`, { body });
    expect(res.status).toBe(200);
    expect(rec(res.body)).toMatchObject({
      name: `attachments/${id}`,
      filename: 'a.txt',
      content: '',
      externalLink: '',
      type: 'text/plain',
      size: '5',
      motionMedia: null,
    });
    const dup = await call('POST', `/api/v1/attachments?attachmentId=${id}`, { body });
    expect(dup.status).toBe(500);
    expect(rec(dup.body)).toMatchObject({ code: 13 });
    expect(String(rec(dup.body).message)).toContain('UNIQUE constraint failed: attachment.uid');
  });
});
