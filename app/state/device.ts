/**
 * Whether the app is on a phone-sized or touch screen (the CSS breakpoint, or a coarse
 * pointer), as a signal: such screens get no keyboard hints (`/`, Ctrl+Enter).
 */
import { type Accessor, createSignal } from 'solid-js';

export const PHONE_QUERY = '(max-width: 720px), (pointer: coarse)';

let touch: Accessor<boolean> | undefined;

export function touchScreen(): Accessor<boolean> {
  if (!touch) {
    const query = window.matchMedia(PHONE_QUERY);
    const [matches, setMatches] = createSignal(query.matches);
    query.addEventListener('change', () => setMatches(query.matches));
    touch = matches;
  }
  return touch;
}
