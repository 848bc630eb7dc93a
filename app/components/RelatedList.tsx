/**
 * The region "Related" on a memo's page: the memos closest in meaning, as compact rows
 * (each an `article` holding one link to that memo: its first words and its date),
 * not full cards with their own actions.
 */
import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import { type LocalMemo, uidOf } from '../../sync';
import { useApp } from '../state/app-context';
import { formatMemoTime } from './time';

function firstWords(memo: LocalMemo): string {
  const text = memo.snippet || memo.content;
  return text.replace(/\s+/g, ' ').trim().slice(0, 160) || 'A memo';
}

export function RelatedList(props: { memos: readonly LocalMemo[] }) {
  const app = useApp();
  return (
    <section class="related" aria-label="Related">
      <h2 class="section-title">Related</h2>
      <Show
        when={app.recall.ready()}
        fallback={<p class="hint">{app.recall.line() || 'Search by meaning is starting…'}</p>}
      >
        <For each={props.memos} fallback={<p class="hint">No related memos yet.</p>}>
          {(memo) => (
            <article class="related-row">
              <A href={`/memo/${uidOf(memo.name)}`}>
                <span class="related-text">{firstWords(memo)}</span>
                <time datetime={new Date(memo.createTime).toISOString()}>
                  {formatMemoTime(memo.createTime, Date.now())}
                </time>
              </A>
            </article>
          )}
        </For>
      </Show>
    </section>
  );
}
