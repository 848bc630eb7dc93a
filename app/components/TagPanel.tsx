/**
 * The sidebar's tags (wide screens): topics as a tree, date-like tags apart under
 * "Dates", and "All tags" (the Tags page). Phones get TagStrip on the timeline instead.
 */
import { A } from '@solidjs/router';
import { Show } from 'solid-js';
import { useApp } from '../state/app-context';
import { TagNodes } from './TagTree';

export function TagPanel() {
  const app = useApp();
  const groups = () => app.view.tagGroups();
  return (
    <Show when={groups().topics.length + groups().dates.length > 0}>
      <nav class="tag-panel" aria-label="Tags">
        <div class="panel-heading">
          <h2 class="sidebar-heading">Tags</h2>
          <A href="/tags" class="all-tags">
            All tags
          </A>
        </div>
        <TagNodes nodes={groups().topics} />
        <Show when={groups().dates.length > 0}>
          <h3 class="sidebar-heading dates-heading">Dates</h3>
          <TagNodes nodes={groups().dates} />
        </Show>
      </nav>
    </Show>
  );
}
