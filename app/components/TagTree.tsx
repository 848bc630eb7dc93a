/**
 * The tag tree: each tag a link named exactly `#tag` (`#home/garden` for `garden` under
 * `#home`) that filters the timeline, followed by its count, which always equals the
 * number of memos that filter shows (tag-tree.ts). Used by the sidebar (TagPanel) and the
 * Tags page.
 */
import { A, useSearchParams } from '@solidjs/router';
import { Show } from 'solid-js';
import type { TagNode } from '../state/tag-tree';
import { Keyed } from './Keyed';

export function tagHref(tag: string): string {
  return `/?tag=${encodeURIComponent(tag)}`;
}

export function TagNodes(props: { nodes: readonly TagNode[] }) {
  const [params] = useSearchParams();
  return (
    <ul class="tag-tree">
      {/* Keyed by tag: the tree is rebuilt on every change, and a row updates in place. */}
      <Keyed each={props.nodes} key={(node) => node.tag}>
        {(node) => (
          <li>
            <div class="tag-row" classList={{ active: params.tag === node().tag }}>
              <A
                href={tagHref(node().tag)}
                aria-label={`#${node().tag}`}
                aria-current={params.tag === node().tag ? 'true' : undefined}
              >
                <span aria-hidden="true" class="tag-hash">
                  {node().tag.includes('/') ? '' : '#'}
                </span>
                {node().label}
              </A>
              <span class="count">{node().count}</span>
            </div>
            <Show when={node().children.length > 0}>
              <TagNodes nodes={node().children} />
            </Show>
          </li>
        )}
      </Keyed>
    </ul>
  );
}
