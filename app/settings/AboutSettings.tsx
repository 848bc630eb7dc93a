/**
 * Settings → About: the app's version, whether it runs installed, whether the connection
 * is secure (a service worker, offline use and installation need HTTPS or localhost), and
 * "Install app" when the browser offers installation.
 */
import { Show } from 'solid-js';
import { useApp } from '../state/app-context';
import { SettingRow, SettingsSection } from './SettingsSection';

export function AboutSettings() {
  const app = useApp();
  const install = app.install;
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(location.hostname);
  return (
    <SettingsSection id="about" title="About">
      <SettingRow label="Version">
        <span>{`Memos Offline ${__APP_VERSION__}`}</span>
      </SettingRow>
      <SettingRow label="Installed">
        <span>
          {install.installed() ? 'Yes, running as an installed app' : 'No, running in a browser tab'}
        </span>
        <Show when={install.canInstall()}>
          <button type="button" class="primary" onClick={() => void install.install()}>
            Install app
          </button>
        </Show>
      </SettingRow>
      <SettingRow label="Secure connection">
        <span>
          {install.secure
            ? location.protocol === 'https:'
              ? 'Yes (HTTPS)'
              : 'Yes (this device only: localhost)'
            : 'No: offline use and installation need HTTPS. Open the https:// address printed by npm start and trust its certificate (see /trust).'}
        </span>
      </SettingRow>
      <Show when={!install.canInstall() && !install.installed() && install.secure}>
        <p class="hint">
          {local
            ? 'To install on a phone, open the LAN address printed by npm start.'
            : 'If no install button appears, use the browser menu: “Install app” or “Add to Home Screen”.'}
        </p>
      </Show>
    </SettingsSection>
  );
}
