/**
 * One memo opened on its own (`/memo/:uid`), with a region named "Related": the 5 memos
 * closest in meaning (semantic recall), each marked "similar meaning".
 */
import { useParams } from '@solidjs/router';
import { createResource, For, Show } from 'solid-js';
import { type MemoName, parseMemoName } from '../../sync';
import { MemoCard } from '../components/MemoCard';
import { useApp } from '../state/app-context';

const RELATED = 5;

export default function MemoPage() {
  const app = useApp();
  const params = useParams<{ uid: string }>();
  const name = () => parseMemoName(`memos/${params.uid}`);
  const memo = () => {
    app.view.version();
    const current = name();
    return current ? app.view.get(current) : undefined;
  };
  const [related] = createResource(
    () => ({ name: name(), ready: app.recall.ready(), content: memo()?.content }),
    async (key) => (key.name && key.ready ? app.recall.related(key.name as MemoName, RELATED) : []),
    { initialValue: [] },
  );
  const relatedMemos = () => {
    app.view.version();
    return (related.latest ?? []).map((hit) => app.view.get(hit.name)).filter((m) => m !== undefined);
  };
  return (
    <Show
      when={memo()}
      fallback={
        <p class="empty">{app.view.ready() ? 'This memo does not exist on this device.' : 'Loading…'}</p>
      }
    >
      {(current) => (
        <>
          <MemoCard memo={current()} />
          <section class="related" aria-label="Related">
            <h2 class="section-title">Related</h2>
            <Show
              when={app.recall.ready()}
              fallback={<p class="hint">{app.recall.line() || 'Semantic search is starting…'}</p>}
            >
              <For each={relatedMemos()} fallback={<p class="hint">No related memos yet.</p>}>
                {(memo) => <MemoCard memo={memo} reason="similar meaning" />}
              </For>
            </Show>
          </section>
        </>
      )}
    </Show>
  );
}
