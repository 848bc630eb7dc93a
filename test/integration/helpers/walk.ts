/**
 * Random walks for the two-device test: a fast-check arbitrary of operations (device edits,
 * web UI edits, passes with one injected transport fault) and an interpreter that runs them
 * against real devices and the real server while keeping a ledger of every text written.
 *
 * Every text written carries a unique token. Appends add a token line and never remove
 * one; rewrites replace the first line (where creates put their token), so only the LAST
 * first-line token of a memo is still wanted. After quiescence each wanted token must be on
 * the server or in the writing device's conflict record, unless someone deleted that memo
 * (a delete legitimately discards edits it saw). A duplicated memo would show up as two
 * memos with one create token.
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { asName, type Device } from './device';
import type { Fault } from './transport';
import type { Account, Visibility } from './web';

type Actor = 0 | 1 | 'web';
type Toggle = 'pinned' | 'state' | 'visibility';

export type WalkOp =
  | { kind: 'create'; device: 0 | 1 }
  | { kind: 'edit'; actor: Actor; pick: number; at: 'end' | 'first-line' }
  | { kind: 'toggle'; actor: Actor; field: Toggle; pick: number }
  | { kind: 'delete'; actor: Actor; pick: number }
  | {
      kind: 'sync';
      device: 0 | 1;
      mode: 'delta' | 'full';
      fault?: { fault: Fault; method: 'GET' | 'POST' | 'PATCH' | 'DELETE' };
    };

const FAULTS: Fault[] = [
  'drop-request',
  'drop-response',
  'duplicate',
  'http-500',
  'malformed',
  'timeout-after',
];

export function randomWalk(): fc.Arbitrary<WalkOp[]> {
  const device = fc.constantFrom<0 | 1>(0, 1);
  const actor = fc.constantFrom<Actor>(0, 1, 0, 1, 'web');
  const pick = fc.nat({ max: 1000 });
  const op: fc.Arbitrary<WalkOp> = fc.oneof(
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('create' as const), device }) },
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant('edit' as const),
        actor,
        pick,
        at: fc.constantFrom<'end' | 'first-line'>('end', 'end', 'first-line', 'first-line', 'end'),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('toggle' as const),
        actor,
        field: fc.constantFrom<Toggle>('pinned', 'state', 'visibility'),
        pick,
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), actor, pick }) },
    {
      weight: 4,
      arbitrary: fc.record(
        {
          kind: fc.constant('sync' as const),
          device,
          mode: fc.constantFrom<'delta' | 'full'>('delta', 'full'),
          fault: fc.record({
            fault: fc.constantFrom(...FAULTS),
            method: fc.constantFrom<'GET' | 'POST' | 'PATCH' | 'DELETE'>('GET', 'POST', 'PATCH', 'DELETE'),
          }),
        },
        { requiredKeys: ['kind', 'device', 'mode'] },
      ),
    },
  );
  return fc.array(op, { minLength: 8, maxLength: 24 });
}

export interface WalkContext {
  account: Account;
  devices: readonly [Device, Device];
}

export interface Ledger {
  /** Asserts the no-loss and no-duplicate invariants (call after convergence). */
  check(): Promise<void>;
}

const VISIBILITY_CYCLE: Record<Visibility | 'SPACE', Visibility> = {
  PRIVATE: 'PROTECTED',
  PROTECTED: 'PUBLIC',
  PUBLIC: 'PRIVATE',
  SPACE: 'PRIVATE',
};

let walks = 0;

export async function runWalk(ops: readonly WalkOp[], context: WalkContext): Promise<Ledger> {
  const { account, devices } = context;
  const walk = ++walks;
  let counter = 0;
  const token = () => `w${walk}t${++counter}`;
  const written: Array<{ writer: Actor; name: string; token: string; firstLine: boolean }> = [];
  const createTokens: string[] = [];
  const deleted = new Set<string>();

  const names = async (actor: Actor): Promise<string[]> =>
    actor === 'web'
      ? (await account.web.listAll()).map((m) => m.name)
      : (await devices[actor].memos()).map((m) => m.name);
  const choose = async (actor: Actor, pick: number): Promise<string | undefined> => {
    const list = await names(actor);
    return list.length === 0 ? undefined : list[pick % list.length];
  };

  for (const op of ops) {
    if (op.kind === 'create') {
      const t = token();
      createTokens.push(t);
      const name = await devices[op.device].write(`note ${t}`);
      written.push({ writer: op.device, name, token: t, firstLine: true });
    } else if (op.kind === 'sync') {
      const device = devices[op.device];
      if (op.fault) device.transport.on({ method: op.fault.method, fault: op.fault.fault });
      await device.sync(op.mode);
      device.transport.clearRules();
    } else {
      const name = await choose(op.actor, op.pick);
      if (name === undefined) continue;
      await apply(op, name);
    }
  }

  async function apply(op: Exclude<WalkOp, { kind: 'create' | 'sync' }>, name: string): Promise<void> {
    const web = op.actor === 'web';
    const device = web ? undefined : devices[op.actor === 0 ? 0 : 1];
    const current = web ? await account.web.get(name) : await device?.memo(name);
    if (!current) return;
    const memoName = asName(name);
    if (op.kind === 'delete') {
      deleted.add(name);
      if (device) await device.notebook.remove(memoName);
      else await account.web.remove(name);
    } else if (op.kind === 'edit') {
      const t = token();
      const firstLine = op.at === 'first-line';
      written.push({ writer: op.actor, name, token: t, firstLine });
      const next = firstLine
        ? [`head ${t}`, ...current.content.split('\n').slice(1)].join('\n')
        : `${current.content}\n${t}`;
      if (device) await device.notebook.update(memoName, { content: next });
      else await account.web.editContent(name, next);
    } else if (op.field === 'pinned') {
      if (device) await device.notebook.update(memoName, { pinned: !current.pinned });
      else await account.web.setPinned(name, !current.pinned);
    } else if (op.field === 'state') {
      const state = current.state === 'NORMAL' ? 'ARCHIVED' : 'NORMAL';
      if (device) await device.notebook.update(memoName, { state });
      else await account.web.setState(name, state);
    } else {
      const visibility = VISIBILITY_CYCLE[current.visibility];
      if (device) await device.notebook.update(memoName, { visibility });
      else await account.web.setVisibility(name, visibility);
    }
  }

  return {
    async check() {
      const server = await account.web.listAll();
      const byName = new Map(server.map((m) => [m.name, m]));
      for (const t of createTokens) {
        const copies = server.filter((m) => m.content.split('\n').includes(`note ${t}`));
        expect(copies.length, `memo created with ${t} exists at most once`).toBeLessThanOrEqual(1);
      }
      const lastFirstLine = new Map<string, string>();
      for (const entry of written) if (entry.firstLine) lastFirstLine.set(entry.name, entry.token);
      for (const entry of written) {
        if (deleted.has(entry.name)) continue;
        if (entry.firstLine && lastFirstLine.get(entry.name) !== entry.token) continue;
        const onServer = byName.get(entry.name)?.content.split(/\s+/).includes(entry.token) ?? false;
        if (onServer) continue;
        const records = entry.writer === 'web' ? [] : await devices[entry.writer].conflictRecords();
        const inConflict = records.some(
          (r) => r.name === entry.name && r.localContent.split(/\s+/).includes(entry.token),
        );
        expect(inConflict, `${entry.token} by ${String(entry.writer)} on ${entry.name} is kept`).toBe(true);
      }
    },
  };
}
