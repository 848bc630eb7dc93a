/**
 * Settings → This app: installed or not, whether the connection is secure (a service
 * worker, offline use and installation need HTTPS or localhost), and "Install app" when
 * the browser offers installation.
 */
import { Show } from 'solid-js';
import { useApp } from '../state/app-context';

export function AppSettings() {
  const app = useApp();
  const install = app.install;
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(location.hostname);
  return (
    <section class="card" aria-labelledby="app-heading">
      <h3 id="app-heading">This app</h3>
      <dl class="facts">
        <dt>Installed</dt>
        <dd>{install.installed() ? 'Yes, running as an installed app' : 'No, running in a browser tab'}</dd>
        <dt>Secure connection</dt>
        <dd>
          {install.secure
            ? location.protocol === 'https:'
              ? 'Yes (HTTPS)'
              : 'Yes (this device only: localhost)'
            : 'No: offline use and installation need HTTPS. Open the https:// address printed by npm start and trust its certificate (see /trust).'}
        </dd>
      </dl>
      <Show when={install.canInstall()}>
        <button type="button" class="primary" onClick={() => void install.install()}>
          Install app
        </button>
      </Show>
      <Show when={!install.canInstall() && !install.installed() && install.secure}>
        <p class="hint">
          {local
            ? 'To install on a phone, open the LAN address printed by npm start.'
            : 'If no install button appears, use the browser menu: “Install app” or “Add to Home Screen”.'}
        </p>
      </Show>
    </section>
  );
}
