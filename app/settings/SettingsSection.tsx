/**
 * One section of Settings: a region named by its heading (so tests and screen readers
 * find "Memos server", "Search by meaning", …). Other features add their own sections
 * (or rows inside one) by composing this.
 */
import type { JSX } from 'solid-js';

export function SettingsSection(props: { id: string; title: string; children: JSX.Element }) {
  return (
    <section class="settings-section" aria-labelledby={`${props.id}-heading`}>
      <h3 id={`${props.id}-heading`}>{props.title}</h3>
      {props.children}
    </section>
  );
}

/** A label and its value or control on one aligned row (stacked on phones). */
export function SettingRow(props: { label: string; children: JSX.Element }) {
  return (
    <div class="setting-row">
      <span class="setting-label">{props.label}</span>
      <div class="setting-value">{props.children}</div>
    </div>
  );
}
