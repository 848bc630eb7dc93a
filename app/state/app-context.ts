/**
 * Shared UI state: the notebook view, the search query, notices and the theme. Created
 * once in main.tsx and provided through a Solid context; components never create
 * services themselves.
 */
import { type Accessor, createContext, createSignal, type Setter, useContext } from 'solid-js';
import type { InstallState } from '../pwa/install';
import { type AttachmentViews, createAttachmentViews } from './attachment-view';
import type { NotebookView } from './notebook-view';
import { createNotices, type Notice, type NoticeOptions, type Notices } from './notices';
import type { RecallState } from './recall';
import type { AppServices } from './services';
import type { SyncState } from './sync-runtime';
import { createThemeState, type ThemeState } from './theme';

export type { Notice };

export interface AppState {
  services: AppServices;
  view: NotebookView;
  /** Attachments' names, types and pictures (attachment-view.ts). */
  attachments: AttachmentViews;
  /** Files shared into the app (share target) waiting for the capture box to take them. */
  sharedFiles: Accessor<readonly File[]>;
  setSharedFiles: Setter<readonly File[]>;
  sync: SyncState;
  install: InstallState;
  recall: RecallState;
  theme: ThemeState;
  searchQuery: Accessor<string>;
  setSearchQuery: Setter<string>;
  notices: Notices;
  /** Shows a notice (a new one replaces the last); `undo` adds an "Undo" button. */
  notify(kind: Notice['kind'], text: string, options?: NoticeOptions): void;
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
  const [sharedFiles, setSharedFiles] = createSignal<readonly File[]>([]);
  const notices = createNotices({
    setTimeout: (callback, ms) => window.setTimeout(callback, ms),
    clearTimeout: (handle) => window.clearTimeout(handle as number),
  });
  return {
    services,
    view,
    attachments: createAttachmentViews(services.db, services.feed),
    sharedFiles,
    setSharedFiles,
    sync,
    install,
    recall,
    theme: createThemeState(),
    searchQuery,
    setSearchQuery,
    notices,
    notify: (kind, text, options) => notices.show(kind, text, options),
    dismiss: (id) => notices.dismiss(id),
  };
}

export const AppContext = createContext<AppState>();

export function useApp(): AppState {
  const state = useContext(AppContext);
  if (!state) throw new Error('useApp() used outside <AppContext.Provider>');
  return state;
}
