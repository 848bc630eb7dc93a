/**
 * What the app's own server says about reaching Memos (`/app-config.json`, written by
 * `npm start`): whether it proxies a Memos server at this origin. With a proxy, its
 * Content-Security-Policy allows connections to this origin only, so a Server URL on another
 * origin would fail as "unreachable"; the Settings form says why before trying.
 * Unknown (offline, a dev server, another host serving the files): no check is made.
 */

export interface AppServerConfig {
  memosProxy: boolean;
}

export async function loadAppServerConfig(): Promise<AppServerConfig | undefined> {
  try {
    const response = await fetch('/app-config.json', { cache: 'no-cache' });
    if (!response.ok) return undefined;
    const body = (await response.json()) as unknown;
    if (typeof body !== 'object' || body === null) return undefined;
    const proxy = (body as Record<string, unknown>).memosProxy;
    return typeof proxy === 'boolean' ? { memosProxy: proxy } : undefined;
  } catch {
    return undefined;
  }
}

/** Why `serverUrl` cannot work from this page, or undefined when it may. */
export function serverUrlProblem(
  serverUrl: string,
  config: AppServerConfig | undefined,
  pageOrigin: string,
): string | undefined {
  const trimmed = serverUrl.trim();
  if (trimmed === '') return undefined;
  let target: URL;
  try {
    target = new URL(trimmed);
  } catch {
    return `“${trimmed}” is not a URL (for example https://memos.example.lan).`;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:')
    return 'The Server URL must start with https:// or http://.';
  if (config?.memosProxy && target.origin !== pageOrigin)
    return 'This app reaches your Memos server through its own address (MEMOS_URL), and its security policy allows no other. Leave Server URL empty.';
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(target.hostname);
  if (pageOrigin.startsWith('https:') && target.protocol === 'http:' && !loopback)
    return 'This page is served over HTTPS, so the browser blocks a plain http:// server. Use the https:// address of your Memos server, or start this app with MEMOS_URL and leave Server URL empty.';
  return undefined;
}
