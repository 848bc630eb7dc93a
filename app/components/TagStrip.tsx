/**
 * The phone's tag row on the timeline: one line of tag chips (topics first, then dates)
 * that scrolls sideways, fading at the edge that has more, and ends with "All tags" (the
 * Tags page). Hidden on wide screens, where the sidebar lists the tags.
 */
import { A, useSearchParams } from '@solidjs/router';
import { createSignal, For, onCleanup, onMount, Show } from 'solid-js';
import { useApp } from '../state/app-context';
import { tagHref } from './TagTree';

export function TagStrip() {
  const app = useApp();
  const [params] = useSearchParams();
  const [more, setMore] = createSignal({ start: false, end: false });
  let list: HTMLUListElement | undefined;
  const chips = () => [...app.view.tagGroups().topics, ...app.view.tagGroups().dates];

  const measure = () => {
    if (!list) return;
    const { scrollLeft, scrollWidth, clientWidth } = list;
    setMore({ start: scrollLeft > 2, end: scrollLeft + clientWidth < scrollWidth - 2 });
  };
  onMount(() => {
    const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(measure) : undefined;
    if (list) observer?.observe(list);
    onCleanup(() => observer?.disconnect());
  });

  return (
    <Show when={chips().length > 0}>
      <nav class="tag-strip" aria-label="Tags">
        <ul ref={list} classList={{ 'more-start': more().start, 'more-end': more().end }} onScroll={measure}>
          <For each={chips()}>
            {(node) => (
              <li>
                <A
                  href={tagHref(node.tag)}
                  class="chip"
                  aria-label={`#${node.tag}`}
                  classList={{ active: params.tag === node.tag }}
                  aria-current={params.tag === node.tag ? 'true' : undefined}
                >
                  {`#${node.tag}`}
                  <span class="count" aria-hidden="true">
                    {node.count}
                  </span>
                </A>
              </li>
            )}
          </For>
          <li>
            <A href="/tags" class="chip all-tags">
              All tags
            </A>
          </li>
        </ul>
      </nav>
    </Show>
  );
}
