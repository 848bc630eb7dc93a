/**
 * Getting a memo's attachments onto the server before the memo lists them there [F3], and
 * making the server forget attachments a memo stopped listing here [F4]. Part of the push
 * (an I/O shell: every decision is a plain rule on one attachment's state):
 *  - uploaded, or no row here (it came from the server's side of a merge): nothing to do;
 *  - unsure (an earlier create's answer was lost, or restored from the Trash): GET first,
 *    because Memos answers a repeated create with 500, not 409;
 *  - local: upload it with its client-chosen id; a 400 (too large, refused name) rejects the
 *    memo like [O4]; any other failure leaves it `unsure` and stops the push;
 *  - an attachment whose bytes exist nowhere any more (never uploaded, original gone) cannot
 *    be listed: it is dropped from the set sent, and the user is told.
 * Detached attachments are deleted on the server (a 404 counts as done), then forgotten.
 */
import type { ApiFailure, MemosApi } from '../api/types';
import { type AttachmentName, attachmentUidOf } from '../core/attachments';
import type { AttachmentStore } from './attachment-store';

export type PrepareOutcome =
  | { ok: true; set: AttachmentName[]; missing: string[] }
  | { ok: false; error: ApiFailure };

export async function prepareAttachments(
  api: MemosApi,
  store: AttachmentStore,
  set: readonly AttachmentName[],
  countRequest: () => void,
): Promise<PrepareOutcome> {
  const rows = await store.rows(set);
  const ready: AttachmentName[] = [];
  const missing: string[] = [];
  for (const name of set) {
    const row = rows.get(name);
    if (!row) {
      // From the server's side of the merge [F2]: it is there; its row comes with the answer.
      ready.push(name);
      continue;
    }
    let server = row.server;
    if (server === 'unsure') {
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
        await store.forget(name);
        continue;
      }
      countRequest();
      const created = await api.createAttachment(attachmentUidOf(name), {
        filename: row.filename,
        type: row.type,
        bytes,
      });
      if (!created.ok) {
        if (created.error.kind === 'invalid' || created.error.kind === 'forbidden') {
          return {
            ok: false,
            error: {
              ...created.error,
              message: `the server refused “${row.filename}”: ${created.error.message}`,
            },
          };
        }
        // Ambiguous (500, timeout, dropped answer): it may have landed; ask before retrying.
        await store.setServerState(name, 'unsure');
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
