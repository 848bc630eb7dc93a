/**
 * Suggests existing tags while `#tag` is typed in a textarea (the capture box, the
 * editor): a `listbox` under it; ArrowUp/ArrowDown choose, Enter or Tab insert, Esc closes,
 * a click or tap inserts. The textarea keeps the focus (aria-activedescendant), so its
 * role and name do not change. The owner calls `onKeyDown` first and skips its own key
 * handling when it returns true, and `refresh` after input or caret moves.
 */
import { type Accessor, createMemo, createSignal, createUniqueId, For, type JSX, Show } from 'solid-js';
import { useApp } from '../state/app-context';
import { insertTag, suggestTags, type TagQuery, tagQueryAt } from './tag-suggest';

export interface TagSuggest {
  view: JSX.Element;
  /** Attributes for the textarea. */
  inputProps: Accessor<Record<string, string | undefined>>;
  onKeyDown(event: KeyboardEvent): boolean;
  refresh(): void;
  close(): void;
}

export function createTagSuggest(options: {
  textarea: () => HTMLTextAreaElement | undefined;
  onInsert: (text: string) => void;
}): TagSuggest {
  const app = useApp();
  const id = createUniqueId();
  const [query, setQuery] = createSignal<TagQuery>();
  const [active, setActive] = createSignal(0);
  const matches = createMemo(() => {
    const current = query();
    return current ? suggestTags(app.view.tagCounts(), current.query) : [];
  });
  const open = () => matches().length > 0;

  function refresh() {
    const element = options.textarea();
    if (!element || element.selectionStart !== element.selectionEnd) {
      setQuery(undefined);
      return;
    }
    const next = tagQueryAt(element.value, element.selectionStart);
    if (next?.start !== query()?.start || next?.query !== query()?.query) setActive(0);
    setQuery(next);
  }

  function choose(tag: string) {
    const element = options.textarea();
    const at = query();
    if (!element || !at) return;
    const result = insertTag(element.value, at, element.selectionStart, tag);
    options.onInsert(result.text);
    element.value = result.text;
    element.focus();
    element.setSelectionRange(result.caret, result.caret);
    setQuery(undefined);
  }

  const view = (
    <Show when={open()}>
      <div class="tag-suggest" role="listbox" id={id} aria-label="Tag suggestions">
        <For each={matches()}>
          {(tag, index) => (
            <div
              role="option"
              tabIndex={-1}
              id={`${id}-${index()}`}
              class="tag-option"
              aria-selected={index() === active()}
              // Keep the focus in the textarea: choose on pointer down, before it would blur.
              onPointerDown={(event) => {
                event.preventDefault();
                choose(tag);
              }}
            >
              {`#${tag}`}
            </div>
          )}
        </For>
      </div>
    </Show>
  );

  return {
    view,
    inputProps: () => ({
      'aria-autocomplete': 'list',
      'aria-controls': open() ? id : undefined,
      'aria-activedescendant': open() ? `${id}-${active()}` : undefined,
    }),
    onKeyDown(event) {
      if (!open() || event.ctrlKey || event.metaKey || event.altKey) return false;
      const count = matches().length;
      if (event.key === 'ArrowDown') setActive((active() + 1) % count);
      else if (event.key === 'ArrowUp') setActive((active() - 1 + count) % count);
      else if (event.key === 'Enter' || event.key === 'Tab') {
        const tag = matches()[active()];
        if (tag) choose(tag);
      } else if (event.key === 'Escape') setQuery(undefined);
      else return false;
      event.preventDefault();
      return true;
    },
    refresh,
    close: () => setQuery(undefined),
  };
}
