/**
 * A link to one memo (`/memo/<uid>`), labelled with its date. A plain anchor (the router still
 * navigates in the app): the Memory page shows hundreds of them and needs no active-link state.
 */
import { type MemoName, uidOf } from '../../sync';
import { formatAbsolute } from '../components/time';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

/** A memo's day as the Memory page shows it ("Dec 5, 2026"). */
export function formatDay(time: number): string {
  return dateFormat.format(time);
}

export function memoHref(name: string): string {
  return `/memo/${uidOf(name as MemoName)}`;
}

export function MemoLink(props: { name: string; time: number; label?: string }) {
  return (
    <a class="memo-link" href={memoHref(props.name)} title={`Open the memo (${formatAbsolute(props.time)})`}>
      {props.label ?? formatDay(props.time)}
    </a>
  );
}
