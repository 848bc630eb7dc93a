/**
 * Users and credentials of the fake Memos server. The first user is ADMIN, later ones USER.
 * Sign-in gives a 15-minute access token; personal access tokens never expire. An unknown,
 * revoked, suspended or expired token authenticates as nobody (anonymous), exactly as Memos
 * treats a bad Bearer token. Ids and token values come from counters (deterministic).
 */
import { isValidUid } from '../../sync/core/ids';
import { FakeRpcError, type FakeUser } from './fake-memos-state';

interface TokenRow {
  userId: number;
  expiresAt?: number;
  id: string;
  suspended?: boolean;
}

export class FakeAccounts {
  private readonly users = new Map<number, FakeUser>();
  private readonly tokens = new Map<string, TokenRow>();
  /** `nextId` is the server's one id counter, shared with memos (ids stay unique and stable). */
  constructor(
    private readonly nowSeconds: () => number,
    private readonly nextId: () => number,
  ) {}

  createUser(username: string, password: string): FakeUser {
    if (!isValidUid(username) || /^\d+$/.test(username))
      throw new FakeRpcError('INVALID_ARGUMENT', `invalid username: ${username}`);
    if ([...this.users.values()].some((u) => u.username === username))
      throw new FakeRpcError('ALREADY_EXISTS', 'user already exists');
    const user: FakeUser = {
      id: this.nextId(),
      username,
      password,
      role: this.users.size === 0 ? 'ADMIN' : 'USER',
      createdTs: this.nowSeconds(),
    };
    this.users.set(user.id, user);
    return user;
  }

  userByName(username: string): FakeUser | undefined {
    return [...this.users.values()].find((u) => u.username === username);
  }

  userById(id: number): FakeUser {
    const user = this.users.get(id);
    if (!user) throw new FakeRpcError('INTERNAL', 'memo creator not found');
    return user;
  }

  /** `instance/profile` names the NEWEST admin account (real server), not the first one. */
  newestAdmin(): FakeUser | undefined {
    return [...this.users.values()].filter((u) => u.role === 'ADMIN').pop();
  }

  hasUsers(): boolean {
    return this.users.size > 0;
  }

  /** A 15-minute access token, as sign-in returns. */
  signIn(username: string, password: string): { user: FakeUser; accessToken: string; expiresAt: number } {
    const user = this.userByName(username);
    if (!user || user.password !== password)
      throw new FakeRpcError('INVALID_ARGUMENT', 'unmatched username and password');
    const accessToken = `eyJfake.${this.nextId()}.${user.id}`;
    const expiresAt = this.nowSeconds() + 15 * 60;
    this.tokens.set(accessToken, { userId: user.id, expiresAt, id: accessToken });
    return { user, accessToken, expiresAt };
  }

  /** A non-expiring personal access token for `username` (test shortcut and the PAT route). */
  createAccessToken(username: string): { token: string; id: string } {
    const user = this.userByName(username);
    if (!user) throw new FakeRpcError('NOT_FOUND', 'user not found');
    const id = `pat${this.nextId()}`;
    const token = `memos_pat_${id}${user.id.toString(36)}fake`;
    this.tokens.set(token, { userId: user.id, id });
    return { token, id };
  }

  /** Revokes a token by value or by id; later requests with it are anonymous. */
  revokeToken(tokenOrId: string): boolean {
    for (const [token, row] of this.tokens) {
      if (token === tokenOrId || row.id === tokenOrId) return this.tokens.delete(token);
    }
    return false;
  }

  /**
   * Test knob: a suspended token reads as revoked (anonymous) until resumed, as if the user
   * revoked it in the web UI and then restored access with the same value.
   */
  suspendToken(token: string, suspended: boolean): void {
    const row = this.tokens.get(token);
    if (row) row.suspended = suspended;
  }

  /** Resolves an Authorization header; anything unknown, revoked or expired is anonymous. */
  authenticate(header: string | null): FakeUser | undefined {
    const match = /^bearer\s+(.+)$/i.exec(header ?? '');
    const row = match?.[1] ? this.tokens.get(match[1].trim()) : undefined;
    if (!row || row.suspended || (row.expiresAt !== undefined && row.expiresAt <= this.nowSeconds()))
      return undefined;
    return this.users.get(row.userId);
  }
}
