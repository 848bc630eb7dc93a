/**
 * The pure planner, as a table: (local, pending, base, remote) → plan. Each row is named
 * after the SPEC.md rule it checks. Notation: fields are written as "content|visibility|
 * state|pinned" shorthands via the helpers below.
 */
import { describe, expect, it } from 'vitest';
import { attachmentNameOf } from '../../sync/core/attachments';
import type { MemoName } from '../../sync/core/ids';
import type { LocalMemo, MemoFields } from '../../sync/core/memo';
import {
  carryConflict,
  mergeFields,
  type PendingSummary,
  planClean,
  planMemo,
  type RemoteState,
  rebaseLocal,
} from '../../sync/core/plan';
import type { RemoteMemo } from '../../sync/core/remote';
import { buildLocalMemo } from '../../sync/db/notebook';

const NAME = 'memos/00000000-0000-4000-8000-000000000001' as MemoName;

function fields(content: string, extra: Partial<MemoFields> = {}): MemoFields {
  return { content, visibility: 'PRIVATE', state: 'NORMAL', pinned: false, attachments: [], ...extra };
}
function local(content: string, extra: Partial<MemoFields> = {}): LocalMemo {
  return buildLocalMemo(NAME, fields(content, extra), { createTime: 1000, updateTime: 2000 });
}
function remote(content: string, extra: Partial<MemoFields> = {}, updateTime = 5000): RemoteMemo {
  return { ...local(content, extra), creator: 'users/me', updateTime, files: [] };
}
const present = (memo: RemoteMemo): RemoteState => ({ present: true, memo });
const absent: RemoteState = { present: false };
const edited: PendingSummary = { created: false, deleted: false, maxSeq: 3 };
const created: PendingSummary = { created: true, deleted: false, maxSeq: 1 };
const deleted: PendingSummary = { created: false, deleted: true, maxSeq: 4 };

describe('sync planner', () => {
  it('[P1] a clean memo takes a changed server state', () => {
    const plan = planClean(local('a'), remote('a'), remote('b', {}, 6000));
    expect(plan).toMatchObject({ kind: 'apply-remote', remote: { content: 'b' } });
  });

  it('[P1] a clean memo whose server copy is unchanged needs nothing', () => {
    expect(planClean(local('a'), remote('a'), remote('a')).kind).toBe('noop');
  });

  it('[P1] a new server memo is added locally', () => {
    expect(planClean(undefined, undefined, remote('new')).kind).toBe('apply-remote');
  });

  it('[P1] a pin made in the web UI without an update_time bump is still applied', () => {
    const plan = planClean(local('a'), remote('a'), remote('a', { pinned: true }));
    expect(plan).toMatchObject({ kind: 'apply-remote', remote: { pinned: true } });
  });

  it('[C1] a memo never on the server is created', () => {
    const plan = planMemo({
      name: NAME,
      local: local('offline note', { pinned: true }),
      pending: created,
      base: undefined,
      remote: absent,
    });
    expect(plan).toMatchObject({
      kind: 'push-create',
      createTime: 1000,
      fields: { content: 'offline note', pinned: true },
    });
    expect(plan).not.toHaveProperty('notice');
  });

  it('[C3][U2] a create that already landed is adopted, then only the remaining fields are pushed', () => {
    const plan = planMemo({
      name: NAME,
      local: local('same', { pinned: true, state: 'ARCHIVED' }),
      pending: created,
      base: undefined,
      remote: present(remote('same')),
    });
    expect(plan).toMatchObject({ kind: 'push-update', mask: ['state', 'pinned'] });
    expect(plan).not.toHaveProperty('conflict');
  });

  it('[U2][M4] a create colliding with different server content keeps ours as a conflict', () => {
    const plan = planMemo({
      name: NAME,
      local: local('mine'),
      pending: created,
      base: undefined,
      remote: present(remote('theirs')),
    });
    expect(plan).toMatchObject({
      kind: 'push-update',
      conflict: { localContent: 'mine', remoteContent: 'theirs' },
    });
  });

  it('[U2][F2] without a recorded ancestor, the attachments either side lists all stay', () => {
    const mine = attachmentNameOf('00000000-0000-4000-8000-0000000000a1');
    const theirs = attachmentNameOf('00000000-0000-4000-8000-0000000000b2');
    // A memo kept after a held deletion [S3] is queued as a create with no recorded fields.
    for (const [localText, remoteText] of [
      ['same', 'same'],
      ['mine', 'theirs'],
    ] as const) {
      const plan = planMemo({
        name: NAME,
        local: local(localText, { attachments: [mine] }),
        pending: created,
        base: undefined,
        remote: present(remote(remoteText, { attachments: [theirs] })),
      });
      expect(plan).toMatchObject({ kind: 'push-update', merged: { attachments: [mine, theirs] } });
    }
  });

  it('[C4] a local edit to a memo deleted on the server re-creates it and tells the user', () => {
    const plan = planMemo({
      name: NAME,
      local: local('edited'),
      pending: edited,
      base: remote('orig'),
      remote: absent,
    });
    expect(plan).toMatchObject({ kind: 'push-create', notice: { kind: 'recreated-after-remote-delete' } });
  });

  it('[U1][M1] a local edit on an unchanged server memo pushes only the changed field', () => {
    const plan = planMemo({
      name: NAME,
      local: local('new text'),
      pending: edited,
      base: remote('old'),
      remote: present(remote('old')),
    });
    expect(plan).toMatchObject({ kind: 'push-update', mask: ['content'], merged: { content: 'new text' } });
  });

  it('[M1] changes to different fields merge', () => {
    const plan = planMemo({
      name: NAME,
      local: local('old', { pinned: true }),
      pending: edited,
      base: remote('old'),
      remote: present(remote('server text', { visibility: 'PUBLIC' })),
    });
    expect(plan).toMatchObject({
      kind: 'push-update',
      mask: ['pinned'],
      merged: { content: 'server text', visibility: 'PUBLIC', pinned: true },
    });
  });

  it('[M2] non-overlapping content edits merge three ways', () => {
    const base = 'line one\nline two\nline three';
    const plan = planMemo({
      name: NAME,
      local: local('line one EDITED\nline two\nline three'),
      pending: edited,
      base: remote(base),
      remote: present(remote('line one\nline two\nline three EDITED')),
    });
    expect(plan).toMatchObject({
      kind: 'push-update',
      merged: { content: 'line one EDITED\nline two\nline three EDITED' },
    });
    expect(plan).not.toHaveProperty('conflict');
  });

  it('[M2] edits to different words of one line merge', () => {
    const plan = planMemo({
      name: NAME,
      local: local('buy red apples and milk'),
      pending: edited,
      base: remote('buy apples and milk'),
      remote: present(remote('buy apples and oat milk')),
    });
    expect(plan).toMatchObject({ merged: { content: 'buy red apples and oat milk' } });
  });

  it('[M4] overlapping content edits keep the server text and the local text as a conflict', () => {
    const plan = planMemo({
      name: NAME,
      local: local('mine'),
      pending: edited,
      base: remote('base'),
      remote: present(remote('theirs')),
    });
    expect(plan).toMatchObject({
      kind: 'push-update',
      mask: [],
      merged: { content: 'theirs' },
      conflict: { localContent: 'mine', baseContent: 'base', remoteContent: 'theirs' },
    });
  });

  it('[M3] a scalar changed differently on both sides: local wins', () => {
    const result = mergeFields(
      fields('x', { visibility: 'PUBLIC' }),
      fields('x'),
      fields('x', { visibility: 'PROTECTED' }),
    );
    expect(result.merged.visibility).toBe('PUBLIC');
  });

  it('[U1] an edit already on the server (lost response) adopts it with an empty mask', () => {
    const plan = planMemo({
      name: NAME,
      local: local('new'),
      pending: edited,
      base: remote('old'),
      remote: present(remote('new')),
    });
    expect(plan).toMatchObject({ kind: 'push-update', mask: [] });
  });

  it('[D2] a local delete of an unchanged server memo is pushed', () => {
    expect(
      planMemo({
        name: NAME,
        local: undefined,
        pending: deleted,
        base: remote('a'),
        remote: present(remote('a', {}, 9999)),
      }).kind,
    ).toBe('push-delete');
  });

  it('[D3] a local delete of a memo edited on the server restores it with the edit', () => {
    const plan = planMemo({
      name: NAME,
      local: undefined,
      pending: deleted,
      base: remote('a'),
      remote: present(remote('edited')),
    });
    expect(plan).toMatchObject({ kind: 'apply-remote', notice: { kind: 'restored-after-remote-edit' } });
  });

  it('[D3] without a base, a delete is compared with the deleted copy: edited on the server → restored (fuzz seed 371)', () => {
    const pending = { created: true, deleted: true, maxSeq: 2, deletedFields: fields('a') };
    const plan = planMemo({
      name: NAME,
      local: undefined,
      pending,
      base: undefined,
      remote: present(remote('a\nweb edit')),
    });
    expect(plan).toMatchObject({ kind: 'apply-remote', notice: { kind: 'restored-after-remote-edit' } });
    expect(
      planMemo({ name: NAME, local: undefined, pending, base: undefined, remote: present(remote('a')) }).kind,
    ).toBe('push-delete');
  });

  it('[D3] without a base or a deleted copy, the server copy is kept', () => {
    const pending = { created: true, deleted: true, maxSeq: 2 };
    expect(
      planMemo({ name: NAME, local: undefined, pending, base: undefined, remote: present(remote('a')) }).kind,
    ).toBe('apply-remote');
  });

  it('[D4] deleted on both sides: the DELETE confirms it, not the GET (fuzz seed 343: a revoked token reads archived memos as 404)', () => {
    expect(
      planMemo({ name: NAME, local: undefined, pending: deleted, base: remote('a'), remote: absent }).kind,
    ).toBe('push-delete');
  });

  it('[O3] edits made while a push was in flight are re-applied on top of its result (fuzz seed 396)', () => {
    // Planned "a\nb\nc" was pushed and merged with a remote edit (a → A); meanwhile the user appended d.
    const rebased = rebaseLocal(
      fields('a\nb\nc\nd', { pinned: true }),
      fields('a\nb\nc'),
      fields('A\nb\nc', { visibility: 'PUBLIC' }),
    );
    expect(rebased).toEqual({ fields: fields('A\nb\nc\nd', { pinned: true, visibility: 'PUBLIC' }) });
  });

  it('[O3][M4] a newer edit that clashes with the pushed result becomes a conflict; the memo shows the server text', () => {
    const rebased = rebaseLocal(fields('a\nmine'), fields('a\nb'), fields('a\ntheirs'));
    expect(rebased).toEqual({
      fields: fields('a\ntheirs'),
      conflict: { localContent: 'a\nmine', baseContent: 'a\nb', remoteContent: 'a\ntheirs' },
    });
  });

  it('[M5] a second conflict on a memo carries the unresolved earlier local version over (fuzz seed 282)', () => {
    const earlier = {
      localContent: 'title\nmine one',
      baseContent: 'title\nbase',
      remoteContent: 'title\ntheirs one',
    };
    const next = {
      localContent: 'title\ntheirs one\nmine two',
      baseContent: 'title\ntheirs one',
      remoteContent: 'x',
    };
    expect(carryConflict(earlier, next)).toEqual({
      ...next,
      localContent: 'title\ntheirs one\nmine two\n\ntitle\nmine one',
    });
    expect(carryConflict(earlier, { ...next, localContent: earlier.localContent })).toEqual({
      ...next,
      localContent: earlier.localContent,
    });
    expect(carryConflict(undefined, next)).toEqual(next);
  });

  it('[D4] created and deleted offline before any sync: the DELETE (404) settles it', () => {
    const pending = { created: true, deleted: true, maxSeq: 2 };
    expect(planMemo({ name: NAME, local: undefined, pending, base: undefined, remote: absent }).kind).toBe(
      'push-delete',
    );
  });

  it('[U2] with the created fields recorded, a later edit merges against them instead of conflicting', () => {
    const plan = planMemo({
      name: NAME,
      local: local('created\nthen edited'),
      pending: { ...created, createdFields: fields('created') },
      base: undefined,
      remote: present(remote('created')),
    });
    expect(plan).toMatchObject({
      kind: 'push-update',
      mask: ['content'],
      merged: { content: 'created\nthen edited' },
    });
    expect(plan).not.toHaveProperty('conflict');
  });

  it('[M2] lines inserted at the same place on both sides are all kept, the server first', () => {
    const plan = planMemo({
      name: NAME,
      local: local('list\nmine'),
      pending: edited,
      base: remote('list'),
      remote: present(remote('list\ntheirs')),
    });
    expect(plan).toMatchObject({ merged: { content: 'list\ntheirs\nmine' } });
    expect(plan).not.toHaveProperty('conflict');
  });
});
