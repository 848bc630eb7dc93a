/**
 * The searchbox "Search". `/` anywhere outside a text field focuses it (a hint shown on
 * keyboard devices only); Esc clears it.
 */
import { onCleanup, onMount } from 'solid-js';
import { useApp } from '../state/app-context';
import { touchScreen } from '../state/device';
import { Icon } from './icons';

function isTyping(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return (
    !!element && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName))
  );
}

/** Longer input (a pasted document) is cut: a query is a question, not a document. */
const MAX_QUERY = 1000;

export function SearchBox() {
  const app = useApp();
  const touch = touchScreen();
  let input: HTMLInputElement | undefined;
  onMount(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === '/' && !event.ctrlKey && !event.metaKey && !event.altKey && !isTyping(event.target)) {
        event.preventDefault();
        input?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    onCleanup(() => document.removeEventListener('keydown', onKey));
  });
  return (
    <search class="search-box">
      <Icon name="search" class="search-icon" />
      <input
        ref={input}
        type="search"
        maxLength={MAX_QUERY}
        aria-label="Search"
        placeholder={touch() ? 'Search memos' : 'Search memos  ( / )'}
        value={app.searchQuery()}
        onInput={(event) => app.setSearchQuery(event.currentTarget.value.slice(0, MAX_QUERY))}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            app.setSearchQuery('');
            event.currentTarget.blur();
          }
        }}
      />
    </search>
  );
}
