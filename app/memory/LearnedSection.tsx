/** Region "Learned": the lines of the #learned memos, newest first, each linking to its memo. */
import { createSignal, For, Show } from 'solid-js';
import type { LearnedItem } from '../../memory/parse';
import { MemoLink } from './MemoLink';

const PAGE = 30;

export function LearnedSection(props: { items: readonly LearnedItem[]; loading: boolean }) {
  const [shown, setShown] = createSignal(PAGE);
  return (
    <section class="card memory-section" aria-labelledby="memory-learned">
      <h3 id="memory-learned">Learned</h3>
      <Show
        when={props.items.length > 0}
        fallback={
          <p class="hint">{props.loading ? 'Loading…' : 'Nothing learned yet: memos tagged #learned.'}</p>
        }
      >
        <ul class="learned">
          <For each={props.items.slice(0, shown())}>
            {(item) => (
              <li>
                <span class="learned-text">{item.text}</span> <MemoLink name={item.memo} time={item.time} />
              </li>
            )}
          </For>
        </ul>
        <Show when={props.items.length > shown()}>
          <button type="button" class="load-more" onClick={() => setShown((n) => n + PAGE * 4)}>
            {`Show more learned (${props.items.length - shown()})`}
          </button>
        </Show>
      </Show>
    </section>
  );
}
