/**
 * [V3] Revoking the minted token is confirmed: Memos 0.29 can write a revoked token back
 * (its last-use stamp rewrites the token list unlocked, FINDINGS X12), so a token the server
 * still accepts after the revoke is revoked again, and one it keeps accepting is reported.
 */
import { describe, expect, it } from 'vitest';
import { type ApiResult, fail, ok } from '../../sync/api/types';
import { REVOKE_ATTEMPTS, revokeAndConfirm } from '../../sync/engine/revoke-token';

const NAME = 'users/1/personalAccessTokens/abc';

/** A server whose token comes back after the first `comesBack` revokes. */
function server(comesBack: number) {
  let valid = true;
  let revokes = 0;
  const pauses: number[] = [];
  return {
    revokes: () => revokes,
    pauses,
    api: {
      async revokeToken(): Promise<ApiResult<void>> {
        if (!valid) return fail({ kind: 'not-found', message: 'gone' });
        revokes++;
        valid = revokes <= comesBack;
        return ok(undefined);
      },
      async me() {
        return valid
          ? ok({ name: 'users/1', username: 'alice', displayName: 'Alice', role: 'USER' as const })
          : fail({ kind: 'unauthorized' as const, message: 'authentication required' });
      },
    },
    pause: async (ms: number) => {
      pauses.push(ms);
    },
  };
}

describe('[V3] revoking the minted token', () => {
  it('revokes once and checks the token after the server has stamped its last use', async () => {
    const memos = server(0);
    expect(await revokeAndConfirm(memos.api as never, NAME, memos.pause)).toEqual(ok(undefined));
    expect(memos.revokes()).toBe(1);
    expect(memos.pauses).toHaveLength(1);
  });

  it('revokes again a token the server wrote back (Memos 0.29)', async () => {
    const memos = server(2);
    expect(await revokeAndConfirm(memos.api as never, NAME, memos.pause)).toEqual(ok(undefined));
    expect(memos.revokes()).toBe(3);
  });

  it('reports a token the server keeps accepting, and stops trying', async () => {
    const memos = server(100);
    const result = await revokeAndConfirm(memos.api as never, NAME, memos.pause);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.message).toMatch(/still accepts it/);
    expect(memos.revokes()).toBe(REVOKE_ATTEMPTS);
  });

  it('stops at a refused revoke and says why', async () => {
    const result = await revokeAndConfirm(
      {
        revokeToken: async () => fail({ kind: 'offline', message: 'the server is unreachable' }),
        me: async () => fail({ kind: 'offline', message: 'the server is unreachable' }),
      },
      NAME,
      async () => undefined,
    );
    expect(result).toEqual(fail({ kind: 'offline', message: 'the server is unreachable' }));
  });
});
