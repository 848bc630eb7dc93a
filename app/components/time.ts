/** Human-readable memo times: relative for the last week, a date otherwise. */

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

export function formatMemoTime(time: number, now: number): string {
  const seconds = Math.round((time - now) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return 'just now';
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  if (abs < 7 * 86_400) return relative.format(Math.round(seconds / 86_400), 'day');
  return dateFormat.format(time);
}

/** Under a day heading the day is known: the time of day, or "5 minutes ago" today. */
export function formatTimeInDay(time: number, now: number): string {
  return now - time < 3 * 3600_000 && now >= time ? formatMemoTime(time, now) : timeOfDay.format(time);
}

export function formatAbsolute(time: number): string {
  return dateFormat.format(time);
}

/** "Monday, 3 March 2025 at 09:41" (the memo page). */
export function formatFull(time: number): string {
  return fullDate.format(time);
}
