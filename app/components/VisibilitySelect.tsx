/** The Private / Protected / Public selector used by the capture box and the editor. */
import { For } from 'solid-js';
import { VISIBILITIES, type Visibility } from '../../sync';

const LABELS: Record<Visibility, string> = { PRIVATE: 'Private', PROTECTED: 'Protected', PUBLIC: 'Public' };

export function visibilityLabel(visibility: Visibility): string {
  return LABELS[visibility];
}

export function VisibilitySelect(props: { value: Visibility; onChange: (value: Visibility) => void }) {
  return (
    <select
      class="visibility-select"
      aria-label="Visibility"
      value={props.value}
      onChange={(event) => {
        const value = VISIBILITIES.find((v) => v === event.currentTarget.value);
        if (value) props.onChange(value);
      }}
    >
      <For each={VISIBILITIES}>
        {(visibility) => <option value={visibility}>{LABELS[visibility]}</option>}
      </For>
    </select>
  );
}
