/**
 * Renders a long list of memos a page at a time, under headings: "Pinned" first (when
 * asked), then one heading per day. It shows the first PAGE memos, then another page
 * whenever the sentinel at the bottom scrolls into view (or "Older memos" is pressed).
 * Off-screen articles use `content-visibility: auto` (CSS), so 10,000 memos stay smooth
 * without keeping them all in the DOM at once.
 */
import { createEffect, createMemo, createSignal, on, onCleanup, onMount, Show } from 'solid-js';
import type { LocalMemo } from '../../sync';
import { groupTimeline, type TimelineRow } from '../state/timeline-groups';
import { Keyed } from './Keyed';
import { MemoCard } from './MemoCard';
import { stableRows } from './stable-rows';

const PAGE = 40;

function sameRow(a: TimelineRow, b: TimelineRow): boolean {
  if (a.kind === 'heading' || b.kind === 'heading') {
    return a.kind === b.kind && labelOf(a) === labelOf(b);
  }
  return a.memo === b.memo && a.group === b.group;
}

function labelOf(row: TimelineRow): string {
  return row.kind === 'heading' ? row.label : '';
}

function memoRowOf(row: TimelineRow): Extract<TimelineRow, { kind: 'memo' }> | undefined {
  return row.kind === 'memo' ? row : undefined;
}

export function MemoList(props: {
  memos: readonly LocalMemo[];
  empty: string;
  resetKey?: string;
  /** Put pinned memos under a "Pinned" heading (the timeline). */
  pinnedHeading?: boolean;
}) {
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

  // Rows that did not change keep their object, so a capture or a sync touches only the cards
  // whose memo changed.
  const keep = stableRows<TimelineRow>((row) => row.key, sameRow);
  const rows = createMemo(() =>
    keep(
      groupTimeline(props.memos.slice(0, limit()), {
        now: Date.now(),
        pinnedHeading: props.pinnedHeading ?? false,
      }),
    ),
  );

  return (
    <div class="memo-list">
      <Show when={props.memos.length > 0} fallback={<p class="empty">{props.empty}</p>}>
        <Keyed each={rows()} key={(row) => row.key}>
          {(row) => {
            // A key is either a heading's or a memo's for good; the row object may change.
            const current = row();
            if (current.kind === 'heading') return <h3 class="list-heading">{labelOf(row())}</h3>;
            return (
              <Show when={memoRowOf(row())}>
                {(memoRow) => (
                  <MemoCard
                    memo={memoRow().memo}
                    timeMode={memoRow().group === 'day' ? 'in-day' : 'relative'}
                    pinnedHeading={memoRow().group === 'pinned'}
                  />
                )}
              </Show>
            );
          }}
        </Keyed>
      </Show>
      <div ref={sentinel} class="list-sentinel" aria-hidden="true" />
      <Show when={limit() < props.memos.length}>
        <button type="button" class="load-more" onClick={() => setLimit((n) => n + PAGE)}>
          {`Older memos (${(props.memos.length - limit()).toLocaleString('en-US')})`}
        </button>
      </Show>
    </div>
  );
}
