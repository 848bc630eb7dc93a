/**
 * The Web Share Target's POST side, in the service worker (bundled into the classic script
 * the generated sw.js imports). Another app shares text, links and files: the multipart
 * form is read here, works offline, and its files wait in a Cache Storage "inbox" under an
 * unguessable id; the page is then opened at `/share?…&files=<id>`, where the capture box
 * shows them for the user to confirm with "Save" (nothing is saved unasked).
 * Invariants: only a same-origin POST to exactly `/share` is handled; every other request
 * passes through untouched; at most `MAX_SHARED_FILES` files and `MAX_SHARED_BYTES` bytes
 * are kept (the rest is dropped and counted in the redirect, so the page can say so).
 */
import { SHARE_INBOX_CACHE, shareInboxUrl } from './inbox';

export const MAX_SHARED_FILES = 20;
export const MAX_SHARED_BYTES = 200 * 1024 * 1024;

interface FetchEventLike extends Event {
  request: Request;
  respondWith(response: Promise<Response>): void;
}

interface WorkerScope {
  location: { origin: string };
  addEventListener(type: 'fetch', listener: (event: FetchEventLike) => void): void;
}

function text(form: FormData, key: string): string {
  const value = form.get(key);
  return typeof value === 'string' ? value.slice(0, 100_000) : '';
}

export async function receiveShare(request: Request, origin: string): Promise<Response> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return Response.redirect(`${origin}/share?error=unreadable`, 303);
  }
  const params = new URLSearchParams();
  for (const key of ['title', 'text', 'url']) {
    const value = text(form, key);
    if (value) params.set(key, value);
  }
  const files = form.getAll('files').filter((f): f is File => f instanceof File);
  if (files.length > 0) {
    const id = crypto.randomUUID();
    const cache = await caches.open(SHARE_INBOX_CACHE);
    let kept = 0;
    let bytes = 0;
    for (const file of files) {
      if (kept >= MAX_SHARED_FILES || bytes + file.size > MAX_SHARED_BYTES) continue;
      await cache.put(
        shareInboxUrl(origin, id, kept),
        new Response(file, {
          headers: {
            'Content-Type': file.type || 'application/octet-stream',
            'X-Filename': encodeURIComponent(file.name || 'shared-file'),
          },
        }),
      );
      kept++;
      bytes += file.size;
    }
    params.set('files', id);
    params.set('count', String(kept));
    if (kept < files.length) params.set('dropped', String(files.length - kept));
  }
  return Response.redirect(`${origin}/share?${params.toString()}`, 303);
}

export function listenForShares(scope: WorkerScope): void {
  scope.addEventListener('fetch', (event) => {
    const url = new URL(event.request.url);
    if (event.request.method !== 'POST' || url.origin !== scope.location.origin || url.pathname !== '/share')
      return;
    event.respondWith(receiveShare(event.request, scope.location.origin));
  });
}
