/**
 * The ListMemos query language of the fake Memos server: the CEL filter subset our client
 * sends, `orderBy`, and offset page tokens. Invariants, as in Memos v0.30 (and v0.29 where
 * the profile says `epoch-seconds`):
 *  - time fields are CEL timestamps: `updated_ts >= timestamp(N)` (epoch seconds) or
 *    `timestamp("RFC 3339")`; a bare int (`updated_ts >= 5`) is a type error → 400.
 *    0.29 is the other way round: ints, `now()`, and a timestamp is the type error;
 *  - supported clauses, joined by `&&`: `creator ==|!= "users/x"`, `created_ts|updated_ts
 *    <op> timestamp(…) | now | now - duration("Nh")`, `visibility ==|!= "X"`, bare `pinned` /
 *    `!pinned`. Anything else (`"x" in tags`, `||`, parentheses, …) is a
 *    400 that says the FAKE does not support it (the real server may accept it);
 *  - orderBy: comma-separated `pinned | create_time | name | update_time [asc|desc]`, the
 *    first time field wins, direction defaults to desc, ties break by internal id DESC;
 *  - page tokens are standard base64 of the protobuf `PageToken {int32 limit = 1; int32
 *    offset = 2}`: offset pagination, opaque to clients.
 */

export type CompareOp = '>=' | '<=' | '==' | '!=' | '>' | '<';

export interface FilterClause {
  test(row: FilterableMemo): boolean;
}

export interface FilterableMemo {
  creator: string;
  createdTs: number;
  updatedTs: number;
  visibility: string;
  pinned: boolean;
}

export type QueryResult<T> = { ok: true; value: T } | { ok: false; message: string };

const compare = (op: CompareOp, a: number, b: number): boolean => {
  switch (op) {
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '<':
      return a < b;
  }
};

export type TimeForm = 'epoch-seconds' | 'timestamp';

/** 0.29: `updated_ts >= 1700000000`, `now()`, `now() - 3600`; a timestamp is a type error. */
function epochSeconds(rhs: string, op: string, nowSeconds: number): QueryResult<number> {
  if (/^-?\d+$/.test(rhs)) return { ok: true, value: Number(rhs) };
  const relative = /^now\(\)(?:\s*-\s*(\d+))?$/.exec(rhs);
  if (relative) return { ok: true, value: nowSeconds - Number(relative[1] ?? 0) };
  if (/^timestamp\(/.test(rhs)) {
    return {
      ok: false,
      message: `invalid filter: failed to compile filter: found no matching overload for '_${op}_' applied to '(int, timestamp)'`,
    };
  }
  if (/^now\b/.test(rhs)) {
    return { ok: false, message: "invalid filter: failed to compile filter: undeclared reference to 'now'" };
  }
  return { ok: false, message: `invalid filter: (fake server) unsupported time operand ${rhs}` };
}

function timestampSeconds(rhs: string, op: string, nowSeconds: number): QueryResult<number> {
  const epoch = /^timestamp\(\s*(-?\d+)\s*\)$/.exec(rhs);
  if (epoch?.[1] !== undefined) return { ok: true, value: Number(epoch[1]) };
  const text = /^timestamp\(\s*"([^"]*)"\s*\)$/.exec(rhs);
  if (text?.[1] !== undefined) {
    const ms = Date.parse(text[1]);
    if (Number.isFinite(ms)) return { ok: true, value: Math.floor(ms / 1000) };
    return { ok: false, message: `invalid filter: failed to compile filter: invalid timestamp "${text[1]}"` };
  }
  // `now` (a variable in v0.30; the `now()` function is gone) and `now - duration("24h")`.
  const relative = /^now(?:\s*-\s*duration\(\s*"(\d+)([hms])"\s*\))?$/.exec(rhs);
  if (relative) {
    const amount = Number(relative[1] ?? 0) * ({ h: 3600, m: 60, s: 1 }[relative[2] ?? 's'] ?? 1);
    return { ok: true, value: nowSeconds - amount };
  }
  if (/^-?\d+$/.test(rhs)) {
    return {
      ok: false,
      message: `invalid filter: failed to compile filter: found no matching overload for '_${op}_' applied to '(timestamp, int)'`,
    };
  }
  return { ok: false, message: `invalid filter: (fake server) unsupported time operand ${rhs}` };
}

function parseClause(raw: string, nowSeconds: number, form: TimeForm): QueryResult<FilterClause> {
  const clause = raw.trim();
  const creator = /^creator\s*(==|!=)\s*"([^"]*)"$/.exec(clause);
  if (creator) {
    const [, op, name] = creator;
    return { ok: true, value: { test: (m) => (m.creator === name) === (op === '==') } };
  }
  const visibility = /^visibility\s*(==|!=)\s*"([^"]*)"$/.exec(clause);
  if (visibility) {
    const [, op, value] = visibility;
    return { ok: true, value: { test: (m) => (m.visibility === value) === (op === '==') } };
  }
  if (clause === 'pinned' || clause === '!pinned') {
    const want = clause === 'pinned';
    return { ok: true, value: { test: (m) => m.pinned === want } };
  }
  const time = /^(created_ts|updated_ts)\s*(>=|<=|==|!=|>|<)\s*(.+)$/.exec(clause);
  if (time) {
    const field = time[1] === 'created_ts' ? 'createdTs' : 'updatedTs';
    const op = time[2] as CompareOp;
    const rhs = (time[3] ?? '').trim();
    const seconds =
      form === 'timestamp' ? timestampSeconds(rhs, op, nowSeconds) : epochSeconds(rhs, op, nowSeconds);
    if (!seconds.ok) return seconds;
    return { ok: true, value: { test: (m) => compare(op, m[field], seconds.value) } };
  }
  return { ok: false, message: `invalid filter: (fake server) unsupported expression: ${clause}` };
}

/** Parses `a && b && …`; an empty filter matches everything. `now` is frozen per request. */
export function parseFilter(
  filter: string,
  nowSeconds: number,
  form: TimeForm = 'timestamp',
): QueryResult<FilterClause[]> {
  if (filter.trim() === '') return { ok: true, value: [] };
  const clauses: FilterClause[] = [];
  for (const part of filter.split('&&')) {
    const parsed = parseClause(part, nowSeconds, form);
    if (!parsed.ok) return parsed;
    clauses.push(parsed.value);
  }
  return { ok: true, value: clauses };
}

export interface MemoOrder {
  pinnedFirst: boolean;
  byUpdate: boolean;
  ascending: boolean;
}

export function parseOrderBy(orderBy: string): QueryResult<MemoOrder> {
  const order: MemoOrder = { pinnedFirst: false, byUpdate: false, ascending: false };
  if (orderBy.trim() === '') return { ok: true, value: order };
  let timeSeen = false;
  for (const field of orderBy.split(',')) {
    const parts = field.trim().split(/\s+/).filter(Boolean);
    const [name, rawDirection] = parts;
    if (name === undefined) continue;
    const direction = (rawDirection ?? 'desc').toLowerCase();
    if (direction !== 'asc' && direction !== 'desc') {
      return {
        ok: false,
        message: `invalid order_by: invalid order direction: ${rawDirection}, must be 'asc' or 'desc'`,
      };
    }
    if (name === 'pinned') {
      order.pinnedFirst = true;
    } else if (name === 'create_time' || name === 'name' || name === 'update_time') {
      if (!timeSeen) {
        order.byUpdate = name === 'update_time';
        order.ascending = direction === 'asc';
      }
      timeSeen = true;
    } else {
      return {
        ok: false,
        message: `invalid order_by: unsupported order field: ${name}, supported fields are: pinned, create_time, update_time, name`,
      };
    }
  }
  return { ok: true, value: order };
}

export function compareRows<T extends { id: number; pinned: boolean; createdTs: number; updatedTs: number }>(
  order: MemoOrder,
): (a: T, b: T) => number {
  return (a, b) => {
    if (order.pinnedFirst && a.pinned !== b.pinned) return a.pinned ? -1 : 1;
    const ta = order.byUpdate ? a.updatedTs : a.createdTs;
    const tb = order.byUpdate ? b.updatedTs : b.createdTs;
    if (ta !== tb) return order.ascending ? ta - tb : tb - ta;
    return b.id - a.id;
  };
}

function varint(value: number, out: number[]): void {
  let v = value >>> 0;
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
}

export function encodePageToken(limit: number, offset: number): string {
  const bytes: number[] = [0x08];
  varint(limit, bytes);
  bytes.push(0x10);
  varint(offset, bytes);
  return Buffer.from(bytes).toString('base64');
}

export function decodePageToken(token: string): QueryResult<{ limit: number; offset: number }> {
  const bytes = /^[A-Za-z0-9+/]*={0,2}$/.test(token) ? [...Buffer.from(token, 'base64')] : undefined;
  if (!bytes || bytes.length === 0) return { ok: false, message: 'invalid page token: not a page token' };
  const fields: Record<number, number> = {};
  let i = 0;
  while (i < bytes.length) {
    const tag = bytes[i++] ?? 0;
    if ((tag & 0x07) !== 0) return { ok: false, message: 'invalid page token: bad wire type' };
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = bytes[i++];
      if (byte === undefined) return { ok: false, message: 'invalid page token: truncated' };
      value |= (byte & 0x7f) << shift;
      shift += 7;
      if ((byte & 0x80) === 0) break;
    }
    fields[tag >> 3] = value;
  }
  return { ok: true, value: { limit: fields[1] ?? 0, offset: fields[2] ?? 0 } };
}
