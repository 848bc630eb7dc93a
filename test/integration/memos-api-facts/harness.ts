/**
 * Shared harness for the executable facts about the real Memos REST API, as each tested
 * release has it (test/integration/memos-api-facts-*.test.ts; the release is MEMOS_VERSION,
 * default v0.30.0): plain `fetch` helpers, the memo shape the facts read, `onVersion` for
 * the facts that differ between releases, and one fresh private instance (no
 * --instance-url) per test file, with a second user, bob. Independent of sync/api (the code
 * those facts justify).
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { memosVersionUnderTest } from '../../helpers/memos-binary';
import { type MemosInstance, startMemos } from '../../helpers/memos-instance';

/** The releases these facts are recorded for. */
export type TestedVersion = '0.29.1' | '0.30.0';
const TESTED: readonly TestedVersion[] = ['0.29.1', '0.30.0'];

function testedVersion(): TestedVersion {
  const version = memosVersionUnderTest();
  const tested = TESTED.find((v) => v === version);
  if (!tested) {
    throw new Error(
      `The API facts are recorded for Memos ${TESTED.join(' and ')}; MEMOS_VERSION=${version} has none. Record its facts first.`,
    );
  }
  return tested;
}

/** The release this run checks. */
export const VERSION: TestedVersion = testedVersion();

/**
 * A fact that differs between releases, given for each (FINDINGS.md "Version differences"
 * lists every one with the test that asserts it).
 */
export function onVersion<T>(facts: Record<TestedVersion, T>): T {
  return facts[VERSION];
}

export interface Res {
  status: number;
  headers: Headers;
  text: string;
  body: unknown;
}

export interface Property {
  hasLink: boolean;
  hasTaskList: boolean;
  hasCode: boolean;
  hasIncompleteTasks: boolean;
  title: string;
}

export interface Memo {
  name: string;
  state: string;
  creator: string;
  createTime: string;
  updateTime: string;
  content: string;
  visibility: string;
  tags: string[];
  pinned: boolean;
  attachments: unknown[];
  relations: unknown[];
  reactions: unknown[];
  property: Property;
  snippet: string;
  parent?: string;
  location?: unknown;
}

export interface GoldenCase {
  content: string;
  tags: string[];
  property: Property;
  snippet: string;
}

export type User = { username: string; token: string };

export const RFC3339_SECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
export const ORIGIN = 'http://192.168.1.50:4173';

let instance: MemosInstance | undefined;
let bobUser: User | undefined;

/** Starts a fresh private Memos instance (and the user bob) for the calling test file. */
export function useMemosInstance(): void {
  beforeAll(async () => {
    instance = await startMemos();
    bobUser = await instance.createUser('bob', 'bob-pass-123');
  });
  afterAll(async () => {
    await instance?.stop();
    instance = undefined;
    bobUser = undefined;
  });
}

/** The running instance of this test file. */
export function server(): MemosInstance {
  if (!instance) throw new Error('no Memos instance: call useMemosInstance() in the test file');
  return instance;
}

/** The second (non-admin) user of this test file's instance. */
export function bob(): User {
  if (!bobUser) throw new Error('no Memos instance: call useMemosInstance() in the test file');
  return bobUser;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function rec(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new Error(`expected a JSON object, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * One HTTP call. `token`: undefined → the admin PAT, null → anonymous. `body` is sent as
 * JSON; `rawBody` verbatim.
 */
export async function call(
  method: string,
  path: string,
  opts: { token?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Res> {
  const headers: Record<string, string> = { ...opts.headers };
  const token = opts.token === undefined ? server().admin.token : opts.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  const init: RequestInit = { method, headers };
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  } else if (opts.rawBody !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = opts.rawBody;
  }
  const res = await fetch(`${server().baseUrl}${path}`, init);
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

export function asMemo(value: unknown): Memo {
  const m = rec(value);
  for (const key of [
    'name',
    'state',
    'creator',
    'createTime',
    'updateTime',
    'content',
    'visibility',
    'snippet',
  ]) {
    expect(typeof m[key], `memo.${key}`).toBe('string');
  }
  expect(Array.isArray(m.tags)).toBe(true);
  expect(typeof m.pinned).toBe('boolean');
  expect(isRecord(m.property)).toBe(true);
  return m as unknown as Memo;
}

export function memoList(res: Res): { memos: Memo[]; nextPageToken: string } {
  expect(res.status, res.text).toBe(200);
  const body = rec(res.body);
  expect(Array.isArray(body.memos)).toBe(true);
  expect(typeof body.nextPageToken).toBe('string');
  const list = Array.isArray(body.memos) ? body.memos.map(asMemo) : [];
  return { memos: list, nextPageToken: String(body.nextPageToken) };
}

export async function createMemo(
  body: Record<string, unknown>,
  opts: { token?: string; uid?: string } = {},
): Promise<Memo> {
  const uid = opts.uid ?? randomUUID();
  const res = await call('POST', `/api/v1/memos?memoId=${uid}`, { body, ...tokenOpt(opts.token) });
  expect(res.status, res.text).toBe(200);
  return asMemo(res.body);
}

export function tokenOpt(token: string | undefined): { token?: string } {
  return token === undefined ? {} : { token };
}

export async function patchMemo(
  uid: string,
  mask: string | undefined,
  body: unknown,
  token?: string,
): Promise<Res> {
  const query = mask === undefined ? '' : `?updateMask=${mask}`;
  return call('PATCH', `/api/v1/memos/${uid}${query}`, { body, ...tokenOpt(token) });
}

export function uidOf(memo: Memo): string {
  return memo.name.slice('memos/'.length);
}

export function secs(iso: string): number {
  return Date.parse(iso) / 1000;
}

export function nowSecs(): number {
  return Math.floor(Date.now() / 1000);
}

export function listQuery(params: Record<string, string>): string {
  return `/api/v1/memos?${new URLSearchParams(params).toString()}`;
}

/** Runs `fn` over `items` with bounded concurrency. */
export async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await fn(item);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

/** A fetch-based reader of /api/v1/sse. */
export async function openSse(token: string): Promise<{
  res: Response;
  raw: () => string;
  events: () => Array<Record<string, unknown>>;
  waitFor: (pred: (raw: string) => boolean, what: string) => Promise<void>;
  close: () => void;
}> {
  const ctrl = new AbortController();
  const res = await fetch(`${server().baseUrl}/api/v1/sse`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: ctrl.signal,
  });
  expect(res.status).toBe(200);
  const body = res.body;
  if (body === null) throw new Error('SSE response has no body');
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  const waitFor = async (pred: (raw: string) => boolean, what: string): Promise<void> => {
    const deadline = setTimeout(() => ctrl.abort(), 15_000);
    try {
      while (!pred(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`SSE ended before ${what}: ${JSON.stringify(text)}`);
        text += decoder.decode(value, { stream: true });
      }
    } catch (err) {
      throw new Error(`SSE: never saw ${what}; got ${JSON.stringify(text)} (${String(err)})`);
    } finally {
      clearTimeout(deadline);
    }
  };
  const events = (): Array<Record<string, unknown>> =>
    text
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => rec(JSON.parse(line.slice('data: '.length))));
  return { res, raw: () => text, events, waitFor, close: () => ctrl.abort() };
}

// ---------------------------------------------------------------------------------------------
