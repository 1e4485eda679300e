/**
 * The reconciliation report sent back to BPJS: XLSX with a summary sheet (per finding: lines,
 * BPJS's amount, ours, the difference; bill total against invoice total, in rupiah written the
 * Indonesian way) and one sheet per finding with its lines and why; or one CSV of the lines.
 *
 * Written with ExcelJS's streaming writer from keyset pages of the lines: a million-line invoice
 * never sits in memory.
 */
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import type { Queryable } from '../../db/types.js';
import { formatMonth } from '../../domain/billing.js';
import type { Lang, Message } from '../../domain/messages.js';
import { formatRupiah } from '../../domain/money.js';
import { differences, explainLine, FINDING_HELP, FINDING_LABELS, FINDINGS, type Finding } from '../../domain/reconciliation.js';
import { allFindingLines, type FindingLine, type InvoiceSummary } from './reconcile.js';

export interface ReportOptions {
  lang?: Lang;
  /** How NIKs are shown (masked for roles that may not see them). */
  nik?: (nik: string) => string;
  /** Leave out the lines that match (a smaller file for a large invoice). */
  differencesOnly?: boolean;
}

/** Sheet names (Excel: at most 31 characters, no / \ ? * [ ]). */
export const SHEET_NAMES: Readonly<Record<Finding | 'summary', Message>> = {
  summary: { id: 'Ringkasan', en: 'Summary' },
  match: { id: 'Cocok', en: 'Match' },
  amount_differs: { id: 'Iuran berbeda', en: 'Amount differs' },
  billed_not_active: { id: 'Ditagih tidak aktif', en: 'Billed not active' },
  other_funder: { id: 'Pendana lain', en: 'Other funder' },
  unknown: { id: 'Tidak dikenal', en: 'Unknown' },
  duplicate_line: { id: 'Baris ganda', en: 'Duplicate line' },
  active_not_billed: { id: 'Aktif tidak ditagih', en: 'Active not billed' },
};

const COLUMNS: readonly { key: string; title: Message; width: number }[] = [
  { key: 'line', title: { id: 'Baris di berkas BPJS', en: 'Line in BPJS file' }, width: 12 },
  { key: 'kpj', title: { id: 'KPJ', en: 'KPJ' }, width: 16 },
  { key: 'nik', title: { id: 'NIK', en: 'NIK' }, width: 20 },
  { key: 'name', title: { id: 'Nama', en: 'Name' }, width: 30 },
  { key: 'amount', title: { id: 'Iuran ditagih BPJS', en: 'Billed by BPJS' }, width: 16 },
  { key: 'expected', title: { id: 'Iuran menurut kami', en: 'Ours' }, width: 16 },
  { key: 'difference', title: { id: 'Selisih', en: 'Difference' }, width: 14 },
  { key: 'why', title: { id: 'Keterangan', en: 'Explanation' }, width: 60 },
];

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const AMOUNT_FORMAT = '#,##0';

function lineValues(l: FindingLine, invoice: InvoiceSummary, lang: Lang, nik: (v: string) => string): (string | number | null)[] {
  const amount = l.amount ?? 0;
  const expected = l.expected ?? 0;
  return [
    l.lineNo,
    l.kpj,
    l.nik === null ? null : nik(l.nik),
    l.name,
    l.amount,
    expected,
    amount - expected,
    explainLine({ ...l, month: invoice.month }, lang),
  ];
}

export async function writeInvoiceReport(tx: Queryable, invoice: InvoiceSummary, out: string, opts: ReportOptions = {}): Promise<void> {
  if (out.toLowerCase().endsWith('.csv')) return writeCsv(tx, invoice, out, opts);
  const lang = opts.lang ?? 'id';
  const nik = opts.nik ?? ((v: string) => v);
  const t = (m: Message) => m[lang];
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: out, useSharedStrings: false, useStyles: true });
  wb.creator = 'Lindung';

  const s = wb.addWorksheet(t(SHEET_NAMES.summary));
  s.columns = [{ width: 34 }, { width: 14 }, { width: 22 }, { width: 22 }, { width: 22 }, { width: 70 }];
  const f = invoice.findings;
  const facts: [Message, string | number][] = [
    [{ id: 'Program', en: 'Programme' }, `${invoice.programmeCode} — ${invoice.programmeName}`],
    [{ id: 'Pendana', en: 'Funder' }, invoice.funderName],
    [{ id: 'Bulan iuran', en: 'Contribution month' }, formatMonth(invoice.month, lang)],
    [{ id: 'Nomor tagihan BPJS', en: 'BPJS invoice number' }, invoice.number ?? '—'],
    [{ id: 'Berkas', en: 'File' }, invoice.fileName ?? '—'],
    [{ id: 'Tagihan BPJS (#)', en: 'BPJS invoice (#)' }, invoice.id],
    [{ id: 'Tagihan kami (#)', en: 'Our bill (#)' }, invoice.billId],
    [{ id: 'Status', en: 'Status' }, invoice.status === 'withdrawn' ? t({ id: `DITARIK: ${invoice.withdrawalReason}`, en: `WITHDRAWN: ${invoice.withdrawalReason}` }) : t({ id: 'Dicocokkan', en: 'Reconciled' })],
    [{ id: 'Diimpor oleh / pada', en: 'Imported by / at' }, `${invoice.createdBy} / ${invoice.createdAt.slice(0, 19).replace('T', ' ')} UTC`],
    [{ id: 'Baris tagihan BPJS', en: 'BPJS invoice lines' }, invoice.lines],
    [{ id: 'Peserta di tagihan kami', en: 'People on our bill' }, invoice.billPersons],
    [{ id: 'Total tagihan BPJS', en: 'BPJS invoice total' }, formatRupiah(invoice.amount)],
    [{ id: 'Total tagihan kami', en: 'Our bill total' }, formatRupiah(invoice.billAmount)],
    [{ id: 'Selisih (BPJS − kami)', en: 'Difference (BPJS − ours)' }, formatRupiah(invoice.difference)],
    [{ id: 'Baris yang perlu dijawab BPJS', en: 'Lines BPJS must answer' }, differences(f)],
  ];
  const title = s.addRow([t({ id: 'Rekonsiliasi tagihan iuran BPJS Ketenagakerjaan', en: 'Reconciliation of the BPJS Ketenagakerjaan contribution invoice' })]);
  title.font = { bold: true, size: 13 };
  title.commit();
  s.addRow([]).commit();
  for (const [k, v] of facts) s.addRow([t(k), v]).commit();
  s.addRow([]).commit();
  const head = s.addRow([
    t({ id: 'Temuan', en: 'Finding' }), t({ id: 'Baris', en: 'Lines' }), t({ id: 'Ditagih BPJS', en: 'Billed by BPJS' }),
    t({ id: 'Menurut kami', en: 'Ours' }), t({ id: 'Selisih', en: 'Difference' }), t({ id: 'Artinya', en: 'Meaning' }),
  ]);
  head.font = { bold: true };
  head.eachCell((c) => (c.fill = HEADER_FILL));
  head.commit();
  for (const k of FINDINGS) {
    const x = f[k];
    s.addRow([t(FINDING_LABELS[k]), x.lines, formatRupiah(x.amount), formatRupiah(x.expected), formatRupiah(x.amount - x.expected), t(FINDING_HELP[k])]).commit();
  }
  const sum = FINDINGS.reduce((a, k) => ({ lines: a.lines + (k === 'active_not_billed' ? 0 : f[k].lines), amount: a.amount + f[k].amount, expected: a.expected + f[k].expected }), { lines: 0, amount: 0, expected: 0 });
  const total = s.addRow([t({ id: 'Jumlah', en: 'Total' }), sum.lines, formatRupiah(sum.amount), formatRupiah(sum.expected), formatRupiah(sum.amount - sum.expected), '']);
  total.font = { bold: true };
  total.commit();
  await s.commit();

  for (const k of FINDINGS) {
    if (k === 'match' && opts.differencesOnly) continue;
    const sheet = wb.addWorksheet(t(SHEET_NAMES[k]), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = COLUMNS.map((c) => ({
      header: t(c.title), key: c.key, width: c.width,
      style: c.key === 'kpj' || c.key === 'nik' ? { numFmt: '@' } : c.key === 'amount' || c.key === 'expected' || c.key === 'difference' ? { numFmt: AMOUNT_FORMAT } : {},
    }));
    const h = sheet.getRow(1);
    h.font = { bold: true };
    h.eachCell((c) => (c.fill = HEADER_FILL));
    h.commit();
    if (f[k].lines > 0) {
      for await (const page of allFindingLines(tx, invoice, k)) {
        for (const l of page) sheet.addRow(lineValues(l, invoice, lang, nik)).commit();
      }
    }
    await sheet.commit();
  }
  await wb.commit();
}

async function writeCsv(tx: Queryable, invoice: InvoiceSummary, out: string, opts: ReportOptions): Promise<void> {
  const lang = opts.lang ?? 'id';
  const nik = opts.nik ?? ((v: string) => v);
  const cell = (v: string | number | null) => (v === null ? '' : typeof v === 'number' ? String(v) : `"${v.replace(/"/g, '""')}"`);
  const stream = fs.createWriteStream(out);
  const write = (text: string) => (stream.write(text) ? Promise.resolve() : new Promise<void>((r) => stream.once('drain', () => r())));
  try {
    await write(`\ufeff${[{ id: 'Temuan', en: 'Finding' }, ...COLUMNS.map((c) => c.title)].map((m) => cell(m[lang])).join(';')}\r\n`);
    for (const k of FINDINGS) {
      if ((k === 'match' && opts.differencesOnly) || invoice.findings[k].lines === 0) continue;
      for await (const page of allFindingLines(tx, invoice, k)) {
        await write(page.map((l) => [FINDING_LABELS[k][lang], ...lineValues(l, invoice, lang, nik)].map(cell).join(';')).join('\r\n') + '\r\n');
      }
    }
  } finally {
    await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
}
