/**
 * Settings → Search by meaning: what semantic search is doing now (ready, downloading the
 * model, indexing, or why it is unavailable) and where it runs. The place for its
 * controls.
 */
import { useApp } from '../state/app-context';
import { SettingRow, SettingsSection } from './SettingsSection';

export function RecallSettings() {
  const app = useApp();
  const status = () => {
    const snapshot = app.recall.snapshot();
    if (!snapshot) return app.recall.line() || 'Starts once your memos are loaded.';
    return app.recall.line();
  };
  return (
    <SettingsSection id="recall" title="Search by meaning">
      <SettingRow label="Status">
        <span role="status" class="recall-status">
          {status()}
        </span>
      </SettingRow>
      <SettingRow label="Model">
        <span>all-MiniLM-L6-v2, on this device: your memos never leave it to be searched</span>
      </SettingRow>
    </SettingsSection>
  );
}
