/**
 * What this app's server says about its LLM (`GET /llm/status`, server/llm-proxy.ts): not
 * configured, refused to this user, reachable (with its model) or unreachable (with why).
 * Validated on read; anything else (offline, another server, a dev server) reads as `unknown`.
 */

export type LlmAccess = 'memos-users' | 'everyone' | 'off';

export type LlmStatusView =
  | { state: 'not-configured' }
  | { state: 'refused'; access: LlmAccess; message: string }
  | { state: 'reachable'; access: LlmAccess; model: string }
  | { state: 'unreachable'; access: LlmAccess; model: string; message: string }
  | { state: 'unknown'; message: string };

const ACCESS = new Set<string>(['memos-users', 'everyone', 'off']);

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

export function parseLlmStatus(body: unknown): LlmStatusView {
  if (typeof body !== 'object' || body === null)
    return { state: 'unknown', message: 'the answer was not understood' };
  const record = body as Record<string, unknown>;
  const access = (ACCESS.has(str(record.access)) ? record.access : 'off') as LlmAccess;
  switch (record.state) {
    case 'not-configured':
      return { state: 'not-configured' };
    case 'refused':
      return { state: 'refused', access, message: str(record.message) };
    case 'reachable':
      return { state: 'reachable', access, model: str(record.model) };
    case 'unreachable':
      return { state: 'unreachable', access, model: str(record.model), message: str(record.message) };
    default:
      return { state: 'unknown', message: 'the answer was not understood' };
  }
}

export async function fetchLlmStatus(token: string | undefined): Promise<LlmStatusView> {
  try {
    const response = await fetch('/llm/status', {
      cache: 'no-store',
      headers: token ? { Authorization: `Bearer ${token}` } : {},
    });
    if (!response.ok || !(response.headers.get('content-type') ?? '').includes('application/json')) {
      return { state: 'unknown', message: 'this app’s server has no LLM proxy' };
    }
    return parseLlmStatus(await response.json());
  } catch {
    return {
      state: 'unknown',
      message: navigator.onLine ? 'this app’s server could not be reached' : 'this device is offline',
    };
  }
}
