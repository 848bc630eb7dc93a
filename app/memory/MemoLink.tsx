/** A link to one memo (`/memo/<uid>`), labelled with its date. */
import { A } from '@solidjs/router';
import { type MemoName, uidOf } from '../../sync';
import { formatAbsolute } from '../components/time';

export function memoHref(name: string): string {
  return `/memo/${uidOf(name as MemoName)}`;
}

export function MemoLink(props: { name: string; time: number; label?: string }) {
  return (
    <A class="memo-link" href={memoHref(props.name)} title={`Open the memo (${formatAbsolute(props.time)})`}>
      {props.label ?? new Date(props.time).toLocaleDateString()}
    </A>
  );
}
