/**
 * Semantic search's background work, visible but out of the way: the model download
 * (a progress bar in MB), "Indexing n of N", or why semantic search is unavailable.
 * Hidden once everything is ready and idle.
 */
import { Show } from 'solid-js';
import { useApp } from '../state/app-context';

export function RecallProgress() {
  const app = useApp();
  const bar = () => {
    const snapshot = app.recall.snapshot();
    if (!snapshot) return undefined;
    if (snapshot.status.kind === 'loading' && snapshot.status.total > 0) {
      return {
        value: snapshot.status.loaded,
        max: snapshot.status.total,
        label: 'Downloading the search model',
      };
    }
    if (snapshot.progress.kind !== 'idle' && snapshot.progress.total > 0) {
      return {
        value: snapshot.progress.done,
        max: snapshot.progress.total,
        label: 'Indexing memos for search by meaning',
      };
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
      <div class="recall-progress">
        <span>{app.recall.line()}</span>
        <Show when={bar()}>{(b) => <progress aria-label={b().label} value={b().value} max={b().max} />}</Show>
      </div>
    </Show>
  );
}
