/** Routes of the app. Pages are small modules under app/pages. */
import { Route, Router } from '@solidjs/router';
import { type Accessor, lazy } from 'solid-js';
import { Layout } from './components/Layout';
import TimelinePage from './pages/TimelinePage';
import type { ServiceWorkerControl } from './pwa/register';

const ArchivedPage = lazy(() => import('./pages/ArchivedPage'));
const SettingsPage = lazy(() => import('./pages/SettingsPage'));
const SharePage = lazy(() => import('./pages/SharePage'));
const ConflictsPage = lazy(() => import('./pages/ConflictsPage'));
const MemoPage = lazy(() => import('./pages/MemoPage'));
const TrashPage = lazy(() => import('./pages/TrashPage'));
const MemoryPage = lazy(() => import('./pages/MemoryPage'));
const TagsPage = lazy(() => import('./pages/TagsPage'));

export function App(props: { update: Accessor<ServiceWorkerControl | undefined> }) {
  return (
    <Router root={(route) => <Layout {...route} update={props.update()} />}>
      <Route path="/" component={TimelinePage} />
      <Route path="/archived" component={ArchivedPage} />
      <Route path="/settings" component={SettingsPage} />
      <Route path="/share" component={SharePage} />
      <Route path="/conflicts" component={ConflictsPage} />
      <Route path="/trash" component={TrashPage} />
      <Route path="/tags" component={TagsPage} />
      <Route path="/memo/:uid" component={MemoPage} />
      <Route path="/memory" component={MemoryPage} />
      <Route path="*" component={TimelinePage} />
    </Router>
  );
}
