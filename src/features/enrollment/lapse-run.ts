/**
 * Lapse processing for a programme on a date: active memberships whose bills went unpaid for the
 * rule's number of consecutive months become non-active (lapsed) from the 1st after the run, and
 * lapsed ones whose arrears are now paid in full are active again from the day after the payment.
 *
 * The months and their payments are read once (a programme has a handful of bills) and judged by
 * the pure rule (domain/lapse-run.ts); the memberships are then changed by a few set-based
 * statements, whatever their number. Each membership only brings which of the judged months it
 * was billed for, as a bit mask. The covered periods are the truth for "covered on date D": a lapse
 * closes the open period the day before the lapse; a reinstatement opens a new one, so the lapsed
 * days stay uncovered. Running again on the same data changes nothing.
 */
import type { Queryable } from '../../db/types.js';
import { formatDate, isDate } from '../../domain/billing.js';
import {
  arrearsDays,
  billPaidOn,
  lapseWindows,
  reinstatableRanges,
  type BillPayment,
  type DatedLapseRule,
  type MonthBill,
} from '../../domain/lapse-run.js';
import { UserError } from '../../domain/user-error.js';
import type { Programme } from '../programmes/programmes.js';

export interface ProgrammeMonth extends MonthBill {
  billId: number;
  amount: number;
  /** Paid up to the run's date (all payments, even when short of the amount). */
  paid: number;
}

export interface LapseRunResult {
  programme: string;
  on: string;
  rules: (DatedLapseRule & { legalBasis: string })[];
  /** Bills overdue on the date and not paid in full: a partial payment covers nobody. */
  unpaidMonths: { month: string; billId: number; amount: number; paid: number; dueDate: string }[];
  /** Memberships that lapsed in this run (one lapse each; a membership may also be reinstated in it). */
  lapsed: number;
  /** Memberships whose arrears were paid in full and are active again. */
  reinstated: number;
  /** Memberships of the programme (in the caller's area) lapsed after the run. */
  lapsedNow: number;
}

export async function loadLapseRules(tx: Queryable): Promise<(DatedLapseRule & { legalBasis: string })[]> {
  return tx.query<DatedLapseRule & { legalBasis: string }>(
    `SELECT unpaid_months AS "unpaidMonths", reinstatement, valid_from AS "validFrom", legal_basis AS "legalBasis" FROM lapse_rule ORDER BY valid_from`,
  );
}

/** The programme's bills with what was paid up to `today` and the day each became paid in full. */
export async function programmeMonths(tx: Queryable, programmeId: number, today: string): Promise<ProgrammeMonth[]> {
  // A bill without lines (nobody covered that month) cannot make anyone lapse: left out.
  const rows = await tx.query<{ id: number; month: string; due_date: string; amount: number; payments: BillPayment[] }>(
    `SELECT b.id, to_char(b.month, 'YYYY-MM') AS month, b.due_date, b.amount,
            coalesce((SELECT json_agg(json_build_object('paidOn', y.paid_on, 'amount', y.amount) ORDER BY y.paid_on, y.id)
                        FROM payment y WHERE y.bill_id = b.id AND y.reversed_at IS NULL), '[]'::json) AS payments
       FROM bill b WHERE b.programme_id = $1 AND b.status <> 'cancelled' AND b.amount > 0 ORDER BY b.month`,
    [programmeId],
  );
  return rows.map((r) => ({
    billId: r.id,
    month: r.month,
    dueDate: r.due_date,
    amount: r.amount,
    paid: r.payments.filter((p) => p.paidOn <= today).reduce((s, p) => s + p.amount, 0),
    paidOn: billPaidOn(r.amount, r.payments, today),
  }));
}

/** Bit masks over the judged months (as bigint text: up to 62 months fit one mask). */
function masker(months: readonly ProgrammeMonth[]) {
  if (months.length > 62) {
    throw new UserError('invalid', 'too_many_months', {
      id: `Program ini punya ${months.length} bulan tagihan; proses tunggakan menangani paling banyak 62 bulan per program.`,
      en: `This programme has ${months.length} billed months; lapse processing handles at most 62 months per programme.`,
    });
  }
  const index = new Map(months.map((m, i) => [m.month, i]));
  const bit = (month: string) => 1n << BigInt(index.get(month)!);
  return {
    mask: (list: readonly string[]) => list.reduce((acc, m) => acc | bit(m), 0n).toString(),
    bits: (list: readonly string[]) => ({
      billIds: list.map((m) => months[index.get(m)!]!.billId),
      bits: list.map((m) => bit(m).toString()),
    }),
  };
}

const NO_END = '9999-12-31';

/**
 * Lapse runs and replacements of one programme take turns (PostgreSQL; PGlite has one connection):
 * two at once would both find the same memberships and change them twice.
 */
export async function lockProgrammeMembers(tx: Queryable, programmeId: number): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(7346100, $1::int)', [programmeId]);
}

/**
 * A run is for a day that has come: on a later date it would lapse people whose bills may still
 * be paid before then (the rule replays the past, it does not predict).
 */
export function checkRunDate(on: string, today: string): void {
  if (!isDate(on)) {
    throw new UserError('invalid', 'date_invalid', { id: `Tanggal "${on}" harus ditulis YYYY-MM-DD.`, en: `Date "${on}" must be written YYYY-MM-DD.` });
  }
  if (on > today) {
    throw new UserError('invalid', 'date_future', {
      id: `Tanggal ${formatDate(on, 'id')} belum tiba. Proses tunggakan dijalankan untuk hari ini atau tanggal yang sudah lewat.`,
      en: `${formatDate(on, 'en')} has not come yet. Lapse processing runs for today or a past date.`,
    });
  }
}

/**
 * Lapses and reinstatements of the programme's memberships as of `today`, in the caller's
 * transaction (so all or nothing). `only` limits the work to some memberships (a reopened one).
 */
export async function processLapses(tx: Queryable, programme: Programme, today: string, only?: readonly number[]): Promise<LapseRunResult> {
  if (!isDate(today)) {
    throw new UserError('invalid', 'date_invalid', { id: `Tanggal "${today}" harus ditulis YYYY-MM-DD.`, en: `Date "${today}" must be written YYYY-MM-DD.` });
  }
  await lockProgrammeMembers(tx, programme.id);
  const rules = await loadLapseRules(tx);
  if (rules.length === 0) {
    throw new UserError('invalid', 'lapse_rule_missing', {
      id: 'Belum ada aturan non-aktif (lapse_rule). Jalankan ulang aplikasi agar aturan bawaan dimuat, atau tambahkan aturan bertanggal.',
      en: 'There is no lapse rule (lapse_rule) yet. Restart the application so the rule in law is loaded, or add a dated rule.',
    });
  }
  const months = await programmeMonths(tx, programme.id, today);
  const m = masker(months);
  const windows = lapseWindows(months, rules, today);
  const days = arrearsDays(months, today);
  const ranges = reinstatableRanges(rules);

  await tx.exec(
    `CREATE TEMP TABLE IF NOT EXISTS lapse_hit (id bigint PRIMARY KEY, day date NOT NULL) ON COMMIT DROP;
     CREATE TEMP TABLE IF NOT EXISTS lapse_focus (id bigint PRIMARY KEY) ON COMMIT DROP;
     TRUNCATE lapse_hit; TRUNCATE lapse_focus;`,
  );
  if (only) await tx.query('INSERT INTO lapse_focus (id) SELECT DISTINCT unnest($1::bigint[])', [only.map(String)]);

  const windowBills = m.bits([...new Set(windows.flatMap((w) => w.months))]);
  const lapseStep = async (focused: boolean): Promise<number> => {
    if (windows.length === 0) return 0;
    await tx.exec('TRUNCATE lapse_hit');
    // First the active memberships whose latest covered period could hold a lapse day (it began
    // before the day — earlier runs belong to a lapse already cured — and still ran on it), then
    // the bill lines of those only: once a programme's lapses are settled, this finds none quickly.
    const lapseDays = windows.map((w) => w.lapsedFrom);
    const [n] = await tx.query<{ n: number }>(
      `WITH win AS (SELECT * FROM unnest($2::date[], $3::bigint[]) AS w(lapsed_from, mask)),
            bits AS (SELECT * FROM unnest($4::bigint[], $5::bigint[]) AS b(bill_id, bit)),
            span AS MATERIALIZED (
              SELECT c.membership_id, max(c.from_date) AS since, max(coalesce(c.to_date, 'infinity'::date)) AS until
                FROM coverage_period c JOIN membership mb ON mb.id = c.membership_id
               WHERE mb.programme_id = $1 AND mb.state = 'active' ${focused ? 'AND mb.id IN (SELECT id FROM lapse_focus)' : ''}
               GROUP BY c.membership_id
              HAVING max(c.from_date) < $6::date AND max(coalesce(c.to_date, 'infinity'::date)) >= $7::date),
            billed AS (
              SELECT l.membership_id, bit_or(bits.bit) AS mask FROM bill_line l JOIN bits ON bits.bill_id = l.bill_id
               WHERE l.membership_id IN (SELECT membership_id FROM span) GROUP BY l.membership_id),
            ins AS (
              INSERT INTO lapse_hit (id, day)
              SELECT span.membership_id, min(win.lapsed_from)
                FROM span JOIN billed ON billed.membership_id = span.membership_id
                JOIN win ON (billed.mask & win.mask) = win.mask AND win.lapsed_from > span.since AND win.lapsed_from <= span.until
               GROUP BY span.membership_id
              RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [programme.id, lapseDays, windows.map((w) => m.mask(w.months)), windowBills.billIds.map(String), windowBills.bits, lapseDays.at(-1)!, lapseDays[0]!],
    );
    const count = n?.n ?? 0;
    if (count === 0) return 0;
    await tx.query(`UPDATE membership mb SET state = 'lapsed', lapsed_on = h.day, updated_at = now() FROM lapse_hit h WHERE mb.id = h.id`);
    await tx.query(
      `UPDATE coverage_period c SET to_date = h.day - 1 FROM lapse_hit h
        WHERE c.membership_id = h.id AND c.from_date < h.day AND (c.to_date IS NULL OR c.to_date >= h.day)`,
    );
    return count;
  };

  const arrearsBills = m.bits([...new Set(days.flatMap((d) => d.unpaid))]);
  const reinstateStep = async (focused: boolean): Promise<number> => {
    if (days.length === 0 || ranges.length === 0) return 0;
    await tx.exec('TRUNCATE lapse_hit');
    const [n] = await tx.query<{ n: number }>(
      `WITH days AS (SELECT * FROM unnest($2::date[], $3::bigint[]) AS d(day, unpaid)),
            bits AS (SELECT * FROM unnest($4::bigint[], $5::bigint[]) AS b(bill_id, bit)),
            ranges AS (SELECT * FROM unnest($6::date[], $7::date[]) AS r(f, t)),
            lapsed AS MATERIALIZED (
              SELECT mb.id, mb.lapsed_on FROM membership mb
               WHERE mb.programme_id = $1 AND mb.state = 'lapsed' AND mb.lapsed_on <= $9::date
                 AND EXISTS (SELECT 1 FROM ranges WHERE mb.lapsed_on >= ranges.f AND mb.lapsed_on < ranges.t)
                 -- Someone who joined another programme meanwhile is covered there: one funder at a time.
                 AND NOT EXISTS (SELECT 1 FROM membership o WHERE o.person_id = mb.person_id AND o.id <> mb.id AND o.state IN ('candidate', 'submitted', 'active'))
                 ${focused ? 'AND mb.id IN (SELECT id FROM lapse_focus)' : ''}),
            billed AS (
              SELECT l.membership_id, bit_or(bits.bit) AS mask FROM bill_line l JOIN bits ON bits.bill_id = l.bill_id
               WHERE l.membership_id IN (SELECT id FROM lapsed) GROUP BY l.membership_id),
            ins AS (
              INSERT INTO lapse_hit (id, day)
              SELECT x.id, min(d.day)
                FROM lapsed x LEFT JOIN billed b ON b.membership_id = x.id
                JOIN days d ON d.day >= x.lapsed_on AND (coalesce(b.mask, 0) & d.unpaid) = 0 AND d.day + 1 <= $8::date
               GROUP BY x.id
              RETURNING 1)
       SELECT count(*)::int AS n FROM ins`,
      [
        programme.id,
        days.map((d) => d.day),
        days.map((d) => m.mask(d.unpaid)),
        arrearsBills.billIds.map(String),
        arrearsBills.bits,
        ranges.map((r) => r.from),
        ranges.map((r) => r.to ?? NO_END),
        programme.coverageEnd,
        days.at(-1)!.day,
      ],
    );
    const count = n?.n ?? 0;
    if (count === 0) return 0;
    await tx.query(`UPDATE membership mb SET state = 'active', lapsed_on = NULL, updated_at = now() FROM lapse_hit h WHERE mb.id = h.id`);
    await tx.query(
      `INSERT INTO coverage_period (membership_id, from_date, to_date) SELECT h.id, h.day + 1, $1::date FROM lapse_hit h
       ON CONFLICT (membership_id, from_date) DO UPDATE SET to_date = EXCLUDED.to_date`,
      [programme.coverageEnd],
    );
    return count;
  };
  const refocus = () => tx.exec('TRUNCATE lapse_focus; INSERT INTO lapse_focus (id) SELECT id FROM lapse_hit;');

  // A late run may find a lapse that was cured and then a later one: repeat on the memberships
  // that changed until nothing does (each round moves every membership forward in time).
  let lapsed = await lapseStep(Boolean(only));
  let reinstated = await reinstateStep(Boolean(only));
  for (let round = 0; round < 100 && reinstated > 0; round++) {
    await refocus();
    const l = await lapseStep(true);
    if (l === 0) break;
    lapsed += l;
    await refocus();
    const r = await reinstateStep(true);
    if (r === 0) break;
    reinstated += r;
  }

  const [now] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM membership WHERE programme_id = $1 AND state = 'lapsed'`, [programme.id]);
  return {
    programme: programme.code,
    on: today,
    rules,
    unpaidMonths: months
      .filter((x) => x.dueDate < today && x.paidOn === null)
      .map((x) => ({ month: x.month, billId: x.billId, amount: x.amount, paid: x.paid, dueDate: x.dueDate })),
    lapsed,
    reinstated,
    lapsedNow: now?.n ?? 0,
  };
}

