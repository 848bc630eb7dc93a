/**
 * Tags of the normal (not archived) memos with their counts. Each tag is a link named
 * exactly `#tag` (the count sits outside the link) that filters the timeline.
 */
import { A, useSearchParams } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { useApp } from '../state/app-context';

export function TagList() {
  const app = useApp();
  const [params] = useSearchParams();
  return (
    <Show when={app.view.tagCounts().length > 0}>
      <nav class="tag-list" aria-label="Tags">
        <h2 class="sidebar-heading">Tags</h2>
        <ul>
          <For each={app.view.tagCounts()}>
            {(entry) => (
              <li classList={{ active: params.tag === entry.tag }}>
                <A href={`/?tag=${encodeURIComponent(entry.tag)}`}>{`#${entry.tag}`}</A>
                <span class="count" aria-hidden="true">
                  {entry.count}
                </span>
              </li>
            )}
          </For>
        </ul>
      </nav>
    </Show>
  );
}
