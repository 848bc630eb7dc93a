/**
 * Region "System": the #system memos, newest first; their `name: URL` lines as a list of
 * services (http(s) addresses are links, other schemes plain text), the other lines as notes.
 */
import { createSignal, For, Show } from 'solid-js';
import type { SystemNote } from '../../memory/parse';
import { MemoLink } from './MemoLink';

const NOTES_SHOWN = 10;
const PAGE = 10;

export function SystemSection(props: { notes: readonly SystemNote[]; loading: boolean }) {
  const [shown, setShown] = createSignal(PAGE);
  return (
    <section class="card memory-section" aria-labelledby="memory-system">
      <h3 id="memory-system">System</h3>
      <Show
        when={props.notes.length > 0}
        fallback={
          <p class="hint">{props.loading ? 'Loading…' : 'No system notes yet: memos tagged #system.'}</p>
        }
      >
        <For each={props.notes.slice(0, shown())}>
          {(note) => (
            <div class="system-note">
              <Show when={note.services.length > 0}>
                <ul class="services" aria-label="Services">
                  <For each={note.services}>
                    {(service) => (
                      <li>
                        <span class="service-name">{service.name}</span>{' '}
                        <Show when={/^https?:\/\//i.test(service.url)} fallback={<code>{service.url}</code>}>
                          <a href={service.url} target="_blank" rel="noopener noreferrer nofollow">
                            {service.url}
                          </a>
                        </Show>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
              <For each={note.notes.slice(0, NOTES_SHOWN)}>{(text) => <p class="system-text">{text}</p>}</For>
              <Show when={note.notes.length > NOTES_SHOWN}>
                <p class="hint">{`${note.notes.length - NOTES_SHOWN} more lines in the memo`}</p>
              </Show>
              <MemoLink name={note.memo} time={note.time} />
            </div>
          )}
        </For>
        <Show when={props.notes.length > shown()}>
          <button type="button" class="load-more" onClick={() => setShown((n) => n + PAGE * 3)}>
            {`Show more system notes (${props.notes.length - shown()})`}
          </button>
        </Show>
      </Show>
    </section>
  );
}
