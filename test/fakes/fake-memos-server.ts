/**
 * An in-memory fake of a Memos server, by default v0.30 (and v0.29 or v0.31 by `profile`,
 * fake-memos-profiles.ts, switchable at run time like an upgrade in place), with its quirks
 * (see memos-api.md §0–§7, §11):
 * whole-second times from a controllable clock; no ETag or version; hard deletes (a repeated
 * delete is 404); `update_time` moves ONLY when the update mask names `update_time`;
 * `pinned`/`state` ignored on create; a client-chosen `memoId` is honoured, validated, and
 * unique across users (409); content over the limit (UTF-8 bytes) is 400; a bad token is
 * anonymous (private instance: 401 everywhere but bootstrap; public instance: PUBLIC data
 * only). Tags, snippet and property are derived with sync/core/derive.ts.
 * `fetch` speaks the REST routes (fake-memos-routes.ts); `webUi(user)` acts on the server
 * as the official web UI does (content edits bump update_time; pin, archive and visibility
 * do not; on 0.31 it also moves memos into a Space). Everything is deterministic: ids and
 * tokens come from counters, rate-limit windows and the transient-precondition hook run on
 * the fake clock and on decisions the test injects.
 */
import { isValidUid } from '../../sync/core/ids';
import { utf8ByteLength } from '../../sync/core/limits';
import type { MemoState, Visibility } from '../../sync/core/memo';
import { FakeAccounts } from './fake-memos-accounts';
import { DEFAULT_FAKE_ATTACHMENT_LIMIT, FakeAttachments } from './fake-memos-attachments';
import { FAKE_PROFILES, type FakeProfile, type FakeProfileName } from './fake-memos-profiles';
import { compareRows, decodePageToken, encodePageToken, parseFilter, parseOrderBy } from './fake-memos-query';
import { FakeRateLimiter } from './fake-memos-rate-limit';
import { handleFakeRequest } from './fake-memos-routes';
import { FakeSseHub } from './fake-memos-sse';
import { derive, type FakeMemo, FakeRpcError, type FakeUser, type MemoInput } from './fake-memos-state';

export interface FakeServerOptions {
  /** epoch ms of the server clock at start (a ManualClock; ignored when `clock` is given) */
  startTime?: number;
  /** The server clock; by default a ManualClock at `startTime`. */
  clock?: FakeClock;
  /** true: started with --instance-url (anonymous reads see PUBLIC memos) */
  publicInstance?: boolean;
  /** Which Memos release it behaves as (default 0.30). */
  profile?: FakeProfileName;
  /** What the profile reports as `version` instead of the release's own (e.g. "dev", "26.10"). */
  version?: string;
  contentLimitBytes?: number;
  /** Test knob: cap page sizes below Memos' 1000 to exercise paging with few memos. */
  maxPageSize?: number;
  /** The instance's upload limit (Memos' default 30 MiB). */
  attachmentLimitBytes?: number;
}

/** The fake server's clock (epoch ms); tests move it with `advance`/`set`. */
export interface FakeClock {
  now(): number;
  advance(ms: number): void;
  set(ms: number): void;
}

/** A clock that stands still until moved (the fuzz and most unit tests). */
export class ManualClock implements FakeClock {
  private ms: number;
  constructor(start: number) {
    this.ms = start;
  }
  now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}

/** Real time plus an offset a test may move (a fake standing in for a running server). */
export class SystemClock implements FakeClock {
  private offset = 0;
  now = (): number => Date.now() + this.offset;
  advance(ms: number): void {
    this.offset += ms;
  }
  set(ms: number): void {
    this.offset = ms - Date.now();
  }
}

export interface ListRequest {
  filter: string;
  state: MemoState;
  orderBy: string;
  pageSize: number;
  pageToken: string;
}

const SHORT_UUID_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** `(uid)` → true: this UpdateMemo fails with 0.31's transient "memo state changed". */
export type PreconditionDecision = (uid: string) => boolean;

const MANAGED_ATTACHMENT_LINKS = /\]\(\/file\/attachments\/([^/)\s]+)/g;

export class FakeMemosServer {
  readonly clock: FakeClock;
  readonly sse = new FakeSseHub();
  readonly options: Required<Omit<FakeServerOptions, 'startTime' | 'clock' | 'profile' | 'version'>>;
  /** The release it behaves as; `upgradeTo` switches it while running. */
  profile: FakeProfile;
  /**
   * What the instance profile says as `version`: the release's own unless a test set it
   * (`{ value: undefined }`: the field is absent; any other JSON value is sent as is).
   */
  reportedVersion: { value: unknown } | undefined;
  /** 0.31's rate limiter applies only while this is on (a fuzz turns it off for quiescence). */
  rateLimiting = true;
  /** 0.31: consulted on every UpdateMemo request (REST) when set. */
  transientPrecondition: PreconditionDecision | undefined;
  private readonly limiter = new FakeRateLimiter();
  /** Every request the routes saw, in order (method and path with query). */
  readonly requests: Array<{ method: string; url: string }> = [];
  /** Counts memo writes (create, update, delete); a test can compare "before" and "after". */
  writeSeq = 0;
  /** uid → `writeSeq` of its latest hard delete / its latest create. */
  readonly deletions = new Map<string, number>();
  readonly creations = new Map<string, number>();
  /** Users and credentials (fake-memos-accounts.ts). */
  readonly accounts: FakeAccounts;
  /** Attachments and their bytes (fake-memos-attachments.ts). */
  readonly attachments: FakeAttachments;
  private readonly memoRows = new Map<string, FakeMemo>();
  private nextId = 1;

  constructor(options: FakeServerOptions = {}) {
    this.clock = options.clock ?? new ManualClock(options.startTime ?? Date.UTC(2026, 0, 1));
    this.accounts = new FakeAccounts(
      () => this.nowSeconds(),
      () => this.nextId++,
    );
    this.options = {
      publicInstance: options.publicInstance ?? false,
      contentLimitBytes: options.contentLimitBytes ?? 8192,
      maxPageSize: Math.min(options.maxPageSize ?? 1000, 1000),
      attachmentLimitBytes: options.attachmentLimitBytes ?? DEFAULT_FAKE_ATTACHMENT_LIMIT,
    };
    this.attachments = new FakeAttachments(
      () => this.nowSeconds(),
      () => this.newUid(),
      this.options.attachmentLimitBytes,
    );
    this.profile = FAKE_PROFILES[options.profile ?? '0.30'];
    this.sse.disconnectSlowClients = this.profile.sseDisconnectsSlowClients;
    this.reportedVersion = options.version === undefined ? undefined : { value: options.version };
  }

  /** Restarts as another release over the same data (as an upgrade in place does). */
  upgradeTo(profile: FakeProfileName): void {
    this.profile = FAKE_PROFILES[profile];
    this.sse.disconnectSlowClients = this.profile.sseDisconnectsSlowClients;
    this.sse.disconnectAll();
  }

  /** The profile's `version` field: `{ present: false }` when a test removed it. */
  versionField(): { present: true; value: unknown } | { present: false } {
    if (!this.reportedVersion) return { present: true, value: this.profile.version };
    return this.reportedVersion.value === undefined
      ? { present: false }
      : { present: true, value: this.reportedVersion.value };
  }

  /**
   * 0.31's limiter: `requests` per user and window; over it, RESOURCE_EXHAUSTED with the
   * seconds until the window ends. Returns that delay, or undefined when admitted.
   */
  rateLimitDelay(userId: number): number | undefined {
    const rule = this.profile.rateLimit;
    if (!rule || !this.rateLimiting) return undefined;
    return this.limiter.admit(userId, this.nowSeconds(), rule);
  }

  /** The HTTP surface, shaped like the global fetch. */
  readonly fetch = (url: string, init?: RequestInit): Promise<Response> => handleFakeRequest(this, url, init);

  nowSeconds(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  // ---- memos (the service layer) ----

  /** Server-side snapshot of every memo and comment (copies). */
  memos(): FakeMemo[] {
    return [...this.memoRows.values()].map((m) => ({ ...m }));
  }

  memo(uid: string): FakeMemo | undefined {
    const row = this.memoRows.get(uid);
    return row ? { ...row } : undefined;
  }

  /** Whether `viewer` may read memo `uid` (for attachment access). */
  canRead(viewer: FakeUser | undefined, uid: string): boolean {
    try {
      this.getMemo(viewer, uid);
      return true;
    } catch {
      return false;
    }
  }

  private newUid(): string {
    let n = this.nextId++ * 7919 + 104729;
    let uid = '';
    for (let i = 0; i < 22; i++) {
      uid += SHORT_UUID_ALPHABET[n % SHORT_UUID_ALPHABET.length];
      n = Math.floor(n / SHORT_UUID_ALPHABET.length) + i * 31;
    }
    return uid;
  }

  /** `bound`: the memo's attachment names after this write (0.31 checks managed links against them). */
  private checkContent(content: string, bound: readonly string[] = []): void {
    const limit = this.options.contentLimitBytes;
    if (utf8ByteLength(content) > limit)
      throw new FakeRpcError('INVALID_ARGUMENT', `content too long (max ${limit} characters)`);
    if (!this.profile.managedAttachmentLinks) return;
    // 0.31: a managed image link needs its attachment bound to the memo in the same write.
    for (const link of content.matchAll(MANAGED_ATTACHMENT_LINKS)) {
      const name = `attachments/${link[1] ?? ''}`;
      if (!bound.includes(name))
        throw new FakeRpcError('FAILED_PRECONDITION', `attachment "${name}" is not bound to this memo`);
    }
  }

  private row(uid: string): FakeMemo {
    const row = this.memoRows.get(uid);
    if (!row) throw new FakeRpcError('NOT_FOUND', 'memo not found');
    return row;
  }

  private canWrite(user: FakeUser, memo: FakeMemo): void {
    if (memo.creatorId !== user.id && user.role !== 'ADMIN')
      throw new FakeRpcError('PERMISSION_DENIED', 'permission denied');
  }

  private emit(type: 'memo.created' | 'memo.updated' | 'memo.deleted', memo: FakeMemo): void {
    this.writeSeq++;
    if (type === 'memo.deleted') this.deletions.set(memo.uid, this.writeSeq);
    if (type === 'memo.created') this.creations.set(memo.uid, this.writeSeq);
    this.sse.broadcast({
      type,
      name: `memos/${memo.uid}`,
      // [real server] an event about a comment names its parent too.
      ...(memo.parentUid !== undefined ? { parent: `memos/${memo.parentUid}` } : {}),
      visibility: memo.visibility,
      creatorId: memo.creatorId,
    });
  }

  createMemo(
    user: FakeUser,
    memoId: string | undefined,
    input: MemoInput,
    parentUid?: string,
    attachments?: readonly string[],
  ): FakeMemo {
    const trimmed = (memoId ?? '').trim();
    if (trimmed !== '' && !isValidUid(trimmed)) {
      throw new FakeRpcError(
        'INVALID_ARGUMENT',
        'invalid UID: must be 1-36 characters, contain only letters, digits, or hyphens, and start and end with a letter or digit',
      );
    }
    const uid = trimmed === '' ? this.newUid() : trimmed;
    const content = input.content ?? '';
    this.checkContent(content, attachments);
    if (this.memoRows.has(uid))
      throw new FakeRpcError('ALREADY_EXISTS', `memo with ID "${uid}" already exists`);
    const parent = parentUid === undefined ? undefined : this.row(parentUid);
    const now = this.nowSeconds();
    const memo: FakeMemo = {
      id: this.nextId++,
      uid,
      creatorId: user.id,
      content,
      visibility:
        parent && !this.profile.independentComments ? parent.visibility : (input.visibility ?? 'PRIVATE'),
      state: 'NORMAL', // [quirk] state and pinned are ignored on create
      pinned: false,
      createdTs: input.createTime ? input.createTime : now,
      updatedTs: input.updateTime ? input.updateTime : now,
      derived: derive(content),
      ...(parent ? { parentUid: parent.uid } : {}),
    };
    this.memoRows.set(uid, memo);
    // [quirk] not atomic: the memo row exists even when linking its attachments fails.
    if (attachments && attachments.length > 0) this.attachments.setForMemo(user, uid, attachments);
    if (!parent) this.emit('memo.created', memo);
    else {
      // A comment announces only `memo.comment.created`, named after its parent.
      this.writeSeq++;
      this.sse.broadcast({
        type: 'memo.comment.created',
        name: `memos/${parent.uid}`,
        visibility: parent.visibility,
        creatorId: parent.creatorId,
      });
    }
    return { ...memo };
  }

  private checkRead(viewer: FakeUser | undefined, memo: FakeMemo): void {
    if (memo.state === 'ARCHIVED' && memo.creatorId !== viewer?.id)
      throw new FakeRpcError('NOT_FOUND', 'memo not found');
    if (memo.visibility === 'PUBLIC') return;
    if (!viewer) throw new FakeRpcError('UNAUTHENTICATED', 'user not authenticated');
    // SPACE: readable by the Space's members; the fake's Spaces have none but the author.
    if ((memo.visibility === 'PRIVATE' || memo.visibility === 'SPACE') && memo.creatorId !== viewer.id)
      throw new FakeRpcError('PERMISSION_DENIED', 'permission denied');
  }

  getMemo(viewer: FakeUser | undefined, uid: string): FakeMemo {
    const memo = this.row(uid);
    this.checkRead(viewer, memo);
    const parent = memo.parentUid === undefined ? undefined : this.memoRows.get(memo.parentUid);
    if (parent && !this.profile.independentComments) this.checkRead(viewer, parent);
    return { ...memo };
  }

  listMemos(
    viewer: FakeUser | undefined,
    request: ListRequest,
  ): { memos: FakeMemo[]; nextPageToken: string } {
    if (request.state === 'ARCHIVED' && !viewer) return { memos: [], nextPageToken: '' };
    const order = parseOrderBy(request.orderBy);
    if (!order.ok) throw new FakeRpcError('INVALID_ARGUMENT', order.message);
    const filter = parseFilter(request.filter, this.nowSeconds(), this.profile.timeFilter);
    if (!filter.ok) throw new FakeRpcError('INVALID_ARGUMENT', filter.message);
    let limit = request.pageSize;
    let offset = 0;
    if (request.pageToken !== '') {
      const token = decodePageToken(request.pageToken);
      if (!token.ok) throw new FakeRpcError('INVALID_ARGUMENT', token.message);
      limit = token.value.limit;
      offset = Math.max(token.value.offset, 0);
    }
    limit = Math.min(
      limit <= 0 ? this.profile.defaultPageSize : Math.min(limit, 1000),
      this.options.maxPageSize,
    );
    const visible = (m: FakeMemo) => {
      if (m.parentUid !== undefined || m.state !== request.state) return false;
      if (request.state === 'ARCHIVED') return m.creatorId === viewer?.id;
      if (!viewer) return m.visibility === 'PUBLIC';
      return m.creatorId === viewer.id || m.visibility === 'PUBLIC' || m.visibility === 'PROTECTED';
    };
    const rows = [...this.memoRows.values()]
      .filter(visible)
      .filter((m) => {
        const view = { ...m, creator: `users/${this.accounts.userById(m.creatorId).username}` };
        return filter.value.every((clause) => clause.test(view));
      })
      .sort(compareRows(order.value));
    const page = rows.slice(offset, offset + limit + 1);
    const more = page.length > limit;
    return {
      memos: page.slice(0, limit).map((m) => ({ ...m })),
      nextPageToken: more ? encodePageToken(limit, offset + limit) : '',
    };
  }

  /** UpdateMemo: only the listed proto paths apply; `update_time` moves only when listed. */
  updateMemo(
    user: FakeUser,
    uid: string,
    input: MemoInput,
    paths: readonly string[],
    attachments?: readonly string[],
  ): FakeMemo {
    if (paths.length === 0) throw new FakeRpcError('INVALID_ARGUMENT', 'update mask is required');
    const memo = this.row(uid);
    this.canWrite(user, memo);
    const next: FakeMemo = { ...memo };
    for (const path of paths) {
      if (path === 'content') {
        const bound =
          attachments && paths.includes('attachments')
            ? attachments
            : this.attachments.ofMemo(uid).map((a) => `attachments/${a.uid}`);
        this.checkContent(input.content ?? '', bound);
        next.content = input.content ?? '';
        next.derived = derive(next.content);
      } else if (path === 'visibility') {
        const parent = memo.parentUid === undefined ? undefined : this.memoRows.get(memo.parentUid);
        next.visibility =
          parent && !this.profile.independentComments ? parent.visibility : (input.visibility ?? 'PRIVATE');
      } else if (path === 'pinned') next.pinned = input.pinned ?? false;
      else if (path === 'state') next.state = input.state ?? 'NORMAL';
      else if (path === 'create_time') next.createdTs = input.createTime ?? 0;
      else if (path === 'update_time') next.updatedTs = input.updateTime ?? this.nowSeconds();
      else if (path === 'display_time')
        throw new FakeRpcError('INVALID_ARGUMENT', 'display_time is not supported');
      else if (path === 'attachments') this.attachments.setForMemo(user, uid, attachments ?? []);
      // Any other path (camelCase `updateTime`, `tags`, `location.latitude`, …) is silently ignored.
    }
    this.memoRows.set(uid, next);
    this.emit('memo.updated', next);
    return { ...next };
  }

  deleteMemo(user: FakeUser, uid: string): void {
    const memo = this.row(uid);
    this.canWrite(user, memo);
    // 0.31: comments are independent memos and outlive their parent.
    if (!this.profile.independentComments) {
      for (const row of [...this.memoRows.values()]) if (row.parentUid === uid) this.memoRows.delete(row.uid);
    }
    this.memoRows.delete(uid);
    this.attachments.deleteForMemo(uid);
    this.emit('memo.deleted', memo);
  }

  /** What `users/{u}:getStats` counts: NORMAL non-comment memos `viewer` can see. */
  statsOf(viewer: FakeUser | undefined, username: string): FakeMemo[] {
    const owner = this.accounts.userByName(username);
    if (!owner) throw new FakeRpcError('NOT_FOUND', 'user not found');
    return [...this.memoRows.values()].filter(
      (m) =>
        m.creatorId === owner.id &&
        m.parentUid === undefined &&
        m.state === 'NORMAL' &&
        (m.creatorId === viewer?.id ||
          m.visibility === 'PUBLIC' ||
          (viewer !== undefined && m.visibility === 'PROTECTED')),
    );
  }

  // ---- the official web UI, acting on the server directly ----

  webUi(username: string): FakeWebUi {
    const user = this.accounts.userByName(username);
    if (!user) throw new Error(`no user ${username}`);
    return {
      create: (content, visibility = 'PRIVATE') => this.createMemo(user, undefined, { content, visibility }),
      comment: (parentUid, content, visibility) =>
        this.createMemo(user, undefined, { content, ...(visibility ? { visibility } : {}) }, parentUid),
      editContent: (uid, content) => this.updateMemo(user, uid, { content }, ['content', 'update_time']),
      setPinned: (uid, pinned) => this.updateMemo(user, uid, { pinned }, ['pinned']),
      setState: (uid, state) => this.updateMemo(user, uid, { state }, ['state']),
      setVisibility: (uid, visibility) => this.updateMemo(user, uid, { visibility }, ['visibility']),
      setUpdateTime: (uid, epochMs) =>
        this.updateMemo(user, uid, { updateTime: Math.floor(epochMs / 1000) }, ['update_time']),
      remove: (uid) => this.deleteMemo(user, uid),
      attach: (uid, files) => {
        const memo = this.row(uid);
        const names = this.attachments.ofMemo(uid).map((a) => `attachments/${a.uid}`);
        for (const file of files) {
          const created = this.attachments.create(user, undefined, {
            filename: file.filename,
            type: file.type,
            content: btoa(String.fromCharCode(...file.bytes)),
          });
          names.push(`attachments/${created.uid}`);
        }
        return this.updateMemo(user, memo.uid, {}, ['attachments', 'update_time'], names);
      },
      detach: (uid, attachmentUid) => {
        const names = this.attachments
          .ofMemo(uid)
          .filter((a) => a.uid !== attachmentUid)
          .map((a) => `attachments/${a.uid}`);
        return this.updateMemo(user, uid, {}, ['attachments', 'update_time'], names);
      },
      moveToSpace: (uid, space) => {
        if (!this.profile.spaces) throw new Error(`Memos ${this.profile.version} has no Spaces`);
        const memo = this.row(uid);
        this.canWrite(user, memo);
        const next: FakeMemo = { ...memo, space, visibility: 'SPACE' };
        this.memoRows.set(uid, next);
        this.emit('memo.updated', next);
        return { ...next };
      },
    };
  }
}

/** The official web UI's writes: content edits bump update_time; pin, archive, visibility do not. */
export interface FakeWebUi {
  create(content: string, visibility?: Visibility): FakeMemo;
  /** A comment (0.31: its own visibility, default PRIVATE; before, its parent's). */
  comment(parentUid: string, content: string, visibility?: Visibility): FakeMemo;
  editContent(uid: string, content: string): FakeMemo;
  setPinned(uid: string, pinned: boolean): FakeMemo;
  setState(uid: string, state: MemoState): FakeMemo;
  setVisibility(uid: string, visibility: Visibility): FakeMemo;
  /** Writes an explicit (possibly old) update time, as a client echoing a stale memo would. */
  setUpdateTime(uid: string, epochMs: number): FakeMemo;
  remove(uid: string): void;
  /** Uploads files and adds them to the memo, as the web UI's editor does. */
  attach(uid: string, files: ReadonlyArray<{ filename: string; type: string; bytes: Uint8Array }>): FakeMemo;
  /** Removes one attachment from the memo's set (the server deletes it). */
  detach(uid: string, attachmentUid: string): FakeMemo;
  /** 0.31: places the memo in a Space, visible to its members (SPACE); update_time stays. */
  moveToSpace(uid: string, space: string): FakeMemo;
}
