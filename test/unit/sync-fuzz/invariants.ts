/**
 * What must hold after quiescence (faults off, every device synced until nothing changes):
 *  (a) CONVERGENCE: every device holds exactly the server's memos of the user, equal in
 *      content, visibility, state and pinned, and its outbox is empty, except memos the
 *      server rejected (marked with a sync issue), which stay local and pending;
 *  (b) NO LOST EDIT: every token that was written and not removed on purpose (see
 *      ledger.ts) is in the server's final content, in a conflict record (local or server
 *      side) on some device, in a rejected memo kept on a device, or in a device's Trash
 *      (a memo, or the conflict record it took along), from where the user can restore it;
 *  (c) NO DUPLICATE: each creation token appears in at most one server memo.
 * (d) NO SPURIOUS LOCAL DELETE is checked while the scenario runs (world.ts): sync never
 *     removes a memo, or its pending delete, here while the server still has that memo.
 * (e)–(i) Attachments: converged sets, none lost, none duplicated, no orphan on the server,
 *     bytes as attached (attachment-invariants.ts).
 */
/** The scalar fields the fuzz writes (attachment sets: attachment-invariants.ts). */
const SCALAR_FIELDS = ['content', 'visibility', 'state', 'pinned'] as const;

import { attachmentFingerprint, checkAttachmentInvariants } from './attachment-invariants';
import { tokensOf } from './ledger';
import type { World } from './world';

export interface Violation {
  invariant:
    | 'convergence'
    | 'no-lost-edit'
    | 'no-duplicate'
    | 'no-spurious-delete'
    | 'quiescence'
    | 'no-lost-attachment'
    | 'no-duplicate-attachment'
    | 'no-orphan-attachment'
    | 'attachment-bytes';
  message: string;
}

export async function checkInvariants(world: World): Promise<Violation[]> {
  const violations: Violation[] = [];
  const server = new Map((await world.aliceMemos()).map((m) => [`memos/${m.uid}`, m]));
  const visible = new Set<string>();
  for (const memo of server.values()) for (const t of tokensOf(memo.content)) visible.add(t);

  for (const device of world.devices) {
    const { db } = device.parts;
    const locals = await db.memos.toArray();
    // A memo the server may still take (a FAILED_PRECONDITION) must have converged: not exempt.
    const rejected = new Set(
      locals.filter((m) => m.syncIssue && !m.syncIssue.retry).map((m) => m.name as string),
    );
    for (const memo of locals) if (memo.syncIssue) for (const t of tokensOf(memo.content)) visible.add(t);
    for (const record of await db.conflicts.toArray()) {
      for (const t of tokensOf(record.localContent)) visible.add(t);
      for (const t of tokensOf(record.remoteContent)) visible.add(t);
    }
    for (const row of await db.trash.toArray()) {
      for (const t of tokensOf(row.memo.content)) visible.add(t);
      for (const t of tokensOf(row.conflict?.localContent ?? '')) visible.add(t);
      for (const t of tokensOf(row.conflict?.remoteContent ?? '')) visible.add(t);
    }
    const localNames = new Set<string>();
    for (const memo of locals) {
      localNames.add(memo.name);
      if (rejected.has(memo.name)) continue;
      const remote = server.get(memo.name);
      if (!remote) {
        violations.push({
          invariant: 'convergence',
          message: `${device.label} has ${world.label(memo.name)}, the server does not`,
        });
        continue;
      }
      const fields = SCALAR_FIELDS.filter((f) => memo[f] !== remote[f]);
      if (fields.length > 0) {
        const detail = fields.map(
          (f) => `${f}: ${JSON.stringify(memo[f])} vs server ${JSON.stringify(remote[f])}`,
        );
        violations.push({
          invariant: 'convergence',
          message: `${device.label} ${world.label(memo.name)} differs: ${detail.join('; ')}`,
        });
      }
    }
    for (const name of server.keys()) {
      if (!localNames.has(name))
        violations.push({ invariant: 'convergence', message: `${device.label} lacks ${world.label(name)}` });
    }
    const outbox = await db.outbox.toArray();
    const stray = outbox.filter((e) => !rejected.has(e.name));
    if (stray.length > 0) {
      const list = stray.map((e) => `${e.op} ${world.label(e.name)}`).join(', ');
      violations.push({ invariant: 'convergence', message: `${device.label} outbox not empty: ${list}` });
    }
  }

  const lost = world.ledger.live().filter((t) => !visible.has(t));
  if (lost.length > 0) {
    violations.push({
      invariant: 'no-lost-edit',
      message: `tokens lost (not removed on purpose, visible nowhere): ${lost.join(', ')}`,
    });
  }

  const holders = new Map<string, string[]>();
  for (const [name, memo] of server) {
    for (const t of tokensOf(memo.content)) {
      if (!t.startsWith('new-')) continue;
      holders.set(t, [...(holders.get(t) ?? []), world.label(name)]);
    }
  }
  for (const [token, names] of holders) {
    if (names.length > 1)
      violations.push({
        invariant: 'no-duplicate',
        message: `${token} is in ${names.length} server memos: ${names.join(', ')}`,
      });
  }
  violations.push(...(await checkAttachmentInvariants(world)));
  return violations;
}

/** A fingerprint of everything sync may still change (server memos, device memos, outboxes, bases). */
export async function fingerprint(world: World): Promise<string> {
  const parts: unknown[] = [
    (await world.aliceMemos()).map((m) => [m.uid, m.content, m.visibility, m.state, m.pinned, m.updatedTs]),
  ];
  for (const device of world.devices) {
    const { db } = device.parts;
    parts.push(
      (await db.memos.toArray()).map((m) => [m.name, m.content, m.visibility, m.state, m.pinned]),
      (await db.outbox.toArray()).map((e) => [e.seq, e.name, e.op]),
      (await db.bases.toArray()).map((b) => [
        b.name,
        b.updateTime,
        b.content,
        b.state,
        b.pinned,
        b.visibility,
      ]),
      (await db.conflicts.toArray()).map((c) => [c.name, c.localContent]),
    );
  }
  parts.push(...(await attachmentFingerprint(world)));
  return JSON.stringify(parts);
}
