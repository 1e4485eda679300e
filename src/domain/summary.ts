/**
 * The programme summary per regency: counts by membership state and money billed, paid and
 * outstanding, with a total row.
 *
 * Pure: no I/O. Money is integer rupiah.
 *
 * Payments (SP2D) are made per bill, not per regency. A regency's "paid" is its share of each
 * bill's payments in proportion to what the bill charged for its people (largest remainder, so
 * the shares of a bill add up to exactly what was paid on it, and ties go to the regency listed
 * first). Its outstanding is billed − paid. The total row is the sum of the rows, so the report
 * adds up in every column.
 */

export interface Share {
  key: string;
  amount: number;
}

/**
 * Splits `total` over `parts` in proportion to their amounts, in whole rupiah: floor of each exact
 * share, then one more rupiah to the largest remainders until the total is reached. Exact for any
 * safe integers (BigInt inside: total × amount can exceed 2^53). Parts with amount 0 get 0; when
 * every amount is 0, nothing can be shared and every part gets 0.
 */
export function shareProRata(total: number, parts: readonly Share[]): Map<string, number> {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`total must be whole rupiah of 0 or more, not ${total}`);
  for (const p of parts) {
    if (!Number.isSafeInteger(p.amount) || p.amount < 0) throw new RangeError(`amount of ${p.key} must be whole rupiah of 0 or more, not ${p.amount}`);
  }
  const out = new Map<string, number>(parts.map((p) => [p.key, 0]));
  const sum = parts.reduce((s, p) => s + BigInt(p.amount), 0n);
  if (sum === 0n || total === 0) return out;
  const t = BigInt(total);
  const rows = parts.map((p, i) => {
    const exact = t * BigInt(p.amount);
    return { key: p.key, i, floor: exact / sum, rest: exact % sum };
  });
  let given = rows.reduce((s, r) => s + r.floor, 0n);
  for (const r of rows) out.set(r.key, Number(r.floor));
  const order = [...rows].sort((a, b) => (a.rest === b.rest ? a.i - b.i : a.rest > b.rest ? -1 : 1));
  for (const r of order) {
    if (given >= t) break;
    out.set(r.key, Number(r.floor) + 1);
    given += 1n;
  }
  return out;
}

export const STATES = ['waiting', 'candidate', 'submitted', 'active', 'lapsed', 'ended'] as const;
export type MembershipState = (typeof STATES)[number];

export interface SummaryCounts {
  quota: number;
  waiting: number;
  candidates: number;
  submitted: number;
  active: number;
  lapsed: number;
  ended: number;
}

export interface SummaryMoney {
  billed: number;
  paid: number;
  outstanding: number;
}

export interface BillShares {
  billId: number;
  /** What the bill charged (its total). */
  amount: number;
  /** Paid on it (payments not reversed). */
  paid: number;
  /** What it charged per regency; may be missing (a bill written without its breakdown). */
  regencies: readonly Share[];
}

/**
 * Billed and paid per regency from each bill's breakdown. What a bill charged beyond its
 * breakdown (a bill without one) stays under the key `null`: shown, never guessed.
 */
export function moneyByRegency(bills: readonly BillShares[]): { byRegency: Map<string, SummaryMoney>; unallocated: SummaryMoney } {
  const byRegency = new Map<string, SummaryMoney>();
  const unallocated: SummaryMoney = { billed: 0, paid: 0, outstanding: 0 };
  const add = (m: SummaryMoney, billed: number, paid: number) => {
    m.billed += billed;
    m.paid += paid;
    m.outstanding = m.billed - m.paid;
  };
  for (const b of bills) {
    const broken = b.regencies.reduce((s, r) => s + r.amount, 0);
    const rest = b.amount - broken;
    // Paid shared over the breakdown and the unexplained rest alike, by what each charged.
    const parts: Share[] = [...b.regencies, ...(rest > 0 ? [{ key: '\u0000rest', amount: rest }] : [])];
    const paid = shareProRata(b.paid, parts);
    for (const r of b.regencies) {
      const m = byRegency.get(r.key) ?? { billed: 0, paid: 0, outstanding: 0 };
      add(m, r.amount, paid.get(r.key) ?? 0);
      byRegency.set(r.key, m);
    }
    if (rest !== 0) add(unallocated, rest, paid.get('\u0000rest') ?? 0);
    else if (parts.length === 0 && b.paid > 0) add(unallocated, 0, b.paid);
  }
  return { byRegency, unallocated };
}

export interface SummaryRow extends SummaryCounts {
  regencyCode: string;
  regencyName: string;
  /** Null when the reader may not see the funder's bills. */
  billed: number | null;
  paid: number | null;
  outstanding: number | null;
}

export type SummaryTotal = Omit<SummaryRow, 'regencyCode' | 'regencyName'>;

/** The total row: every column summed; money null when the rows carry none. */
export function totalRow(rows: readonly SummaryRow[], unallocated: SummaryMoney | null): SummaryTotal {
  const sum = (k: keyof SummaryCounts) => rows.reduce((s, r) => s + r[k], 0);
  const money = (k: keyof SummaryMoney): number | null => {
    if (unallocated === null) return null;
    return rows.reduce((s, r) => s + (r[k] ?? 0), 0) + unallocated[k];
  };
  return {
    quota: sum('quota'),
    waiting: sum('waiting'),
    candidates: sum('candidates'),
    submitted: sum('submitted'),
    active: sum('active'),
    lapsed: sum('lapsed'),
    ended: sum('ended'),
    billed: money('billed'),
    paid: money('paid'),
    outstanding: money('outstanding'),
  };
}
