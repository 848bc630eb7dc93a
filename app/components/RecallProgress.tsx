/**
 * Search by meaning's background work, visible but out of the way: the model download (a
 * bar in MB, only while bytes really come over the network), "Indexing n of N", or why
 * it is unavailable. Hidden once everything is ready and idle. It floats (bottom of the
 * rail on wide screens, a thin bar under the phone's header), so nothing on the page
 * moves when it appears or goes.
 */
import { Show } from 'solid-js';
import { useApp } from '../state/app-context';

export function RecallProgress() {
  const app = useApp();
  const bar = () => {
    const snapshot = app.recall.snapshot();
    if (!snapshot) return undefined;
    const { status, progress } = snapshot;
    if (status.kind === 'loading' && status.total > 0 && status.loaded < status.total) {
      return { value: status.loaded, max: status.total, label: 'Downloading the search model' };
    }
    if (progress.kind !== 'idle' && progress.total > 0) {
      return { value: progress.done, max: progress.total, label: 'Indexing memos for search by meaning' };
    }
    return undefined;
  };
  const visible = () => {
    const snapshot = app.recall.snapshot();
    if (!app.recall.line()) return false;
    return !(snapshot?.status.kind === 'ready' && snapshot.progress.kind === 'idle');
  };
  return (
    <Show when={visible()}>
      <div class="recall-progress" classList={{ 'with-bar': bar() !== undefined }}>
        <span class="recall-line">{app.recall.line()}</span>
        <Show when={bar()}>{(b) => <progress aria-label={b().label} value={b().value} max={b().max} />}</Show>
      </div>
    </Show>
  );
}
