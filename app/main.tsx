/** Entry point: services, the notebook view, the service worker, then the UI. */
import { createSignal } from 'solid-js';
import { render } from 'solid-js/web';
import type { MemoName } from '../sync';
import { App } from './App';
import { createInstallState } from './pwa/install';
import { registerServiceWorker, type ServiceWorkerControl } from './pwa/register';
import { AppContext, createAppState } from './state/app-context';
import { createNotebookView } from './state/notebook-view';
import { startRecall } from './state/recall';
import { appServices } from './state/services';
import { describeNotice, startSyncRuntime } from './state/sync-runtime';
import './styles/index.css';

const services = appServices();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

render(() => {
  const view = createNotebookView(services.db, services.feed);
  const sync = startSyncRuntime(services, (notice) => {
    const snippet = (name: MemoName) => (view.get(name)?.snippet || 'A memo').slice(0, 60);
    state.notify(notice.kind === 'conflict' ? 'error' : 'info', describeNotice(notice, snippet));
  });
  const state = createAppState(services, view, sync, createInstallState(), startRecall(view.ready));
  const [update, setUpdate] = createSignal<ServiceWorkerControl>();
  registerServiceWorker((control) => setUpdate(() => control));
  return (
    <AppContext.Provider value={state}>
      <App update={update} />
    </AppContext.Provider>
  );
}, root);
