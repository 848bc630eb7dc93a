/**
 * The world outside the device under test, talking to the Memos server with plain
 * `fetch`: fresh accounts (one per test keeps tests independent on a shared instance) and
 * "the official web UI" of an account. The web UI's writes are the ones that matter to a
 * sync client: content edits bump `update_time`; pin, archive/restore and visibility
 * changes do NOT (so only a full reconciliation sees them); deletes are hard deletes.
 * Invariant: nothing here uses the sync code; any unexpected HTTP status throws.
 */
import { randomUUID } from 'node:crypto';
import type { MemosEndpoint } from '../../helpers/memos-instance';

export type Visibility = 'PRIVATE' | 'PROTECTED' | 'PUBLIC';

/** A memo as the server reports it (times as epoch ms). */
export interface ServerMemo {
  name: string;
  creator: string;
  content: string;
  visibility: Visibility;
  state: 'NORMAL' | 'ARCHIVED';
  pinned: boolean;
  /** Attachment names (`attachments/<id>`). */
  attachments: string[];
  createTime: number;
  updateTime: number;
}

export interface CreateOptions {
  visibility?: Visibility;
  /** epoch ms */
  createTime?: number;
  /** epoch ms; by default the server clock */
  updateTime?: number;
  uid?: string;
}

export interface WebUi {
  readonly token: string;
  create(content: string, options?: CreateOptions): Promise<ServerMemo>;
  /** A content edit as the web UI makes it (`content,update_time`). */
  editContent(name: string, content: string): Promise<ServerMemo>;
  /** Pin, archive/restore and visibility as the web UI makes them: no `update_time` bump. */
  setPinned(name: string, pinned: boolean): Promise<ServerMemo>;
  setState(name: string, state: 'NORMAL' | 'ARCHIVED'): Promise<ServerMemo>;
  setVisibility(name: string, visibility: Visibility): Promise<ServerMemo>;
  remove(name: string): Promise<void>;
  /** undefined on 404 */
  get(name: string): Promise<ServerMemo | undefined>;
  /** Every own memo, NORMAL and ARCHIVED, sorted by name. */
  listAll(): Promise<ServerMemo[]>;
  /**
   * Attaches files as the official web client does: each uploaded (unlinked), then the memo's
   * whole set sent with `attachments,update_time`.
   */
  attach(
    name: string,
    files: ReadonlyArray<{ filename: string; type: string; bytes: Uint8Array }>,
  ): Promise<ServerMemo>;
  /** Removes one attachment from a memo's set (the server deletes it). */
  detach(name: string, attachment: string): Promise<ServerMemo>;
  /** Every attachment of the user (unlinked ones included): names and the memo they are on. */
  attachments(): Promise<Array<{ name: string; filename: string; memo?: string }>>;
  /** The bytes the file server answers for an attachment. */
  fileBytes(attachment: string): Promise<Uint8Array>;
}

export interface Account {
  username: string;
  /** `users/<username>` */
  user: string;
  password: string;
  token: string;
  web: WebUi;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function toServerMemo(value: unknown): ServerMemo {
  if (!isRecord(value) || typeof value.name !== 'string' || typeof value.content !== 'string')
    throw new Error(`not a memo: ${JSON.stringify(value)}`);
  return {
    name: value.name,
    creator: String(value.creator),
    content: value.content,
    visibility: String(value.visibility) as Visibility,
    state: value.state === 'ARCHIVED' ? 'ARCHIVED' : 'NORMAL',
    pinned: value.pinned === true,
    attachments: (Array.isArray(value.attachments) ? value.attachments : []).map((a: unknown) =>
      isRecord(a) ? String(a.name) : '',
    ),
    createTime: Date.parse(String(value.createTime)),
    updateTime: Date.parse(String(value.updateTime)),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

export function webUi(baseUrl: string, token: string): WebUi {
  async function call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: unknown }> {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed };
  }
  async function expectOk(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await call(method, path, body);
    if (res.status !== 200) throw new Error(`${method} ${path} → ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body;
  }
  const patch = async (name: string, mask: string, body: Record<string, unknown>) =>
    toServerMemo(await expectOk('PATCH', `/api/v1/${name}?updateMask=${mask}`, body));

  return {
    token,
    async create(content, options = {}) {
      const body: Record<string, unknown> = { content, visibility: options.visibility ?? 'PRIVATE' };
      if (options.createTime !== undefined) body.createTime = iso(options.createTime);
      if (options.updateTime !== undefined) body.updateTime = iso(options.updateTime);
      return toServerMemo(
        await expectOk('POST', `/api/v1/memos?memoId=${options.uid ?? randomUUID()}`, body),
      );
    },
    editContent: (name, content) => patch(name, 'content,update_time', { content }),
    setPinned: (name, pinned) => patch(name, 'pinned', { pinned }),
    setState: (name, state) => patch(name, 'state', { state }),
    setVisibility: (name, visibility) => patch(name, 'visibility', { visibility }),
    async remove(name) {
      await expectOk('DELETE', `/api/v1/${name}`);
    },
    async attach(name, files) {
      const current = await expectOk('GET', `/api/v1/${name}`);
      const names = (isRecord(current) && Array.isArray(current.attachments) ? current.attachments : []).map(
        (a: unknown) => ({ name: isRecord(a) ? String(a.name) : '' }),
      );
      for (const file of files) {
        const created = await expectOk('POST', '/api/v1/attachments', {
          filename: file.filename,
          type: file.type,
          content: Buffer.from(file.bytes).toString('base64'),
        });
        names.push({ name: isRecord(created) ? String(created.name) : '' });
      }
      return patch(name, 'attachments,update_time', { attachments: names });
    },
    async detach(name, attachment) {
      const current = toServerMemo(await expectOk('GET', `/api/v1/${name}`));
      return patch(name, 'attachments,update_time', {
        attachments: current.attachments.filter((a) => a !== attachment).map((a) => ({ name: a })),
      });
    },
    async attachments() {
      const body = await expectOk('GET', '/api/v1/attachments?pageSize=1000');
      const list = isRecord(body) && Array.isArray(body.attachments) ? body.attachments : [];
      return list.filter(isRecord).map((a) => ({
        name: String(a.name),
        filename: String(a.filename),
        ...(typeof a.memo === 'string' ? { memo: a.memo } : {}),
      }));
    },
    async fileBytes(attachment) {
      const uid = attachment.replace(/^attachments\//, '');
      const res = await fetch(`${baseUrl}/file/attachments/${uid}/file`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      if (res.status !== 200) throw new Error(`GET file ${uid} → ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
    async get(name) {
      const res = await call('GET', `/api/v1/${name}`);
      if (res.status === 404) return undefined;
      if (res.status !== 200) throw new Error(`GET ${name} → ${res.status}: ${JSON.stringify(res.body)}`);
      return toServerMemo(res.body);
    },
    async listAll() {
      const me = await expectOk('GET', '/api/v1/auth/me');
      const user = isRecord(me) && isRecord(me.user) ? String(me.user.name) : '';
      const all: ServerMemo[] = [];
      for (const state of ['NORMAL', 'ARCHIVED']) {
        let pageToken = '';
        do {
          const params = new URLSearchParams({
            filter: `creator == "${user}"`,
            state,
            pageSize: '1000',
            ...(pageToken ? { pageToken } : {}),
          });
          const page = await expectOk('GET', `/api/v1/memos?${params.toString()}`);
          const memos = isRecord(page) && Array.isArray(page.memos) ? page.memos : [];
          all.push(...memos.map(toServerMemo));
          pageToken = isRecord(page) && typeof page.nextPageToken === 'string' ? page.nextPageToken : '';
        } while (pageToken);
      }
      return all.sort((a, b) => (a.name < b.name ? -1 : 1));
    },
  };
}

let accounts = 0;

/** A fresh USER with its own PAT, so each test sees only its own memos. */
export async function newAccount(memos: MemosEndpoint, prefix = 'user'): Promise<Account> {
  accounts++;
  const username = `${prefix}${accounts}${randomUUID().slice(0, 6)}`.toLowerCase();
  const password = `pw-${randomUUID()}`;
  const { token } = await memos.createUser(username, password);
  return { username, user: `users/${username}`, password, token, web: webUi(memos.baseUrl, token) };
}

/** Mints another PAT for an account and returns it with its resource name (to revoke it later). */
export async function mintToken(
  memos: MemosEndpoint,
  account: Account,
): Promise<{ token: string; revoke(): Promise<void> }> {
  const signIn = await fetch(`${memos.baseUrl}/api/v1/auth/signin`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ passwordCredentials: { username: account.username, password: account.password } }),
  });
  const session: unknown = await signIn.json();
  const jwt = isRecord(session) ? String(session.accessToken) : '';
  const minted = await fetch(`${memos.baseUrl}/api/v1/${account.user}/personalAccessTokens`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${jwt}` },
    body: JSON.stringify({ description: 'device under test', expiresInDays: 0 }),
  });
  const body: unknown = await minted.json();
  if (!isRecord(body) || typeof body.token !== 'string' || !isRecord(body.personalAccessToken))
    throw new Error(`could not mint a PAT: ${JSON.stringify(body)}`);
  const token = body.token;
  const resource = String(body.personalAccessToken.name);
  const listed = async (): Promise<boolean> => {
    const res = await fetch(`${memos.baseUrl}/api/v1/${account.user}/personalAccessTokens`, {
      headers: { Authorization: `Bearer ${jwt}` },
    });
    const list: unknown = await res.json();
    const tokens =
      isRecord(list) && Array.isArray(list.personalAccessTokens) ? list.personalAccessTokens : [];
    return tokens.some((t) => isRecord(t) && t.name === resource);
  };
  return {
    token,
    async revoke() {
      // Memos 0.29 writes a PAT's last-use time after answering, as a rewrite of the whole
      // token list: one still in flight can bring a just-revoked token back (0.30 locks it).
      // So revoke with the session's JWT, and again until the token stays gone.
      for (let attempt = 0; attempt < 20; attempt++) {
        const res = await fetch(`${memos.baseUrl}/api/v1/${resource}`, {
          method: 'DELETE',
          headers: { Authorization: `Bearer ${jwt}` },
        });
        if (res.status !== 200 && res.status !== 404)
          throw new Error(`revoking ${resource} → ${res.status}: ${await res.text()}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (!(await listed())) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          if (!(await listed())) return;
        }
      }
      throw new Error(`${resource} keeps coming back after being revoked`);
    },
  };
}
