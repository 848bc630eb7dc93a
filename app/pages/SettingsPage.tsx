/**
 * Settings, one section each: Memos server, Search by meaning, Ask your notes (the LLM),
 * Storage on this device, Backup, Appearance, About. Every action reports its result in
 * words.
 */
import { AboutSettings } from '../settings/AboutSettings';
import { AppearanceSettings } from '../settings/AppearanceSettings';
import { BackupSettings } from '../settings/BackupSettings';
import { LlmSettings } from '../settings/LlmSettings';
import { RecallSettings } from '../settings/RecallSettings';
import { ServerSettings } from '../settings/ServerSettings';
import { StorageSettings } from '../settings/StorageSettings';

export default function SettingsPage() {
  return (
    <div class="settings">
      <h2 class="page-title">Settings</h2>
      <ServerSettings />
      <RecallSettings />
      <LlmSettings />
      <StorageSettings />
      <BackupSettings />
      <AppearanceSettings />
      <AboutSettings />
    </div>
  );
}
