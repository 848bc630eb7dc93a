/**
 * The memos the Memory page and "Ask your notes" read: NORMAL memos tagged #preferences,
 * #learned, #conversation or #system (or a sub-tag), in any case. Once the notebook view holds
 * every memo they come from it (no extra reads; every change, from any tab or from sync, shows
 * at once). Until then, on a cold start at /memory, they are read from IndexedDB through the
 * tags index (the usual spellings: `memory`, `Memory`, `MEMORY` and their sub-tags; any other
 * case appears once the view has loaded) and read again when the store changes, so the page
 * paints without waiting for the whole notebook.
 */
import { type Accessor, createMemo, createResource, createSignal, onCleanup } from 'solid-js';
import { isMemoryMemo, MEMORY_KINDS } from '../../memory/parse';
import type { LocalMemo, MemosDatabase } from '../../sync';
import type { AppState } from '../state/app-context';

const SPELLINGS = MEMORY_KINDS.flatMap((kind) => [
  kind,
  `${kind[0]?.toUpperCase()}${kind.slice(1)}`,
  kind.toUpperCase(),
]);

async function readTagged(db: MemosDatabase): Promise<LocalMemo[]> {
  const [exact, nested] = await Promise.all([
    db.memos.where('tags').anyOf(SPELLINGS).toArray(),
    db.memos
      .where('tags')
      .startsWithAnyOf(SPELLINGS.map((tag) => `${tag}/`))
      .toArray(),
  ]);
  const byName = new Map<string, LocalMemo>();
  for (const memo of [...exact, ...nested]) {
    if (memo.state === 'NORMAL' && isMemoryMemo(memo)) byName.set(memo.name, memo);
  }
  return [...byName.values()];
}

export function createMemoryMemos(app: Pick<AppState, 'view' | 'services'>): Accessor<readonly LocalMemo[]> {
  const [storeVersion, setStoreVersion] = createSignal(0);
  const unsubscribe = app.services.feed.subscribe((change) => {
    if (!app.view.loaded() && (change.type === 'memos' || change.type === 'reset'))
      setStoreVersion((v) => v + 1);
  });
  onCleanup(unsubscribe);

  const [stored] = createResource(
    () => (app.view.loaded() ? false : storeVersion() + 1),
    () => readTagged(app.services.db),
  );

  const fromView = createMemo(() => (app.view.loaded() ? app.view.normal().filter(isMemoryMemo) : undefined));
  return () => fromView() ?? stored.latest ?? [];
}
