/**
 * A list rendered by key rather than by object identity: when an item is replaced by a new
 * object with the same key (a memo re-read after sync or an edit in another tab), its
 * component updates in place instead of being re-created, so an open editor, menu or dialog
 * inside it survives.
 */
import { type Accessor, createMemo, For, type JSX, Show } from 'solid-js';

export function Keyed<T>(props: {
  each: readonly T[];
  key: (item: T) => string;
  children: (item: Accessor<T>) => JSX.Element;
}): JSX.Element {
  const keys = createMemo(() => props.each.map((item) => props.key(item)));
  const byKey = createMemo(() => new Map(props.each.map((item) => [props.key(item), item] as const)));
  return (
    <For each={keys()}>{(key) => <Show when={byKey().get(key)}>{(item) => props.children(item)}</Show>}</For>
  );
}
