/**
 * The timeline's rows: pinned memos under a "Pinned" heading, then the others under one
 * heading per calendar day ("Today", "Yesterday", a weekday this week, a date otherwise).
 * Input is already in timeline order (pinned first, then newest). Pure; `now` and the
 * time zone (the runtime's) decide the day boundaries.
 */
import type { LocalMemo } from '../../sync';

export type TimelineRow =
  | { kind: 'heading'; key: string; label: string }
  | { kind: 'memo'; key: string; memo: LocalMemo; group: 'pinned' | 'day' };

function dayKey(time: number): string {
  const date = new Date(time);
  return `${date.getFullYear()}-${date.getMonth() + 1}-${date.getDate()}`;
}

function startOfDay(time: number): number {
  const date = new Date(time);
  date.setHours(0, 0, 0, 0);
  return date.getTime();
}

const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'long' });
const thisYear = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const otherYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' });

/** The heading of the day holding `time`, seen from `now`. */
export function dayLabel(time: number, now: number): string {
  const days = Math.round((startOfDay(now) - startOfDay(time)) / 86_400_000);
  if (days === 0) return 'Today';
  if (days === 1) return 'Yesterday';
  if (days > 1 && days < 7) return weekday.format(time);
  return new Date(time).getFullYear() === new Date(now).getFullYear()
    ? thisYear.format(time)
    : otherYear.format(time);
}

export function groupTimeline(
  memos: readonly LocalMemo[],
  options: { now: number; pinnedHeading: boolean },
): TimelineRow[] {
  const rows: TimelineRow[] = [];
  let day: string | undefined;
  let pinnedOpen = false;
  for (const memo of memos) {
    if (memo.pinned && options.pinnedHeading) {
      if (!pinnedOpen) rows.push({ kind: 'heading', key: 'h:pinned', label: 'Pinned' });
      pinnedOpen = true;
      rows.push({ kind: 'memo', key: memo.name, memo, group: 'pinned' });
      continue;
    }
    const key = dayKey(memo.createTime);
    if (key !== day)
      rows.push({ kind: 'heading', key: `h:${key}`, label: dayLabel(memo.createTime, options.now) });
    day = key;
    rows.push({ kind: 'memo', key: memo.name, memo, group: 'day' });
  }
  return rows;
}
