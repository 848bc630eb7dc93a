/**
 * Keyword search results for the current view, in a region named "Search results".
 * Each result is a full memo article with the matched words highlighted.
 */
import { createEffect, createMemo, createSignal, For, on, Show } from 'solid-js';
import type { LocalMemo, MemoState } from '../../sync';
import { useApp } from '../state/app-context';
import { MemoCard } from './MemoCard';

interface ResultRow {
  memo: LocalMemo;
  terms: string[];
}

const PAGE = 20;

export function SearchResults(props: { query: string; state: MemoState; tag?: string | undefined }) {
  const app = useApp();
  const [shown, setShown] = createSignal(PAGE);
  createEffect(
    on(
      () => props.query,
      () => setShown(PAGE),
      { defer: true },
    ),
  );
  const results = createMemo<ResultRow[]>(() => {
    app.view.version();
    const tag = props.tag;
    const hits = app.view.keyword.query(props.query, {
      state: props.state,
      limit: 100,
      ...(tag
        ? {
            filter: (name) =>
              app.view.get(name)?.tags.some((t) => t === tag || t.startsWith(`${tag}/`)) ?? false,
          }
        : {}),
    });
    const rows: ResultRow[] = [];
    for (const hit of hits) {
      const memo = app.view.get(hit.name);
      if (memo) rows.push({ memo, terms: [...hit.terms, ...hit.queryTerms] });
    }
    return rows;
  });

  return (
    <section class="search-results" aria-label="Search results">
      <p class="results-summary" aria-live="polite">
        <Show when={app.view.ready()} fallback="Indexing your memos…">
          {results().length === 0
            ? `No memos match “${props.query}”.`
            : `${results().length}${results().length === 100 ? '+' : ''} result${results().length === 1 ? '' : 's'} for “${props.query}”`}
        </Show>
      </p>
      <For each={results().slice(0, shown())}>
        {(row) => <MemoCard memo={row.memo} highlight={row.terms} />}
      </For>
      <Show when={results().length > shown()}>
        <button type="button" class="load-more" onClick={() => setShown((n) => n + PAGE)}>
          {`Show more results (${results().length - shown()})`}
        </button>
      </Show>
    </section>
  );
}
