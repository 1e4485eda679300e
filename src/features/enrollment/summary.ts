/**
 * The programme summary per regency: quota, members by state, billed, paid, outstanding, and a
 * total row — for the screen, the XLSX and the PDF.
 *
 * Built for a million memberships: counts come from `membership_tally` (kept by triggers on
 * membership) and money from `bill_regency` (written with each bill), so a request reads a few
 * hundred rows whatever the programme's size.
 *
 * Scope: the rows are the programme's regencies inside the reader's area (a village operator
 * sees their regency's row). Money is the funder's: bills and payments are shown only to readers
 * whose area covers the programme's funder (as for the bills themselves); others see the counts.
 */
import type { Queryable } from '../../db/types.js';
import { formatDate } from '../../domain/billing.js';
import { UserError } from '../../domain/user-error.js';
import { moneyByRegency, totalRow, type SummaryMoney, type SummaryRow, type SummaryTotal } from '../../domain/summary.js';
import type { Programme } from '../programmes/programmes.js';

export interface ProgrammeSummary {
  programme: { code: string; name: string; funderName: string; funderAreaCode: string; fiscalYear: number; coverageStart: string; coverageEnd: string };
  /** The day the figures are for (YYYY-MM-DD). */
  asOf: string;
  /** Whether the reader sees the funder's bills: money columns are null otherwise. */
  moneyVisible: boolean;
  regencies: SummaryRow[];
  /** Billed and paid on bills written without a breakdown per regency; null when money is hidden. */
  unallocated: SummaryMoney | null;
  total: SummaryTotal;
}

interface RegencyRow {
  code: string;
  name: string;
  quota: number;
}

/**
 * The summary of a programme as the reader (the transaction's actor) may see it. Refuses
 * (out of area) when none of the programme's regencies lies in the reader's area.
 */
export async function programmeSummary(tx: Queryable, p: Programme, asOf: string): Promise<ProgrammeSummary> {
  // The programme's regencies: its quotas, and any regency it has members in.
  const regencies = await tx.query<RegencyRow>(
    `WITH r AS (
       SELECT regency_code, quota FROM programme_quota WHERE programme_id = $1
       UNION ALL SELECT DISTINCT regency_code, 0 FROM membership_tally WHERE programme_id = $1 AND n <> 0)
     SELECT r.regency_code AS code, a.name, max(r.quota)::int AS quota
       FROM r JOIN area a ON a.code = r.regency_code
      WHERE lindung_in_area(r.regency_code) OR starts_with(current_setting('lindung.area', true), r.regency_code || '.')
      GROUP BY r.regency_code, a.name ORDER BY r.regency_code`,
    [p.id],
  );
  const [visible] = await tx.query<{ ok: boolean }>('SELECT lindung_in_area($1) AS ok', [p.funderAreaCode]);
  const moneyVisible = visible?.ok === true;
  if (regencies.length === 0 && !moneyVisible) throw outOfArea();
  const counts = await tx.query<{ regency_code: string; state: string; n: number }>(
    'SELECT regency_code, state, sum(n)::bigint AS n FROM membership_tally WHERE programme_id = $1 GROUP BY regency_code, state',
    [p.id],
  );
  const money = moneyVisible ? await billMoney(tx, p.id) : null;

  const count = (code: string, state: string) => counts.find((c) => c.regency_code === code && c.state === state)?.n ?? 0;
  const rows: SummaryRow[] = regencies.map((r) => {
    const m = money?.byRegency.get(r.code) ?? { billed: 0, paid: 0, outstanding: 0 };
    return {
      regencyCode: r.code,
      regencyName: r.name,
      quota: r.quota,
      waiting: count(r.code, 'waiting'),
      candidates: count(r.code, 'candidate'),
      submitted: count(r.code, 'submitted'),
      active: count(r.code, 'active'),
      lapsed: count(r.code, 'lapsed'),
      ended: count(r.code, 'ended'),
      billed: money ? m.billed : null,
      paid: money ? m.paid : null,
      outstanding: money ? m.outstanding : null,
    };
  });
  const unallocated = money ? money.unallocated : null;
  return {
    programme: {
      code: p.code, name: p.name, funderName: p.funderName, funderAreaCode: p.funderAreaCode,
      fiscalYear: p.fiscalYear, coverageStart: p.coverageStart, coverageEnd: p.coverageEnd,
    },
    asOf,
    moneyVisible,
    regencies: rows,
    unallocated,
    total: totalRow(rows, unallocated),
  };
}

/** Each bill (not cancelled) with its payments and its breakdown per regency, shared out. */
async function billMoney(tx: Queryable, programmeId: number) {
  const bills = await tx.query<{ id: number; amount: number; paid: number }>(
    `SELECT b.id, b.amount, coalesce((SELECT sum(y.amount) FROM payment y WHERE y.bill_id = b.id AND y.reversed_at IS NULL), 0)::bigint AS paid
       FROM bill b WHERE b.programme_id = $1 AND b.status <> 'cancelled' ORDER BY b.id`,
    [programmeId],
  );
  const parts = await tx.query<{ bill_id: number; regency_code: string; amount: number }>(
    `SELECT r.bill_id, r.regency_code, r.amount FROM bill_regency r JOIN bill b ON b.id = r.bill_id
      WHERE b.programme_id = $1 AND b.status <> 'cancelled' ORDER BY r.bill_id, r.regency_code`,
    [programmeId],
  );
  return moneyByRegency(bills.map((b) => ({
    billId: b.id,
    amount: b.amount,
    paid: b.paid,
    regencies: parts.filter((x) => x.bill_id === b.id).map((x) => ({ key: x.regency_code, amount: x.amount })),
  })));
}

/**
 * Recounts a programme's tally from its memberships (the triggers keep it; this is for data
 * written with the triggers standing aside, such as a benchmark's bulk load, and for checking).
 */
export async function recountTally(tx: Queryable, programmeId: number): Promise<void> {
  await tx.query('DELETE FROM membership_tally WHERE programme_id = $1', [programmeId]);
  await tx.query(
    `INSERT INTO membership_tally (programme_id, regency_code, state, n)
     SELECT programme_id, regency_code, state, count(*) FROM membership WHERE programme_id = $1 GROUP BY 1, 2, 3`,
    [programmeId],
  );
}

export interface SummaryColumn {
  key: keyof SummaryTotal;
  label: { id: string; en: string };
  money: boolean;
}

/** The report's columns after the regency, in order: the screen, the XLSX and the PDF share them. */
export const SUMMARY_COLUMNS: readonly SummaryColumn[] = [
  { key: 'quota', label: { id: 'Kuota', en: 'Quota' }, money: false },
  { key: 'candidates', label: { id: 'Calon', en: 'Candidates' }, money: false },
  { key: 'waiting', label: { id: 'Daftar tunggu', en: 'Waiting' }, money: false },
  { key: 'submitted', label: { id: 'Diajukan', en: 'Submitted' }, money: false },
  { key: 'active', label: { id: 'Aktif', en: 'Active' }, money: false },
  { key: 'lapsed', label: { id: 'Non-aktif', en: 'Lapsed' }, money: false },
  { key: 'ended', label: { id: 'Berakhir', en: 'Ended' }, money: false },
  { key: 'billed', label: { id: 'Ditagih', en: 'Billed' }, money: true },
  { key: 'paid', label: { id: 'Dibayar', en: 'Paid' }, money: true },
  { key: 'outstanding', label: { id: 'Belum dibayar', en: 'Outstanding' }, money: true },
];

/** The source line every export carries: where the figures come from and for which day. */
export function summarySource(s: ProgrammeSummary): { id: string; en: string } {
  const money = s.moneyVisible
    ? { id: 'tagihan dan pembayaran (SP2D) tercatat; pembayaran dibagi ke kabupaten/kota menurut porsi tagihannya', en: 'bills and payments (SP2D) recorded; payments shared over regencies by their part of each bill' }
    : { id: 'tagihan dan pembayaran hanya terlihat oleh wilayah pendana', en: 'bills and payments are visible to the funder\'s area only' };
  return {
    id: `Sumber: Lindung — keanggotaan program ${s.programme.code} per ${formatDate(s.asOf, 'id')}; ${money.id}.`,
    en: `Source: Lindung — memberships of programme ${s.programme.code} on ${formatDate(s.asOf, 'en')}; ${money.en}.`,
  };
}

/** The reader's area holds none of what was asked for (row-level security decided). */
export function outOfArea(): UserError {
  return new UserError('forbidden', 'out_of_area', {
    id: 'Data ini berada di luar wilayah kerja akun Anda (bukan wilayah pendana dan tidak ada kabupaten/kota program di wilayah Anda).',
    en: 'This lies outside the area your account works in (not the funder\'s area, and none of the programme\'s regencies is in yours).',
  });
}
