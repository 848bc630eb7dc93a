/**
 * The timeline: capture box, the phone's tag row, optional tag filter, and either search
 * results or the memo list ("Pinned" first, then by day).
 */
import { A, useSearchParams } from '@solidjs/router';
import { createMemo, lazy, Show, Suspense } from 'solid-js';
import { CaptureBox } from '../components/CaptureBox';
import { MemoList } from '../components/MemoList';
import { SearchResults } from '../components/SearchResults';
import { TagStrip } from '../components/TagStrip';
import { useApp } from '../state/app-context';
import { matchesTag } from '../state/tag-tree';

const AskPanel = lazy(() => import('../memory/AskPanel'));

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
      <h2 class="visually-hidden">Timeline</h2>
      <CaptureBox />
      <TagStrip />
      <Show when={tag()}>
        {(active) => (
          <p class="filter-chip">
            <span>{`Showing #${active()}`}</span>
            <span class="filter-count">{`${memos().length} memo${memos().length === 1 ? '' : 's'}`}</span>
            <A href="/">Clear filter</A>
          </p>
        )}
      </Show>
      <Show
        when={app.searchQuery().trim() !== ''}
        fallback={
          <MemoList
            memos={memos()}
            resetKey={tag() ?? ''}
            pinnedHeading={true}
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
