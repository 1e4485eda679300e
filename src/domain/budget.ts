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
