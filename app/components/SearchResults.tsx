/**
 * Hybrid search results for the current view, in a region named "Search results":
 * keyword hits (instant, with the matched words highlighted) and semantic hits (debounced,
 * marked "similar meaning") fused by score (app/search/fusion.ts). A tag filter narrows both.
 * When semantic search is not ready, keyword results still show and the line says why.
 */
import { createEffect, createMemo, createResource, createSignal, on, onCleanup, Show } from 'solid-js';
import type { LocalMemo, MemoState } from '../../sync';
import { fuseRankings } from '../search/fusion';
import { tokenizeQuery } from '../search/tokenize';
import { useApp } from '../state/app-context';
import { Keyed } from './Keyed';
import { MemoCard } from './MemoCard';
import { stableRows } from './stable-rows';

const PAGE = 20;
/**
 * Cards built with the results themselves, in the same task as the keystroke: about a
 * screenful. The rest of the page follows right after that frame is painted, so what the
 * eye lands on first never waits for cards below the fold (each costs about a millisecond
 * of Markdown and DOM on a laptop, several on a phone).
 */
const FIRST_PAINT = 6;
/** Semantic hits fetched per query (the fusion drops those below its similarity floor). */
const SEMANTIC_K = 50;
const DEBOUNCE_MS = 200;

interface ResultRow {
  memo: LocalMemo;
  terms: string[];
  similarOnly: boolean;
}

/** Rows remembered between two computations (more than are ever shown at once). */
const KEEP_ROWS = 1000;

function sameResult(a: ResultRow, b: ResultRow): boolean {
  return (
    a.memo === b.memo &&
    a.similarOnly === b.similarOnly &&
    a.terms.length === b.terms.length &&
    a.terms.every((term, i) => term === b.terms[i])
  );
}

function hasTag(memo: LocalMemo, tag: string): boolean {
  return memo.tags.some((t) => t === tag || t.startsWith(`${tag}/`));
}

export function SearchResults(props: { query: string; state: MemoState; tag?: string | undefined }) {
  const app = useApp();
  const [shown, setShown] = createSignal(PAGE);
  const [painted, setPainted] = createSignal(FIRST_PAINT);
  const [settled, setSettled] = createSignal(props.query);
  // A new query: the first page again, its first cards painted at once and the rest after
  // that frame, and the search by meaning once typing settles.
  createEffect(
    on(
      () => props.query,
      (query) => {
        setShown(PAGE);
        setPainted(FIRST_PAINT);
        let rest: ReturnType<typeof setTimeout> | undefined;
        const frame = requestAnimationFrame(() => {
          rest = setTimeout(() => setPainted(Number.POSITIVE_INFINITY), 0);
        });
        const settle = setTimeout(() => setSettled(query), DEBOUNCE_MS);
        onCleanup(() => {
          cancelAnimationFrame(frame);
          if (rest !== undefined) clearTimeout(rest);
          clearTimeout(settle);
        });
      },
    ),
  );

  const keywordHits = createMemo(() => {
    app.view.version();
    const tag = props.tag;
    // Every memo sharing a word with the query: full matches are results, partial ones
    // only lift semantic hits (see fuseRankings).
    return app.view.keyword.rank(props.query, {
      state: props.state,
      limit: 200,
      ...(tag
        ? {
            filter: (name) => {
              const memo = app.view.get(name);
              return memo ? hasTag(memo, tag) : false;
            },
          }
        : {}),
    });
  });

  /** The query whose semantic hits are shown (a hook for the notebook benchmark). */
  const [semanticFor, setSemanticFor] = createSignal('');
  const [semanticHits] = createResource(
    () => ({ query: settled().trim(), state: props.state, tag: props.tag, ready: app.recall.ready() }),
    async (key) => {
      if (!key.ready || key.query === '') return [];
      const hits = await app.recall.search(key.query, {
        k: SEMANTIC_K,
        state: key.state,
        ...(key.tag ? { tags: [key.tag] } : {}),
      });
      setSemanticFor(key.query);
      return hits;
    },
    { initialValue: [] },
  );

  // Rows that did not change keep their object (semantic hits arriving, a sync) so only the
  // cards that changed update.
  const keep = stableRows<ResultRow>((row) => row.memo.name, sameResult, KEEP_ROWS);
  const results = createMemo<ResultRow[]>(() => {
    app.view.version();
    const fused = fuseRankings(keywordHits(), semanticHits.latest ?? [], tokenizeQuery(props.query).length);
    const rows: ResultRow[] = [];
    for (const hit of fused) {
      const memo = app.view.get(hit.name);
      if (!memo || memo.state !== props.state || (props.tag && !hasTag(memo, props.tag))) continue;
      rows.push({ memo, terms: hit.terms ?? [], similarOnly: hit.terms === undefined });
    }
    return keep(rows);
  });

  const semanticNote = () => (app.recall.ready() ? '' : app.recall.line());
  // Results by meaning are on their way (debounce, then the worker): "no match" would be
  // premature, and would flash before they land.
  const searching = () =>
    app.recall.ready() && props.query.trim() !== '' && (settled() !== props.query || semanticHits.loading);
  const summary = () => {
    const count = results().length;
    if (count > 0) return `${count} result${count === 1 ? '' : 's'} for “${props.query}”`;
    return searching() ? `Searching for “${props.query}”…` : `No memos match “${props.query}”.`;
  };

  return (
    <section class="search-results" aria-label="Search results" data-semantic-for={semanticFor()}>
      <p class="results-summary" aria-live="polite">
        <Show when={app.view.ready()} fallback="Indexing your memos…">
          {summary()}
        </Show>
      </p>
      <Show when={semanticNote()}>
        <p class="hint semantic-note">{semanticNote()}</p>
      </Show>
      <Keyed each={results().slice(0, Math.min(shown(), painted()))} key={(row) => row.memo.name}>
        {(row) => (
          <MemoCard
            memo={row().memo}
            highlight={row().terms}
            {...(row().similarOnly ? { reason: 'similar meaning' } : {})}
          />
        )}
      </Keyed>
      <Show when={results().length > shown()}>
        <button type="button" class="load-more" onClick={() => setShown((n) => n + PAGE)}>
          {`Further results (${results().length - shown()})`}
        </button>
      </Show>
    </section>
  );
}
