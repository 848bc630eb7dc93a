/**
 * Pushing the outbox [O2, C1–C4, U1, D2, D3, O4]: memos in the order of their first
 * pending entry, each coalesced into one plan made from (local, pending, base, remote).
 * The remote state is re-read right before every update or delete (and again after sending
 * files, which take time [F2]). Per-memo rejections (400) mark that memo and the push goes
 * on; transport, auth and server failures stop it.
 * A create whose uid turns out to be another account's gets a new uid first [I1, C3].
 */

import type { ApiFailure, ApiResult, MemosApi, UpdatePath } from '../api/types';
import type { AttachmentName } from '../core/attachments';
import { type MemoName, type MemoUid, memoNameOf, uidOf } from '../core/ids';
import type { LocalMemo, MemoFields } from '../core/memo';
import { assertNever } from '../core/never';
import { type MemoPlan, planMemo, type RemoteState, type SyncNotice } from '../core/plan';
import type { RemoteMemo } from '../core/remote';
import { deleteStrays, forgetDetached, prepareAttachments } from './attachment-push';
import type { PendingEntry, SyncStore } from './sync-store';

export interface PushResult {
  pushed: number;
  rejected: number;
  requests: number;
  notices: SyncNotice[];
  /** Set when the push stopped early. */
  error?: ApiFailure;
}

/** Failures that concern one memo only; anything else stops the whole push. */
function isPerMemo(failure: ApiFailure): boolean {
  // A precondition that holds after a fresh read and a new plan (0.31: content that names an
  // attachment not bound to the memo, or a memo changing under every write) is about this
  // memo; it is marked, and tried again on the next passes [U3].
  return failure.kind === 'invalid' || failure.kind === 'forbidden' || failure.kind === 'precondition';
}

function patchOf(fields: MemoFields, mask: readonly (keyof MemoFields)[]): Partial<MemoFields> {
  const patch: Partial<MemoFields> = {};
  for (const field of mask) Object.assign(patch, { [field]: fields[field] });
  return patch;
}

export interface PushContext {
  api: MemosApi;
  store: SyncStore;
  /** The signed-in user (`users/<name>`), to tell our memos from other accounts'. */
  user: string;
  /** Makes the uid of a memo that must move away from another account's uid [C3]. */
  newUid: () => MemoUid;
}

export async function pushOutbox(
  context: PushContext,
  entries: readonly PendingEntry[],
): Promise<PushResult> {
  const { api, store, user } = context;
  const result: PushResult = { pushed: 0, rejected: 0, requests: 0, notices: [] };
  const names = entries.map((e) => e.name);
  const locals = await store.locals(names);
  const bases = await store.bases(names);

  const call = async <T>(request: () => Promise<ApiResult<T>>): Promise<ApiResult<T>> => {
    result.requests++;
    return request();
  };
  const count = () => {
    result.requests++;
  };
  const noteMissing = (name: MemoName, filenames: readonly string[]) => {
    if (filenames.length > 0)
      result.notices.push({ kind: 'attachments-missing', name, filenames: [...filenames] });
  };

  /** Attachments this push has seen on the server (uploaded, or read back) [F3]. */
  const confirmed = new Set<AttachmentName>();
  async function prepare(name: MemoName, set: readonly AttachmentName[], listed: readonly AttachmentName[]) {
    const known = new Set([...listed, ...confirmed]);
    const prepared = await prepareAttachments(api, store.attachments, set, count, known);
    if (!prepared.ok) return prepared;
    for (const ready of prepared.set) confirmed.add(ready);
    noteMissing(name, prepared.missing);
    return prepared;
  }

  async function readRemote(name: MemoName): Promise<ApiResult<RemoteState>> {
    const got = await call(() => api.get(name));
    if (got.ok) return { ok: true, value: { present: true, memo: got.value } };
    if (got.error.kind === 'not-found') return { ok: true, value: { present: false } };
    return got;
  }

  async function followUp(
    name: MemoName,
    created: RemoteMemo,
    fields: MemoFields,
  ): Promise<ApiResult<RemoteMemo>> {
    // [C2] pinned and state cannot be set on create.
    const mask = (['pinned', 'state'] as const).filter((f) => created[f] !== fields[f]);
    if (mask.length === 0) return { ok: true, value: created };
    return call(() => api.update(name, patchOf(fields, mask), [...mask, 'update_time']));
  }

  async function execute(
    entry: PendingEntry,
    local: LocalMemo | undefined,
    plan: MemoPlan,
    depth: number,
  ): Promise<ApiFailure | undefined> {
    const { name, maxSeq } = entry;
    switch (plan.kind) {
      case 'apply-remote':
        await store.restored(name, maxSeq, plan.remote);
        if (plan.notice) result.notices.push(plan.notice);
        return undefined;
      case 'push-delete': {
        const removed = await call(() => api.remove(name));
        if (!removed.ok && removed.error.kind !== 'not-found') return removed.error;
        // [F4, F7] Its attachments the server may hold unlinked go with it.
        const stray = await deleteStrays(api, store.attachments, name, count);
        if (stray) return stray;
        await store.forget(name, maxSeq);
        result.pushed++;
        return undefined;
      }
      case 'push-create': {
        // [F3] Its attachments reach the server first; the create then lists them.
        const prepared = await prepare(name, plan.fields.attachments, []);
        if (!prepared.ok) return prepared.error;
        const created = await call(() =>
          api.create(uidOf(name), {
            content: plan.fields.content,
            visibility: plan.fields.visibility,
            createTime: plan.createTime,
            attachments: prepared.set,
          }),
        );
        if (!created.ok) {
          if (created.error.kind !== 'already-exists' || depth > 1) return created.error;
          // [C3] It exists already (an earlier attempt landed): read it and merge, never duplicate.
          const remote = await readRemote(name);
          if (remote.ok && remote.value.present && remote.value.memo.creator === user) {
            return execute(
              entry,
              local,
              planMemo({ name, local, pending: entry, base: bases.get(name), remote: remote.value }),
              depth + 1,
            );
          }
          if (!remote.ok && remote.error.kind !== 'forbidden' && remote.error.kind !== 'not-mirrored')
            return remote.error;
          // [I1, C3] The uid is another account's (another creator, 403, or a 404 right after
          // the 409: someone else's archived memo), e.g. a notebook moved between accounts of
          // one server [V2]. With the credential still valid, the memo takes a new uid.
          const me = await call(() => api.me());
          if (!me.ok) return me.error;
          const moved = await store.rekey(name, memoNameOf(context.newUid()));
          if (!moved) return undefined; // deleted here meanwhile: nothing left to create
          const movedEntry: PendingEntry = { ...entry, name: moved.name };
          return execute(
            movedEntry,
            moved,
            planMemo({
              name: moved.name,
              local: moved,
              pending: movedEntry,
              base: undefined,
              remote: { present: false },
            }),
            depth + 1,
          );
        }
        const final = await followUp(name, created.value, plan.fields);
        if (!final.ok) return final.error;
        await store.pushed(name, maxSeq, final.value, plan.fields);
        if (plan.notice) result.notices.push(plan.notice);
        result.pushed++;
        return undefined;
      }
      case 'push-update': {
        let server = plan.remote;
        /** Plans this entry again against `remote` and carries the new plan out. */
        const replanAgainst = (remote: Parameters<typeof planMemo>[0]['remote']) =>
          execute(
            entry,
            local,
            planMemo({ name, local, pending: entry, base: bases.get(name), remote }),
            depth + 1,
          );
        /** Reads the memo from the server again, then plans and writes once more. */
        const readAndReplan = async () => {
          const fresh = await readRemote(name);
          return fresh.ok ? replanAgainst(fresh.value) : fresh.error;
        };
        if (plan.mask.length > 0) {
          const mask: UpdatePath[] = [...plan.mask, 'update_time'];
          const merged = { ...plan.merged };
          if (plan.mask.includes('attachments')) {
            // [F2, F3] The whole merged set, each attachment on the server before it is listed.
            const sent = result.requests;
            const prepared = await prepare(name, merged.attachments, plan.remote.attachments);
            if (!prepared.ok) return prepared.error;
            if (result.requests > sent && depth === 0) {
              // [U1, F2] Files took time to send, and a set replaces the whole set there: the
              // memo is read again and merged once more right before the write.
              return readAndReplan();
            }
            merged.attachments = prepared.set;
          }
          const updated = await call(() => api.update(name, patchOf(merged, plan.mask), mask));
          if (!updated.ok) {
            if (updated.error.kind === 'precondition' && depth === 0) {
              // [U3] The server says the memo changed under the write: read it, plan, write once more.
              return readAndReplan();
            }
            if (updated.error.kind !== 'not-found' || depth > 1) return updated.error;
            // Deleted between our read and our write: plan again with it absent [C4].
            return replanAgainst({ present: false });
          }
          server = updated.value;
        }
        await store.pushed(name, maxSeq, server, plan.planned, plan.conflict);
        if (plan.conflict) result.notices.push({ kind: 'conflict', name });
        result.pushed++;
        return undefined;
      }
      default:
        return assertNever(plan, 'push plan');
    }
  }

  for (const entry of entries) {
    const local = locals.get(entry.name);
    // [O4] A memo the server rejected waits until the user changes it again, unless the
    // server may take it as it is later [U3].
    if (local?.syncIssue && !local.syncIssue.retry && !entry.deleted) continue;
    const base = bases.get(entry.name);
    let remote: RemoteState;
    if (entry.created && !base && !entry.deleted && local) {
      remote = { present: false }; // [C1] A first create needs no read: 409 tells us if it exists.
    } else {
      const read = await readRemote(entry.name);
      if (!read.ok) {
        result.error = read.error;
        return result;
      }
      remote = read.value;
    }
    const plan = planMemo({ name: entry.name, local, pending: entry, base, remote });
    const failure = await execute(entry, local, plan, 0);
    if (!failure) continue;
    if (isPerMemo(failure)) {
      result.rejected++;
      await store.rejected(entry.name, failure.message, failure.kind === 'precondition');
      continue;
    }
    result.error = failure;
    return result;
  }
  // [F4] Attachments no memo lists any more: the server forgets them too.
  const leftover = await forgetDetached(api, store.attachments, count);
  if (leftover) result.error = leftover;
  return result;
}
