/**
 * The memos the Memory page and "Ask your notes" read: NORMAL memos tagged #preferences,
 * #learned, #conversation or #system (or a sub-tag), in any case. Once the notebook view holds
 * every memo they come from it (no extra reads; every change, from any tab or from sync, shows
 * at once). Until then, on a cold start at /memory, they are read from IndexedDB through the
 * tags index, and read again when the store changes, so the page paints without waiting for the
 * whole notebook to load.
 */
import { type Accessor, createMemo, createResource, createSignal, onCleanup } from 'solid-js';
import { isMemoryMemo, MEMORY_KINDS } from '../../memory/parse';
import type { LocalMemo } from '../../sync';
import type { AppState } from '../state/app-context';

export function createMemoryMemos(app: Pick<AppState, 'view' | 'services'>): Accessor<readonly LocalMemo[]> {
  const [storeVersion, setStoreVersion] = createSignal(0);
  const unsubscribe = app.services.feed.subscribe((change) => {
    if (!app.view.ready() && (change.type === 'memos' || change.type === 'reset'))
      setStoreVersion((v) => v + 1);
  });
  onCleanup(unsubscribe);

  const [stored] = createResource(
    () => (app.view.ready() ? false : storeVersion() + 1),
    async () => {
      const rows = await app.services.db.memos
        .where('tags')
        .startsWithAnyOfIgnoreCase([...MEMORY_KINDS])
        .distinct()
        .toArray();
      return rows.filter((memo) => memo.state === 'NORMAL' && isMemoryMemo(memo));
    },
  );

  const fromView = createMemo(() => (app.view.ready() ? app.view.normal().filter(isMemoryMemo) : undefined));
  return () => fromView() ?? stored.latest ?? [];
}
