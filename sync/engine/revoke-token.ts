/**
 * Revoking the token this app minted [V3], and making sure it stays revoked. Memos 0.29
 * stamps a token's last use after every request it authenticates by rewriting the user's
 * whole token list, unlocked, from a copy read when the request came in (FINDINGS X12): the
 * DELETE that revokes the token is itself such a request, so its stamp can write the token
 * back. So after each revoke, once the stamp has had time to land, the token is tried: a
 * 401 means it is gone; if it still works it is revoked again, at most REVOKE_ATTEMPTS times.
 * Invariants: only a `users/…/personalAccessTokens/…` name is ever revoked (the client
 * checks); a revoke that was acknowledged but cannot be confirmed (network gone) counts as
 * done; a token the server still accepts after every attempt is reported, never hidden.
 */
import { type ApiResult, fail, type MemosApi, ok } from '../api/types';

export const REVOKE_ATTEMPTS = 4;
/** Time for the server's last-use stamp of the revoking request to land. */
export const REVOKE_SETTLE_MS = 300;

export async function revokeAndConfirm(
  api: Pick<MemosApi, 'revokeToken' | 'me'>,
  tokenName: string,
  pause: (ms: number) => Promise<void>,
): Promise<ApiResult<void>> {
  for (let attempt = 0; attempt < REVOKE_ATTEMPTS; attempt++) {
    // The check that found the token back was stamped too: let that stamp land first.
    if (attempt > 0) await pause(REVOKE_SETTLE_MS);
    const revoked = await api.revokeToken(tokenName);
    if (!revoked.ok && revoked.error.kind !== 'not-found') return revoked;
    await pause(REVOKE_SETTLE_MS);
    const check = await api.me();
    if (!check.ok) return ok(undefined);
  }
  return fail({
    kind: 'server',
    message: `the server still accepts it after ${REVOKE_ATTEMPTS} revocations`,
  });
}
