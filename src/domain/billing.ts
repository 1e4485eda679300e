/**
 * Contribution billing in whole months, and the calendar helpers the other
 * contribution modules (tariff, lapse, coverage, budget) share.
 *
 * Pure: no I/O, no clock. Dates are 'YYYY-MM-DD' strings and months 'YYYY-MM'
 * strings; both compare correctly as plain strings, which the code relies on.
 * Malformed dates and months are programming errors and throw RangeError: they
 * come from the database or from other domain functions, never from a person
 * typing.
 *
 * BPJS bills a BPU participant per month, never per day (domain.md §3): a month
 * is owed in full or not at all. `billableMonths` chooses "in full": a month is
 * billed when the membership is covered on at least one day of it inside the
 * programme's window. A participant whose coverage starts on 21 July is billed
 * for all of July, because the alternative (not billing July) would leave the
 * first ten days of cover unpaid, and BPJS pays claims for them.
 */
import type { Lang } from './messages.js';

/** A stretch of covered days, both ends inclusive; `to: null` is open-ended. */
export interface DatePeriod {
  from: string;
  to: string | null;
}

export interface ProgrammeWindow {
  /** YYYY-MM-DD, first covered day the programme pays for. */
  coverageStart: string;
  /** YYYY-MM-DD, last covered day the programme pays for (inclusive). */
  coverageEnd: string;
}

// ---------------------------------------------------------------------------
// Calendar

const MONTH_RE = /^(\d{4})-(\d{2})$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysIn(y: number, m: number): number {
  if (m === 2) return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function readMonth(month: string): { y: number; m: number } {
  const match = MONTH_RE.exec(month);
  const y = Number(match?.[1]);
  const m = Number(match?.[2]);
  if (!match || y < 1 || m < 1 || m > 12) throw new RangeError(`not a month (YYYY-MM): ${JSON.stringify(month)}`);
  return { y, m };
}

function readDate(date: string): { y: number; m: number; d: number } {
  const match = DATE_RE.exec(date);
  const y = Number(match?.[1]);
  const m = Number(match?.[2]);
  const d = Number(match?.[3]);
  if (!match || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) {
    throw new RangeError(`not a date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  }
  return { y, m, d };
}

export function isMonth(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    readMonth(value);
    return true;
  } catch {
    return false;
  }
}

export function isDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    readDate(value);
    return true;
  } catch {
    return false;
  }
}

/** '2025-07-21' → '2025-07'. */
export function monthOf(date: string): string {
  const { y, m } = readDate(date);
  return `${pad(y, 4)}-${pad(m, 2)}`;
}

/** '2025-07' → '2025-07-01'. */
export function firstDay(month: string): string {
  const { y, m } = readMonth(month);
  return `${pad(y, 4)}-${pad(m, 2)}-01`;
}

/** '2024-02' → '2024-02-29'. */
export function lastDay(month: string): string {
  const { y, m } = readMonth(month);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(daysIn(y, m), 2)}`;
}

/**
 * '2025-07' → '2025-07-15'. A BPU contribution is due by the 15th of the
 * contribution month itself (paid in advance, not in arrears); paying on the
 * 15th is on time.
 */
export function dueDate(month: string): string {
  const { y, m } = readMonth(month);
  return `${pad(y, 4)}-${pad(m, 2)}-15`;
}

/** '2025-12', 1 → '2026-01'; negative n goes back. */
export function addMonths(month: string, n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a whole number of months: ${n}`);
  const { y, m } = readMonth(month);
  const index = y * 12 + (m - 1) + n;
  if (index < 12 || index >= 120_000) throw new RangeError(`month out of range: ${month} + ${n}`);
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1, 2)}`;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function dayNumber(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function fromDayNumber(z: number): string {
  const zz = z + 719_468;
  const era = Math.floor(zz / 146_097);
  const doe = zz - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  if (y < 1 || y > 9999) throw new RangeError(`date out of range: year ${y}`);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

/** '2025-09-30', 1 → '2025-10-01'; negative n goes back. */
export function addDays(date: string, n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a whole number of days: ${n}`);
  // Integer day arithmetic, not Date: no time zone or two-digit-year surprises.
  const { y, m, d } = readDate(date);
  return fromDayNumber(dayNumber(y, m, d) + n);
}

/** Days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const a = readDate(from);
  const b = readDate(to);
  return dayNumber(b.y, b.m, b.d) - dayNumber(a.y, a.m, a.d);
}

/** Every month from `from` to `to`, both included; empty when `to` is before `from`. */
export function monthsBetween(from: string, to: string): string[] {
  const a = readMonth(from);
  const b = readMonth(to);
  const count = (b.y - a.y) * 12 + (b.m - a.m) + 1;
  const months: string[] = [];
  for (let i = 0; i < count; i++) months.push(addMonths(from, i));
  return months;
}

const MONTHS_ID = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** '2025-10-01' → '1 Oktober 2025' (id) / '1 October 2025' (en), for messages. */
export function formatDate(date: string, lang: Lang): string {
  const { y, m, d } = readDate(date);
  return `${d} ${(lang === 'id' ? MONTHS_ID : MONTHS_EN)[m - 1]} ${y}`;
}

/** '2026-05' → 'Mei 2026' (id) / 'May 2026' (en), for messages. */
export function formatMonth(month: string, lang: Lang): string {
  const { y, m } = readMonth(month);
  return `${(lang === 'id' ? MONTHS_ID : MONTHS_EN)[m - 1]} ${y}`;
}

// ---------------------------------------------------------------------------
// Billing

function checkPeriod(p: DatePeriod): void {
  readDate(p.from);
  if (p.to !== null) {
    readDate(p.to);
    // An inverted period is a data error upstream; billing it as empty would hide it.
    if (p.to < p.from) throw new RangeError(`period ends before it starts: ${p.from} … ${p.to}`);
  }
}

/**
 * The months to bill for one membership: every month with at least one day
 * that is inside one of `periods` and inside the programme's window. Sorted,
 * without duplicates, so overlapping periods never bill a month twice.
 */
export function billableMonths(periods: readonly DatePeriod[], programme: ProgrammeWindow): string[] {
  for (const p of periods) checkPeriod(p);
  const { coverageStart, coverageEnd } = programme;
  readDate(coverageStart);
  readDate(coverageEnd);
  const months: string[] = [];
  for (const month of monthsBetween(monthOf(coverageStart), monthOf(coverageEnd))) {
    const from = firstDay(month) > coverageStart ? firstDay(month) : coverageStart;
    const to = lastDay(month) < coverageEnd ? lastDay(month) : coverageEnd;
    if (periods.some((p) => p.from <= to && (p.to === null || p.to >= from))) months.push(month);
  }
  return months;
}

function checkCount(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be a whole number of 0 or more, not ${n}`);
}

/**
 * persons × perPersonPerMonth × months, in rupiah. Throws RangeError when an
 * input is not a non-negative integer or the product is beyond
 * Number.MAX_SAFE_INTEGER (where integer rupiah would silently round).
 */
export function billTotal(persons: number, perPersonPerMonth: number, months = 1): number {
  checkCount('persons', persons);
  checkCount('perPersonPerMonth', perPersonPerMonth);
  checkCount('months', months);
  // For non-negative safe integers the float product is ≥ 2^53 whenever the
  // exact product is, so this check cannot pass a rounded result.
  const total = persons * perPersonPerMonth * months;
  if (!Number.isSafeInteger(total)) {
    throw new RangeError(`${persons} × ${perPersonPerMonth} × ${months} is too large to count exactly in rupiah`);
  }
  return total;
}
