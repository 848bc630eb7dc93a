/**
 * "Ask your notes": one textbox and the button "Ask", then the Answer region. Retrieval and the
 * prompt are built on the device (ask-session.ts); the question goes to the user's LLM through
 * this app's server. Shown on the Memory page and, prefilled with the query, above search
 * results. Without preferences given by the page, it reads them from the memory memos itself.
 */
import { createSignal, onCleanup, Show } from 'solid-js';
import { collectPreferences } from '../../memory/parse';
import type { PromptPreference } from '../../memory/prompt';
import { useApp } from '../state/app-context';
import { AnswerView } from './AnswerView';
import { createAskSession } from './ask-session';
import { createMemoryMemos } from './memory-memos';
import { sharedParsers } from './memory-model';
import './memory.css';

const MAX_QUESTION = 1_000;

export default function AskPanel(props: {
  initialQuestion?: string;
  preferences?: () => readonly PromptPreference[];
}) {
  const app = useApp();
  const memos = props.preferences ? undefined : createMemoryMemos(app);
  const preferences =
    props.preferences ??
    (() =>
      memos
        ? collectPreferences(memos(), sharedParsers.entriesOf).map((p) => ({
            key: p.key,
            value: p.current.value,
          }))
        : []);
  const session = createAskSession({ app, preferences });
  onCleanup(() => session.stop());
  const [draft, setDraft] = createSignal<string>();
  const question = () => draft() ?? props.initialQuestion ?? '';

  return (
    <div class="ask">
      <form
        class="ask-form"
        onSubmit={(event) => {
          event.preventDefault();
          void session.ask(question());
        }}
      >
        <input
          type="text"
          aria-label="Ask your notes"
          placeholder="Ask your notes, e.g. when did I last change the oil?"
          maxLength={MAX_QUESTION}
          value={question()}
          onInput={(event) => setDraft(event.currentTarget.value)}
        />
        <button type="submit" class="primary" disabled={question().trim() === ''}>
          Ask
        </button>
      </form>
      <Show when={session.phase() !== 'idle'}>
        <AnswerView session={session} />
      </Show>
    </div>
  );
}
