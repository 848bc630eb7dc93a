/**
 * Region "Preferences": every key set by the #preferences memos, as a table (key, value with its
 * older values and their memos under it, the memo that sets it). The newest memo wins. "Edit" rewrites the
 * value in its line of that memo (preference-edit.ts); large tables show PAGE rows at a time.
 */
import { type Accessor, createSignal, For, Show } from 'solid-js';
import type { Preference } from '../../memory/parse';
import { Keyed } from '../components/Keyed';
import { useApp } from '../state/app-context';
import { MemoLink } from './MemoLink';
import { savePreference } from './preference-edit';

const PAGE = 50;
const HISTORY_SHOWN = 3;

function PreferenceRow(props: { preference: Accessor<Preference> }) {
  const app = useApp();
  const [editing, setEditing] = createSignal(false);
  const [draft, setDraft] = createSignal('');
  const [error, setError] = createSignal('');
  const [saving, setSaving] = createSignal(false);
  const current = () => props.preference().current;

  async function save() {
    setSaving(true);
    const result = await savePreference(app.services.notebook, current(), draft());
    setSaving(false);
    if (result.ok) {
      setEditing(false);
      setError('');
    } else setError(result.message);
  }

  return (
    <tr>
      <th scope="row">{props.preference().key}</th>
      <td class="preference-value">
        <Show
          when={editing()}
          fallback={
            <div class="value-row">
              <span>{current().value}</span>
              <button
                type="button"
                class="small"
                aria-label={`Edit ${props.preference().key}`}
                onClick={() => {
                  setDraft(current().value);
                  setError('');
                  setEditing(true);
                }}
              >
                Edit
              </button>
            </div>
          }
        >
          <form
            class="value-editor"
            onSubmit={(event) => {
              event.preventDefault();
              void save();
            }}
          >
            <input
              type="text"
              aria-label={`Value of ${props.preference().key}`}
              value={draft()}
              onInput={(event) => setDraft(event.currentTarget.value)}
              onKeyDown={(event) => {
                if (event.key === 'Escape') setEditing(false);
              }}
              ref={(input) => queueMicrotask(() => input.focus())}
            />
            <button type="submit" class="primary small" disabled={saving()}>
              Save
            </button>
            <button type="button" class="small" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </form>
          <Show when={error()}>
            <p class="error" role="alert">
              {error()}
            </p>
          </Show>
        </Show>
        <Show when={props.preference().history.length > 0}>
          <ul class="preference-history" aria-label={`Earlier values of ${props.preference().key}`}>
            <For each={props.preference().history.slice(0, HISTORY_SHOWN)}>
              {(old) => (
                <li>
                  <s>{old.value}</s> <MemoLink name={old.memo} time={old.time} />
                </li>
              )}
            </For>
            <Show when={props.preference().history.length > HISTORY_SHOWN}>
              <li>{`and ${props.preference().history.length - HISTORY_SHOWN} older values`}</li>
            </Show>
          </ul>
        </Show>
      </td>
      <td>
        <MemoLink name={current().memo} time={current().time} />
      </td>
    </tr>
  );
}

export function PreferencesSection(props: { preferences: readonly Preference[]; loading: boolean }) {
  const [shown, setShown] = createSignal(PAGE);
  return (
    <section class="card memory-section" aria-labelledby="memory-preferences">
      <h3 id="memory-preferences">Preferences</h3>
      <Show
        when={props.preferences.length > 0}
        fallback={
          <p class="hint">
            {props.loading
              ? 'Loading…'
              : 'No preferences yet: a memo tagged #preferences with lines like “- Language: English”.'}
          </p>
        }
      >
        <div class="table-scroll">
          <table class="preferences">
            <thead>
              <tr>
                <th scope="col">Key</th>
                <th scope="col">Value</th>
                <th scope="col">Memo</th>
              </tr>
            </thead>
            <tbody>
              <Keyed each={props.preferences.slice(0, shown())} key={(preference) => preference.keyId}>
                {(preference) => <PreferenceRow preference={preference} />}
              </Keyed>
            </tbody>
          </table>
        </div>
        <Show when={props.preferences.length > shown()}>
          <button type="button" class="load-more" onClick={() => setShown((n) => n + PAGE * 5)}>
            {`Show more preferences (${props.preferences.length - shown()})`}
          </button>
        </Show>
      </Show>
    </section>
  );
}
