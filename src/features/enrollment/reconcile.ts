/**
 * Reconciling BPJS's invoice (tagihan) with our bill of the same programme and month.
 *
 * The file streams into a temporary table by COPY (a chunk of lines at a time, never the whole
 * file as objects), then one INSERT … SELECT classifies every line at once with hash joins: who
 * the line is (KPJ first, else NIK; both pointing to different people is "unknown"), whether that
 * person is on our bill (match / amount_differs), covered by another programme that month
 * (other_funder), known but not covered by ours (billed_not_active), or already billed on an
 * earlier line (duplicate_line). People on our bill whom the invoice leaves out (active_not_billed)
 * are found by an anti-join. The counts go on the invoice, so lists never recount a million lines.
 *
 * All in the caller's one transaction: any unreadable line, a month not yet billed, or the same
 * file twice, and nothing is stored.
 */
import path from 'node:path';
import type { Queryable } from '../../db/types.js';
import { DbError } from '../../db/types.js';
import { copyField } from '../../db/copy-lines.js';
import { inScope } from '../../db/scope.js';
import { firstDay, formatMonth, lastDay } from '../../domain/billing.js';
import type { Message } from '../../domain/messages.js';
import { formatRupiah } from '../../domain/money.js';
import {
  emptyFindings,
  FINDINGS,
  parseInvoiceMonth,
  readFindings,
  type Finding,
  type Findings,
  type LineFinding,
} from '../../domain/reconciliation.js';
import { UserError } from '../../domain/user-error.js';
import type { Programme } from '../programmes/programmes.js';
import { openInvoiceFile, type InvoiceFile } from './invoice-file.js';

export interface InvoiceSummary {
  id: number;
  programmeCode: string;
  programmeName: string;
  funderName: string;
  month: string;
  number: string | null;
  fileName: string | null;
  sha256: string;
  lines: number;
  /** BPJS's total: the sum of the invoice's lines. */
  amount: number;
  billId: number;
  billAmount: number;
  billPersons: number;
  /** Invoice total minus our bill's total. */
  difference: number;
  findings: Findings;
  status: 'reconciled' | 'withdrawn';
  createdBy: string;
  createdAt: string;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
  withdrawalReason: string | null;
}

export interface ReconcileOptions {
  /** YYYY-MM (or any form parseInvoiceMonth reads); else the month in the file's control area. */
  month?: string | null;
  number?: string | null;
  /** The name the file was uploaded with. */
  fileName?: string | null;
  maxBytes?: number;
}

export interface ReconcileResult extends InvoiceSummary {
  warnings: Message[];
}

/** Lines per COPY: a few MB of text at a time. */
const COPY_LINES = 20_000;

const MONTH_RE = /^\d{4}-(0[1-9]|1[0-2])$/;

/** Our bill per person (a person twice on one bill counts once, with both amounts). */
const ours = (billParam: string) => `SELECT m.person_id, max(b.membership_id) AS membership_id, sum(b.amount)::bigint AS amount
    FROM bill_line b JOIN membership m ON m.id = b.membership_id WHERE b.bill_id = ${billParam} GROUP BY m.person_id`;

const CLASSIFY = `
INSERT INTO invoice_line (invoice_id, line_no, kpj, nik, full_name, amount, membership_id, expected_amount, finding)
WITH by_kpj AS (
  SELECT m.kpj, min(m.person_id) AS person_id, max(m.person_id) AS other_person_id
    FROM membership m WHERE m.kpj IN (SELECT kpj FROM invoice_in WHERE kpj IS NOT NULL) GROUP BY m.kpj
), who AS (
  SELECT i.line_no, i.kpj, i.nik, i.full_name, i.amount,
         CASE WHEN k.person_id <> k.other_person_id OR (k.person_id IS NOT NULL AND n.id IS NOT NULL AND k.person_id <> n.id) THEN NULL
              ELSE coalesce(k.person_id, n.id) END AS person_id
    FROM invoice_in i
    LEFT JOIN by_kpj k ON k.kpj = i.kpj
    LEFT JOIN person n ON n.nik = i.nik
), ranked AS (
  -- The same person, else the same KPJ, else the same NIK: keyed by the person's id first, so the
  -- sort compares numbers and builds a text key only for the few lines of nobody we know.
  SELECT w.*, row_number() OVER (PARTITION BY w.person_id, CASE WHEN w.person_id IS NULL THEN coalesce('k' || w.kpj, 'n' || w.nik) END ORDER BY w.line_no) AS nth
    FROM who w
), ours AS (${ours('$2')}
), other AS (
  SELECT m.person_id, max(m.id) AS membership_id
    FROM coverage_period c JOIN membership m ON m.id = c.membership_id
   WHERE m.programme_id <> $3 AND c.from_date <= $5::date AND (c.to_date IS NULL OR c.to_date >= $4::date)
   GROUP BY m.person_id
)
SELECT $1::bigint, r.line_no, r.kpj, r.nik, r.full_name, r.amount,
       -- Our membership of someone not on the bill is looked up only for those lines (a few
       -- thousand), by index, instead of grouping every membership of the programme.
       coalesce(o.membership_id, x.membership_id,
                CASE WHEN r.person_id IS NOT NULL THEN (SELECT max(m.id) FROM membership m WHERE m.person_id = r.person_id AND m.programme_id = $3) END),
       CASE WHEN r.nth = 1 THEN o.amount END,
       CASE WHEN r.nth > 1 THEN 'duplicate_line'
            WHEN r.person_id IS NULL THEN 'unknown'
            WHEN o.person_id IS NOT NULL THEN CASE WHEN o.amount = r.amount THEN 'match' ELSE 'amount_differs' END
            WHEN x.person_id IS NOT NULL THEN 'other_funder'
            ELSE 'billed_not_active' END
  FROM ranked r
  LEFT JOIN ours o ON o.person_id = r.person_id
  LEFT JOIN other x ON x.person_id = r.person_id`;

const NOT_ON_INVOICE = `NOT EXISTS (SELECT 1 FROM invoice_line l WHERE l.invoice_id = $2 AND l.membership_id = o.membership_id AND l.finding IN ('match', 'amount_differs'))`;

function monthOption(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined || raw.trim() === '') return null;
  const m = MONTH_RE.test(raw.trim()) ? raw.trim() : parseInvoiceMonth(raw);
  if (!m) {
    throw new UserError('invalid', 'month_invalid', { id: `Bulan "${raw}" harus ditulis YYYY-MM, misalnya 2026-03.`, en: `Month "${raw}" must be written YYYY-MM, for example 2026-03.` });
  }
  return m;
}

/** The month the invoice is for: the one given, the one in the file, and they must agree. */
function invoiceMonth(file: InvoiceFile, given: string | null): string {
  const inFile = file.control.month;
  if (given && inFile && given !== inFile) {
    throw new UserError('invalid', 'invoice_month_mismatch', {
      id: `Berkas tagihan menyebut bulan ${formatMonth(inFile, 'id')} ("${file.control.monthText}"), tetapi yang dipilih ${formatMonth(given, 'id')}. Periksa berkasnya atau pilih bulan yang benar.`,
      en: `The invoice file says ${formatMonth(inFile, 'en')} ("${file.control.monthText}"), but ${formatMonth(given, 'en')} was chosen. Check the file or choose the right month.`,
    });
  }
  const month = given ?? inFile;
  if (!month) {
    throw new UserError('invalid', 'invoice_month_missing', {
      id: file.control.monthText
        ? `Bulan tagihan "${file.control.monthText}" di berkas tidak dapat dibaca. Sebutkan bulannya (YYYY-MM, misalnya 2026-03).`
        : 'Bulan tagihan tidak tertulis di berkas. Sebutkan bulannya (YYYY-MM, misalnya 2026-03).',
      en: file.control.monthText
        ? `The invoice month "${file.control.monthText}" in the file cannot be read. Give the month (YYYY-MM, for example 2026-03).`
        : 'The file does not say which month it bills. Give the month (YYYY-MM, for example 2026-03).',
    });
  }
  return month;
}

/** Imports and reconciles one invoice file; the caller's transaction makes it all or nothing. */
export async function reconcileInvoice(tx: Queryable, p: Programme, filePath: string, opts: ReconcileOptions, label: string): Promise<ReconcileResult> {
  if (!(await inScope(tx, p.funderAreaCode))) {
    throw new UserError('forbidden', 'invoice_out_of_area', {
      id: `Tagihan program ${p.code} milik pendana di wilayah ${p.funderAreaCode}, di luar wilayah kerja Anda.`,
      en: `Programme ${p.code}'s invoices belong to the funder in area ${p.funderAreaCode}, outside your area.`,
    });
  }
  const given = monthOption(opts.month);
  const file = await openInvoiceFile(filePath, { fileName: opts.fileName ?? undefined, maxBytes: opts.maxBytes });
  const month = invoiceMonth(file, given);
  const from = firstDay(month);
  const to = lastDay(month);
  if (to < p.coverageStart || from > p.coverageEnd) {
    throw new UserError('invalid', 'month_outside_programme', {
      id: `Program ${p.code} tidak mencakup bulan ${month} (masa perlindungan ${p.coverageStart} s.d. ${p.coverageEnd}); tagihan ini bukan untuk program ini.`,
      en: `Programme ${p.code} does not cover ${month} (coverage ${p.coverageStart} to ${p.coverageEnd}); this invoice is not for this programme.`,
    });
  }
  const [bill] = await tx.query<{ id: number; amount: number; area_code: string }>(
    `SELECT id, amount, area_code FROM bill WHERE programme_id = $1 AND month = $2 AND status <> 'cancelled'`,
    [p.id, from],
  );
  if (!bill) {
    throw new UserError('invalid', 'month_not_billed', {
      id: `Bulan ${formatMonth(month, 'id')} program ${p.code} belum ditagih oleh kami, jadi tagihan BPJS belum bisa dicocokkan. Hitung tagihan bulan itu dulu: \`lindung billing run --programme ${p.code} --month ${month}\` (atau POST /api/programmes/${p.code}/bills), lalu impor tagihan BPJS lagi.`,
      en: `${formatMonth(month, 'en')} of programme ${p.code} is not billed yet, so BPJS's invoice cannot be compared. Compute that month's bill first: \`lindung billing run --programme ${p.code} --month ${month}\` (or POST /api/programmes/${p.code}/bills), then import BPJS's invoice again.`,
    }, { month });
  }
  const [same] = await tx.query<{ id: number }>(`SELECT id FROM invoice WHERE programme_id = $1 AND file_sha256 = $2 AND status <> 'withdrawn'`, [p.id, file.sha256]);
  if (same) throw invoiceTwice(same.id);
  const [taken] = await tx.query<{ id: number; file_name: string | null }>(
    `SELECT id, file_name FROM invoice WHERE programme_id = $1 AND month = $2 AND status <> 'withdrawn'`,
    [p.id, from],
  );
  if (taken) {
    throw new UserError('conflict', 'invoice_month_taken', {
      id: `Bulan ${formatMonth(month, 'id')} program ${p.code} sudah punya tagihan BPJS #${taken.id}${taken.file_name ? ` (${taken.file_name})` : ''}. Bila berkas ini penggantinya, tarik tagihan #${taken.id} dulu dengan alasannya.`,
      en: `${formatMonth(month, 'en')} of programme ${p.code} already has BPJS invoice #${taken.id}${taken.file_name ? ` (${taken.file_name})` : ''}. If this file replaces it, withdraw invoice #${taken.id} first, with the reason.`,
    }, { invoiceId: taken.id });
  }

  // Hash joins over a million rows mostly in memory rather than spilled to disk; several of them
  // live at once in one plan, and PGlite's memory is the process's (the 1 GB budget).
  await tx.exec(`SET LOCAL work_mem = '32MB'`);
  await tx.exec('CREATE TEMP TABLE invoice_in (line_no int, kpj text, nik text, full_name text, amount bigint) ON COMMIT DROP');
  // PGlite reads COPY data as a server file, which the area-limited role may not: the file's own
  // lines go into this transaction's own temporary table as the session's owner, and nothing else.
  const [who] = await tx.query<{ role: string }>('SELECT current_user AS role');
  const limited = who?.role === 'lindung_user';
  let count = 0;
  let total = 0;
  let buffer: string[] = [];
  const flush = async () => {
    if (buffer.length === 0) return;
    if (limited) await tx.exec('SET LOCAL ROLE NONE');
    try {
      await tx.copyFrom(`COPY invoice_in FROM STDIN (FORMAT csv, NULL '')`, `${buffer.join('\n')}\n`);
    } finally {
      if (limited) await tx.exec('SET LOCAL ROLE lindung_user');
    }
    buffer = [];
  };
  for await (const chunk of file.lines()) {
    for (const l of chunk) {
      buffer.push(`${l.lineNo},${copyField(l.kpj)},${copyField(l.nik)},${copyField(l.name)},${l.amount}`);
      count++;
      total += l.amount;
    }
    if (buffer.length >= COPY_LINES) await flush();
  }
  await flush();
  if (file.totalRow && file.totalRow.amount !== total && file.problems.length === 0) {
    file.problems.push({
      id: `baris ${file.totalRow.lineNo}: jumlah tertulis ${formatRupiah(file.totalRow.amount, 'id')}, tetapi baris-barisnya berjumlah ${formatRupiah(total, 'id')} (berkas terpotong atau diubah?)`,
      en: `line ${file.totalRow.lineNo}: the total says ${formatRupiah(file.totalRow.amount, 'en')}, but the lines add up to ${formatRupiah(total, 'en')} (a cut or edited file?)`,
    });
  }
  if (file.problems.length) {
    const more = file.moreProblems ? { id: `; dan ${file.moreProblems} lagi`, en: `; and ${file.moreProblems} more` } : { id: '', en: '' };
    throw new UserError('invalid', 'invoice_unreadable', {
      id: `Tagihan BPJS tidak diimpor (tidak ada yang berubah): ${file.problems.slice(0, 30).map((x) => x.id).join('; ')}${file.problems.length > 30 ? `; dan ${file.problems.length - 30} lagi` : ''}${more.id}. Minta BPJS memperbaiki berkasnya.`,
      en: `BPJS's invoice was not imported (nothing changed): ${file.problems.slice(0, 30).map((x) => x.en).join('; ')}${file.problems.length > 30 ? `; and ${file.problems.length - 30} more` : ''}${more.en}. Ask BPJS to correct the file.`,
    }, { problems: file.problems.map((x) => x.en), moreProblems: file.moreProblems });
  }
  if (count === 0) {
    throw new UserError('invalid', 'invoice_empty', {
      id: 'Tagihan BPJS tidak berisi satu baris peserta pun di bawah baris judul kolom.',
      en: 'BPJS\'s invoice has no participant line under its row of column titles.',
    });
  }
  await tx.exec('ANALYZE invoice_in');

  const number = (opts.number?.trim() || file.control.number?.trim() || null)?.slice(0, 100) ?? null;
  const fileName = (opts.fileName ?? path.basename(filePath)).slice(0, 200);
  let id: number;
  try {
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO invoice (programme_id, month, bill_id, invoice_number, file_name, file_sha256, lines, amount, area_code, created_by_label)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
      [p.id, from, bill.id, number, fileName, file.sha256, count, total, bill.area_code, label],
    );
    id = row!.id;
  } catch (e) {
    // Two uploads of the same file at the same moment: the index decides.
    if (e instanceof DbError && e.code === '23505' && e.constraint === 'invoice_once') throw invoiceTwice(null);
    throw e;
  }
  const findings = await bulk(tx, async () => {
    await tx.query(CLASSIFY, [id, bill.id, p.id, from, to]);
    return countFindings(tx, id, bill.id);
  });
  await tx.query('UPDATE invoice SET findings = $2 WHERE id = $1', [id, JSON.stringify(findings)]);
  return { ...(await getInvoice(tx, id)), warnings: file.warnings };
}

function invoiceTwice(id: number | null): UserError {
  return new UserError('conflict', 'invoice_twice', {
    id: `Berkas tagihan ini sudah pernah diimpor${id ? ` (tagihan #${id})` : ''}. Berkas yang sama tidak diimpor dua kali; bila tagihan itu salah, tarik dulu lalu impor berkas perbaikannya.`,
    en: `This invoice file was already imported${id ? ` (invoice #${id})` : ''}. The same file is not imported twice; if that invoice was wrong, withdraw it first and import the corrected file.`,
  }, id ? { invoiceId: id } : {});
}

/**
 * Statements over every line of an invoice and of a bill: hash joins, whatever the statistics say.
 * PGlite has no autovacuum, so a bill's million fresh lines have no statistics, and a nested loop
 * chosen for "a few rows" would run for minutes.
 */
async function bulk<T>(tx: Queryable, fn: () => Promise<T>): Promise<T> {
  await tx.exec('SET LOCAL enable_nestloop = off');
  try {
    return await fn();
  } finally {
    await tx.exec('SET LOCAL enable_nestloop = on');
  }
}

async function countFindings(tx: Queryable, invoiceId: number, billId: number): Promise<Findings> {
  const out = emptyFindings();
  const rows = await tx.query<{ finding: LineFinding; lines: number; amount: number; expected: number }>(
    `SELECT finding, count(*)::int AS lines, coalesce(sum(amount), 0)::bigint AS amount, coalesce(sum(expected_amount), 0)::bigint AS expected
       FROM invoice_line WHERE invoice_id = $1 GROUP BY finding`,
    [invoiceId],
  );
  for (const r of rows) out[r.finding] = { lines: r.lines, amount: r.amount, expected: r.expected };
  // Each person on our bill is matched by at most one line (a second one is a duplicate_line), so
  // the people left out are those on the bill less those matched: no anti-join over a million lines.
  const [bill] = await tx.query<{ people: number; amount: number }>(
    `SELECT count(*)::int AS people, coalesce(sum(o.amount), 0)::bigint AS amount FROM (${ours('$1')}) o`,
    [billId],
  );
  const matched = { lines: out.match.lines + out.amount_differs.lines, expected: out.match.expected + out.amount_differs.expected };
  out.active_not_billed = { lines: (bill?.people ?? 0) - matched.lines, amount: 0, expected: (bill?.amount ?? 0) - matched.expected };
  return out;
}

const SUMMARY = `SELECT i.id, p.code AS "programmeCode", p.name AS "programmeName", p.funder_name AS "funderName", to_char(i.month, 'YYYY-MM') AS month,
    i.invoice_number AS number, i.file_name AS "fileName", i.file_sha256 AS sha256, i.lines, i.amount, i.bill_id AS "billId",
    b.amount AS "billAmount", b.persons AS "billPersons", i.findings, i.status, i.created_by_label AS "createdBy", i.created_at AS "createdAt",
    i.withdrawn_at AS "withdrawnAt", i.withdrawn_by_label AS "withdrawnBy", i.withdrawal_reason AS "withdrawalReason"
  FROM invoice i JOIN programme p ON p.id = i.programme_id JOIN bill b ON b.id = i.bill_id`;

type SummaryRow = Omit<InvoiceSummary, 'findings' | 'difference' | 'createdAt' | 'withdrawnAt'> & { findings: unknown; createdAt: Date | string; withdrawnAt: Date | string | null };

const iso = (v: Date | string | null): string | null => (v === null ? null : v instanceof Date ? v.toISOString() : String(v));

function summaryOf(r: SummaryRow): InvoiceSummary {
  return {
    ...r,
    findings: readFindings(r.findings),
    difference: r.amount - r.billAmount,
    createdAt: iso(r.createdAt)!,
    withdrawnAt: iso(r.withdrawnAt),
  };
}

export async function getInvoice(tx: Queryable, id: number): Promise<InvoiceSummary> {
  const [r] = await tx.query<SummaryRow>(`${SUMMARY} WHERE i.id = $1`, [id]);
  if (!r) throw new UserError('not_found', 'invoice_unknown', { id: `Tagihan BPJS #${id} tidak ada (atau di luar wilayah Anda).`, en: `There is no BPJS invoice #${id} (or it is outside your area).` });
  return summaryOf(r);
}

export async function listInvoices(tx: Queryable, p: Programme): Promise<InvoiceSummary[]> {
  const rows = await tx.query<SummaryRow>(`${SUMMARY} WHERE i.programme_id = $1 ORDER BY i.month DESC, i.id DESC`, [p.id]);
  return rows.map(summaryOf);
}

/** Withdraws an invoice (a wrong file, a corrected one coming): kept with its lines, recorded in history. */
export async function withdrawInvoice(tx: Queryable, id: number, reason: string, label: string): Promise<InvoiceSummary> {
  const inv = await getInvoice(tx, id);
  const why = reason.trim();
  if (!why) throw new UserError('invalid', 'reason_missing', { id: 'Tulis alasan penarikan tagihan.', en: 'Give the reason for withdrawing the invoice.' });
  if (inv.status === 'withdrawn') {
    throw new UserError('conflict', 'invoice_withdrawn', {
      id: `Tagihan BPJS #${id} sudah ditarik pada ${inv.withdrawnAt?.slice(0, 10)} oleh ${inv.withdrawnBy} ("${inv.withdrawalReason}").`,
      en: `BPJS invoice #${id} was already withdrawn on ${inv.withdrawnAt?.slice(0, 10)} by ${inv.withdrawnBy} ("${inv.withdrawalReason}").`,
    });
  }
  await tx.query(`UPDATE invoice SET status = 'withdrawn', withdrawn_at = now(), withdrawn_by_label = $2, withdrawal_reason = $3 WHERE id = $1`, [id, label, why.slice(0, 500)]);
  return getInvoice(tx, id);
}

// ---------------------------------------------------------------------------
// The lines behind each finding, for the screen and the report

export interface FindingLine {
  finding: Finding;
  /** The line in BPJS's file; null for active_not_billed (not on the invoice). */
  lineNo: number | null;
  kpj: string | null;
  nik: string | null;
  name: string | null;
  amount: number | null;
  expected: number | null;
  membership: { state: string; effectiveDate: string | null; endedOn: string | null; endedReason: string | null; lapsedOn: string | null } | null;
  otherProgramme: { code: string; funderName: string } | null;
  firstLine: number | null;
  conflicting: boolean;
  /** Paging key: the line number, or the membership for active_not_billed. */
  key: number;
}

interface LineRow {
  line_no: number;
  kpj: string | null;
  nik: string | null;
  full_name: string | null;
  amount: number;
  expected_amount: number | null;
  membership_id: number | null;
  state: string | null;
  effective_date: string | null;
  ended_on: string | null;
  ended_reason: string | null;
  lapsed_on: string | null;
  programme_code: string | null;
  funder_name: string | null;
}

/**
 * One page of the lines with a finding, in file order after `after` (a line number, or for
 * active_not_billed a membership id). Keyset paging: a report of a million lines reads them in
 * pages without holding them.
 */
export async function findingLines(tx: Queryable, invoice: Pick<InvoiceSummary, 'id' | 'billId'>, finding: Finding, after: number, limit: number): Promise<FindingLine[]> {
  if (finding === 'active_not_billed') {
    const rows = await bulk(tx, () => tx.query<{ membership_id: number; kpj: string | null; nik: string; full_name: string; amount: number }>(
      `WITH o AS (${ours('$1')})
       SELECT o.membership_id, m.kpj, p.nik, p.full_name, o.amount
         FROM o JOIN membership m ON m.id = o.membership_id JOIN person p ON p.id = o.person_id
        WHERE o.membership_id > $3 AND ${NOT_ON_INVOICE}
        ORDER BY o.membership_id LIMIT $4`,
      [invoice.billId, invoice.id, after, limit],
    ));
    return rows.map((r) => ({
      finding, lineNo: null, kpj: r.kpj, nik: r.nik, name: r.full_name, amount: null, expected: r.amount,
      membership: null, otherProgramme: null, firstLine: null, conflicting: false, key: r.membership_id,
    }));
  }
  const rows = await tx.query<LineRow>(
    `SELECT l.line_no, l.kpj, l.nik, l.full_name, l.amount, l.expected_amount, l.membership_id,
            m.state, m.effective_date, m.ended_on, m.ended_reason, m.lapsed_on, op.code AS programme_code, op.funder_name
       FROM invoice_line l LEFT JOIN membership m ON m.id = l.membership_id LEFT JOIN programme op ON op.id = m.programme_id
      WHERE l.invoice_id = $1 AND l.finding = $2 AND l.line_no > $3
      ORDER BY l.line_no LIMIT $4`,
    [invoice.id, finding, after, limit],
  );
  const firsts = new Map<string, number>();
  const conflicts = new Set<number>();
  const keyOf = (r: { membership_id: number | null; kpj: string | null; nik: string | null }) => (r.membership_id !== null ? `m${r.membership_id}` : r.kpj !== null ? `k${r.kpj}` : `n${r.nik}`);
  if (finding === 'duplicate_line' && rows.length) {
    const found = await tx.query<{ k: string; first: number }>(
      `SELECT coalesce('m' || l.membership_id, 'k' || l.kpj, 'n' || l.nik) AS k, min(l.line_no) AS first
         FROM invoice_line l
        WHERE l.invoice_id = $1 AND l.finding <> 'duplicate_line' AND coalesce('m' || l.membership_id, 'k' || l.kpj, 'n' || l.nik) = ANY($2::text[])
        GROUP BY 1`,
      [invoice.id, [...new Set(rows.map(keyOf))]],
    );
    for (const f of found) firsts.set(f.k, f.first);
  }
  if (finding === 'unknown' && rows.length) {
    const found = await tx.query<{ line_no: number }>(
      `SELECT l.line_no FROM invoice_line l
        WHERE l.invoice_id = $1 AND l.line_no = ANY($2::int[])
          AND EXISTS (SELECT 1 FROM membership m JOIN person n ON n.nik = l.nik WHERE m.kpj = l.kpj AND m.person_id <> n.id)`,
      [invoice.id, rows.map((r) => r.line_no)],
    );
    for (const f of found) conflicts.add(f.line_no);
  }
  return rows.map((r) => ({
    finding,
    lineNo: r.line_no,
    kpj: r.kpj,
    nik: r.nik,
    name: r.full_name,
    amount: r.amount,
    expected: r.expected_amount,
    membership: finding === 'billed_not_active' && r.state !== null
      ? { state: r.state, effectiveDate: r.effective_date, endedOn: r.ended_on, endedReason: r.ended_reason, lapsedOn: r.lapsed_on }
      : null,
    otherProgramme: finding === 'other_funder' && r.programme_code ? { code: r.programme_code, funderName: r.funder_name ?? '' } : null,
    firstLine: finding === 'duplicate_line' ? (firsts.get(keyOf(r)) ?? null) : null,
    conflicting: conflicts.has(r.line_no),
    key: r.line_no,
  }));
}

/** Every line of a finding, page by page. */
export async function* allFindingLines(tx: Queryable, invoice: Pick<InvoiceSummary, 'id' | 'billId'>, finding: Finding, pageSize = 5_000): AsyncGenerator<FindingLine[]> {
  let after = 0;
  for (;;) {
    const page = await findingLines(tx, invoice, finding, after, pageSize);
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!.key;
    if (page.length < pageSize) return;
  }
}

/** The first lines of every finding with any (for the screen and the API summary). */
export async function findingSamples(tx: Queryable, invoice: InvoiceSummary, perFinding: number): Promise<Partial<Record<Finding, FindingLine[]>>> {
  const out: Partial<Record<Finding, FindingLine[]>> = {};
  for (const f of FINDINGS) {
    if (invoice.findings[f].lines > 0) out[f] = await findingLines(tx, invoice, f, 0, perFinding);
  }
  return out;
}
