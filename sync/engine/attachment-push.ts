/**
 * Getting a memo's attachments onto the server before the memo lists them there [F3], and
 * making the server forget attachments a memo stopped listing here [F4]. Part of the push
 * (an I/O shell: every decision is a plain rule on one attachment's state):
 *  - listed by the server's copy of the memo (from the server's side of a merge, or sent
 *    before): nothing to do; no row here and not listed there: dropped (bytes nowhere);
 *  - unsure (an earlier create's answer was lost, or restored from the Trash), or uploaded
 *    but not listed there (deleted with its memo, or on its own): GET first, because Memos
 *    answers a repeated create with 500, not 409, and a set naming a missing one with 404;
 *  - local: upload it with its client-chosen id, recorded `unsure` before it is sent (it may
 *    land however the request ends); a 400 (too large, refused name) makes it `local` again
 *    and rejects the memo like [O4]; any other failure leaves it `unsure` and stops the push;
 *  - an attachment whose bytes exist nowhere any more (never uploaded, original gone) cannot
 *    be listed: it is dropped from the set sent, and the user is told.
 * Detached attachments are deleted on the server (a 404 counts as done), then forgotten;
 * after a memo's DELETE, so are its attachments the server may still hold unlinked.
 */
import type { ApiFailure, MemosApi } from '../api/types';
import { type AttachmentName, attachmentUidOf, strayAfterDelete, uploadStep } from '../core/attachments';
import type { MemoName } from '../core/ids';
import type { AttachmentStore } from './attachment-store';

export type PrepareOutcome =
  | { ok: true; set: AttachmentName[]; missing: string[] }
  | { ok: false; error: ApiFailure };

export async function prepareAttachments(
  api: MemosApi,
  store: AttachmentStore,
  set: readonly AttachmentName[],
  countRequest: () => void,
  /** What the server's copy of the memo, read right before, lists (none for a create). */
  listedThere: ReadonlySet<AttachmentName>,
): Promise<PrepareOutcome> {
  const rows = await store.rows(set);
  const ready: AttachmentName[] = [];
  const missing: string[] = [];
  for (const name of set) {
    const row = rows.get(name);
    const step = uploadStep(row?.server, listedThere.has(name));
    if (step === 'ready') {
      // Listed there already (from the server's side of the merge [F2], or sent before).
      ready.push(name);
      continue;
    }
    if (step === 'drop' || !row) continue; // its bytes exist nowhere (told when its row went)
    let server = row.server;
    if (step === 'read-back') {
      countRequest();
      const got = await api.getAttachment(name);
      if (got.ok) server = 'uploaded';
      else if (got.error.kind === 'not-found') server = 'local';
      else return { ok: false, error: got.error };
      await store.setServerState(name, server);
    }
    if (server === 'local') {
      const bytes = await store.blob(name, 'original');
      if (!bytes) {
        missing.push(row.filename);
        await store.dropMissing(name);
        continue;
      }
      // Recorded before it is sent: an upload in flight, or cut off by a crash, may land, so a
      // removal meanwhile must make the server forget it too [F4].
      await store.setServerState(name, 'unsure');
      countRequest();
      const created = await api.createAttachment(attachmentUidOf(name), {
        filename: row.filename,
        type: row.type,
        bytes,
      });
      if (!created.ok) {
        if (created.error.kind === 'invalid' || created.error.kind === 'forbidden') {
          await store.setServerState(name, 'local'); // refused: the server does not have it
          return {
            ok: false,
            error: {
              ...created.error,
              message: `the server refused “${row.filename}”: ${created.error.message}`,
            },
          };
        }
        // Ambiguous (500, timeout, dropped answer): it may have landed; ask before retrying.
        return { ok: false, error: created.error };
      }
      await store.setServerState(name, 'uploaded');
    }
    ready.push(name);
  }
  return { ok: true, set: ready, missing };
}

/** [F4] Makes the server forget attachments no memo lists here any more. */
export async function forgetDetached(
  api: MemosApi,
  store: AttachmentStore,
  countRequest: () => void,
): Promise<ApiFailure | undefined> {
  for (const row of await store.detached()) {
    if (row.server !== 'local') {
      countRequest();
      const removed = await api.deleteAttachment(row.name);
      if (!removed.ok && removed.error.kind !== 'not-found') return removed.error;
    }
    await store.forget(row.name);
  }
  return undefined;
}

/** [F4, F7] After its memo's DELETE: the memo's attachments the server may still hold go too. */
export async function deleteStrays(
  api: MemosApi,
  store: AttachmentStore,
  memo: MemoName,
  countRequest: () => void,
): Promise<ApiFailure | undefined> {
  const rows = (await store.ofMemo(memo)).filter((row) => !row.detached);
  for (const name of strayAfterDelete(rows)) {
    countRequest();
    const removed = await api.deleteAttachment(name);
    if (!removed.ok && removed.error.kind !== 'not-found') return removed.error;
  }
  return undefined;
}
