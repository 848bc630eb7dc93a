/**
 * Connecting to a server: the version check [V1] and the one-time exchange of a username
 * and password for a personal access token (the password is never stored). Uses the same
 * URL and status handling as the REST client.
 */
import { createHttpMemosApi, type FetchLike, joinUrl } from './http-client';
import { type ApiResult, fail, type InstanceProfile, ok } from './types';
import { serverMessage } from './validate';

export const MIN_SUPPORTED_VERSION = [0, 30] as const;

/** "dev" (a `go install` build) counts as the newest version. */
export function checkVersion(profile: InstanceProfile): ApiResult<InstanceProfile> {
  if (profile.version === 'dev') return ok(profile);
  const match = /^v?(\d+)\.(\d+)/.exec(profile.version);
  const major = Number(match?.[1] ?? Number.NaN);
  const minor = Number(match?.[2] ?? Number.NaN);
  const [needMajor, needMinor] = MIN_SUPPORTED_VERSION;
  const supported = major > needMajor || (major === needMajor && minor >= needMinor);
  if (match && supported) return ok(profile);
  return fail({
    kind: 'unsupported-version',
    version: profile.version,
    message: `unsupported Memos version ${profile.version}: this app needs Memos ${needMajor}.${needMinor} or newer`,
  });
}

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
  const message = serverMessage(parsed, `HTTP ${response.status}`);
  if (response.status === 400 || response.status === 401) return fail({ kind: 'unauthorized', message });
  if (response.status === 403) return fail({ kind: 'forbidden', message });
  if (response.status >= 502 && response.status <= 504)
    return fail({ kind: 'offline', message: `server unreachable (HTTP ${response.status})` });
  return fail({ kind: 'server', message, status: response.status });
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
