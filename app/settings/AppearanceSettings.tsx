/** Settings → Appearance: the colour theme (System, Light, Dark), applied at once. */
import { For } from 'solid-js';
import { useApp } from '../state/app-context';
import { THEMES, type ThemeChoice } from '../state/theme';
import { SettingRow, SettingsSection } from './SettingsSection';

const LABELS: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

export function AppearanceSettings() {
  const theme = useApp().theme;
  return (
    <SettingsSection id="appearance" title="Appearance">
      <SettingRow label="Theme">
        <div class="segmented" role="radiogroup" aria-label="Theme">
          <For each={THEMES}>
            {(choice) => (
              <label classList={{ selected: theme.choice() === choice }}>
                <input
                  type="radio"
                  name="theme"
                  value={choice}
                  checked={theme.choice() === choice}
                  onChange={() => theme.choose(choice)}
                />
                {LABELS[choice]}
              </label>
            )}
          </For>
        </div>
      </SettingRow>
    </SettingsSection>
  );
}
