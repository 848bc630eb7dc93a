/**
 * Domain types of the fake Memos server and the JSON it answers with (Memos gateway shapes:
 * lowerCamelCase names, enum names as strings, RFC 3339 times with whole seconds,
 * unpopulated scalars present, unset optional fields such as `parent` absent; 0.31's
 * `space` only when the memo is in one, and its SPACE visibility).
 */
import { deriveMemoData } from '../../sync/core/derive';
import type { DerivedMemoData, MemoState, Visibility } from '../../sync/core/memo';

export type GrpcCode =
  | 'INVALID_ARGUMENT'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'NOT_FOUND'
  | 'ALREADY_EXISTS'
  | 'FAILED_PRECONDITION'
  | 'RESOURCE_EXHAUSTED'
  | 'INTERNAL'
  | 'UNIMPLEMENTED';

export const GRPC = {
  INVALID_ARGUMENT: { number: 3, http: 400 },
  UNAUTHENTICATED: { number: 16, http: 401 },
  PERMISSION_DENIED: { number: 7, http: 403 },
  NOT_FOUND: { number: 5, http: 404 },
  ALREADY_EXISTS: { number: 6, http: 409 },
  FAILED_PRECONDITION: { number: 9, http: 400 },
  RESOURCE_EXHAUSTED: { number: 8, http: 429 },
  INTERNAL: { number: 13, http: 500 },
  UNIMPLEMENTED: { number: 12, http: 501 },
} as const satisfies Record<GrpcCode, { number: number; http: number }>;

/** A failure as the service layer raises it; the router turns it into the gateway's JSON error. */
export class FakeRpcError extends Error {
  readonly code: GrpcCode;
  constructor(code: GrpcCode, message: string) {
    super(message);
    this.name = 'FakeRpcError';
    this.code = code;
  }
}

export interface FakeUser {
  id: number;
  username: string;
  password: string;
  role: 'ADMIN' | 'USER';
  createdTs: number;
}

export interface FakeMemo {
  /** Internal row id: never exposed, breaks ordering ties (id DESC). */
  id: number;
  uid: string;
  creatorId: number;
  content: string;
  visibility: Visibility;
  state: MemoState;
  pinned: boolean;
  /** epoch seconds */
  createdTs: number;
  /** epoch seconds */
  updatedTs: number;
  derived: DerivedMemoData;
  parentUid?: string;
  /** 0.31: `spaces/{id}` when the memo is placed in a Space. */
  space?: string;
}

/** A validated memo body (create or update); times in epoch seconds. */
export interface MemoInput {
  content?: string;
  visibility?: Visibility;
  state?: MemoState;
  pinned?: boolean;
  createTime?: number;
  updateTime?: number;
  /** Attachment names of the body's `attachments` (only `name` matters on input). */
  attachments?: string[];
}

export function derive(content: string): DerivedMemoData {
  return deriveMemoData(content);
}

export function rfc3339(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function userJson(user: FakeUser): Record<string, unknown> {
  return {
    name: `users/${user.username}`,
    role: user.role,
    username: user.username,
    email: '',
    displayName: '',
    avatarUrl: '',
    description: '',
    password: '', // [real server] always present, always empty
    state: 'NORMAL',
    createTime: rfc3339(user.createdTs),
    updateTime: rfc3339(user.createdTs),
  };
}

export function memoJson(
  memo: FakeMemo,
  creator: FakeUser,
  attachments: ReadonlyArray<Record<string, unknown>> = [],
): Record<string, unknown> {
  return {
    name: `memos/${memo.uid}`,
    state: memo.state,
    creator: `users/${creator.username}`,
    createTime: rfc3339(memo.createdTs),
    updateTime: rfc3339(memo.updatedTs),
    content: memo.content,
    visibility: memo.visibility,
    tags: [...memo.derived.tags],
    pinned: memo.pinned,
    attachments: [...attachments],
    relations: [],
    reactions: [],
    property: { ...memo.derived.property },
    ...(memo.parentUid !== undefined ? { parent: `memos/${memo.parentUid}` } : {}),
    snippet: memo.derived.snippet,
    ...(memo.space !== undefined ? { space: memo.space } : {}),
  };
}

const VISIBILITY_BY_NUMBER: Record<number, Visibility> = {
  0: 'PRIVATE',
  1: 'PRIVATE',
  2: 'PROTECTED',
  3: 'PUBLIC',
  4: 'SPACE',
};
const VISIBILITY_BY_NAME: Record<string, Visibility> = {
  VISIBILITY_UNSPECIFIED: 'PRIVATE',
  PRIVATE: 'PRIVATE',
  PROTECTED: 'PROTECTED',
  PUBLIC: 'PUBLIC',
  SPACE: 'SPACE',
};
const STATE_BY_NUMBER: Record<number, MemoState> = { 0: 'NORMAL', 1: 'NORMAL', 2: 'ARCHIVED' };

function parseEnum<T extends string>(
  value: unknown,
  names: Record<string, T>,
  numbers: Record<number, T>,
  field: string,
): T {
  if (typeof value === 'string' && value in names) return names[value] as T;
  if (typeof value === 'number' && value in numbers) return numbers[value] as T;
  throw new FakeRpcError(
    'INVALID_ARGUMENT',
    `proto: invalid value for enum field ${field}: ${JSON.stringify(value)}`,
  );
}

function parseTime(value: unknown, field: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms))
    throw new FakeRpcError('INVALID_ARGUMENT', `proto: invalid google.protobuf.Timestamp value for ${field}`);
  return Math.floor(ms / 1000);
}

/** Reads the writable memo fields of a JSON body (camelCase or snake_case keys); SPACE only with `spaces`. */
export function parseMemoInput(body: Record<string, unknown>, spaces = false): MemoInput {
  const input: MemoInput = {};
  const get = (camel: string, snake: string) => (camel in body ? body[camel] : body[snake]);
  if (body.content !== undefined) {
    if (typeof body.content !== 'string')
      throw new FakeRpcError('INVALID_ARGUMENT', 'proto: content must be a string');
    input.content = body.content;
  }
  if (body.visibility !== undefined) {
    const { SPACE: _space, ...older } = VISIBILITY_BY_NAME;
    const { 4: _four, ...olderNumbers } = VISIBILITY_BY_NUMBER;
    input.visibility = spaces
      ? parseEnum(body.visibility, VISIBILITY_BY_NAME, VISIBILITY_BY_NUMBER, 'visibility')
      : parseEnum(body.visibility, older, olderNumbers, 'visibility');
  }
  if (body.state !== undefined) {
    input.state = parseEnum(
      body.state,
      { STATE_UNSPECIFIED: 'NORMAL', NORMAL: 'NORMAL', ARCHIVED: 'ARCHIVED' },
      STATE_BY_NUMBER,
      'state',
    );
  }
  if (body.pinned !== undefined) {
    if (typeof body.pinned !== 'boolean')
      throw new FakeRpcError('INVALID_ARGUMENT', 'proto: pinned must be a bool');
    input.pinned = body.pinned;
  }
  const createTime = get('createTime', 'create_time');
  if (createTime !== undefined && createTime !== null)
    input.createTime = parseTime(createTime, 'create_time');
  const updateTime = get('updateTime', 'update_time');
  if (updateTime !== undefined && updateTime !== null)
    input.updateTime = parseTime(updateTime, 'update_time');
  if (Array.isArray(body.attachments)) {
    input.attachments = body.attachments.map((a: unknown) =>
      typeof a === 'object' && a !== null && typeof (a as { name?: unknown }).name === 'string'
        ? (a as { name: string }).name
        : '',
    );
  }
  return input;
}

/** JSON name → proto path of every top-level Memo field; message fields list their own. */
const MEMO_PROTO_FIELDS: Record<string, { path: string; message?: Record<string, string> }> = {
  name: { path: 'name' },
  state: { path: 'state' },
  creator: { path: 'creator' },
  createTime: { path: 'create_time' },
  updateTime: { path: 'update_time' },
  content: { path: 'content' },
  visibility: { path: 'visibility' },
  tags: { path: 'tags' },
  pinned: { path: 'pinned' },
  attachments: { path: 'attachments' },
  relations: { path: 'relations' },
  reactions: { path: 'reactions' },
  property: {
    path: 'property',
    message: {
      hasLink: 'has_link',
      hasTaskList: 'has_task_list',
      hasCode: 'has_code',
      hasIncompleteTasks: 'has_incomplete_tasks',
      title: 'title',
    },
  },
  parent: { path: 'parent' },
  snippet: { path: 'snippet' },
  space: { path: 'space' },
  location: {
    path: 'location',
    message: { placeholder: 'placeholder', latitude: 'latitude', longitude: 'longitude' },
  },
};
const SNAKE_TO_JSON = new Map(Object.entries(MEMO_PROTO_FIELDS).map(([json, f]) => [f.path, json]));

/**
 * grpc-gateway's field-mask inference from a PATCH body: every key must be a Memo field
 * (camelCase or proto name), else 400; message-typed fields recurse (`location` →
 * `location.latitude`, …). Runs even when `updateMask` is given in the query.
 */
export function inferMask(body: Record<string, unknown>): string[] {
  const paths: string[] = [];
  for (const [key, value] of Object.entries(body)) {
    const json = key in MEMO_PROTO_FIELDS ? key : SNAKE_TO_JSON.get(key);
    const field = json === undefined ? undefined : MEMO_PROTO_FIELDS[json];
    if (!field)
      throw new FakeRpcError('INVALID_ARGUMENT', `could not find field "${key}" in "memos.api.v1.Memo"`);
    if (field.message && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const sub of Object.keys(value)) {
        const subPath = field.message[sub] ?? Object.values(field.message).find((p) => p === sub);
        if (!subPath)
          throw new FakeRpcError('INVALID_ARGUMENT', `could not find field "${sub}" in "${field.path}"`);
        paths.push(`${field.path}.${subPath}`);
      }
    } else {
      paths.push(field.path);
    }
  }
  return paths;
}
