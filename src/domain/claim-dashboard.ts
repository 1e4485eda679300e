/**
 * The claims dashboard's arithmetic: counts and amounts per type, status and regency, the time
 * from a complete file to payment in working days, and how late an overdue claim is.
 *
 * Pure: the database gives grouped rows (at most types × statuses × regencies of them, and a
 * histogram of payment times), this module folds them into tallies. Working days are counted on a
 * calendar index — for each day, how many working days (Monday to Friday, not a public holiday)
 * have passed since the calendar's first day — so "working days from A to B" is one subtraction,
 * and the database can do that subtraction for ten thousand claims without knowing the holidays'
 * rule: it only joins the index.
 */
import { daysBetween, isDate } from './billing.js';
import { CLAIM_TYPE_LABEL, CLAIM_TYPES, isClaimType, type ClaimType } from './entitlement.js';
import type { Message } from './messages.js';

export { CLAIM_TYPE_LABEL, CLAIM_TYPES, isClaimType, type ClaimType };

export const CLAIM_STATUSES = ['draft', 'documents_complete', 'submitted', 'approved', 'rejected', 'paid', 'confirmed', 'withdrawn'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const CLAIM_STATUS_LABEL: Record<ClaimStatus, Message> = {
  draft: { id: 'Draf (berkas dikumpulkan)', en: 'Draft (documents being gathered)' },
  documents_complete: { id: 'Berkas lengkap', en: 'Documents complete' },
  submitted: { id: 'Diajukan ke BPJS', en: 'Submitted to BPJS' },
  approved: { id: 'Disetujui', en: 'Approved' },
  rejected: { id: 'Ditolak', en: 'Rejected' },
  paid: { id: 'Dibayar (dikirim ke bank)', en: 'Paid (sent to the bank)' },
  confirmed: { id: 'Dikonfirmasi bank', en: 'Confirmed by the bank' },
  withdrawn: { id: 'Dibatalkan', en: 'Withdrawn' },
};

/** The statuses in which the SLA clock runs: the file is complete and the money has not gone out. */
export const SLA_RUNNING: readonly ClaimStatus[] = ['documents_complete', 'submitted', 'approved'];
/** Not finished: still to be decided or paid. */
export const OPEN: readonly ClaimStatus[] = ['draft', ...SLA_RUNNING];
const APPROVED: readonly ClaimStatus[] = ['approved', 'paid', 'confirmed'];
const PAID: readonly ClaimStatus[] = ['paid', 'confirmed'];

export const isClaimStatus = (v: unknown): v is ClaimStatus => typeof v === 'string' && (CLAIM_STATUSES as readonly string[]).includes(v);

// ---------------------------------------------------------------------------
// Working-day calendar

export interface WorkingDayCalendar {
  first: string;
  last: string;
  /** Every day from first to last. */
  days: string[];
  /** index[i]: working days in (first, days[i]] — so index[0] is 0. */
  index: number[];
  /** Working days after `from` up to and including `to` (negative when `to` is earlier); both within the calendar. */
  between(from: string, to: string): number;
}

/**
 * The calendar from `first` to `last` (inclusive), with working-days.ts's rule of what a working
 * day is (Monday to Friday, not a holiday). A holiday on a weekend changes nothing; the holidays are the ones that apply to everyone
 * counted (the national ones; a regency's own are subtracted per claim, see dashboard.ts).
 */
export function workingDayCalendar(first: string, last: string, holidays: Iterable<string>): WorkingDayCalendar {
  if (!isDate(first) || !isDate(last)) throw new RangeError(`calendar bounds must be dates: ${first} … ${last}`);
  if (last < first) throw new RangeError(`calendar ends before it starts: ${first} … ${last}`);
  const off = new Set(holidays);
  const n = daysBetween(first, last) + 1;
  const days: string[] = new Array<string>(n);
  const index: number[] = new Array<number>(n);
  // Built on every dashboard request (a dozen years of days): one Date step per day, the weekday
  // carried along, rather than parsing each date again. Same rule as working-days.ts (tested).
  const start = Date.parse(`${first}T00:00:00Z`);
  let dow = new Date(start).getUTCDay();
  let count = 0;
  for (let i = 0; i < n; i++) {
    const d = new Date(start + i * 86_400_000).toISOString().slice(0, 10);
    if (i > 0 && dow !== 0 && dow !== 6 && !off.has(d)) count++;
    days[i] = d;
    index[i] = count;
    dow = (dow + 1) % 7;
  }
  const at = (d: string) => {
    const i = daysBetween(first, d);
    if (i < 0 || i >= n) throw new RangeError(`${d} is outside the calendar ${first} … ${last}`);
    return index[i]!;
  };
  return { first, last, days, index, between: (from, to) => at(to) - at(from) };
}

// ---------------------------------------------------------------------------
// Time to payment

/** How many claims were paid after how many working days (from a complete file to the transfer). */
export interface DaysCount {
  days: number;
  count: number;
}

export interface PaymentTimes {
  /** Claims paid (sent to the bank) whose file was complete first. */
  paid: number;
  /** Of them, paid on or before their SLA due date. */
  withinSla: number;
  averageDays: number | null;
  medianDays: number | null;
  /** 90 % of the paid claims took at most this many working days. */
  p90Days: number | null;
  maxDays: number | null;
}

/** Nearest-rank percentile over a histogram (p in 0…100). */
function percentileOf(hist: readonly DaysCount[], total: number, p: number): number | null {
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * total));
  let seen = 0;
  for (const h of [...hist].sort((a, b) => a.days - b.days)) {
    seen += h.count;
    if (seen >= rank) return h.days;
  }
  return null;
}

export function paymentTimes(hist: readonly DaysCount[], withinSla: number): PaymentTimes {
  const used = hist.filter((h) => h.count > 0);
  const paid = used.reduce((a, h) => a + h.count, 0);
  const sum = used.reduce((a, h) => a + h.days * h.count, 0);
  return {
    paid,
    withinSla,
    averageDays: paid ? Math.round((sum / paid) * 10) / 10 : null,
    medianDays: percentileOf(used, paid, 50),
    p90Days: percentileOf(used, paid, 90),
    maxDays: paid ? Math.max(...used.map((h) => h.days)) : null,
  };
}

export interface DaysBucket {
  /** Inclusive bounds in working days; `to` null: and more. */
  from: number;
  to: number | null;
  label: Message;
  count: number;
  /** The bucket ends on or before the SLA (all of its claims were paid in time by the days count). */
  withinSla: boolean;
}

/** The histogram in buckets around the SLA: 0–1, up to the SLA, just after it, up to 10, up to 20, longer. */
export function daysBuckets(hist: readonly DaysCount[], slaDays: number): DaysBucket[] {
  // Contiguous whatever the SLA (a 1-day or a 12-day rule): upper bounds kept only while they grow.
  const fixed: [number, number | null][] = [];
  let next = 0;
  for (const end of [1, slaDays, slaDays + 2, 10, 20]) {
    if (end < next) continue;
    fixed.push([next, end]);
    next = end + 1;
  }
  fixed.push([next, null]);
  return fixed.map(([from, to]) => {
    const label: Message = to === null
      ? { id: `${from} hari kerja atau lebih`, en: `${from} working days or more` }
      : from === to ? { id: `${from} hari kerja`, en: `${from} working day${from === 1 ? '' : 's'}` }
        : { id: `${from}–${to} hari kerja`, en: `${from}–${to} working days` };
    const count = hist.filter((h) => h.days >= from && (to === null || h.days <= to)).reduce((a, h) => a + h.count, 0);
    return { from, to, label, count, withinSla: to !== null && to <= slaDays };
  });
}

// ---------------------------------------------------------------------------
// Tallies

/** One group of the database's GROUP BY regency, type, status. */
export interface ClaimGroupRow {
  regencyCode: string;
  type: ClaimType;
  status: ClaimStatus;
  count: number;
  entitled: number;
  approved: number;
  /** SLA running and the due date passed. */
  overdue: number;
  /** SLA running and still within it. */
  onTime: number;
  /** Paid on or before the SLA due date. */
  paidWithinSla: number;
}

/** One group of the payment-time histogram. */
export interface PaymentDaysRow {
  regencyCode: string;
  type: ClaimType;
  days: number;
  count: number;
}

export interface ClaimTally {
  /** Every claim registered, withdrawn and rejected ones too. */
  claims: number;
  /** Not finished: draft, complete, submitted, approved but not paid yet. */
  open: number;
  /** SLA running and past its due date. */
  overdue: number;
  /** SLA running, not late yet. */
  onTime: number;
  rejected: number;
  withdrawn: number;
  /** Decided in favour: approved, paid or confirmed. */
  approved: number;
  /** Sent to the bank (paid) or confirmed by it. */
  paid: number;
  confirmed: number;
  /** What the rules give for the claims still standing (not rejected nor withdrawn). */
  entitledAmount: number;
  approvedAmount: number;
  paidAmount: number;
  confirmedAmount: number;
  timeToPayment: PaymentTimes;
}

export interface StatusTally {
  status: ClaimStatus;
  count: number;
  entitledAmount: number;
  approvedAmount: number;
}

function emptyTally(): Omit<ClaimTally, 'timeToPayment'> & { paidWithinSla: number; hist: Map<number, number> } {
  return { claims: 0, open: 0, overdue: 0, onTime: 0, rejected: 0, withdrawn: 0, approved: 0, paid: 0, confirmed: 0, entitledAmount: 0, approvedAmount: 0, paidAmount: 0, confirmedAmount: 0, paidWithinSla: 0, hist: new Map() };
}
type Acc = ReturnType<typeof emptyTally>;

function add(t: Acc, r: ClaimGroupRow): void {
  t.claims += r.count;
  if (OPEN.includes(r.status)) t.open += r.count;
  t.overdue += r.overdue;
  t.onTime += r.onTime;
  if (r.status === 'rejected') t.rejected += r.count;
  if (r.status === 'withdrawn') t.withdrawn += r.count;
  if (r.status !== 'rejected' && r.status !== 'withdrawn') t.entitledAmount += r.entitled;
  if (APPROVED.includes(r.status)) {
    t.approved += r.count;
    t.approvedAmount += r.approved;
  }
  if (PAID.includes(r.status)) {
    t.paid += r.count;
    t.paidAmount += r.approved;
  }
  if (r.status === 'confirmed') {
    t.confirmed += r.count;
    t.confirmedAmount += r.approved;
  }
  t.paidWithinSla += r.paidWithinSla;
}

function finish(t: Acc): ClaimTally {
  const { paidWithinSla, hist, ...rest } = t;
  return { ...rest, timeToPayment: paymentTimes([...hist].map(([days, count]) => ({ days, count })), paidWithinSla) };
}

export interface ClaimTallies {
  total: ClaimTally;
  byStatus: StatusTally[];
  byType: (ClaimTally & { type: ClaimType })[];
  byRegency: (ClaimTally & { regencyCode: string })[];
  /** The payment-time histogram of everything counted, in working days. */
  paymentDays: DaysCount[];
}

/**
 * Folds the grouped rows into the dashboard's tallies. Every type and status is listed (zeros
 * included, in the workflow's order); regencies are the ones given in `regencies` (the user's
 * area, zeros included) followed by any other regency with claims, in code order.
 */
export function tallyClaims(groups: readonly ClaimGroupRow[], days: readonly PaymentDaysRow[], regencies: readonly string[] = []): ClaimTallies {
  const total = emptyTally();
  const byType = new Map<ClaimType, Acc>(CLAIM_TYPES.map((t) => [t, emptyTally()]));
  const byRegency = new Map<string, Acc>([...new Set([...regencies, ...groups.map((g) => g.regencyCode)])].sort().map((c) => [c, emptyTally()]));
  const byStatus = new Map<ClaimStatus, StatusTally>(CLAIM_STATUSES.map((s) => [s, { status: s, count: 0, entitledAmount: 0, approvedAmount: 0 }]));
  for (const g of groups) {
    add(total, g);
    add(byType.get(g.type)!, g);
    add(byRegency.get(g.regencyCode)!, g);
    const s = byStatus.get(g.status)!;
    s.count += g.count;
    s.entitledAmount += g.entitled;
    s.approvedAmount += g.approved;
  }
  const hist = (t: Acc, d: PaymentDaysRow) => t.hist.set(d.days, (t.hist.get(d.days) ?? 0) + d.count);
  for (const d of days) {
    hist(total, d);
    hist(byType.get(d.type)!, d);
    if (!byRegency.has(d.regencyCode)) byRegency.set(d.regencyCode, emptyTally());
    hist(byRegency.get(d.regencyCode)!, d);
  }
  return {
    total: finish(total),
    byStatus: [...byStatus.values()],
    byType: [...byType].map(([type, t]) => ({ type, ...finish(t) })),
    byRegency: [...byRegency].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([regencyCode, t]) => ({ regencyCode, ...finish(t) })),
    paymentDays: [...total.hist].map(([d, count]) => ({ days: d, count })).sort((a, b) => a.days - b.days),
  };
}

/** Share as a whole percentage, or null when there is nothing to share. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 100) : null;
}

/** The columns every tally table shows (screen, XLSX), in order. */
export interface TallyColumn {
  key: string;
  label: Message;
  kind: 'count' | 'money' | 'days' | 'percent';
  value(t: ClaimTally): number | null;
}

export const TALLY_COLUMNS: readonly TallyColumn[] = [
  { key: 'claims', label: { id: 'Klaim', en: 'Claims' }, kind: 'count', value: (t) => t.claims },
  { key: 'open', label: { id: 'Dalam proses', en: 'Open' }, kind: 'count', value: (t) => t.open },
  { key: 'overdue', label: { id: 'Terlambat', en: 'Overdue' }, kind: 'count', value: (t) => t.overdue },
  { key: 'rejected', label: { id: 'Ditolak', en: 'Rejected' }, kind: 'count', value: (t) => t.rejected },
  { key: 'approved', label: { id: 'Disetujui', en: 'Approved' }, kind: 'count', value: (t) => t.approved },
  { key: 'paid', label: { id: 'Dibayar', en: 'Paid' }, kind: 'count', value: (t) => t.paid },
  { key: 'entitledAmount', label: { id: 'Hak menurut aturan', en: 'Entitled by the rules' }, kind: 'money', value: (t) => t.entitledAmount },
  { key: 'approvedAmount', label: { id: 'Nilai disetujui', en: 'Approved amount' }, kind: 'money', value: (t) => t.approvedAmount },
  { key: 'paidAmount', label: { id: 'Nilai dibayar', en: 'Paid amount' }, kind: 'money', value: (t) => t.paidAmount },
  { key: 'medianDays', label: { id: 'Median hari kerja sampai dibayar', en: 'Median working days to payment' }, kind: 'days', value: (t) => t.timeToPayment.medianDays },
  { key: 'withinSla', label: { id: 'Dibayar tepat waktu', en: 'Paid within the SLA' }, kind: 'percent', value: (t) => percent(t.timeToPayment.withinSla, t.timeToPayment.paid) },
];
