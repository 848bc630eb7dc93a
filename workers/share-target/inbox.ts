/**
 * Where shared files wait between the service worker (which receives them) and the page
 * (which puts them in the capture box): one Cache Storage cache, keyed by a share id and the
 * file's position. The page takes them out once (`takeSharedFiles`), so a reload of the
 * share URL finds nothing twice.
 */
export const SHARE_INBOX_CACHE = 'memos-offline-share-inbox';

export function shareInboxUrl(origin: string, id: string, index: number): string {
  return `${origin}/__share-inbox__/${encodeURIComponent(id)}/${index}`;
}

/** The files of share `id` (up to `count`), removed from the inbox; [] when there are none. */
export async function takeSharedFiles(origin: string, id: string, count: number): Promise<File[]> {
  if (!/^[0-9a-f-]{36}$/.test(id) || typeof caches === 'undefined') return [];
  const cache = await caches.open(SHARE_INBOX_CACHE);
  const files: File[] = [];
  for (let index = 0; index < Math.min(count, 50); index++) {
    const url = shareInboxUrl(origin, id, index);
    const response = await cache.match(url);
    if (!response) continue;
    const name = decodeURIComponent(response.headers.get('X-Filename') ?? 'shared-file');
    const blob = await response.blob();
    files.push(new File([blob], name, { type: response.headers.get('Content-Type') ?? blob.type }));
    await cache.delete(url);
  }
  return files;
}
