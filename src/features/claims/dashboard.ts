/**
 * The claims dashboard: counts and amounts by type, status and regency, the time from a complete
 * file to payment in working days, and the overdue list — for the user's area (row-level security
 * on claim), optionally narrowed to a programme, a regency, a type and a period of event dates.
 *
 * A handful of set-based queries, whatever the number of claims: one GROUP BY regency × type ×
 * status (a few hundred rows at most), one histogram of payment days (the database subtracts
 * working-day indexes of a calendar built here, so holidays are counted one way everywhere), the
 * first page of the overdue list, and reference rows (regency names, holidays, the SLA rule).
 */
import type { Queryable } from '../../db/types.js';
import { addDays, isDate } from '../../domain/billing.js';
import {
  daysBuckets, isClaimType, OPEN, SLA_RUNNING, tallyClaims, workingDayCalendar,
  type ClaimGroupRow, type ClaimStatus, type ClaimTallies, type ClaimType, type DaysBucket, type PaymentDaysRow, type WorkingDayCalendar,
} from '../../domain/claim-dashboard.js';
import { UserError } from '../../domain/user-error.js';
import { isWorkingDay } from '../../domain/working-days.js';
import { getProgramme } from '../programmes/programmes.js';
import { slaRuleOn } from './sla.js';

export interface DashboardFilter {
  /** Programme code (NTT-2026). */
  programme?: string | null;
  /** Regency code (53.08). */
  regency?: string | null;
  type?: ClaimType | null;
  /** Event dates from … to, inclusive (YYYY-MM-DD). */
  from?: string | null;
  to?: string | null;
}

export interface NormalFilter {
  programme: string | null;
  regency: string | null;
  type: ClaimType | null;
  from: string | null;
  to: string | null;
}

export interface OverdueClaim {
  id: number;
  claimNo: string;
  type: ClaimType;
  status: ClaimStatus;
  fullName: string | null;
  regencyCode: string;
  regencyName: string;
  villageCode: string;
  villageName: string | null;
  eventDate: string;
  documentsCompleteOn: string | null;
  slaDue: string;
  /** Working days since the due date (1 = the first working day after it). */
  workingDaysLate: number;
  entitledAmount: number;
  approvedAmount: number | null;
}

export interface ClaimsDashboard extends ClaimTallies {
  asOf: string;
  filter: NormalFilter;
  /** The SLA in force today: working days from a complete file to payment. */
  slaDays: number;
  regencyNames: Record<string, string>;
  /** byRegency with names, in code order. */
  regencies: (ClaimTallies['byRegency'][number] & { regencyName: string })[];
  paymentBuckets: DaysBucket[];
  overdue: { count: number; items: OverdueClaim[]; limit: number };
}

/** How far back the dashboard's calendar reaches (working days of older payments are not counted). */
const LOOKBACK_DAYS = 366 * 6;
const RUNNING = `('${SLA_RUNNING.join("', '")}')`;
/** Claim times are instants; the SLA and the calendar are NTT's days (WITA). */
const dayOf = (col: string) => `(${col} AT TIME ZONE 'Asia/Makassar')::date`;

/** Checks and tidies a filter; refuses a regency outside the user's area with a clear message. */
export async function normaliseFilter(tx: Queryable, f: DashboardFilter): Promise<NormalFilter> {
  const blank = (v: string | null | undefined) => (v === undefined || v === null || v.trim() === '' ? null : v.trim());
  const out: NormalFilter = { programme: blank(f.programme), regency: blank(f.regency), type: null, from: blank(f.from), to: blank(f.to) };
  const type = blank(f.type);
  if (type !== null) {
    if (!isClaimType(type)) throw new UserError('invalid', 'claim_type_unknown', { id: `Jenis klaim "${type}" tidak dikenal.`, en: `Unknown claim type "${type}".` });
    out.type = type;
  }
  for (const k of ['from', 'to'] as const) {
    const v = out[k];
    if (v !== null && !isDate(v)) {
      throw new UserError('invalid', 'date_invalid', { id: `Tanggal "${v}" tidak valid; tulis TTTT-BB-HH, misalnya 2026-03-31.`, en: `"${v}" is not a date; write YYYY-MM-DD, for example 2026-03-31.` });
    }
  }
  if (out.from && out.to && out.to < out.from) {
    throw new UserError('invalid', 'period_inverted', { id: 'Tanggal akhir periode lebih awal dari tanggal awalnya.', en: 'The period ends before it starts.' });
  }
  if (out.programme !== null) out.programme = (await getProgramme(tx, out.programme)).code;
  if (out.regency !== null) {
    if (!/^\d{2}\.\d{2}$/.test(out.regency)) {
      throw new UserError('invalid', 'regency_invalid', { id: `"${out.regency}" bukan kode kabupaten/kota (contoh 53.08).`, en: `"${out.regency}" is not a regency code (for example 53.08).` });
    }
    // A village or regency user may narrow to their own regency; anything else is outside the area.
    const [ok] = await tx.query<{ ok: boolean }>(
      `SELECT (lindung_in_area($1) OR starts_with(coalesce(current_setting('lindung.area', true), ''), $1 || '.')) AS ok`, [out.regency]);
    if (!ok?.ok) {
      throw new UserError('forbidden', 'out_of_area', { id: `Kabupaten/kota ${out.regency} di luar wilayah kerja Anda.`, en: `Regency ${out.regency} is outside your area.` });
    }
  }
  return out;
}

/**
 * The regency holding the user's area, when the area is a regency or smaller (null for the province
 * or the whole country). Row-level security already limits the rows; naming the regency as well
 * lets the planner read that regency's claims by index instead of checking every claim's area.
 */
async function scopeRegency(tx: Queryable): Promise<string | null> {
  const [r] = await tx.query<{ s: string | null }>(`SELECT current_setting('lindung.area', true) AS s`);
  return r?.s && /^\d{2}\.\d{2}/.test(r.s) ? r.s.slice(0, 5) : null;
}

/** The WHERE conditions of a filter on table alias `c`, with their parameters appended to `params`. */
function conditions(f: NormalFilter, params: (string | number | readonly string[] | readonly number[])[], scope: string | null = null): string {
  const conds: string[] = [];
  const p = (v: string) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (scope && !f.regency) conds.push(`c.regency_code = ${p(scope)}`);
  if (f.programme) conds.push(`c.programme_id = (SELECT id FROM programme WHERE code = ${p(f.programme)})`);
  if (f.regency) conds.push(`c.regency_code = ${p(f.regency)}`);
  if (f.type) conds.push(`c.type = ${p(f.type)}`);
  if (f.from) conds.push(`c.event_date >= ${p(f.from)}::date`);
  if (f.to) conds.push(`c.event_date <= ${p(f.to)}::date`);
  return conds.length ? conds.join(' AND ') : 'true';
}

export interface ClaimCalendar {
  cal: WorkingDayCalendar;
  /** Regional holidays (a regency's or village's own) falling on national working days. */
  regional: { day: string; areaCode: string }[];
  /** Working days after `from` up to and including `to` for a claim of `village` (its regional holidays left out too). */
  between(from: string, to: string, village: string): number;
}

let lastCalendar: { key: string; cal: WorkingDayCalendar } | null = null;

const holds = (area: string, village: string) => village === area || village.startsWith(`${area}.`);

/**
 * The working-day calendar from `first` to `last`: national holidays in the index, regional ones
 * (public_holiday.area_code, as sla.ts counts them for a claim of that area) subtracted per claim.
 */
export async function loadCalendar(tx: Queryable, first: string, last: string): Promise<ClaimCalendar> {
  const rows = await tx.query<{ day: string; area_code: string | null }>('SELECT DISTINCT day, area_code FROM public_holiday WHERE day BETWEEN $1 AND $2 ORDER BY day, area_code', [first, last]);
  const national = new Set(rows.filter((r) => r.area_code === null).map((r) => r.day));
  // The same calendar serves every request of the day until a holiday changes: keep the last one.
  const key = `${first}|${last}|${[...national].join(',')}`;
  if (lastCalendar?.key !== key) lastCalendar = { key, cal: workingDayCalendar(first, last, national) };
  const cal = lastCalendar.cal;
  const regional = rows.filter((r) => r.area_code !== null && isWorkingDay(r.day, national)).map((r) => ({ day: r.day, areaCode: r.area_code! }));
  return {
    cal,
    regional,
    between(from, to, village) {
      const n = cal.between(from, to);
      if (regional.length === 0) return n;
      const [lo, hi] = from <= to ? [from, to] : [to, from];
      const off = new Set(regional.filter((r) => r.day > lo && r.day <= hi && holds(r.areaCode, village)).map((r) => r.day)).size;
      return from <= to ? n - off : n + off;
    },
  };
}

async function regencyNames(tx: Queryable, f: NormalFilter, extra: readonly string[]): Promise<Map<string, string>> {
  // Regencies of the user's area (or holding it), in the provinces that run programmes; plus any with claims.
  const rows = await tx.query<{ code: string; name: string }>(
    `SELECT code, name FROM area
      WHERE level = 2
        AND (($1::text IS NULL AND (lindung_in_area(code) OR starts_with(coalesce(current_setting('lindung.area', true), ''), code || '.'))
              AND left(code, 2) IN (SELECT left(funder_area_code, 2) FROM programme))
             OR code = $1 OR code = ANY($2::text[]))
      ORDER BY code`,
    [f.regency, extra],
  );
  return new Map(rows.map((r) => [r.code, r.name]));
}

interface GroupSql {
  regency_code: string; type: ClaimType; status: ClaimStatus; days: number | null; n: number; entitled: number; approved: number;
  overdue: number; on_time: number; paid_in_sla: number;
}

export async function claimsDashboard(tx: Queryable, filter: DashboardFilter, today: string, opts: { overdueLimit?: number } = {}): Promise<ClaimsDashboard> {
  const f = await normaliseFilter(tx, filter);
  const limit = Math.max(0, Math.min(opts.overdueLimit ?? 100, 10_000));
  // One calendar for every working-day count, wide enough for any claim without asking first: each
  // scan of the claims costs a row-level-security check per row, so the counts and the payment-time
  // histogram come from a single scan. A payment outside it (more than LOOKBACK_DAYS ago) is
  // counted as paid but left out of the time to payment.
  const cal = await loadCalendar(tx, addDays(today, -LOOKBACK_DAYS), addDays(today, 31));
  // A day's working-day index is the calendar array at (day − first day): a subscript per claim,
  // no join and no sort (out of range gives null: left out of the time to payment).
  const params: (string | number | readonly string[] | readonly number[])[] = [today, cal.cal.first, cal.cal.index];
  const at = (col: string) => `($3::int[])[${dayOf(col)} - $2::date + 1]`;
  // Regional holidays are rare: the per-claim subtraction is only written when there are some.
  let regional = '';
  if (cal.regional.length) {
    params.push(cal.regional.map((r) => r.day), cal.regional.map((r) => r.areaCode));
    regional = `- (SELECT count(DISTINCT r.d) FROM unnest($4::date[], $5::text[]) AS r(d, a)
        WHERE (c.village_code = r.a OR starts_with(c.village_code, r.a || '.')) AND r.d > ${dayOf('c.documents_complete_at')} AND r.d <= ${dayOf('c.paid_at')})`;
  }
  const scope = await scopeRegency(tx);
  const where = conditions(f, params, scope);
  const groups = await tx.query<GroupSql>(
    `SELECT c.regency_code, c.type, c.status,
            (CASE WHEN c.status IN ('paid', 'confirmed') THEN ${at('c.paid_at')} - ${at('c.documents_complete_at')} ${regional} END)::int AS days,
            count(*)::int AS n,
            coalesce(sum(c.entitled_amount), 0)::bigint AS entitled,
            coalesce(sum(c.approved_amount), 0)::bigint AS approved,
            count(*) FILTER (WHERE c.status IN ${RUNNING} AND c.sla_due < $1::date)::int AS overdue,
            count(*) FILTER (WHERE c.status IN ${RUNNING} AND c.sla_due >= $1::date)::int AS on_time,
            count(*) FILTER (WHERE c.status IN ('paid', 'confirmed') AND c.paid_at IS NOT NULL AND ${dayOf('c.paid_at')} <= c.sla_due)::int AS paid_in_sla
       FROM claim c
      WHERE ${where}
      GROUP BY 1, 2, 3, 4`,
    params,
  );
  const byKey = new Map<string, ClaimGroupRow>();
  const days: PaymentDaysRow[] = [];
  for (const g of groups) {
    const key = `${g.regency_code}|${g.type}|${g.status}`;
    const r = byKey.get(key) ?? { regencyCode: g.regency_code, type: g.type, status: g.status, count: 0, entitled: 0, approved: 0, overdue: 0, onTime: 0, paidWithinSla: 0 };
    r.count += g.n;
    r.entitled += g.entitled;
    r.approved += g.approved;
    r.overdue += g.overdue;
    r.onTime += g.on_time;
    r.paidWithinSla += g.paid_in_sla;
    byKey.set(key, r);
    // Paid before the file was complete is a data error: counted as paid at once, not as negative days.
    if (g.days !== null) days.push({ regencyCode: g.regency_code, type: g.type, days: Math.max(0, g.days), count: g.n });
  }
  const rows = [...byKey.values()];

  const overdueCount = rows.reduce((a, r) => a + r.overdue, 0);
  const items = overdueCount && limit ? await overdueClaims(tx, f, today, cal, limit, scope) : [];
  const names = await regencyNames(tx, f, [...new Set(rows.map((r) => r.regencyCode))]);
  const tallies = tallyClaims(rows, days, [...names.keys()].filter((c) => !f.regency || c === f.regency));
  const slaDays = (await slaRuleOn(tx, today)).workingDays;
  const regencyNameOf = (code: string) => names.get(code) ?? code;
  return {
    ...tallies,
    asOf: today,
    filter: f,
    slaDays,
    regencyNames: Object.fromEntries(names),
    regencies: tallies.byRegency.map((r) => ({ ...r, regencyName: regencyNameOf(r.regencyCode) })),
    paymentBuckets: daysBuckets(tallies.paymentDays, slaDays),
    overdue: { count: overdueCount, items: items.map((i) => ({ ...i, regencyName: regencyNameOf(i.regencyCode) })), limit },
  };
}

interface ClaimListSql {
  id: number; claim_no: string; type: ClaimType; status: ClaimStatus; full_name: string | null; regency_code: string; village_code: string;
  village_name: string | null; event_date: string; complete_on: string | null; sla_due: string | null; paid_on: string | null;
  entitled_amount: number; approved_amount: number | null; covered: boolean; programme_code: string | null;
}

const LIST_COLUMNS = `c.id, c.claim_no, c.type, c.status, p.full_name, c.regency_code, c.village_code, v.name AS village_name, c.event_date,
  ${dayOf('c.documents_complete_at')} AS complete_on, c.sla_due, ${dayOf('c.paid_at')} AS paid_on, c.entitled_amount, c.approved_amount, c.covered,
  pr.code AS programme_code`;
// The member may have moved since the claim was registered (the claim keeps its village): LEFT JOINs
// keep the claim in the list even when the person's row is outside the user's area now.
const LIST_FROM = `claim c LEFT JOIN person p ON p.id = c.person_id LEFT JOIN area v ON v.code = c.village_code LEFT JOIN programme pr ON pr.id = c.programme_id`;

async function overdueClaims(tx: Queryable, f: NormalFilter, today: string, cal: ClaimCalendar, limit: number, scope: string | null): Promise<Omit<OverdueClaim, 'regencyName'>[]> {
  const params: (string | number | readonly string[] | readonly number[])[] = [today, limit];
  const where = conditions(f, params, scope);
  const rows = await tx.query<ClaimListSql>(
    // The page first, then the names: a person and an area looked up for the rows shown only.
    `SELECT ${LIST_COLUMNS}
       FROM (SELECT * FROM claim c WHERE c.status IN ${RUNNING} AND c.sla_due < $1::date AND ${where} ORDER BY c.sla_due, c.claim_no LIMIT $2) c
       LEFT JOIN person p ON p.id = c.person_id LEFT JOIN area v ON v.code = c.village_code LEFT JOIN programme pr ON pr.id = c.programme_id
      ORDER BY c.sla_due, c.claim_no`,
    params,
  );
  return rows.map((r) => ({
    id: r.id, claimNo: r.claim_no, type: r.type, status: r.status, fullName: r.full_name, regencyCode: r.regency_code,
    villageCode: r.village_code, villageName: r.village_name, eventDate: r.event_date, documentsCompleteOn: r.complete_on, slaDue: r.sla_due!,
    workingDaysLate: cal.between(r.sla_due! < cal.cal.first ? cal.cal.first : r.sla_due!, today, r.village_code),
    entitledAmount: r.entitled_amount, approvedAmount: r.approved_amount,
  }));
}

export interface ClaimListItem extends Omit<OverdueClaim, 'slaDue' | 'workingDaysLate' | 'regencyName'> {
  regencyName: string;
  programmeCode: string | null;
  covered: boolean;
  slaDue: string | null;
  paidOn: string | null;
  /** Working days from the complete file to payment; null until paid. */
  workingDaysToPay: number | null;
  /** Working days past the due date while the clock runs; null when not late. */
  workingDaysLate: number | null;
  open: boolean;
}

/** Every claim under the filter, for the export: one row each, no personal numbers (name only). */
export async function claimList(tx: Queryable, d: ClaimsDashboard): Promise<ClaimListItem[]> {
  const params: (string | number | readonly string[] | readonly number[])[] = [];
  const where = conditions(d.filter, params, await scopeRegency(tx));
  const rows = await tx.query<ClaimListSql>(`SELECT ${LIST_COLUMNS} FROM ${LIST_FROM} WHERE ${where} ORDER BY c.regency_code, c.claim_no`, params);
  const dates = rows.flatMap((r) => [r.complete_on, r.sla_due, r.paid_on]).filter((x): x is string => x !== null).sort();
  const first = dates[0] && dates[0] < d.asOf ? dates[0] : d.asOf;
  const last = dates.length && dates[dates.length - 1]! > d.asOf ? dates[dates.length - 1]! : d.asOf;
  const cal = await loadCalendar(tx, first, last);
  return rows.map((r) => {
    const running = (SLA_RUNNING as readonly string[]).includes(r.status);
    const paid = r.status === 'paid' || r.status === 'confirmed';
    return {
      id: r.id, claimNo: r.claim_no, type: r.type, status: r.status, fullName: r.full_name, regencyCode: r.regency_code,
      regencyName: d.regencyNames[r.regency_code] ?? r.regency_code, villageCode: r.village_code, villageName: r.village_name,
      eventDate: r.event_date, documentsCompleteOn: r.complete_on, slaDue: r.sla_due, paidOn: r.paid_on,
      entitledAmount: r.entitled_amount, approvedAmount: r.approved_amount, programmeCode: r.programme_code, covered: r.covered,
      workingDaysToPay: paid && r.complete_on && r.paid_on ? Math.max(0, cal.between(r.complete_on, r.paid_on, r.village_code)) : null,
      workingDaysLate: running && r.sla_due && r.sla_due < d.asOf ? cal.between(r.sla_due, d.asOf, r.village_code) : null,
      open: (OPEN as readonly string[]).includes(r.status),
    };
  });
}
