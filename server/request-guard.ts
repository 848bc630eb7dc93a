/**
 * The first stage of every request on every listener, before the HTTPS redirect and the
 * router: whatever is routed later (the app, the Memos proxy, services added later) is
 * covered. Invariants, in order:
 * - A request that carries this server's proxy marker came back through its own proxy
 *   (MEMOS_URL points at the app): 508 JSON `proxy-loop`, marked with our marker so that
 *   the proxy that sent it can tell the operator (memos-proxy.ts logs it once).
 * - A Host that is not one of this server's names (host-allowlist.ts) is refused with 421
 *   for every path, not only `/api/` and `/file/`: a DNS-rebinding page must not reach any
 *   of this origin's endpoints. `/api/` and `/file/` get Memos-shaped JSON (the app's client
 *   shows its message), other paths a plain-text page; both say how to allow the name.
 * Both refusals carry the security headers and close the connection.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HostAllowlist } from './host-allowlist';
import { sendJson, sendText } from './http-util';
import { type ProxyLoopMarker, VIA_HEADER } from './proxy-loop';
import { isMemosPath, parseRequestTarget } from './request-target';
import type { RequestHandler } from './router';
import type { SecurityHeaders } from './security-headers';

export interface GuardDeps {
  hosts: HostAllowlist;
  loop: ProxyLoopMarker;
  security: SecurityHeaders;
  memosUrl: string | undefined;
}

const CLOSE = { Connection: 'close' };

/** The Host value, printable and short (it is echoed in the refusal). */
function shown(host: string): string {
  const printable = host.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > 100 ? `${printable.slice(0, 100)}…` : printable;
}

export function guardRequests(next: RequestHandler, deps: GuardDeps): RequestHandler {
  return (req: IncomingMessage, res: ServerResponse) => {
    if (deps.loop.cameBack(req)) {
      deps.security.apply(res);
      const message = `MEMOS_URL (${deps.memosUrl ?? 'unset'}) points at this app itself: set it to the Memos server's own address.`;
      sendJson(
        res,
        508,
        { code: 9, message, error: 'proxy-loop' },
        { ...CLOSE, [VIA_HEADER]: deps.loop.token },
      );
      return;
    }
    const host = req.headers.host;
    if (host !== undefined && !deps.hosts.allows(host, req.socket.localAddress)) {
      deps.security.apply(res);
      const message = `This server does not answer for the host name "${shown(host)}": add it to ALLOWED_HOSTS (--allowed-hosts) if you reach the app under that name, e.g. through a reverse proxy.`;
      if (isMemosPath(parseRequestTarget(req.url)?.pathname ?? ''))
        sendJson(res, 421, { code: 7, message, error: 'unknown-host' }, CLOSE);
      else sendText(res, 421, `${message}\n`, { ...CLOSE, 'Cache-Control': 'no-store' });
      return;
    }
    next(req, res);
  };
}
