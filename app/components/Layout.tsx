/**
 * The app shell: navigation ("Timeline", "Archived", "Memory", "Trash", "Settings"), sync status, tags,
 * search and the current page. On a phone the navigation becomes a bottom bar within
 * thumb reach (CSS only, so every control exists exactly once).
 */
import { A, type RouteSectionProps } from '@solidjs/router';
import type { ServiceWorkerControl } from '../pwa/register';
import { useApp } from '../state/app-context';
import { Notices } from './Notices';
import { RecallProgress } from './RecallProgress';
import { SearchBox } from './SearchBox';
import { SyncStatus } from './SyncStatus';
import { TagList } from './TagList';
import { UpdatePrompt } from './UpdatePrompt';

export function Layout(props: RouteSectionProps & { update: ServiceWorkerControl | undefined }) {
  const app = useApp();
  return (
    // data-notebook-ready: every memo is loaded and keyword-indexed (tests and benchmarks wait on it).
    <div class="app" data-notebook-ready={app.view.ready() ? 'true' : 'false'}>
      <aside class="sidebar">
        <h1 class="brand">Memos Offline</h1>
        <nav class="main-nav" aria-label="Main">
          <A href="/" end>
            Timeline
          </A>
          <A href="/archived">Archived</A>
          <A href="/memory">Memory</A>
          <A href="/trash">Trash</A>
          <A href="/settings">Settings</A>
        </nav>
        <SyncStatus />
        <RecallProgress />
        <TagList />
      </aside>
      <main class="content">
        <SearchBox />
        {props.children}
      </main>
      <Notices />
      <UpdatePrompt update={props.update} />
    </div>
  );
}
