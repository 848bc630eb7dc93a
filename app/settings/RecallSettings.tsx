/**
 * Settings → Search by meaning: its status (ready, indexing n of N, paused, or why it is
 * unavailable), where the vectors come from (this device, the home server, with counts),
 * what the home server says, the switch "Index on this device" (off saves battery: only the
 * home server's vectors are used, queries are still embedded here) and "Re-index". Reads
 * the recall worker's snapshot; owns no state beyond what it shows.
 */
import { createSignal, onCleanup, onMount, Show } from 'solid-js';
import type { RecallSnapshot, ServerLinkState, VectorSources } from '../../workers/recall/client';
import { useApp } from '../state/app-context';
import { SettingRow, SettingsSection } from './SettingsSection';

export function describeRecallStatus(snapshot: RecallSnapshot, line: string): string {
  const { status, progress } = snapshot;
  if (status.kind === 'unavailable') return status.message;
  if (status.kind === 'loading') return line || 'Starting: loading the search model…';
  switch (progress.kind) {
    case 'idle':
      return 'Ready';
    case 'indexing':
      return `Indexing ${progress.done} of ${progress.total}`;
    case 'rebuilding':
      return `Rebuilding the search index: ${progress.done} of ${progress.total}`;
    case 'paused':
      return `Paused at ${progress.done} of ${progress.total}: waiting for the home server (indexing on this device is off)`;
  }
}

export function describeServer(server: ServerLinkState, localIndexing: boolean): string {
  const alone = localIndexing
    ? 'this device indexes on its own'
    : 'memos wait for it, because indexing on this device is off';
  switch (server.kind) {
    case 'none':
      return 'None: this device indexes on its own.';
    case 'checking':
      return 'Checking…';
    case 'ready':
      return 'Connected: it embeds large batches and keeps their vectors for your other devices.';
    case 'unreachable':
      return `Not reachable (${server.message}); ${alone}.`;
    case 'refused':
      switch (server.reason) {
        case 'model-mismatch':
          return `Refused: the home server uses another model file than this app (${server.serverModels?.join(', ') || 'none'}), so its vectors cannot be mixed with this device's; ${alone}. Updating the app or the server to the same version fixes this.`;
        case 'unauthorized':
          return `Refused: Memos did not accept this device's sign-in (${server.message}); ${alone}. Connect again under Memos server.`;
        case 'off':
          return `Off: ${server.message}; ${alone}.`;
        case 'invalid':
          return `Gave an answer this app cannot use (${server.message}); ${alone}, and asks again later.`;
      }
  }
}

function describeSources(sources: VectorSources | undefined): string {
  if (!sources) return '…';
  const total = sources.device + sources.server;
  if (total === 0) return 'No memo indexed yet.';
  const memos = (n: number) => `${n} memo${n === 1 ? '' : 's'}`;
  return `This device: ${memos(sources.device)} · The home server: ${memos(sources.server)}`;
}

export function RecallSettings() {
  const app = useApp();
  const recall = app.recall;
  const [sources, setSources] = createSignal<VectorSources>();
  const [message, setMessage] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const refresh = () => void recall.sources().then(setSources);
  onMount(() => {
    refresh();
    const timer = window.setInterval(refresh, 2_000);
    onCleanup(() => window.clearInterval(timer));
  });
  const snapshot = () => recall.snapshot();
  const localIndexing = () => snapshot()?.localIndexing ?? true;
  const status = () => {
    const current = snapshot();
    if (!current) return recall.line() || 'Starts once your memos are loaded.';
    return describeRecallStatus(current, recall.line());
  };

  async function reindex() {
    setBusy(true);
    setMessage(undefined);
    try {
      await recall.reindex();
      setMessage('Re-indexing: every memo gets its vectors again, from the home server when it can.');
    } catch (error) {
      setMessage(`Could not re-index: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setBusy(false);
      refresh();
    }
  }

  return (
    <SettingsSection id="recall" title="Search by meaning">
      <SettingRow label="Status">
        <span role="status" class="recall-status">
          {status()}
        </span>
      </SettingRow>
      <SettingRow label="Vectors from">
        <span>{describeSources(sources())}</span>
      </SettingRow>
      <SettingRow label="Home server">
        <span>{describeServer(snapshot()?.server ?? { kind: 'checking' }, localIndexing())}</span>
      </SettingRow>
      <SettingRow label="On this device">
        <label class="checkbox-row">
          <input
            type="checkbox"
            role="switch"
            checked={localIndexing()}
            aria-checked={localIndexing()}
            disabled={!snapshot()}
            onChange={(event) => void recall.setLocalIndexing(event.currentTarget.checked)}
          />
          Index on this device
        </label>
        <span class="hint">
          Off saves battery: only the home server's vectors are used, and memos wait while it is out of reach.
          Searches are still embedded on this device.
        </span>
      </SettingRow>
      <SettingRow label="Model">
        <span>
          all-MiniLM-L6-v2. Searches are embedded on this device; memos here or on your own home server, never
          elsewhere.
        </span>
      </SettingRow>
      <div class="button-row">
        <button type="button" disabled={busy() || !recall.ready()} onClick={() => void reindex()}>
          Re-index
        </button>
      </div>
      <Show when={message()}>{(text) => <p role="status">{text()}</p>}</Show>
    </SettingsSection>
  );
}
