/**
 * Monthly bills per programme (and so per funder): one line per membership covered in the month,
 * at the tariff in force on the month's first day; payments by SP2D; the budget.
 */
import type { Queryable } from '../../db/types.js';
import { budgetForecast, budgetStatus, scenarioTotal, type BudgetForecast, type ScenarioCost } from '../../domain/budget.js';
import { dueDate, firstDay, lastDay, monthsBetween } from '../../domain/billing.js';
import { formatRupiah } from '../../domain/money.js';
import { tariffFor, type TariffRow } from '../../domain/tariff.js';
import { UserError } from '../../domain/user-error.js';
import type { Programme } from '../programmes/programmes.js';

export async function loadTariffs(tx: Queryable): Promise<TariffRow[]> {
  return tx.query<TariffRow>(
    `SELECT id, benefit, segment, basis_income AS "basisIncome", amount, valid_from AS "validFrom", valid_to AS "validTo", funding, legal_basis AS "legalBasis" FROM tariff ORDER BY valid_from`,
  );
}

/** Government funders pay from a regional budget (APBD); PP 50/2025's discount excludes them. */
export function fundingOf(p: Programme): 'apbd' | 'non_apbd' {
  return p.funderType === 'company' ? 'non_apbd' : 'apbd';
}

export async function perPersonPerMonth(tx: Queryable, p: Programme, month: string): Promise<number> {
  const t = tariffFor(await loadTariffs(tx), { benefits: p.benefits, declaredIncome: p.declaredIncome, month, funding: fundingOf(p) });
  if (!t.ok) throw new UserError('invalid', 'tariff_missing', t.message);
  return t.perPersonPerMonth;
}

export interface BillSummary {
  id: number;
  programmeCode: string;
  month: string;
  persons: number;
  perPerson: number;
  amount: number;
  dueDate: string;
  status: string;
  paid: number;
}

export async function runBilling(tx: Queryable, p: Programme, month: string, label: string): Promise<BillSummary> {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) {
    throw new UserError('invalid', 'month_invalid', { id: `Bulan "${month}" harus ditulis YYYY-MM, misalnya 2026-03.`, en: `Month "${month}" must be written YYYY-MM, for example 2026-03.` });
  }
  const from = firstDay(month);
  const to = lastDay(month);
  if (to < p.coverageStart || from > p.coverageEnd) {
    throw new UserError('invalid', 'month_outside_programme', {
      id: `Program ${p.code} tidak mencakup bulan ${month} (masa perlindungan ${p.coverageStart} s.d. ${p.coverageEnd}).`,
      en: `Programme ${p.code} does not cover ${month} (coverage ${p.coverageStart} to ${p.coverageEnd}).`,
    });
  }
  const [existing] = await tx.query<{ id: number }>(`SELECT id FROM bill WHERE programme_id = $1 AND month = $2 AND status <> 'cancelled'`, [p.id, from]);
  if (existing) {
    throw new UserError('conflict', 'already_billed', {
      id: `Bulan ${month} program ${p.code} sudah ditagih (tagihan #${existing.id}). Batalkan tagihan itu dulu bila memang harus dihitung ulang.`,
      en: `${month} of programme ${p.code} is already billed (bill #${existing.id}). Cancel that bill first if it must be computed again.`,
    }, { billId: existing.id });
  }
  const tariff = await perPersonPerMonth(tx, p, month);
  const [bill] = await tx.query<{ id: number }>(
    `INSERT INTO bill (programme_id, month, persons, per_person, amount, due_date, area_code, created_by_label) VALUES ($1, $2, 0, $3, 0, $4, $5, $6) RETURNING id`,
    [p.id, from, tariff, dueDate(month), p.funderAreaCode, label],
  );
  // Whole months: covered on at least one day of the month, within the programme's window. A
  // semi-join, not DISTINCT: one line per membership without aggregating a million rows. The
  // same statement writes what the bill charged per regency (bill_regency), so the programme
  // summary never joins a million lines to their memberships, and neither does this.
  await tx.query(
    `WITH billed AS MATERIALIZED (
       SELECT m.id, m.regency_code
         FROM membership m
        WHERE m.programme_id = $3
          AND EXISTS (SELECT 1 FROM coverage_period c WHERE c.membership_id = m.id AND c.from_date <= $5::date AND (c.to_date IS NULL OR c.to_date >= $4::date))),
     lines AS (INSERT INTO bill_line (bill_id, membership_id, amount) SELECT $1::bigint, id, $2::bigint FROM billed)
     INSERT INTO bill_regency (bill_id, regency_code, persons, amount, area_code)
     SELECT $1::bigint, regency_code, count(*)::int, count(*) * $2::bigint, $6 FROM billed GROUP BY regency_code`,
    [bill!.id, tariff, p.id, from < p.coverageStart ? p.coverageStart : from, to > p.coverageEnd ? p.coverageEnd : to, p.funderAreaCode],
  );
  await tx.query(
    `UPDATE bill b SET persons = s.n, amount = s.total
       FROM (SELECT coalesce(sum(persons), 0)::int AS n, coalesce(sum(amount), 0)::bigint AS total FROM bill_regency WHERE bill_id = $1) s
      WHERE b.id = $1`,
    [bill!.id],
  );
  return getBill(tx, bill!.id);
}

const BILLS = `SELECT b.id, p.code AS "programmeCode", to_char(b.month, 'YYYY-MM') AS month, b.persons, b.per_person AS "perPerson", b.amount,
    b.due_date AS "dueDate", b.status,
    coalesce((SELECT sum(amount) FROM payment WHERE bill_id = b.id AND reversed_at IS NULL), 0)::bigint AS paid
  FROM bill b JOIN programme p ON p.id = b.programme_id`;

export async function getBill(tx: Queryable, id: number): Promise<BillSummary> {
  const [b] = await tx.query<BillSummary>(`${BILLS} WHERE b.id = $1`, [id]);
  if (!b) throw new UserError('not_found', 'bill_unknown', { id: `Tagihan #${id} tidak ada.`, en: `There is no bill #${id}.` });
  return b;
}

export async function listBills(tx: Queryable, p: Programme): Promise<BillSummary[]> {
  return tx.query<BillSummary>(`${BILLS} WHERE b.programme_id = $1 ORDER BY b.month`, [p.id]);
}

export interface PaymentInput {
  sp2d: string;
  paidOn: string;
  amount: number;
}

/** Records a payment (SP2D) against a bill; the same SP2D twice and overpayment are refused. */
export async function recordPayment(tx: Queryable, billId: number, pay: PaymentInput, label: string): Promise<BillSummary> {
  const bill = await getBill(tx, billId);
  const sp2d = pay.sp2d.trim();
  if (!sp2d) throw new UserError('invalid', 'sp2d_missing', { id: 'Nomor SP2D wajib diisi.', en: 'The SP2D number is required.' });
  if (!Number.isSafeInteger(pay.amount) || pay.amount <= 0) {
    throw new UserError('invalid', 'amount_invalid', { id: 'Jumlah bayar harus rupiah bulat di atas 0.', en: 'The amount must be whole rupiah above 0.' });
  }
  const [twice] = await tx.query<{ id: number; bill_id: number }>('SELECT id, bill_id FROM payment WHERE sp2d_number = $1 AND reversed_at IS NULL', [sp2d]);
  if (twice) {
    throw new UserError('conflict', 'payment_twice', {
      id: `SP2D ${sp2d} sudah dicatat (pembayaran #${twice.id}, tagihan #${twice.bill_id}). Satu SP2D hanya dicatat sekali.`,
      en: `SP2D ${sp2d} is already recorded (payment #${twice.id}, bill #${twice.bill_id}). An SP2D is recorded once.`,
    });
  }
  const outstanding = bill.amount - bill.paid;
  if (pay.amount > outstanding) {
    throw new UserError('invalid', 'overpayment', {
      id: `Pembayaran ${formatRupiah(pay.amount)} melebihi sisa tagihan #${billId} sebesar ${formatRupiah(outstanding)}. Periksa jumlahnya.`,
      en: `The payment ${formatRupiah(pay.amount)} exceeds bill #${billId}'s outstanding ${formatRupiah(outstanding)}. Check the amount.`,
    });
  }
  await tx.query(
    'INSERT INTO payment (bill_id, sp2d_number, paid_on, amount, area_code, created_by_label) SELECT $1, $2, $3, $4, area_code, $5 FROM bill WHERE id = $1',
    [billId, sp2d, pay.paidOn, pay.amount, label],
  );
  await tx.query(`UPDATE bill SET status = CASE WHEN $2::bigint >= amount THEN 'paid' ELSE 'partial' END WHERE id = $1`, [billId, bill.paid + pay.amount]);
  return getBill(tx, billId);
}

export interface BudgetReport {
  code: string;
  quota: number;
  months: number;
  perPersonPerMonth: number;
  /** quota × months × tariff */
  total: number;
  allocation: number | null;
  billed: number;
  paid: number;
  outstanding: number;
  committed: number;
  remaining: number | null;
  shortfall: number;
  members: { waiting: number; candidates: number; submitted: number; active: number; lapsed: number; ended: number };
  scenarios: ScenarioCost[];
  /** The rest of the fiscal year (active members × dated tariff per month) and next year (scenarios). */
  forecast: BudgetForecast;
}

export async function budgetOf(tx: Queryable, p: Programme, today: string): Promise<BudgetReport> {
  const months = monthsBetween(p.coverageStart.slice(0, 7), p.coverageEnd.slice(0, 7));
  const tariffs = await loadTariffs(tx);
  const tariffIn = (month: string) => tariffFor(tariffs, { benefits: p.benefits, declaredIncome: p.declaredIncome, month, funding: fundingOf(p) });
  const tariffOf = (month: string): number => {
    const t = tariffIn(month);
    if (!t.ok) throw new UserError('invalid', 'tariff_missing', t.message);
    return t.perPersonPerMonth;
  };
  const tariff = tariffOf(months[0]!);
  // From the tally the membership triggers keep (migration 006): no count over a million rows.
  const [m] = await tx.query<BudgetReport['members']>(
    `SELECT coalesce(sum(n) FILTER (WHERE state = 'waiting'), 0)::int AS waiting, coalesce(sum(n) FILTER (WHERE state = 'candidate'), 0)::int AS candidates,
            coalesce(sum(n) FILTER (WHERE state = 'submitted'), 0)::int AS submitted, coalesce(sum(n) FILTER (WHERE state = 'active'), 0)::int AS active,
            coalesce(sum(n) FILTER (WHERE state = 'lapsed'), 0)::int AS lapsed, coalesce(sum(n) FILTER (WHERE state = 'ended'), 0)::int AS ended
       FROM membership_tally WHERE programme_id = $1`,
    [p.id],
  );
  const [money] = await tx.query<{ billed: number; paid: number; last_billed: string | null }>(
    `SELECT coalesce(sum(b.amount), 0)::bigint AS billed,
            coalesce((SELECT sum(y.amount) FROM payment y JOIN bill x ON x.id = y.bill_id WHERE x.programme_id = $1 AND y.reversed_at IS NULL), 0)::bigint AS paid,
            to_char(max(b.month), 'YYYY-MM') AS last_billed
       FROM bill b WHERE b.programme_id = $1 AND b.status <> 'cancelled'`,
    [p.id],
  );
  const lastBilled = money?.last_billed ?? null;
  const thisMonth = today.slice(0, 7);
  // Months still to bill: after the last bill (or from today / the start), up to the programme's end.
  const remaining = months.filter((mo) => (lastBilled ? mo > lastBilled : mo >= (thisMonth > months[0]! ? thisMonth : months[0]!)));
  const status = budgetStatus({
    allocation: p.budgetAllocation ?? 0,
    billed: money?.billed ?? 0,
    paid: money?.paid ?? 0,
    committedPersons: (m?.active ?? 0) + (m?.submitted ?? 0) + (m?.candidates ?? 0),
    remainingMonths: remaining.length,
    perPersonPerMonth: tariff,
  });
  const scenarios = await listScenarios(tx, p);
  const nextYear = tariffIn(`${p.fiscalYear + 1}-01`);
  return {
    code: p.code,
    quota: p.totalQuota,
    months: months.length,
    perPersonPerMonth: tariff,
    total: scenarioTotal({ workers: p.totalQuota, months: months.length, perPersonPerMonth: tariff }),
    allocation: p.budgetAllocation ?? null,
    billed: status.billed,
    paid: status.paid,
    outstanding: status.outstanding,
    committed: status.committed,
    remaining: p.budgetAllocation === null || p.budgetAllocation === undefined ? null : status.remaining,
    shortfall: p.budgetAllocation === null || p.budgetAllocation === undefined ? 0 : status.shortfall,
    members: m!,
    scenarios,
    forecast: budgetForecast({
      fiscalYear: p.fiscalYear,
      activeMembers: m?.active ?? 0,
      months: remaining.filter((mo) => mo.startsWith(`${p.fiscalYear}-`)).map((month) => ({ month, perPersonPerMonth: tariffOf(month) })),
      billed: status.billed,
      allocation: p.budgetAllocation ?? null,
      nextYearPerPersonPerMonth: nextYear.ok ? nextYear.perPersonPerMonth : null,
      scenarios,
    }),
  };
}

/** A programme's scenarios with their totals (workers × months × per person). */
export async function listScenarios(tx: Queryable, p: Programme): Promise<ScenarioCost[]> {
  const rows = await tx.query<{ id: number; name: string; workers: number; months: number; per_person: number }>(
    'SELECT id, name, workers, months, per_person FROM budget_scenario WHERE programme_id = $1 ORDER BY name',
    [p.id],
  );
  return rows.map((s) => ({ id: s.id, name: s.name, workers: s.workers, months: s.months, perPersonPerMonth: s.per_person, total: scenarioTotal({ workers: s.workers, months: s.months, perPersonPerMonth: s.per_person }) }));
}
