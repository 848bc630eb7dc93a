/**
 * Plain REST calls to a real Memos server (0.29 or 0.30) for the real-server fuzz harness: what the
 * official web UI does (create, content edits with update_time, pin/archive/visibility
 * without it, an explicit old update_time, delete), minting and revoking personal access
 * tokens, and listing one user's memos as the server holds them. Independent of sync/api
 * (the code under test): it reads only the fields the invariants compare.
 * Invariant: every call that does not answer 200 throws, quoting the server's answer, so a
 * harness action never fails silently.
 */
import type { MemoState, Visibility } from '../../../sync/core/memo';
import type { ServerMemo } from '../../unit/sync-fuzz/server-handle';

export interface Rest {
  call(method: string, path: string, body?: unknown): Promise<unknown>;
}

/** A session access token (15 minutes) from username and password. */
export async function signIn(baseUrl: string, username: string, password: string): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/auth/signin`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ passwordCredentials: { username, password } }),
  });
  const body: unknown = await response.json();
  const token = isRecord(body) ? body.accessToken : undefined;
  if (response.status !== 200 || typeof token !== 'string')
    throw new Error(`sign-in of ${username} → HTTP ${response.status}: ${JSON.stringify(body)}`);
  return token;
}

export function rest(baseUrl: string, token: string): Rest {
  return {
    async call(method, path, body) {
      const response = await fetch(`${baseUrl}/api/v1/${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (response.status !== 200)
        throw new Error(`${method} /api/v1/${path} → HTTP ${response.status}: ${text}`);
      return JSON.parse(text) as unknown;
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function field<T>(record: Record<string, unknown>, key: string, check: (v: unknown) => v is T): T {
  const value = record[key];
  if (!check(value)) throw new Error(`memo field ${key} is malformed: ${JSON.stringify(record)}`);
  return value;
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isVisibility = (v: unknown): v is Visibility => v === 'PRIVATE' || v === 'PROTECTED' || v === 'PUBLIC';
const isState = (v: unknown): v is MemoState => v === 'NORMAL' || v === 'ARCHIVED';

export function parseMemo(value: unknown): ServerMemo {
  if (!isRecord(value)) throw new Error(`not a memo: ${JSON.stringify(value)}`);
  const seconds = (key: string) => Math.floor(Date.parse(field(value, key, isString)) / 1000);
  return {
    uid: field(value, 'name', isString).replace(/^memos\//, ''),
    content: field(value, 'content', isString),
    visibility: field(value, 'visibility', isVisibility),
    state: field(value, 'state', isState),
    pinned: field(value, 'pinned', isBoolean),
    createdTs: seconds('createTime'),
    updatedTs: seconds('updateTime'),
  };
}

/** Every memo of `username` in one state (pages followed), as its own PAT reads them. */
export async function listAll(api: Rest, username: string, state: MemoState): Promise<ServerMemo[]> {
  const memos: ServerMemo[] = [];
  let pageToken = '';
  do {
    const query = new URLSearchParams({ filter: `creator == "users/${username}"`, state, pageSize: '1000' });
    if (pageToken !== '') query.set('pageToken', pageToken);
    const page = await api.call('GET', `memos?${query.toString()}`);
    if (!isRecord(page)) throw new Error(`not a memo list: ${JSON.stringify(page)}`);
    const items = page.memos ?? [];
    if (!Array.isArray(items)) throw new Error(`not a memo list: ${JSON.stringify(page)}`);
    for (const item of items) memos.push(parseMemo(item));
    pageToken = typeof page.nextPageToken === 'string' ? page.nextPageToken : '';
  } while (pageToken !== '');
  return memos;
}

/** The official web UI's memo writes, as one user. */
export const webCalls = {
  create: async (api: Rest, content: string, visibility: Visibility): Promise<ServerMemo> =>
    parseMemo(await api.call('POST', 'memos', { content, visibility })),
  patch: async (api: Rest, uid: string, mask: string, body: Record<string, unknown>): Promise<void> => {
    await api.call('PATCH', `memos/${encodeURIComponent(uid)}?updateMask=${mask}`, body);
  },
  remove: async (api: Rest, uid: string): Promise<void> => {
    await api.call('DELETE', `memos/${encodeURIComponent(uid)}`);
  },
};

/** Mints a non-expiring PAT for `username` (authenticated as that user); returns its name and value. */
/** The resource names of `username`'s personal access tokens. */
export async function tokenNames(api: Rest, username: string): Promise<Set<string>> {
  const listed = await api.call('GET', `users/${encodeURIComponent(username)}/personalAccessTokens`);
  const tokens =
    isRecord(listed) && Array.isArray(listed.personalAccessTokens) ? listed.personalAccessTokens : [];
  return new Set(tokens.flatMap((t) => (isRecord(t) && isString(t.name) ? [t.name] : [])));
}

export async function mintToken(api: Rest, username: string): Promise<{ name: string; token: string }> {
  const created = await api.call('POST', `users/${encodeURIComponent(username)}/personalAccessTokens`, {
    description: 'sync fuzz devices',
    expiresInDays: 0,
  });
  const pat = isRecord(created) ? created.personalAccessToken : undefined;
  const name = isRecord(pat) ? pat.name : undefined;
  const token = isRecord(created) ? created.token : undefined;
  if (!isString(name) || !isString(token))
    throw new Error(`unexpected PAT answer: ${JSON.stringify(created)}`);
  return { name, token };
}
