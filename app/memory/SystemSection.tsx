/**
 * Region "System": the #system memos, newest first; their `name: URL` lines as a list of
 * services (http(s) addresses are links, other schemes plain text), the other lines as notes.
 */
import { For, Show } from 'solid-js';
import type { SystemNote } from '../../memory/parse';
import { MemoLink } from './MemoLink';

const NOTES_SHOWN = 20;
const MEMOS_SHOWN = 50;

export function SystemSection(props: { notes: readonly SystemNote[]; loading: boolean }) {
  return (
    <section class="card memory-section" aria-labelledby="memory-system">
      <h3 id="memory-system">System</h3>
      <Show
        when={props.notes.length > 0}
        fallback={
          <p class="hint">{props.loading ? 'Loading…' : 'No system notes yet: memos tagged #system.'}</p>
        }
      >
        <For each={props.notes.slice(0, MEMOS_SHOWN)}>
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
              <MemoLink name={note.memo} time={note.time} />
            </div>
          )}
        </For>
        <Show when={props.notes.length > MEMOS_SHOWN}>
          <p class="hint">{`${props.notes.length - MEMOS_SHOWN} older system memos are not shown.`}</p>
        </Show>
      </Show>
    </section>
  );
}
