/**
 * Budget arithmetic for a programme: what a scenario costs and where the
 * allocation (pagu) stands against what is billed, paid and still to come.
 *
 * Pure: no I/O. Every figure is integer rupiah and every product is checked
 * against Number.MAX_SAFE_INTEGER (RangeError), so a total is either exact or
 * refused, never rounded.
 */
import { billTotal } from './billing.js';

export interface Scenario {
  workers: number;
  months: number;
  /** Rupiah, from `tariffFor` (16,800 for JKK + JKM at the minimum basis). */
  perPersonPerMonth: number;
}

/** workers × months × perPersonPerMonth: 50,000 × 12 × 16,800 = 10,080,000,000. */
export function scenarioTotal(scenario: Scenario): number {
  return billTotal(scenario.workers, scenario.perPersonPerMonth, scenario.months);
}

export interface BudgetInput {
  /** The allocation (pagu) in the budget document. */
  allocation: number;
  /** Billed so far (all bills received, paid or not). */
  billed: number;
  /** Paid so far. */
  paid: number;
  /** Persons the programme is committed to for the months not billed yet. */
  committedPersons: number;
  /** Months of the fiscal year not billed yet. */
  remainingMonths: number;
  perPersonPerMonth: number;
}

export interface BudgetStatus {
  allocation: number;
  billed: number;
  paid: number;
  /** billed − paid; negative when more was paid than billed (a credit to reconcile). */
  outstanding: number;
  /** billed + committedPersons × remainingMonths × perPersonPerMonth. */
  committed: number;
  /** allocation − committed; negative when the commitments exceed the allocation. */
  remaining: number;
  /** max(0, committed − allocation): what must be added (or cut) to honour the commitments. */
  shortfall: number;
}

function amount(name: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${name} must be whole rupiah of 0 or more, not ${n}`);
  return n;
}

function safe(n: number, what: string): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} is too large to count exactly in rupiah`);
  return n;
}

export function budgetStatus(input: BudgetInput): BudgetStatus {
  const allocation = amount('allocation', input.allocation);
  const billed = amount('billed', input.billed);
  const paid = amount('paid', input.paid);
  const future = billTotal(input.committedPersons, input.perPersonPerMonth, input.remainingMonths);
  const committed = safe(billed + future, 'committed');
  return {
    allocation,
    billed,
    paid,
    outstanding: billed - paid,
    committed,
    remaining: allocation - committed,
    shortfall: Math.max(0, committed - allocation),
  };
}

export interface MonthTariff {
  /** YYYY-MM */
  month: string;
  /** The tariff in force on the month's first day (`tariffFor`). */
  perPersonPerMonth: number;
}

export interface ForecastMonth extends MonthTariff {
  persons: number;
  amount: number;
}

/**
 * What `persons` members cost over the given months, each month at its own tariff (a mid-year
 * tariff change shows in the month it applies to): Σ persons × tariff(month).
 */
export function forecastMonths(persons: number, months: readonly MonthTariff[]): { months: ForecastMonth[]; total: number } {
  const rows = months.map((m) => ({ ...m, persons, amount: billTotal(persons, m.perPersonPerMonth, 1) }));
  const total = safe(rows.reduce((s, r) => s + r.amount, 0), 'forecast');
  return { months: rows, total };
}

export interface ScenarioCost extends Scenario {
  id: number;
  name: string;
  /** workers × months × perPersonPerMonth */
  total: number;
}

export interface BudgetForecastInput {
  fiscalYear: number;
  /** Members active now: they are the ones the rest of the year will be billed for. */
  activeMembers: number;
  /** The fiscal year's months not billed yet, each with its tariff. */
  months: readonly MonthTariff[];
  billed: number;
  allocation: number | null;
  /** The tariff in force in January of the next fiscal year, when the table has one. */
  nextYearPerPersonPerMonth: number | null;
  scenarios: readonly ScenarioCost[];
}

export interface BudgetForecast {
  restOfYear: {
    fiscalYear: number;
    /** First and last month still to bill (YYYY-MM); null when none is left. */
    from: string | null;
    to: string | null;
    months: number;
    activeMembers: number;
    byMonth: ForecastMonth[];
    /** Σ activeMembers × tariff(month) */
    total: number;
  };
  /** billed + restOfYear.total: what the fiscal year will have cost. */
  yearEnd: number;
  /** allocation − yearEnd; null without an allocation. */
  yearEndRemaining: number | null;
  /** Next fiscal year from the scenarios (alternatives, not a sum). */
  nextYear: { fiscalYear: number; perPersonPerMonth: number | null; scenarios: ScenarioCost[] };
}

/** The rest of this fiscal year at the dated tariffs, and next year from the scenarios. */
export function budgetForecast(input: BudgetForecastInput): BudgetForecast {
  const rest = forecastMonths(input.activeMembers, input.months);
  const yearEnd = safe(amount('billed', input.billed) + rest.total, 'yearEnd');
  return {
    restOfYear: {
      fiscalYear: input.fiscalYear,
      from: input.months[0]?.month ?? null,
      to: input.months[input.months.length - 1]?.month ?? null,
      months: input.months.length,
      activeMembers: input.activeMembers,
      byMonth: rest.months,
      total: rest.total,
    },
    yearEnd,
    yearEndRemaining: input.allocation === null ? null : amount('allocation', input.allocation) - yearEnd,
    nextYear: { fiscalYear: input.fiscalYear + 1, perPersonPerMonth: input.nextYearPerPersonPerMonth, scenarios: [...input.scenarios] },
  };
}
