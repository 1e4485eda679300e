/**
 * Lapse (non-aktif) after consecutive unpaid months, and reinstatement.
 *
 * Pure: no I/O, no clock: `today` is a parameter, so a past state can be
 * replayed. The number of months is data (a dated rule), not a constant:
 * domain.md §3 gives 3 consecutive unpaid months for BPU.
 *
 * The rule as implemented:
 *
 * - A billed month is unpaid-and-overdue once its due date (the 15th of the
 *   month itself) has passed without payment; on the 15th it is still on time.
 * - When `unpaidMonths` consecutive calendar months are all billed and all
 *   overdue, the membership is non-active from the first day after the last of
 *   them (the 1st of the following month). A month that is not billed (the
 *   membership was not covered then) breaks the run, as does a paid month.
 *   Months whose due date is before the rule's `validFrom` are not judged by it.
 * - Reinstatement (a choice: domain.md is silent): paying **all** arrears, that
 *   is every billed month whose due date has passed by the payment date,
 *   reinstates the membership from the day after that payment. The lapsed
 *   days stay uncovered: a later payment never buys back cover for an accident
 *   or death that happened while the membership was non-active (§3).
 *
 * Two views:
 *
 * - `lapseDate` knows only which months are paid now, not when. It answers
 *   "is this membership lapsed (or about to lapse) now, and since when?"
 *   from the earliest run of overdue months still unpaid. A lapse that was
 *   cured by paying the arrears does not show here.
 * - `lapseHistory` (and `reinstatementDate`, `coveredPeriods`) take payments
 *   with their dates and reconstruct every lapse and reinstatement up to
 *   `today`. Use it for "was this person covered on date D".
 */
import { addDays, addMonths, dueDate, firstDay, isDate, isMonth, type DatePeriod } from './billing.js';

export interface LapseRule {
  /** Consecutive overdue billed months that make a membership non-active (3 for BPU). */
  unpaidMonths: number;
  /** YYYY-MM-DD, first day the rule is in force. */
  validFrom: string;
}

/** Sample rule (domain.md §3); the real one is dated data in the database. */
export const DEMO_LAPSE_RULE: LapseRule = { unpaidMonths: 3, validFrom: '2015-07-01' };

/** One contribution month settled on a date. */
export interface Payment {
  /** YYYY-MM, the contribution month paid for. */
  month: string;
  /** YYYY-MM-DD, the day the payment reached BPJS. */
  paidOn: string;
}

export interface LapseEpisode {
  /** YYYY-MM-DD, first non-active day. May be after `today`: the run is complete and the lapse takes effect on the 1st. */
  lapsedFrom: string;
  /** YYYY-MM-DD, first covered day again; null while the arrears are not paid in full. */
  reinstatedFrom: string | null;
  /** The run of overdue months that caused the lapse. */
  unpaidMonths: string[];
}

function check(billedMonths: readonly string[], rule: LapseRule, today: string): string[] {
  if (!Number.isSafeInteger(rule.unpaidMonths) || rule.unpaidMonths < 1) {
    throw new RangeError(`rule.unpaidMonths must be a whole number of 1 or more, not ${rule.unpaidMonths}`);
  }
  if (!isDate(rule.validFrom)) throw new RangeError(`rule.validFrom is not a date: ${rule.validFrom}`);
  if (!isDate(today)) throw new RangeError(`today is not a date: ${today}`);
  for (const m of billedMonths) if (!isMonth(m)) throw new RangeError(`billed month is not YYYY-MM: ${m}`);
  return [...new Set(billedMonths)].sort();
}

/**
 * Every run of `rule.unpaidMonths` consecutive billed months, all due on or
 * after the rule's start and before `today`, with the date the lapse would take
 * effect. `unpaid(month, lapsedFrom)` says whether a month counts as unpaid for
 * that lapse. In order of lapse date.
 */
function runs(
  billed: readonly string[],
  rule: LapseRule,
  today: string,
  unpaid: (month: string, lapsedFrom: string) => boolean,
): { months: string[]; lapsedFrom: string }[] {
  const isBilled = new Set(billed);
  const found: { months: string[]; lapsedFrom: string }[] = [];
  for (const last of billed) {
    if (dueDate(last) >= today) continue;
    const lapsedFrom = firstDay(addMonths(last, 1));
    const months: string[] = [];
    for (let k = rule.unpaidMonths - 1; k >= 0; k--) months.push(addMonths(last, -k));
    const counts = months.every((m) => isBilled.has(m) && dueDate(m) >= rule.validFrom && unpaid(m, lapsedFrom));
    if (counts) found.push({ months, lapsedFrom });
  }
  return found;
}

/**
 * The first day the membership is non-active because of the earliest run of
 * `rule.unpaidMonths` consecutive billed months that are overdue and still
 * unpaid on `today`; null when there is no such run. The date can be after
 * `today` (checked on 16 September with July–September unpaid: 1 October).
 */
export function lapseDate(
  paidMonths: ReadonlySet<string> | readonly string[],
  billedMonths: readonly string[],
  rule: LapseRule,
  today: string,
): string | null {
  const billed = check(billedMonths, rule, today);
  const paid = new Set(paidMonths);
  return runs(billed, rule, today, (m) => !paid.has(m))[0]?.lapsedFrom ?? null;
}

/**
 * Every lapse and reinstatement up to `today`, oldest first, from dated
 * payments (payments after `today` are ignored; for a month paid more than
 * once, the first payment counts). A run lapses the membership only if its
 * months are still unpaid when the lapse takes effect: paying them before the
 * 1st prevents it.
 */
export function lapseHistory(payments: readonly Payment[], billedMonths: readonly string[], rule: LapseRule, today: string): LapseEpisode[] {
  const billed = check(billedMonths, rule, today);
  const paidOn = new Map<string, string>();
  for (const p of payments) {
    if (!isMonth(p.month) || !isDate(p.paidOn)) throw new RangeError(`malformed payment: ${JSON.stringify(p)}`);
    if (p.paidOn > today) continue;
    const earlier = paidOn.get(p.month);
    if (earlier === undefined || p.paidOn < earlier) paidOn.set(p.month, p.paidOn);
  }
  const paymentDays = [...new Set(paidOn.values())].sort();
  // All arrears paid on `day`: every billed month due before it is paid by then.
  const clearOn = (day: string): boolean =>
    billed.every((m) => dueDate(m) >= day || (paidOn.get(m) ?? '9999-12-31') <= day);

  const candidates = runs(billed, rule, today, (m, lapsedFrom) => (paidOn.get(m) ?? '9999-12-31') >= lapsedFrom);
  const episodes: LapseEpisode[] = [];
  let coveredAgain = '0000-00-00';
  for (const run of candidates) {
    // Runs that complete while already lapsed are part of the same episode.
    if (run.lapsedFrom < coveredAgain) continue;
    const settled = paymentDays.find((day) => day >= run.lapsedFrom && clearOn(day));
    const reinstatedFrom = settled === undefined ? null : addDays(settled, 1);
    episodes.push({ lapsedFrom: run.lapsedFrom, reinstatedFrom, unpaidMonths: run.months });
    if (reinstatedFrom === null) break;
    coveredAgain = reinstatedFrom;
  }
  return episodes;
}

/**
 * The day coverage resumed after the most recent lapse (the day after the
 * arrears were paid in full); null when the membership never lapsed or is
 * still lapsed. `lapseHistory` tells these two apart.
 */
export function reinstatementDate(payments: readonly Payment[], billedMonths: readonly string[], rule: LapseRule, today: string): string | null {
  const history = lapseHistory(payments, billedMonths, rule, today);
  return history.at(-1)?.reinstatedFrom ?? null;
}

/**
 * A membership's covered periods: its own period minus the lapsed stretches
 * (from `lapsedFrom` to the day before `reinstatedFrom`). The result feeds
 * `billableMonths` and `coveredOn`.
 */
export function coveredPeriods(membership: DatePeriod, history: readonly LapseEpisode[]): DatePeriod[] {
  const periods: DatePeriod[] = [];
  let from: string | null = membership.from;
  for (const e of [...history].sort((a, b) => (a.lapsedFrom < b.lapsedFrom ? -1 : 1))) {
    if (from === null) break;
    if (membership.to !== null && e.lapsedFrom > membership.to) break;
    if (e.lapsedFrom > from) periods.push({ from, to: addDays(e.lapsedFrom, -1) });
    if (e.reinstatedFrom === null) from = null;
    else if (e.reinstatedFrom > from) from = e.reinstatedFrom;
  }
  if (from !== null && (membership.to === null || from <= membership.to)) periods.push({ from, to: membership.to });
  return periods;
}
