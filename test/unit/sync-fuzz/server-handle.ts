/**
 * The server side of a fuzz world, as the simulator needs it: the fetch the devices reach
 * (below their fault layer), the official web UI of two users (alice, whose notebook the
 * devices mirror, and bob, whose shared memos show up in live events), the current state of
 * alice's memos, a write counter (for the no-spurious-delete check), token revocation, the
 * live-event hub and the world clock. Two implementations: `createFakeServer` below (the
 * in-memory FakeMemosServer, whose clock IS the world clock) and the real Memos one in
 * test/integration/sync-fuzz-real/real-server.ts.
 *
 * Invariants: every memo write that reaches the server, from a device or a web UI, bumps
 * `writeSeq()`, and a create or delete also sets `churnSeq(uid)` to that count; `memos()`
 * lists alice's own memos (NORMAL and ARCHIVED, no comments) in an order that depends only
 * on the run's own choices; the web UI's content edits bump update_time, its pin, archive
 * and visibility changes do not.
 * Attachments (`files`, optional: a handle without it plays no attachment op on the server
 * side) are alice's own, linked or not, with their stored bytes.
 * Answers may be synchronous (the fake's) or promises (a real server); callers await them.
 */
import type { FetchLike } from '../../../sync/api/http-client';
import type { MemoState, Visibility } from '../../../sync/core/memo';
import type { FakeProfileName } from '../../fakes/fake-memos-profiles';
import { FakeMemosServer, type FakeWebUi } from '../../fakes/fake-memos-server';
import type { FakeSseHub } from '../../fakes/fake-memos-sse';
import type { FakeMemo } from '../../fakes/fake-memos-state';
import type { FaultKind } from '../../fakes/faulty-fetch';

export type MaybePromise<T> = T | Promise<T>;

/** A memo as the server holds it (times in epoch seconds). */
export type ServerMemo = Pick<
  FakeMemo,
  'uid' | 'content' | 'visibility' | 'state' | 'pinned' | 'createdTs' | 'updatedTs'
>;

/** What the official web UI does to the server on behalf of one user. */
export interface WebUi {
  create(content: string, visibility?: Visibility): MaybePromise<ServerMemo>;
  /** Bumps update_time. */
  editContent(uid: string, content: string): MaybePromise<void>;
  /** Pin, archive and visibility: update_time stays. */
  setPinned(uid: string, pinned: boolean): MaybePromise<void>;
  setState(uid: string, state: MemoState): MaybePromise<void>;
  setVisibility(uid: string, visibility: Visibility): MaybePromise<void>;
  /** Writes an explicit update time `secondsBack` before the server's now, as a stale client would. */
  setOldUpdateTime(memo: ServerMemo, secondsBack: number): MaybePromise<void>;
  remove(uid: string): MaybePromise<void>;
}

/**
 * What only a newer Memos (0.31, from its published API) lets the fuzz do or suffer: Spaces,
 * comments that are memos of their own, a rate limit and transient FAILED_PRECONDITION
 * answers (both switched off for quiescence). Absent on a server that has none of it.
 */
export interface NewerRelease {
  /** Alice's web UI places a memo in a Space (SPACE visibility); update_time stays. */
  moveToSpace(uid: string): MaybePromise<void>;
  /** Alice's web UI comments on a memo; returns the comment's uid. */
  comment(parentUid: string, content: string): MaybePromise<string>;
  /** Alice's web UI edits a comment (its live event names the comment, with its parent). */
  editComment(uid: string, content: string): MaybePromise<void>;
  setRateLimiting(on: boolean): void;
  /** Consulted on every memo update while set: true answers FAILED_PRECONDITION. */
  setTransientPrecondition(decide: ((uid: string) => boolean) | undefined): void;
}

/** One of alice's attachments as the server holds it. */
export interface ServerAttachment {
  uid: string;
  /** The memo it is linked to (absent: uploaded, never or no longer linked). */
  memoUid?: string;
  filename: string;
  type: string;
  bytes: Uint8Array;
}

/** A file the web UI attaches. */
export interface WebFile {
  filename: string;
  type: string;
  bytes: Uint8Array;
}

/** Alice's attachments and what the official web UI does with them. */
export interface ServerFiles {
  list(): MaybePromise<ServerAttachment[]>;
  /**
   * As the web UI's editor: creates the attachment (a server-made id), then sets the memo's
   * set to the server's current set plus it (update_time moves). Returns the new uid.
   */
  attach(memoUid: string, file: WebFile): MaybePromise<string>;
  /** Sets the memo's set to the server's current set without it (the server deletes it). */
  detach(memoUid: string, attachmentUid: string): MaybePromise<void>;
}

export interface WorldClock {
  now(): number;
  advance(ms: number): void;
}

export interface ServerHandle {
  readonly kind: 'fake' | 'real';
  readonly baseUrl: string;
  /** REST and the live stream, as the devices reach them (faults are added per device). */
  readonly fetch: FetchLike;
  /** Faults a proxy in front of the server performs on real sockets (the rest are emulated in each device's fetch). */
  readonly wireFaults?: readonly FaultKind[];
  /** The personal access token the devices are connected with. */
  readonly deviceToken: string;
  /** The user the device token belongs to (`users/<name>`): every pass checks it [S5]. */
  readonly deviceUser: string;
  /** Eight hex digits that start every device-made uid (unique per world on one server). */
  readonly uidPrefix: string;
  /** Device clocks and simulator timers run on it; it is the server's clock only for the fake. */
  readonly clock: WorldClock;
  /** Live events about the server's memo writes; the world installs its faults here. */
  readonly sse: FakeSseHub;
  readonly alice: WebUi;
  readonly bob: WebUi;
  /** Set when the server is a newer release than 0.30 (the fake's 0.31 profile). */
  readonly newer?: NewerRelease;
  /** Alice's attachments (absent: this handle plays no attachment op on the server side). */
  readonly files?: ServerFiles;
  memos(): MaybePromise<ServerMemo[]>;
  writeSeq(): number;
  /** `writeSeq()` at the latest create or delete of `uid` (-1: none seen). */
  churnSeq(uid: string): number;
  /** Revokes the devices' token (every device request is refused or anonymous) or restores access. */
  setTokenRevoked(revoked: boolean): MaybePromise<void>;
  dispose(): Promise<void>;
}

/** Builds the server side of one world (the fake's options come from the seed's config). */
export type ServerFactory = (options: {
  maxPageSize: number;
  publicInstance: boolean;
  /** Which Memos release the fake plays (a real server is what it is). */
  profile: FakeProfileName;
}) => Promise<ServerHandle>;

const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);

function fakeWebUi(server: FakeMemosServer, ui: FakeWebUi): WebUi {
  return {
    create: (content, visibility) => ui.create(content, visibility),
    editContent: (uid, content) => void ui.editContent(uid, content),
    setPinned: (uid, pinned) => void ui.setPinned(uid, pinned),
    setState: (uid, state) => void ui.setState(uid, state),
    setVisibility: (uid, visibility) => void ui.setVisibility(uid, visibility),
    setOldUpdateTime: (memo, secondsBack) =>
      void ui.setUpdateTime(memo.uid, server.clock.now() - secondsBack * 1000),
    remove: (uid) => ui.remove(uid),
  };
}

function newerRelease(server: FakeMemosServer, ui: FakeWebUi): NewerRelease {
  return {
    moveToSpace: (uid) => void ui.moveToSpace(uid, 'spaces/team'),
    comment: (parentUid, content) => ui.comment(parentUid, content, 'PROTECTED').uid,
    editComment: (uid, content) => void ui.editContent(uid, content),
    setRateLimiting: (on) => {
      server.rateLimiting = on;
    },
    setTransientPrecondition: (decide) => {
      server.transientPrecondition = decide;
    },
  };
}

function fakeFiles(server: FakeMemosServer, ui: FakeWebUi, aliceId: number): ServerFiles {
  const linked = (memoUid: string) => new Set(server.attachments.ofMemo(memoUid).map((a) => a.uid));
  return {
    list: () =>
      server.attachments
        .all()
        .filter((a) => a.creatorId === aliceId)
        .map(({ uid, memoUid, filename, type, bytes }) => ({
          uid,
          ...(memoUid === undefined ? {} : { memoUid }),
          filename,
          type,
          bytes,
        })),
    attach: (memoUid, file) => {
      const before = linked(memoUid);
      ui.attach(memoUid, [file]);
      const made = [...linked(memoUid)].find((uid) => !before.has(uid));
      if (made === undefined) throw new Error(`the web UI's attachment to ${memoUid} is not linked`);
      return made;
    },
    detach: (memoUid, attachmentUid) => void ui.detach(memoUid, attachmentUid),
  };
}

/** The in-memory fake: synchronous underneath, its clock is the world clock. */
export const createFakeServer: ServerFactory = async (options) => {
  const server = new FakeMemosServer({
    startTime: T0,
    maxPageSize: options.maxPageSize,
    publicInstance: options.publicInstance,
    profile: options.profile,
  });
  server.accounts.createUser('alice', 'alice-pass');
  server.accounts.createUser('bob', 'bob-pass');
  const alice = server.webUi('alice');
  const bob = server.webUi('bob');
  const token = server.accounts.createAccessToken('alice').token;
  const aliceId = server.accounts.userByName('alice')?.id;
  return {
    kind: 'fake',
    baseUrl: 'http://memos.test',
    fetch: server.fetch,
    deviceToken: token,
    deviceUser: 'users/alice',
    uidPrefix: '00000000',
    clock: server.clock,
    sse: server.sse,
    alice: fakeWebUi(server, alice),
    bob: fakeWebUi(server, bob),
    ...(server.profile.spaces ? { newer: newerRelease(server, alice) } : {}),
    files: fakeFiles(server, alice, aliceId ?? -1),
    memos: () => server.memos().filter((m) => m.creatorId === aliceId && m.parentUid === undefined),
    writeSeq: () => server.writeSeq,
    churnSeq: (uid) => Math.max(server.deletions.get(uid) ?? -1, server.creations.get(uid) ?? -1),
    setTokenRevoked: (revoked) => server.accounts.suspendToken(token, revoked),
    dispose: async () => server.sse.disconnectAll(),
  };
};
