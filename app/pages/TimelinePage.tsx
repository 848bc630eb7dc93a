/** The timeline: capture box, optional tag filter, and either search results or the memo list. */
import { A, useSearchParams } from '@solidjs/router';
import { createMemo, lazy, Show, Suspense } from 'solid-js';
import { CaptureBox } from '../components/CaptureBox';
import { MemoList } from '../components/MemoList';
import { SearchResults } from '../components/SearchResults';
import { useApp } from '../state/app-context';

const AskPanel = lazy(() => import('../memory/AskPanel'));

export function matchesTag(tags: readonly string[], tag: string): boolean {
  return tags.some((t) => t === tag || t.startsWith(`${tag}/`));
}

export default function TimelinePage() {
  const app = useApp();
  const [params] = useSearchParams();
  const tag = () => (typeof params.tag === 'string' && params.tag !== '' ? params.tag : undefined);
  const memos = createMemo(() => {
    const all = app.view.normal();
    const filter = tag();
    return filter ? all.filter((memo) => matchesTag(memo.tags, filter)) : all;
  });
  return (
    <>
      <CaptureBox />
      <Show when={tag()}>
        {(active) => (
          <p class="filter-chip">
            {`Showing #${active()}`} <A href="/">Clear filter</A>
          </p>
        )}
      </Show>
      <Show
        when={app.searchQuery().trim() !== ''}
        fallback={
          <MemoList
            memos={memos()}
            resetKey={tag() ?? ''}
            empty={tag() ? 'No memos with this tag.' : 'No memos yet. Write your first one above.'}
          />
        }
      >
        <Suspense>
          <AskPanel initialQuestion={app.searchQuery()} />
        </Suspense>
        <SearchResults query={app.searchQuery()} state="NORMAL" tag={tag()} />
      </Show>
    </>
  );
}
