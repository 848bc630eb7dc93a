/**
 * Settings → Memos server. Not connected: "Server URL" (empty = this app's own origin,
 * through its proxy), then either "Access token" or "Username" + "Password" (exchanged
 * once for a token; the password is never stored), and "Connect". Connecting another
 * server or account while memos are on this device asks first [A1]. Connected: who is
 * signed in, the server's Memos version and whether this app was tested against it [V4]
 * (a newer or unrecognized one as a notice, a change seen while connected said too), and
 * "Disconnect", which keeps local memos unless the user also asks to delete them, and
 * revokes a token the app minted from a password [V3].
 */
import { createResource, createSignal, Show } from 'solid-js';
import { type ConnectFailure, type ConnectInput, describeFailure, type ServerRecord } from '../../sync';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { useApp } from '../state/app-context';
import { type AccountSwitchAnswer, AccountSwitchDialog } from './AccountSwitchDialog';
import { exportJson } from './backup';
import { SettingsSection } from './SettingsSection';
import { loadAppServerConfig, serverUrlProblem } from './server-origin';

type AccountSwitch = Extract<ConnectFailure, { kind: 'account-switch' }>;

/** Server URL left empty while `npm start` runs without MEMOS_URL: nothing to reach. */
export const NO_SERVER_BEHIND_APP =
  'This app was started without a Memos server, so there is none at its own address. Enter your Memos server’s address in Server URL (for example https://memos.example.lan), or restart this app with the server given, e.g. MEMOS_URL=http://192.168.1.10:5230 npm start, and leave Server URL empty.';

/** One sentence, whatever punctuation the failure's own message ends with. */
function sentence(text: string): string {
  return `${text.replace(/[.\s]+$/, '')}.`;
}

function ServerVersion(props: { server: ServerRecord }) {
  const unsure = () => props.server.support === 'newer' || props.server.support === 'undetermined';
  return (
    <section class="server-version" aria-label="Memos version">
      <p classList={{ 'version-notice': unsure() }} role={unsure() ? 'note' : undefined}>
        {props.server.description}
      </p>
      <Show when={props.server.changedFrom}>
        {(from) => (
          <p class="hint">{`The server changed from Memos ${from()} to ${props.server.version} while connected; the app follows it.`}</p>
        )}
      </Show>
    </section>
  );
}

export function ServerSettings() {
  const app = useApp();
  const sync = app.sync;
  const [serverUrl, setServerUrl] = createSignal('');
  const [token, setToken] = createSignal('');
  const [username, setUsername] = createSignal('');
  const [password, setPassword] = createSignal('');
  const [busy, setBusy] = createSignal(false);
  const [message, setMessage] = createSignal<{ kind: 'ok' | 'error'; text: string }>();
  const [clearData, setClearData] = createSignal(false);
  const [confirmClear, setConfirmClear] = createSignal(false);
  const [serverConfig] = createResource(loadAppServerConfig);
  const [switching, setSwitching] = createSignal<AccountSwitch>();

  async function connect() {
    setMessage(undefined);
    const config = serverConfig() ?? (await loadAppServerConfig());
    if (serverUrl().trim() === '' && config?.memosProxy === false) {
      setMessage({ kind: 'error', text: NO_SERVER_BEHIND_APP });
      return;
    }
    const problem = serverUrlProblem(serverUrl(), config, window.location.origin);
    if (problem) {
      setMessage({ kind: 'error', text: `Could not connect: ${problem}` });
      return;
    }
    const usePassword = token().trim() === '' && username().trim() !== '';
    await finish(
      usePassword
        ? { serverUrl: serverUrl(), username: username().trim(), password: password() }
        : { serverUrl: serverUrl(), token: token() },
    );
  }

  async function answerSwitch(question: AccountSwitch, answer: AccountSwitchAnswer) {
    setSwitching(undefined);
    if (answer === 'cancel') {
      await sync.controller.cancelConnect(question.credential);
      setMessage({ kind: 'ok', text: 'Not connected; the memos on this device are unchanged.' });
      return;
    }
    if (answer === 'start-fresh') {
      try {
        await exportJson(app.services);
      } catch (failure) {
        setMessage({
          kind: 'error',
          text: `The export could not be written (${failure instanceof Error ? failure.message : String(failure)}), so nothing was changed.`,
        });
        await sync.controller.cancelConnect(question.credential);
        return;
      }
    }
    const { credential } = question;
    await finish(
      {
        serverUrl: credential.serverUrl,
        token: credential.token,
        ...(credential.mintedToken ? { mintedToken: credential.mintedToken } : {}),
      },
      answer,
    );
  }

  async function finish(input: ConnectInput, existingMemos?: 'upload' | 'start-fresh') {
    setBusy(true);
    const result = await sync.controller.connect(input, existingMemos ? { existingMemos } : {});
    setBusy(false);
    if (result.ok) {
      setToken('');
      setPassword('');
      setMessage({
        kind: 'ok',
        text: `Connected as ${result.value.displayName} (${result.value.user}). Syncing…`,
      });
      return;
    }
    const failure = result.error;
    if (failure.kind === 'account-switch') {
      setSwitching(failure);
      return;
    }
    const crossOrigin = input.serverUrl.trim() !== '' && failure.kind === 'offline';
    setMessage({
      kind: 'error',
      text: `Could not connect: ${sentence(describeFailure(failure))}${
        crossOrigin
          ? ' Memos 0.29 answers no page of another address (no CORS): start this app with MEMOS_URL pointing at it and leave Server URL empty.'
          : ''
      }`,
    });
  }

  async function disconnect() {
    const outcome = await sync.controller.disconnect({ clearData: clearData() });
    const done = clearData()
      ? 'Disconnected; the memos on this device were deleted.'
      : 'Disconnected; your memos stay on this device.';
    setMessage(
      outcome.revokeProblem
        ? { kind: 'error', text: `${done} ${outcome.revokeProblem}` }
        : { kind: 'ok', text: done },
    );
    setClearData(false);
  }

  return (
    <SettingsSection id="server" title="Memos server">
      <Show
        when={sync.connection()}
        fallback={
          <form
            class="server-form field-grid"
            onSubmit={(event) => {
              event.preventDefault();
              void connect();
            }}
          >
            <label>
              Server URL
              <input
                type="url"
                inputMode="url"
                placeholder={
                  serverConfig()?.memosProxy === false
                    ? 'https://memos.example.lan'
                    : 'empty = the Memos server behind this app'
                }
                value={serverUrl()}
                onInput={(e) => setServerUrl(e.currentTarget.value)}
              />
            </label>
            <label>
              Access token
              <input
                type="text"
                class="secret"
                autocomplete="off"
                spellcheck={false}
                placeholder="memos_pat_…"
                value={token()}
                onInput={(e) => setToken(e.currentTarget.value)}
              />
            </label>
            <p class="hint">
              Or sign in once with your Memos username and password; the app keeps only a token.
            </p>
            <div class="two-fields">
              <label>
                Username
                <input
                  type="text"
                  autocomplete="username"
                  value={username()}
                  onInput={(e) => setUsername(e.currentTarget.value)}
                />
              </label>
              <label>
                Password
                <input
                  type="password"
                  autocomplete="current-password"
                  value={password()}
                  onInput={(e) => setPassword(e.currentTarget.value)}
                />
              </label>
            </div>
            <button
              type="submit"
              class="primary"
              disabled={busy() || (token().trim() === '' && username().trim() === '')}
            >
              {busy() ? 'Connecting…' : 'Connect'}
            </button>
          </form>
        }
      >
        {(connection) => (
          <>
            <p>
              {`Signed in as ${connection().displayName} (${connection().user}) on ${connection().serverUrl || 'this app’s server'}.`}
            </p>
            <Show when={sync.server()}>{(server) => <ServerVersion server={server()} />}</Show>
            <label class="checkbox-row">
              <input
                type="checkbox"
                checked={clearData()}
                onChange={(e) => setClearData(e.currentTarget.checked)}
              />
              Also delete the memos stored on this device
            </label>
            <button type="button" onClick={() => (clearData() ? setConfirmClear(true) : void disconnect())}>
              Disconnect
            </button>
          </>
        )}
      </Show>
      <Show when={message()}>
        {(m) => (
          <p
            class={m().kind === 'error' ? 'error' : 'success'}
            role={m().kind === 'error' ? 'alert' : 'status'}
          >
            {m().text}
          </p>
        )}
      </Show>
      <Show when={switching()}>
        {(question) => (
          <AccountSwitchDialog
            localCount={question().localCount}
            from={question().from}
            to={question().to}
            onAnswer={(answer) => void answerSwitch(question(), answer)}
          />
        )}
      </Show>
      <Show when={confirmClear()}>
        <ConfirmDialog
          title="Delete the memos on this device?"
          body="They stay on the server. Unsynced changes on this device are lost."
          confirmLabel="Disconnect and delete"
          onCancel={() => setConfirmClear(false)}
          onConfirm={() => {
            setConfirmClear(false);
            void disconnect();
          }}
        />
      </Show>
    </SettingsSection>
  );
}
