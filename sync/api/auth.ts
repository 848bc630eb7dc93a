/**
 * The one-time exchange of a username and password for a personal access token when
 * connecting (the password is never stored). Uses the same URL and failure handling as the
 * REST client; the server's version is checked by the client itself (`checkServer`) [V1].
 */
import { classifyStatus } from './failures';
import { createHttpMemosApi, type FetchLike, joinUrl } from './http-client';
import { type ApiResult, fail, ok } from './types';
import { serverMessage } from './validate';

async function postJson(
  fetchImpl: FetchLike,
  url: string,
  body: unknown,
  token?: string,
): Promise<ApiResult<Record<string, unknown>>> {
  let response: Response;
  let parsed: unknown = {};
  try {
    response = await fetchImpl(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await response.text();
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
  } catch (error) {
    return fail({
      kind: 'offline',
      message: `server unreachable (${error instanceof Error ? error.message : String(error)})`,
    });
  }
  const record = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  if (response.ok) return ok(record);
  const failure = classifyStatus(response.status, parsed, response.headers.get('Retry-After'));
  // Memos answers a wrong password with 400 ("unmatched username and password").
  if (failure.kind === 'invalid')
    return fail({ kind: 'unauthorized', message: serverMessage(parsed, `HTTP ${response.status}`) });
  return fail(failure);
}

/**
 * Signs in once and mints a non-expiring personal access token named after this app; returns
 * the token and its resource name (so Disconnect can revoke it later).
 */
export async function exchangePasswordForToken(
  options: { baseUrl: string; fetch?: FetchLike; deviceLabel: string },
  username: string,
  password: string,
): Promise<ApiResult<{ token: string; name: string }>> {
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => fetch(input, init));
  const signIn = await postJson(fetchImpl, joinUrl(options.baseUrl, '/api/v1/auth/signin'), {
    passwordCredentials: { username, password },
  });
  if (!signIn.ok) return signIn;
  const accessToken = signIn.value.accessToken;
  if (typeof accessToken !== 'string')
    return fail({ kind: 'server', message: 'sign-in returned no access token' });
  const me = await createHttpMemosApi({
    baseUrl: options.baseUrl,
    token: accessToken,
    fetch: fetchImpl,
  }).me();
  if (!me.ok) return me;
  const minted = await postJson(
    fetchImpl,
    joinUrl(options.baseUrl, `/api/v1/${me.value.name}/personalAccessTokens`),
    { description: `Memos Offline (${options.deviceLabel})`, expiresInDays: 0 },
    accessToken,
  );
  if (!minted.ok) return minted;
  const token = minted.value.token;
  const record = minted.value.personalAccessToken;
  const name =
    typeof record === 'object' && record !== null && typeof (record as { name?: unknown }).name === 'string'
      ? (record as { name: string }).name
      : '';
  return typeof token === 'string' && token !== '' && name !== ''
    ? ok({ token, name })
    : fail({ kind: 'server', message: 'the server did not return a personal access token' });
}
