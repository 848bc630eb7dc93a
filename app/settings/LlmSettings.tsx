/**
 * Settings → Ask your notes: whether this app's server has an LLM configured (LLM_URL), whether
 * it is reachable, which model, and who may use it. Asks again on "Check again" and whenever
 * the Memos connection changes (the token decides whether the server lets this user in).
 */
import { createResource, Show } from 'solid-js';
import { assertNever } from '../../sync';
import { fetchLlmStatus, type LlmAccess, type LlmStatusView } from '../memory/llm-status';
import { useApp } from '../state/app-context';

function accessText(access: LlmAccess): string {
  switch (access) {
    case 'memos-users':
      return 'Signed-in users of your Memos server';
    case 'everyone':
      return 'Everyone who can reach this app’s server (LLM_SERVICE=on)';
    case 'off':
      return 'Nobody: set MEMOS_URL (or LLM_SERVICE=on) on the app server';
    default:
      return assertNever(access, 'LLM access');
  }
}

function stateText(status: LlmStatusView): string {
  switch (status.state) {
    case 'not-configured':
      return 'Not configured: start the app server with LLM_URL and LLM_MODEL.';
    case 'refused':
      return `Configured, but not for you yet: ${status.message}.`;
    case 'reachable':
      return 'Configured and reachable.';
    case 'unreachable':
      return `Configured, but unreachable: ${status.message}.`;
    case 'unknown':
      return `Unknown: ${status.message}.`;
    default:
      return assertNever(status, 'LLM status');
  }
}

function modelOf(status: LlmStatusView): string | undefined {
  return status.state === 'reachable' || status.state === 'unreachable' ? status.model : undefined;
}

function accessOf(status: LlmStatusView): LlmAccess | undefined {
  return status.state === 'not-configured' || status.state === 'unknown' ? undefined : status.access;
}

export function LlmSettings() {
  const app = useApp();
  const token = () => {
    const connection = app.sync.connection();
    return connection && connection.serverUrl === '' ? connection.token : undefined;
  };
  const [status, { refetch }] = createResource(
    () => ({ token: token() }),
    (key) => fetchLlmStatus(key.token),
  );
  return (
    <section class="card" aria-labelledby="llm-heading">
      <h3 id="llm-heading">Ask your notes</h3>
      <p class="hint">
        Questions are answered by your own LLM server (any OpenAI-compatible one: vLLM, Ollama, llama.cpp),
        reached through this app’s server. Finding the notes happens on this device.
      </p>
      <Show when={status.latest} fallback={<p>Checking the LLM…</p>}>
        {(current) => (
          <dl class="facts">
            <dt>LLM</dt>
            <dd>{stateText(current())}</dd>
            <Show when={modelOf(current())}>
              {(model) => (
                <>
                  <dt>Model</dt>
                  <dd>{model()}</dd>
                </>
              )}
            </Show>
            <Show when={accessOf(current())}>
              {(access) => (
                <>
                  <dt>Who may use it</dt>
                  <dd>{accessText(access())}</dd>
                </>
              )}
            </Show>
          </dl>
        )}
      </Show>
      <button type="button" onClick={() => void refetch()} disabled={status.loading}>
        Check again
      </button>
    </section>
  );
}
