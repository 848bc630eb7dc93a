/**
 * Shared UI state: the notebook view, the search query and transient notices. Created
 * once in main.tsx and provided through a Solid context; components never create
 * services themselves.
 */
import { type Accessor, createContext, createSignal, type Setter, useContext } from 'solid-js';
import type { InstallState } from '../pwa/install';
import type { NotebookView } from './notebook-view';
import type { RecallState } from './recall';
import type { AppServices } from './services';
import type { SyncState } from './sync-runtime';

export interface Notice {
  id: number;
  kind: 'info' | 'error';
  text: string;
}

export interface AppState {
  services: AppServices;
  view: NotebookView;
  sync: SyncState;
  install: InstallState;
  recall: RecallState;
  searchQuery: Accessor<string>;
  setSearchQuery: Setter<string>;
  notices: Accessor<readonly Notice[]>;
  notify(kind: Notice['kind'], text: string): void;
  dismiss(id: number): void;
}

export function createAppState(
  services: AppServices,
  view: NotebookView,
  sync: SyncState,
  install: InstallState,
  recall: RecallState,
): AppState {
  const [searchQuery, setSearchQuery] = createSignal('');
  const [notices, setNotices] = createSignal<readonly Notice[]>([]);
  let nextId = 1;
  return {
    services,
    view,
    sync,
    install,
    recall,
    searchQuery,
    setSearchQuery,
    notices,
    notify(kind, text) {
      const id = nextId++;
      setNotices((list) => [...list.slice(-3), { id, kind, text }]);
      if (kind === 'info') setTimeout(() => setNotices((list) => list.filter((n) => n.id !== id)), 6000);
    },
    dismiss(id) {
      setNotices((list) => list.filter((n) => n.id !== id));
    },
  };
}

export const AppContext = createContext<AppState>();

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error('useApp() used outside <AppContext.Provider>');
  return state;
}
