/** Archived memos (restore or delete them here); search here covers archived memos only. */
import { Show } from 'solid-js';
import { MemoList } from '../components/MemoList';
import { SearchResults } from '../components/SearchResults';
import { useApp } from '../state/app-context';

export default function ArchivedPage() {
  const app = useApp();
  return (
    <>
      <h2 class="page-title">Archived</h2>
      <Show
        when={app.searchQuery().trim() !== ''}
        fallback={<MemoList memos={app.view.archived()} empty="No archived memos." />}
      >
        <SearchResults query={app.searchQuery()} state="ARCHIVED" />
      </Show>
    </>
  );
}
