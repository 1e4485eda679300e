/**
 * Working days for the claim SLA (3 working days from a complete file, domain.md §4): Monday to
 * Friday minus public holidays (national, collective leave, or regional ones the caller includes).
 * Pure: the holidays come in as a set of 'YYYY-MM-DD'.
 */
import { addDays, daysBetween, isDate } from './billing.js';

export type Holidays = ReadonlySet<string>;

function check(date: string): void {
  if (!isDate(date)) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
}

/** 0 Sunday … 6 Saturday. */
export function weekday(date: string): number {
  check(date);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export function isWorkingDay(date: string, holidays: Holidays): boolean {
  const w = weekday(date);
  return w !== 0 && w !== 6 && !holidays.has(date);
}

/** The n-th working day after `date` (n ≥ 0; 0 gives `date` itself). Friday + 3 → Wednesday. */
export function addWorkingDays(date: string, n: number, holidays: Holidays): string {
  check(date);
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a count of working days: ${n}`);
  let day = date;
  let left = n;
  while (left > 0) {
    day = addDays(day, 1);
    if (isWorkingDay(day, holidays)) left -= 1;
  }
  return day;
}

/**
 * Working days after `from` up to and including `to`: complete on Friday, paid on Monday → 1.
 * Same day → 0; negative when `to` is before `from`.
 */
export function workingDaysBetween(from: string, to: string, holidays: Holidays): number {
  check(from);
  check(to);
  if (to < from) return -workingDaysBetween(to, from, holidays);
  const span = daysBetween(from, to);
  // Whole weeks at once: five working days each, minus the holidays falling on their weekdays.
  const weeks = Math.floor(span / 7);
  let count = weeks * 5;
  let day = addDays(from, weeks * 7);
  for (const h of holidays) {
    if (h > from && h <= day && isWorkingDay(h, new Set())) count -= 1;
  }
  while (day < to) {
    day = addDays(day, 1);
    if (isWorkingDay(day, holidays)) count += 1;
  }
  return count;
}
