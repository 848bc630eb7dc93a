/**
 * Turns a raw request target into a normalised origin-form path. Invariants:
 * - Absolute-form targets (`GET http://evil.example/x`) and the Host header never choose a
 *   destination: only the path and query are kept, so nothing here can reach another host.
 * - Dot segments are resolved (also `%2e%2e`), so `/api/../etc` becomes `/etc` and is no
 *   longer under `/api/`.
 * - A segment that decodes to `.`/`..` or contains `/`, `\` or NUL (e.g. `..%2f`), or that is
 *   not valid percent-encoding, makes the target invalid (answer 400): such paths could be
 *   re-interpreted by the upstream server after we routed them.
 */
export interface RequestTarget {
  pathname: string;
  /** The query string including its leading `?`, or ''. */
  search: string;
}

const BASE = 'http://request-target.invalid';

export function parseRequestTarget(raw: string | undefined): RequestTarget | undefined {
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return undefined;
  }
  if (!url.pathname.startsWith('/')) return undefined;
  for (const segment of url.pathname.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return undefined;
    }
    if (decoded === '.' || decoded === '..' || /[/\\\0]/.test(decoded)) return undefined;
  }
  return { pathname: url.pathname, search: url.search };
}

/** True for paths the Memos proxy owns: `/api/…` and `/file/…`, nothing else. */
export function isMemosPath(pathname: string): boolean {
  return pathname.startsWith('/api/') || pathname.startsWith('/file/');
}
