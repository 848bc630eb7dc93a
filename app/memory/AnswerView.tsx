/**
 * Region "Answer": the answer as it streams in, rendered through the app's sanitizing Markdown
 * renderer (HTML in an answer is inert text, as in memos), with `[n]` citations linked to the
 * memos that were sent; a one-line note when there is no complete answer; the numbered sources
 * (shown even when no answer could be generated); "Stop" while it streams and "Save as memo"
 * (the exchange as a #conversation memo tagged with the day) once it is done.
 */
import { A, useNavigate } from '@solidjs/router';
import { createEffect, createSignal, For, Show } from 'solid-js';
import { formatExchange } from '../../memory/exchange';
import { DEFAULT_CONTENT_LIMIT_BYTES, type LocalMemo, uidOf } from '../../sync';
import { renderMemoHtml } from '../markdown/render';
import { useApp } from '../state/app-context';
import { describeSaveError } from '../state/save-errors';
import { linkCitations } from './answer-dom';
import type { AskSession } from './ask-session';
import { localDay } from './day';
import { formatDay, memoHref } from './MemoLink';

function snippetOf(memo: LocalMemo): string {
  const text = (memo.snippet || memo.content).replace(/\s+/g, ' ').trim();
  return text.length > 90 ? `${text.slice(0, 89)}…` : text || '(empty memo)';
}

export function AnswerView(props: { session: AskSession }) {
  const app = useApp();
  const navigate = useNavigate();
  const session = props.session;
  const [saved, setSaved] = createSignal<{ kind: 'ok'; memo: LocalMemo } | { kind: 'error'; text: string }>();
  let body: HTMLDivElement | undefined;

  createEffect(() => {
    const text = session.answer();
    const targets = session.sources().map((source) => ({ n: source.n, name: source.memo.name }));
    if (!body) return;
    body.innerHTML = renderMemoHtml(text);
    linkCitations(body, targets, (name) => {
      const source = session.sources().find((s) => s.memo.name === name);
      return source ? snippetOf(source.memo) : '';
    });
  });
  createEffect(() => {
    session.question();
    setSaved(undefined);
  });

  const status = () => {
    switch (session.phase()) {
      case 'retrieving':
        return 'Finding the notes that match…';
      case 'answering':
        return session.answer() === '' ? 'Asking your LLM…' : 'Answering…';
      default:
        return '';
    }
  };

  async function save() {
    try {
      const content = formatExchange(
        session.question(),
        session.answer(),
        localDay(Date.now()),
        DEFAULT_CONTENT_LIMIT_BYTES,
      );
      const memo = await app.services.notebook.create({ content, visibility: 'PRIVATE' });
      setSaved({ kind: 'ok', memo });
    } catch (failure) {
      setSaved({ kind: 'error', text: describeSaveError(failure) });
    }
  }

  return (
    <section class="answer card" aria-label="Answer" aria-busy={session.phase() !== 'done'}>
      <h3 class="answer-question">{session.question()}</h3>
      <Show when={status()}>
        <p class="hint">{status()}</p>
      </Show>
      <div
        class="answer-body markdown"
        ref={(element) => {
          body = element;
          element.addEventListener('click', (event) => {
            const tag = (event.target as HTMLElement).closest<HTMLElement>('button.memo-tag');
            if (tag?.dataset.tag) navigate(`/?tag=${encodeURIComponent(tag.dataset.tag)}`);
          });
        }}
      />
      <Show when={session.note()}>
        <p class="answer-note" role="note">
          {session.note()}
        </p>
      </Show>
      <Show when={session.phase() !== 'retrieving'}>
        <h4 class="sources-title">Sources</h4>
        <Show
          when={session.sources().length > 0}
          fallback={<p class="hint">No memos match this question.</p>}
        >
          <ol class="sources">
            <For each={session.sources()}>
              {(source) => (
                <li value={source.n}>
                  <A href={memoHref(source.memo.name)}>{snippetOf(source.memo)}</A>{' '}
                  <span class="hint">{formatDay(source.memo.createTime)}</span>
                </li>
              )}
            </For>
          </ol>
          <Show when={session.omitted() > 0}>
            <p class="hint">{`${session.omitted()} more matching memos did not fit in the question to the LLM.`}</p>
          </Show>
        </Show>
      </Show>
      <div class="button-row">
        <Show when={session.phase() === 'answering'}>
          <button type="button" onClick={() => session.stop()}>
            Stop
          </button>
        </Show>
        <button
          type="button"
          disabled={session.phase() !== 'done' || session.answer().trim() === '' || saved()?.kind === 'ok'}
          onClick={() => void save()}
        >
          Save as memo
        </button>
      </div>
      <Show when={saved()}>
        {(result) => {
          const value = result();
          return value.kind === 'ok' ? (
            <p class="success" role="status">
              Saved as a #conversation memo. <A href={`/memo/${uidOf(value.memo.name)}`}>Open it</A>
            </p>
          ) : (
            <p class="error" role="alert">
              {value.text}
            </p>
          );
        }}
      </Show>
    </section>
  );
}
