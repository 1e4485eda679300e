/**
 * The claim SLA clock: BPJS pays within N working days of a complete file (claim_sla_rule, dated;
 * 3 since PP 82/2019), counted without weekends and public holidays (public_holiday, national or
 * regional). A claim is overdue when today is after its due date and it is still waiting on someone
 * (documents complete, submitted, or approved but not paid).
 */
import type { Queryable } from '../../db/types.js';
import { addDays, isDate } from '../../domain/billing.js';
import { addWorkingDays, workingDaysBetween, type Holidays } from '../../domain/working-days.js';

export interface SlaRule {
  workingDays: number;
  validFrom: string;
  legalBasis: string;
}

export interface PublicHoliday {
  day: string;
  name: string;
  areaCode: string | null;
}

/** Statuses in which the clock runs. */
export const SLA_OPEN_STATUSES = ['documents_complete', 'submitted', 'approved'] as const;

/** A timestamp (Date or ISO text) or a date, as the calendar day in NTT (WITA, UTC+8). */
export function nttDate(at: Date | string): string {
  if (typeof at === 'string' && isDate(at)) return at;
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a date or timestamp: ${String(at)}`);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Makassar', year: 'numeric', month: '2-digit', day: '2-digit' }).format(d);
}

/** Holidays between two dates (inclusive) that apply in the area: national ones, and regional ones whose area contains it. */
export async function loadHolidays(tx: Queryable, from: string, to: string, areaCode?: string | null): Promise<PublicHoliday[]> {
  const rows = await tx.query<{ day: string; name: string; area_code: string | null }>(
    `SELECT day, name, area_code FROM public_holiday
      WHERE day BETWEEN $1::date AND $2::date
        AND (area_code IS NULL OR $3::text = area_code OR $3::text LIKE area_code || '.%')
      ORDER BY day, name`,
    [from, to, areaCode ?? null],
  );
  return rows.map((r) => ({ day: r.day, name: r.name, areaCode: r.area_code }));
}

export async function holidaySet(tx: Queryable, from: string, to: string, areaCode?: string | null): Promise<Holidays> {
  return new Set((await loadHolidays(tx, from, to, areaCode)).map((h) => h.day));
}

/** The SLA rule in force on the day the file became complete. */
export async function slaRuleOn(tx: Queryable, date: string): Promise<SlaRule> {
  const [r] = await tx.query<{ working_days: number; valid_from: string; legal_basis: string }>(
    'SELECT working_days, valid_from, legal_basis FROM claim_sla_rule WHERE valid_from <= $1::date ORDER BY valid_from DESC LIMIT 1',
    [date],
  );
  // No rule yet on that date: the oldest one, so a back-dated file still gets a clock.
  const rule = r ?? (await tx.query<{ working_days: number; valid_from: string; legal_basis: string }>('SELECT working_days, valid_from, legal_basis FROM claim_sla_rule ORDER BY valid_from LIMIT 1'))[0];
  if (!rule) throw new Error('claim_sla_rule is empty (loaded on first start by rules-in-law.ts)');
  return { workingDays: rule.working_days, validFrom: rule.valid_from, legalBasis: rule.legal_basis };
}

export interface SlaDue {
  completeOn: string;
  due: string;
  rule: SlaRule;
  /** The holidays that pushed the due date out. */
  holidays: PublicHoliday[];
}

/** Due date and the reasoning: the rule in force and the holidays in between. */
export async function slaDueExplained(tx: Queryable, completeAt: Date | string, areaCode?: string | null): Promise<SlaDue> {
  const completeOn = nttDate(completeAt);
  const rule = await slaRuleOn(tx, completeOn);
  // N working days never span more than N weeks plus a long holiday stretch; 3 weeks of slack.
  const horizon = addDays(completeOn, rule.workingDays * 7 + 21);
  const holidays = await loadHolidays(tx, addDays(completeOn, 1), horizon, areaCode);
  const due = addWorkingDays(completeOn, rule.workingDays, new Set(holidays.map((h) => h.day)));
  return { completeOn, due, rule, holidays: holidays.filter((h) => h.day <= due) };
}

/** sla_due for a file complete at `completeAt` (timestamp or date), for a claim in `areaCode`. */
export async function slaDue(tx: Queryable, completeAt: Date | string, areaCode?: string | null): Promise<string> {
  return (await slaDueExplained(tx, completeAt, areaCode)).due;
}

/** Working days from the complete file to the payment (time to payment), NTT calendar days. */
export async function workingDaysToPayment(tx: Queryable, completeAt: Date | string, paidAt: Date | string, areaCode?: string | null): Promise<number> {
  const from = nttDate(completeAt);
  const to = nttDate(paidAt);
  const [lo, hi] = from <= to ? [from, to] : [to, from];
  return workingDaysBetween(from, to, await holidaySet(tx, lo, hi, areaCode));
}

/** Overdue: still waiting on someone and today is after the due date. */
export function isOverdue(status: string, slaDueDate: string | null, today: string): boolean {
  return slaDueDate !== null && (SLA_OPEN_STATUSES as readonly string[]).includes(status) && today > slaDueDate;
}
