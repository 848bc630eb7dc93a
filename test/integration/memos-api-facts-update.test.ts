/**
 * Executable facts about the real Memos REST API (v0.29.1 and v0.30.0, by MEMOS_VERSION;
 * facts that differ are given for both with `onVersion`) that the sync client relies on:
 * PATCH: update masks, update_time, mask inference and their quirks (§0.4, §3.3, §3.4).
 * One `it()` per claim of /work/shared/memos-api.md (section numbers in the titles), checked
 * with plain `fetch` against a fresh private instance. Where the server disagrees with the
 * document, the test asserts what the server does and says so in its title;
 * test/fixtures/memos/FINDINGS.md lists those places. Tests never skip and never assert
 * durations; each creates the memos it inspects, and tests that need an isolated memo set
 * use their own user.
 */
import { describe, expect, it } from 'vitest';
import {
  asMemo,
  call,
  createMemo,
  nowSecs,
  patchMemo,
  rec,
  secs,
  uidOf,
  useMemosInstance,
} from './memos-api-facts/harness';

useMemosInstance();

describe('§3.3 memo update (PATCH)', () => {
  it('§3.3 PATCH updateMask=content does NOT bump updateTime; content,update_time does (server clock)', async () => {
    const memo = await createMemo({ content: 'v1', updateTime: '2020-06-01T00:00:00Z' });
    const uid = uidOf(memo);
    const plain = await patchMemo(uid, 'content', { content: 'v2 #t' });
    expect(plain.status).toBe(200);
    const afterPlain = asMemo(plain.body);
    expect(afterPlain.content).toBe('v2 #t');
    expect(afterPlain.tags).toEqual(['t']);
    expect(afterPlain.updateTime).toBe('2020-06-01T00:00:00Z');

    const before = nowSecs();
    const bumped = await patchMemo(uid, 'content,update_time', { content: 'v3' });
    expect(bumped.status).toBe(200);
    const afterBump = asMemo(bumped.body);
    expect(afterBump.content).toBe('v3');
    expect(afterBump.tags).toEqual([]);
    expect(secs(afterBump.updateTime)).toBeGreaterThanOrEqual(before - 1);
    expect(secs(afterBump.updateTime)).toBeLessThanOrEqual(nowSecs() + 1);
  });

  it('§3.3 update_time with an explicit value stores it, even in the past', async () => {
    const memo = await createMemo({ content: 'x' });
    const res = await patchMemo(uidOf(memo), 'content,update_time', {
      content: 'y',
      updateTime: '2001-02-03T04:05:06Z',
    });
    expect(asMemo(res.body).updateTime).toBe('2001-02-03T04:05:06Z');
  });

  it('§3.3/§3.4 PATCH pinned, state and visibility without update_time apply but do not bump updateTime', async () => {
    const memo = await createMemo({ content: 'flags', updateTime: '2020-06-01T00:00:00Z' });
    const uid = uidOf(memo);
    const pinned = asMemo((await patchMemo(uid, 'pinned', { pinned: true })).body);
    expect(pinned.pinned).toBe(true);
    const visible = asMemo((await patchMemo(uid, 'visibility', { visibility: 'PROTECTED' })).body);
    expect(visible.visibility).toBe('PROTECTED');
    const archived = asMemo((await patchMemo(uid, 'state', { state: 'ARCHIVED' })).body);
    expect(archived.state).toBe('ARCHIVED');
    for (const m of [pinned, visible, archived]) expect(m.updateTime).toBe('2020-06-01T00:00:00Z');
    const restored = asMemo((await patchMemo(uid, 'state,update_time', { state: 'NORMAL' })).body);
    expect(restored.state).toBe('NORMAL');
    expect(secs(restored.updateTime)).toBeGreaterThan(secs('2020-06-01T00:00:00Z'));
  });

  it('§0.4 a camelCase mask path (updateTime) is silently ignored; alone it makes the PATCH a 200 no-op', async () => {
    const memo = await createMemo({ content: 'camel', updateTime: '2020-06-01T00:00:00Z' });
    const uid = uidOf(memo);
    const mixed = await patchMemo(uid, 'content,updateTime', { content: 'camel 2' });
    expect(mixed.status).toBe(200);
    expect(asMemo(mixed.body)).toMatchObject({ content: 'camel 2', updateTime: '2020-06-01T00:00:00Z' });
    const alone = await patchMemo(uid, 'updateTime', { content: 'camel 3' });
    expect(alone.status).toBe(200);
    expect(asMemo(alone.body)).toMatchObject({ content: 'camel 2', updateTime: '2020-06-01T00:00:00Z' });
  });

  it('§3.3 unknown mask paths (tags) are ignored', async () => {
    const memo = await createMemo({ content: '#keep' });
    const res = await patchMemo(uidOf(memo), 'tags', { tags: ['other'] });
    expect(res.status).toBe(200);
    expect(asMemo(res.body).tags).toEqual(['keep']);
  });

  it('§0.4/§11 an unknown key in the PATCH body → 400 could not find field, with or without updateMask', async () => {
    const memo = await createMemo({ content: 'strict' });
    const expected = {
      code: 3,
      message: 'could not find field "localDirty" in "memos.api.v1.Memo"',
      details: [],
    };
    for (const mask of ['content', undefined]) {
      const res = await patchMemo(uidOf(memo), mask, { content: 'changed', localDirty: true });
      expect(res.status).toBe(400);
      expect(res.body).toEqual(expected);
    }
    expect(asMemo((await call('GET', `/api/v1/${memo.name}`)).body).content).toBe('strict');
  });

  it('§2/§3.3 displayTime in the body → 400; display_time in the mask → 400 "display_time is not supported"', async () => {
    const memo = await createMemo({ content: 'dt' });
    const body = await patchMemo(uidOf(memo), 'content', {
      content: 'x',
      displayTime: '2020-01-01T00:00:00Z',
    });
    expect(body.status).toBe(400);
    expect(rec(body.body).message).toBe('could not find field "displayTime" in "memos.api.v1.Memo"');
    const mask = await patchMemo(uidOf(memo), 'display_time', {});
    expect(mask.status).toBe(400);
    expect(rec(mask.body)).toMatchObject({ code: 3, message: 'display_time is not supported' });
  });

  it('§3.3 no updateMask and no body → 400 "update mask is required"', async () => {
    const memo = await createMemo({ content: 'mask' });
    const res = await call('PATCH', `/api/v1/${memo.name}`);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 3, message: 'update mask is required', details: [] });
  });

  it('§3.3 DISAGREES: no updateMask and body {} → 200 no-op (inferred mask is [""], not empty)', async () => {
    const memo = await createMemo({ content: 'empty body', updateTime: '2020-06-01T00:00:00Z' });
    const res = await call('PATCH', `/api/v1/${memo.name}`, { rawBody: '{}' });
    expect(res.status).toBe(200);
    expect(asMemo(res.body)).toMatchObject({ content: 'empty body', updateTime: '2020-06-01T00:00:00Z' });
  });

  it('§3.3 an empty ?updateMask= overrides the inferred mask: 200 no-op even with a body', async () => {
    const memo = await createMemo({ content: 'kept', updateTime: '2020-06-01T00:00:00Z' });
    const res = await call('PATCH', `/api/v1/${memo.name}?updateMask=`, { body: { content: 'lost' } });
    expect(res.status).toBe(200);
    expect(asMemo(res.body)).toMatchObject({ content: 'kept', updateTime: '2020-06-01T00:00:00Z' });
  });

  it('§0.2 request bodies accept snake_case keys and enum numbers', async () => {
    const memo = await createMemo({ content: 'snake', create_time: '2018-01-01T00:00:00Z', visibility: 3 });
    expect(memo.createTime).toBe('2018-01-01T00:00:00Z');
    expect(memo.visibility).toBe('PUBLIC');
    const res = await patchMemo(uidOf(memo), 'update_time', { update_time: '2018-02-02T00:00:00Z' });
    expect(asMemo(res.body).updateTime).toBe('2018-02-02T00:00:00Z');
  });

  it('§3.3 mask inferred from body keys when updateMask is omitted (content applied, no bump)', async () => {
    const memo = await createMemo({ content: 'infer', updateTime: '2020-06-01T00:00:00Z' });
    const res = await patchMemo(uidOf(memo), undefined, { content: 'inferred' });
    expect(asMemo(res.body)).toMatchObject({ content: 'inferred', updateTime: '2020-06-01T00:00:00Z' });
  });

  it('§3.3 echoing a full memo back (no mask) writes the echoed updateTime: it moves backwards', async () => {
    const original = await createMemo({ content: 'v1 #old', updateTime: '2021-05-05T05:05:05Z' });
    const uid = uidOf(original);
    const edited = asMemo((await patchMemo(uid, 'content,update_time', { content: 'v2' })).body);
    expect(secs(edited.updateTime)).toBeGreaterThan(secs(original.updateTime));
    const echoed = await call('PATCH', `/api/v1/${original.name}`, { body: original });
    expect(echoed.status).toBe(200);
    expect(asMemo(echoed.body)).toMatchObject({
      content: 'v1 #old',
      tags: ['old'],
      updateTime: '2021-05-05T05:05:05Z',
    });
  });

  it('§3.3 create_time in the mask without a value sets createTime to 1970-01-01', async () => {
    const memo = await createMemo({ content: 'epoch' });
    const res = await patchMemo(uidOf(memo), 'create_time', {});
    expect(res.status).toBe(200);
    expect(asMemo(res.body).createTime).toBe('1970-01-01T00:00:00Z');
  });

  it('§3.3 location: dropped by mask inference, applied with an explicit location mask', async () => {
    const memo = await createMemo({ content: 'where' });
    const location = { placeholder: 'Home', latitude: 48.5, longitude: 2.25 };
    const inferred = await patchMemo(uidOf(memo), undefined, { location });
    expect(inferred.status).toBe(200);
    expect('location' in rec(inferred.body)).toBe(false);
    const explicit = await patchMemo(uidOf(memo), 'location', { location });
    expect(rec(explicit.body).location).toEqual(location);
  });
});
