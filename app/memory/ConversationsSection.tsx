/**
 * Region "Conversations": #conversation memos grouped by day (its date tag, else the day it was
 * written), newest day first; each turn a chat bubble by speaker (the user's on one side, the
 * assistant's and others' on the other). A memo without speakers is one plain bubble. Long
 * turns are cut (the memo link opens the whole text); older days load on demand.
 */
import { createSignal, For, Show } from 'solid-js';
import type { ConversationDay } from '../../memory/parse';
import { MemoLink } from './MemoLink';

const DAYS_PAGE = 5;
const TURNS_SHOWN = 40;
const TURN_CHARS = 1_000;

function clip(text: string): string {
  return text.length > TURN_CHARS ? `${text.slice(0, TURN_CHARS)}…` : text;
}

export function ConversationsSection(props: { days: readonly ConversationDay[]; loading: boolean }) {
  const [shown, setShown] = createSignal(DAYS_PAGE);
  return (
    <section class="card memory-section" aria-labelledby="memory-conversations">
      <h3 id="memory-conversations">Conversations</h3>
      <Show
        when={props.days.length > 0}
        fallback={
          <p class="hint">
            {props.loading ? 'Loading…' : 'No conversations yet: memos tagged #conversation.'}
          </p>
        }
      >
        <For each={props.days.slice(0, shown())}>
          {(day) => (
            <section class="conversation-day" aria-label={day.day}>
              <h4>{day.day}</h4>
              <For each={day.conversations}>
                {(conversation) => (
                  <div class="conversation">
                    <ol class="chat">
                      <For each={conversation.turns.slice(0, TURNS_SHOWN)}>
                        {(turn) => (
                          <li class={`bubble ${turn.role}`}>
                            <Show when={turn.speaker}>
                              {(speaker) => <span class="speaker">{speaker()}</span>}
                            </Show>
                            <span class="said">{clip(turn.text)}</span>
                          </li>
                        )}
                      </For>
                    </ol>
                    <Show when={conversation.turns.length > TURNS_SHOWN}>
                      <p class="hint">{`${conversation.turns.length - TURNS_SHOWN} more turns in the memo`}</p>
                    </Show>
                    <MemoLink name={conversation.memo} time={conversation.time} />
                  </div>
                )}
              </For>
            </section>
          )}
        </For>
        <Show when={props.days.length > shown()}>
          <button type="button" class="load-more" onClick={() => setShown((n) => n + DAYS_PAGE)}>
            {`Show older conversations (${props.days.length - shown()} days)`}
          </button>
        </Show>
      </Show>
    </section>
  );
}
