/**
 * The app shell. In tab order: "Skip to content", the header (the app's name, the main
 * navigation "Timeline", "Archived", "Memory", "Trash", "Settings", the sync status), then
 * the page (search first, then what the page holds) and last the tags. Wide screens: the
 * header and the tags form a fixed left rail. Phones: a slim header with the name and the
 * sync status, the navigation as a bottom bar within thumb reach (CSS only, so every
 * control exists once). Background work (RecallProgress) floats, so nothing moves when it
 * comes and goes.
 */
import { A, type RouteSectionProps, useLocation } from '@solidjs/router';
import { createEffect, on, onCleanup, onMount, Show } from 'solid-js';
import type { ServiceWorkerControl } from '../pwa/register';
import { useApp } from '../state/app-context';
import { HeldDeletions } from './HeldDeletions';
import { Icon, type IconName } from './icons';
import { RecallProgress } from './RecallProgress';
import { SearchBox } from './SearchBox';
import { SyncStatus } from './SyncStatus';
import { TagPanel } from './TagPanel';
import { Toasts } from './Toasts';
import { UpdatePrompt } from './UpdatePrompt';

const NAV: ReadonlyArray<{ href: string; label: string; icon: IconName; end?: boolean }> = [
  { href: '/', label: 'Timeline', icon: 'timeline', end: true },
  { href: '/archived', label: 'Archived', icon: 'archive' },
  { href: '/memory', label: 'Memory', icon: 'memory' },
  { href: '/trash', label: 'Trash', icon: 'trash' },
  { href: '/settings', label: 'Settings', icon: 'settings' },
];

/** How many in-app navigations happened (a "Back" link can then use history). */
let navigations = 0;
export function cameFromInsideTheApp(): boolean {
  return navigations > 0;
}

export function Layout(props: RouteSectionProps & { update: ServiceWorkerControl | undefined }) {
  const app = useApp();
  const location = useLocation();
  let shell: HTMLDivElement | undefined;
  let header: HTMLElement | undefined;
  let main: HTMLElement | undefined;

  createEffect(
    on(
      () => location.pathname,
      () => navigations++,
      { defer: true },
    ),
  );

  // The rail's tags start below the header, whose height changes with the sync status.
  onMount(() => {
    if (!header || typeof ResizeObserver !== 'function') return;
    const observer = new ResizeObserver(() => {
      shell?.style.setProperty('--header-height', `${header?.offsetHeight ?? 0}px`);
    });
    observer.observe(header);
    onCleanup(() => observer.disconnect());
  });

  return (
    // data-notebook-ready: every memo is loaded and keyword-indexed (tests and benchmarks wait on it).
    <div ref={shell} class="app" data-notebook-ready={app.view.ready() ? 'true' : 'false'}>
      {/* biome-ignore lint/a11y/useValidAnchor: a real link to #content; the click also moves focus there (the router's pushState would not). */}
      <a
        class="skip-link"
        href="#content"
        onClick={(event) => {
          event.preventDefault();
          main?.focus();
        }}
      >
        Skip to content
      </a>
      <header ref={header} class="app-header">
        <h1 class="brand">
          <img src="/icons/icon.svg" alt="" width="24" height="24" />
          <span>Memos Offline</span>
        </h1>
        <nav class="main-nav" aria-label="Main">
          {NAV.map((item) => (
            <A href={item.href} end={item.end ?? false}>
              <Icon name={item.icon} />
              <span>{item.label}</span>
            </A>
          ))}
        </nav>
        <SyncStatus />
        <RecallProgress />
      </header>
      <main ref={main} id="content" class="content" tabIndex={-1}>
        <HeldDeletions />
        <SearchBox />
        {props.children}
      </main>
      {/* The Tags page lists them all: no second copy beside it. */}
      <Show when={location.pathname !== '/tags'}>
        <aside class="rail-tags">
          <TagPanel />
        </aside>
      </Show>
      <Toasts />
      <UpdatePrompt update={props.update} />
    </div>
  );
}
