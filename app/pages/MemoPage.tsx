/**
 * One memo opened on its own (`/memo/:uid`): a "Back" link, the full date (and when it
 * was edited, if later), the whole memo (never folded) with its menu, and a region
 * "Related" with the 5 memos closest in meaning (semantic recall) as compact rows.
 */
import { A, useParams } from '@solidjs/router';
import { createResource, Show } from 'solid-js';
import { type MemoName, parseMemoName } from '../../sync';
import { Icon } from '../components/icons';
import { cameFromInsideTheApp } from '../components/Layout';
import { MemoCard } from '../components/MemoCard';
import { RelatedList } from '../components/RelatedList';
import { formatFull } from '../components/time';
import { useApp } from '../state/app-context';

const RELATED = 5;
/** An update this long after creation counts as an edit worth showing. */
const EDITED_AFTER_MS = 60_000;

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
    <>
      <A
        href="/"
        class="back-link"
        onClick={(event) => {
          if (!cameFromInsideTheApp()) return;
          event.preventDefault();
          history.back();
        }}
      >
        <Icon name="back" />
        <span>Back</span>
      </A>
      <Show
        when={memo()}
        fallback={
          <p class="empty">{app.view.ready() ? 'This memo does not exist on this device.' : 'Loading…'}</p>
        }
      >
        {(current) => (
          <>
            <p class="memo-dates">
              <time datetime={new Date(current().createTime).toISOString()}>
                {formatFull(current().createTime)}
              </time>
              <Show when={current().updateTime - current().createTime > EDITED_AFTER_MS}>
                <span class="edited">
                  {' · edited '}
                  <time datetime={new Date(current().updateTime).toISOString()}>
                    {formatFull(current().updateTime)}
                  </time>
                </span>
              </Show>
            </p>
            <MemoCard memo={current()} fold={false} />
            <Show when={current().state === 'ARCHIVED'}>
              <p class="hint">
                This memo is archived. <A href="/archived">See all archived memos</A>
              </p>
            </Show>
            <RelatedList memos={relatedMemos()} />
          </>
        )}
      </Show>
    </>
  );
}
