/**
 * Renders a long list of memos a page at a time: the first PAGE articles, then another
 * page whenever the sentinel at the bottom scrolls into view. Off-screen articles use
 * `content-visibility: auto` (CSS), so 10,000 memos stay smooth without keeping them all
 * in the DOM at once.
 */
import { createEffect, createSignal, on, onCleanup, onMount, Show } from 'solid-js';
import type { LocalMemo } from '../../sync';
import { Keyed } from './Keyed';
import { MemoCard } from './MemoCard';

const PAGE = 40;

export function MemoList(props: { memos: readonly LocalMemo[]; empty: string; resetKey?: string }) {
  const [limit, setLimit] = createSignal(PAGE);
  let sentinel: HTMLDivElement | undefined;

  createEffect(
    on(
      () => props.resetKey,
      () => setLimit(PAGE),
      { defer: true },
    ),
  );

  onMount(() => {
    if (!sentinel || typeof IntersectionObserver !== 'function') return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting))
          // Grow by a page only while more memos exist; never shrink below a page.
          setLimit((n) => (n < props.memos.length ? n + PAGE : n));
      },
      { rootMargin: '800px' },
    );
    observer.observe(sentinel);
    onCleanup(() => observer.disconnect());
  });

  const visible = () => props.memos.slice(0, limit());

  return (
    <div class="memo-list">
      <Show when={props.memos.length > 0} fallback={<p class="empty">{props.empty}</p>}>
        <Keyed each={visible()} key={(memo) => memo.name}>
          {(memo) => <MemoCard memo={memo()} />}
        </Keyed>
      </Show>
      <div ref={sentinel} class="list-sentinel" aria-hidden="true" />
      <Show when={limit() < props.memos.length}>
        <button type="button" class="load-more" onClick={() => setLimit((n) => n + PAGE)}>
          {`Show more (${(props.memos.length - limit()).toLocaleString('en-US')} older)`}
        </button>
      </Show>
    </div>
  );
}
