/**
 * The Private / Protected / Public selector used by the capture box and the editor. A memo
 * that Memos 0.31 shows only to its Space's members keeps "Space members" as an option
 * (this app cannot put a memo in a Space, only take it out by choosing another audience).
 */
import { For } from 'solid-js';
import { VISIBILITIES, type Visibility } from '../../sync';

const LABELS: Record<Visibility, string> = {
  PRIVATE: 'Private',
  PROTECTED: 'Protected',
  PUBLIC: 'Public',
  SPACE: 'Space members',
};

export function visibilityLabel(visibility: Visibility): string {
  return LABELS[visibility];
}

export function VisibilitySelect(props: { value: Visibility; onChange: (value: Visibility) => void }) {
  const options = (): readonly Visibility[] =>
    props.value === 'SPACE' ? [...VISIBILITIES, 'SPACE'] : VISIBILITIES;
  return (
    <select
      class="visibility-select"
      aria-label="Visibility"
      value={props.value}
      onChange={(event) => {
        const value = options().find((v) => v === event.currentTarget.value);
        if (value) props.onChange(value);
      }}
    >
      <For each={options()}>{(visibility) => <option value={visibility}>{LABELS[visibility]}</option>}</For>
    </select>
  );
}
