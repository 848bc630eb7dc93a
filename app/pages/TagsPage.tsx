/**
 * The Tags page (`/tags`): every tag of the timeline's memos, topics as a tree and
 * date-like tags apart, each with the number of memos its filter shows.
 */
import { Show } from 'solid-js';
import { TagNodes } from '../components/TagTree';
import { useApp } from '../state/app-context';

export default function TagsPage() {
  const app = useApp();
  const groups = () => app.view.tagGroups();
  return (
    <div class="tags-page">
      <h2 class="page-title">Tags</h2>
      <Show
        when={groups().topics.length + groups().dates.length > 0}
        fallback={<p class="empty">No tags yet. Write #tag in a memo to add one.</p>}
      >
        <Show when={groups().topics.length > 0}>
          <section class="card tag-section" aria-labelledby="topics-heading">
            <h3 id="topics-heading">Topics</h3>
            <TagNodes nodes={groups().topics} />
          </section>
        </Show>
        <Show when={groups().dates.length > 0}>
          <section class="card tag-section" aria-labelledby="dates-heading">
            <h3 id="dates-heading">Dates</h3>
            <TagNodes nodes={groups().dates} />
          </section>
        </Show>
      </Show>
    </div>
  );
}
