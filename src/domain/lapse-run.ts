/**
 * The lapse rule (lapse.ts) applied to a whole programme at once.
 *
 * Pure: no I/O, no clock. BPJS bills the funder, not the worker: one bill per programme and month,
 * paid by SP2D. So whether a month is paid is the same for every membership on that bill, and a
 * programme has only a handful of months. This module works on those months; the database then
 * applies the result to a million memberships in a few set-based statements (each membership only
 * contributes which of those months it was billed for).
 *
 * Choices where the regulation is silent:
 *
 * - A bill counts as paid on the day its payments (in date order, reversals left out) first reach
 *   its amount. A partially paid bill pays for nobody: the payment cannot be attributed to
 *   particular people, and BPJS receives the contribution per person. The lapse report lists such
 *   months with what was paid, so the shortfall is visible and can be settled before the 1st.
 * - Several dated rules: a run of months is judged by the rule in force on the due date of its
 *   last month (when the run completes). Months due before the first rule came into force are not
 *   judged at all. Whether a lapse can be cured by paying the arrears follows the rule in force on
 *   the first lapsed day.
 */
import { addDays, addMonths, firstDay, isDate, isMonth } from './billing.js';

export type Reinstatement = 'pay_arrears' | 'new_registration';

export interface DatedLapseRule {
  /** Consecutive overdue billed months that make a membership non-active. */
  unpaidMonths: number;
  reinstatement: Reinstatement;
  /** YYYY-MM-DD, first day in force. */
  validFrom: string;
  legalBasis?: string;
}

/** One month's bill of the programme. */
export interface MonthBill {
  /** YYYY-MM */
  month: string;
  /** YYYY-MM-DD (the 15th of the month itself). */
  dueDate: string;
  /** YYYY-MM-DD, the day the bill was paid in full; null while it is not (a partial payment is not). */
  paidOn: string | null;
}

export interface BillPayment {
  paidOn: string;
  amount: number;
}

export interface LapseWindow {
  /** First non-active day: the 1st of the month after the run. */
  lapsedFrom: string;
  /** The consecutive months, oldest first, all billed, overdue and unpaid on `lapsedFrom`. */
  months: string[];
  unpaidMonths: number;
}

export interface ArrearsDay {
  /** A day a bill became paid in full. */
  day: string;
  /** Months due before that day and still not paid in full on it. */
  unpaid: string[];
}

/** The day the payments, taken in date order, first cover `amount`; payments after `today` do not count yet. */
export function billPaidOn(amount: number, payments: readonly BillPayment[], today: string): string | null {
  if (!Number.isSafeInteger(amount) || amount <= 0) throw new RangeError(`bill amount must be whole rupiah above 0, not ${amount}`);
  if (!isDate(today)) throw new RangeError(`today is not a date: ${today}`);
  let paid = 0;
  for (const p of [...payments].sort((a, b) => (a.paidOn < b.paidOn ? -1 : a.paidOn > b.paidOn ? 1 : 0))) {
    if (!isDate(p.paidOn) || !Number.isSafeInteger(p.amount)) throw new RangeError(`malformed payment: ${JSON.stringify(p)}`);
    if (p.paidOn > today) break;
    paid += p.amount;
    if (paid >= amount) return p.paidOn;
  }
  return null;
}

function checkRules(rules: readonly DatedLapseRule[]): DatedLapseRule[] {
  for (const r of rules) {
    if (!Number.isSafeInteger(r.unpaidMonths) || r.unpaidMonths < 1) throw new RangeError(`unpaidMonths must be a whole number of 1 or more, not ${r.unpaidMonths}`);
    if (!isDate(r.validFrom)) throw new RangeError(`rule validFrom is not a date: ${r.validFrom}`);
  }
  return [...rules].sort((a, b) => (a.validFrom < b.validFrom ? -1 : a.validFrom > b.validFrom ? 1 : 0));
}

/** The rule in force on `date` (the latest one that started on or before it); null before the first. */
export function ruleOn(rules: readonly DatedLapseRule[], date: string): DatedLapseRule | null {
  let found: DatedLapseRule | null = null;
  for (const r of checkRules(rules)) if (r.validFrom <= date) found = r;
  return found;
}

function checkBills(bills: readonly MonthBill[], today: string): MonthBill[] {
  if (!isDate(today)) throw new RangeError(`today is not a date: ${today}`);
  const seen = new Set<string>();
  for (const b of bills) {
    if (!isMonth(b.month) || !isDate(b.dueDate) || (b.paidOn !== null && !isDate(b.paidOn))) throw new RangeError(`malformed bill: ${JSON.stringify(b)}`);
    if (seen.has(b.month)) throw new RangeError(`two bills for ${b.month}`);
    seen.add(b.month);
  }
  return [...bills].sort((a, b) => (a.month < b.month ? -1 : 1));
}

/**
 * Every run of consecutive billed months that lapses a membership billed in all of them, with
 * the day the lapse takes effect, up to `today` (a lapse starting after today has not happened
 * yet: paying before the 1st prevents it). Oldest first.
 */
export function lapseWindows(bills: readonly MonthBill[], rules: readonly DatedLapseRule[], today: string): LapseWindow[] {
  const sorted = checkBills(bills, today);
  const ordered = checkRules(rules);
  const first = ordered[0];
  if (!first) return [];
  const byMonth = new Map(sorted.map((b) => [b.month, b]));
  const out: LapseWindow[] = [];
  for (const last of sorted) {
    const lapsedFrom = firstDay(addMonths(last.month, 1));
    if (lapsedFrom > today) continue;
    const rule = ruleOn(ordered, last.dueDate);
    if (!rule) continue;
    const months: string[] = [];
    for (let k = rule.unpaidMonths - 1; k >= 0; k--) months.push(addMonths(last.month, -k));
    const counts = months.every((m) => {
      const b = byMonth.get(m);
      return b !== undefined && b.dueDate >= first.validFrom && (b.paidOn === null || b.paidOn >= lapsedFrom);
    });
    if (counts) out.push({ lapsedFrom, months, unpaidMonths: rule.unpaidMonths });
  }
  return out;
}

/**
 * The days on which arrears could have been cleared (a bill became paid in full, up to `today`),
 * each with the months still overdue and unpaid on it. A lapsed membership is reinstated from the
 * day after the first such day, on or after its lapse, on which none of its own billed months is
 * still unpaid (lapse.ts: paying all arrears, not just the run).
 */
export function arrearsDays(bills: readonly MonthBill[], today: string): ArrearsDay[] {
  const sorted = checkBills(bills, today);
  const days = [...new Set(sorted.map((b) => b.paidOn).filter((d): d is string => d !== null && d <= today))].sort();
  return days.map((day) => ({
    day,
    unpaid: sorted.filter((b) => b.dueDate < day && (b.paidOn === null || b.paidOn > day)).map((b) => b.month),
  }));
}

/** The stretches of lapse dates whose lapse the arrears can cure (`to` exclusive; null = open). */
export function reinstatableRanges(rules: readonly DatedLapseRule[]): { from: string; to: string | null }[] {
  const ordered = checkRules(rules);
  const out: { from: string; to: string | null }[] = [];
  ordered.forEach((r, i) => {
    if (r.reinstatement === 'pay_arrears') out.push({ from: r.validFrom, to: ordered[i + 1]?.validFrom ?? null });
  });
  return out;
}

export interface MembershipEpisode {
  lapsedFrom: string;
  /** First covered day again; null while lapsed. */
  reinstatedFrom: string | null;
}

/**
 * What the programme-wide run does to one membership, as a reference for the set-based version in
 * the database: starting from the first covered day `start` (and covered up to `until`), the
 * earliest window the membership was billed for in full lapses it, the first arrears day that
 * clears its own months reinstates it, and the search goes on from there.
 */
export function membershipEpisodes(
  billedMonths: readonly string[],
  bills: readonly MonthBill[],
  rules: readonly DatedLapseRule[],
  today: string,
  start: string,
  until: string | null = null,
): MembershipEpisode[] {
  const windows = lapseWindows(bills, rules, today);
  const days = arrearsDays(bills, today);
  const ranges = reinstatableRanges(rules);
  const mine = new Set(billedMonths);
  const out: MembershipEpisode[] = [];
  let since = start;
  for (;;) {
    const w = windows.find((x) => x.lapsedFrom > since && (until === null || x.lapsedFrom <= until) && x.months.every((m) => mine.has(m)));
    if (!w) break;
    const curable = ranges.some((r) => w.lapsedFrom >= r.from && (r.to === null || w.lapsedFrom < r.to));
    const clear = curable ? days.find((d) => d.day >= w.lapsedFrom && d.unpaid.every((m) => !mine.has(m))) : undefined;
    // Arrears paid after the cover would have ended buy nothing back: the membership stays lapsed.
    const from = clear && (until === null || addDays(clear.day, 1) <= until) ? addDays(clear.day, 1) : null;
    out.push({ lapsedFrom: w.lapsedFrom, reinstatedFrom: from });
    if (!from) break;
    since = from;
  }
  return out;
}

/**
 * The rule a fresh database starts with (seeded once; later changes are new dated rows).
 * Three consecutive unpaid months for BPU participants, cured by paying the arrears: this is how
 * BPJS Ketenagakerjaan describes it to participants (domain.md §3). The regulation and article that
 * set it are NOT verified: PP 44/2015 (JKK and JKM) as amended and the Minister of Manpower's
 * regulation on the procedures for BPU participants are the likely basis; check them before real use.
 */
export const LAPSE_RULES_IN_LAW: readonly (DatedLapseRule & { legalBasis: string })[] = [
  {
    unpaidMonths: 3,
    reinstatement: 'pay_arrears',
    validFrom: '2015-07-01',
    legalBasis:
      'PP 44/2015 tentang Penyelenggaraan Program JKK dan JKM sebagaimana telah diubah; Permenaker tentang tata cara penyelenggaraan program bagi peserta BPU (nomor dan pasal belum diverifikasi)',
  },
];
