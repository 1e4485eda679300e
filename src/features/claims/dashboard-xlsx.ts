/**
 * The claims dashboard as an Indonesian XLSX: the summary (headline figures, by status, by type),
 * per regency, the time to payment, the overdue claims and every claim under the filter. Numbers
 * stay numbers (sums and filters work in Excel); rupiah carry the rupiah number format. Names of
 * members only — no NIK, no account numbers.
 */
import ExcelJS from 'exceljs';
import { formatDate } from '../../domain/billing.js';
import { CLAIM_STATUS_LABEL, CLAIM_TYPE_LABEL, TALLY_COLUMNS, percent, type ClaimTally } from '../../domain/claim-dashboard.js';
import type { Message } from '../../domain/messages.js';
import { COUNT_FORMAT, RUPIAH_FORMAT } from '../enrollment/summary-xlsx.js';
import type { ClaimListItem, ClaimsDashboard, NormalFilter } from './dashboard.js';

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const LATE_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFDE2E1' } };
const DATE_FORMAT = 'dd/mm/yyyy';

/** The filter in words: "Semua program · Kabupaten Ende · JKM — kematian · kejadian 1 Januari 2025 s.d. 31 Desember 2025". */
export function filterText(f: NormalFilter, regencyNames: Record<string, string>, lang: 'id' | 'en' = 'id'): string {
  const id = lang === 'id';
  const parts = [
    f.programme ? `${id ? 'Program' : 'Programme'} ${f.programme}` : id ? 'Semua program' : 'All programmes',
    f.regency ? (regencyNames[f.regency] ?? f.regency) : id ? 'semua kabupaten/kota di wilayah Anda' : 'every regency of your area',
    f.type ? CLAIM_TYPE_LABEL[f.type][lang] : id ? 'semua jenis klaim' : 'every claim type',
  ];
  if (f.from || f.to) {
    const from = f.from ? formatDate(f.from, lang) : '…';
    const to = f.to ? formatDate(f.to, lang) : '…';
    parts.push(`${id ? 'kejadian' : 'events'} ${from} ${id ? 's.d.' : 'to'} ${to}`);
  }
  return parts.join(' · ');
}

/** A date cell: a real Excel date (UTC midnight), so Excel sorts and filters it as a date. */
const asDate = (d: string | null) => (d ? new Date(`${d}T00:00:00Z`) : null);

function headerRow(ws: ExcelJS.Worksheet, at: number, values: string[]): void {
  const row = ws.getRow(at);
  row.values = values;
  row.font = { bold: true };
  row.alignment = { wrapText: true, vertical: 'middle' };
  row.eachCell((c) => (c.fill = HEADER_FILL));
}

function tallyCells(t: ClaimTally): (number | null)[] {
  return TALLY_COLUMNS.map((c) => {
    const v = c.value(t);
    return c.kind === 'percent' && v !== null ? v / 100 : v;
  });
}

function formatTallyColumns(ws: ExcelJS.Worksheet, firstCol: number): void {
  TALLY_COLUMNS.forEach((c, i) => {
    const col = ws.getColumn(firstCol + i);
    col.numFmt = c.kind === 'money' ? RUPIAH_FORMAT : c.kind === 'percent' ? '0%' : c.kind === 'days' ? '0.#' : COUNT_FORMAT;
    col.width = c.kind === 'money' ? 18 : 13;
  });
}

function title(ws: ExcelJS.Worksheet, text: string, d: ClaimsDashboard, width: number): number {
  ws.getCell(1, 1).value = text;
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  ws.getCell(2, 1).value = `Per ${formatDate(d.asOf, 'id')} · ${filterText(d.filter, d.regencyNames)}`;
  ws.getCell(3, 1).value = `Batas waktu layanan (SLA): ${d.slaDays} hari kerja sejak berkas lengkap. Terlambat: berkas lengkap, diajukan atau disetujui, dan batas waktunya sudah lewat.`;
  ws.getCell(3, 1).font = { italic: true, color: { argb: 'FF555555' } };
  for (const r of [1, 2, 3]) ws.mergeCells(r, 1, r, Math.max(2, width));
  return 5;
}

const label = (m: Message) => m.id;

export async function claimsDashboardXlsx(d: ClaimsDashboard, claims: readonly ClaimListItem[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Lindung';
  wb.title = 'Dasbor klaim';
  const page = { orientation: 'landscape' as const, paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 };

  // Summary: headline figures, by status, by type.
  const sum = wb.addWorksheet('Ringkasan', { pageSetup: page });
  let at = title(sum, 'Dasbor Klaim Jaminan Sosial Ketenagakerjaan', d, TALLY_COLUMNS.length + 1);
  const t = d.total;
  const headline: [string, number | null, string][] = [
    ['Klaim terdaftar', t.claims, COUNT_FORMAT],
    ['Dalam proses', t.open, COUNT_FORMAT],
    ['Terlambat (melewati SLA)', t.overdue, COUNT_FORMAT],
    ['Masih dalam SLA', t.onTime, COUNT_FORMAT],
    ['Dibayar', t.paid, COUNT_FORMAT],
    ['Nilai disetujui (Rp)', t.approvedAmount, RUPIAH_FORMAT],
    ['Nilai dibayar (Rp)', t.paidAmount, RUPIAH_FORMAT],
    ['Dikonfirmasi bank (Rp)', t.confirmedAmount, RUPIAH_FORMAT],
    ['Rata-rata hari kerja sampai dibayar', t.timeToPayment.averageDays, '0.0'],
    ['Median hari kerja sampai dibayar', t.timeToPayment.medianDays, '0'],
    ['Dibayar dalam SLA', percent(t.timeToPayment.withinSla, t.timeToPayment.paid) === null ? null : t.timeToPayment.withinSla / t.timeToPayment.paid, '0%'],
  ];
  for (const [k, v, fmt] of headline) {
    sum.getCell(at, 1).value = k;
    const c = sum.getCell(at, 2);
    c.value = v;
    c.numFmt = fmt;
    at++;
  }
  at++;
  headerRow(sum, at, ['Status', 'Klaim', 'Hak menurut aturan (Rp)', 'Nilai disetujui (Rp)']);
  at++;
  for (const s of d.byStatus) {
    sum.getRow(at).values = [label(CLAIM_STATUS_LABEL[s.status]), s.count, s.entitledAmount, s.approvedAmount];
    sum.getCell(at, 2).numFmt = COUNT_FORMAT;
    sum.getCell(at, 3).numFmt = RUPIAH_FORMAT;
    sum.getCell(at, 4).numFmt = RUPIAH_FORMAT;
    at++;
  }
  at++;
  headerRow(sum, at, ['Jenis klaim', ...TALLY_COLUMNS.map((c) => (c.kind === 'money' ? `${label(c.label)} (Rp)` : label(c.label)))]);
  at++;
  const typeStart = at;
  for (const r of d.byType) {
    sum.getRow(at).values = [label(CLAIM_TYPE_LABEL[r.type]), ...tallyCells(r)];
    at++;
  }
  sum.getRow(at).values = ['Jumlah', ...tallyCells(d.total)];
  sum.getRow(at).font = { bold: true };
  TALLY_COLUMNS.forEach((c, i) => {
    for (let r = typeStart; r <= at; r++) sum.getCell(r, i + 2).numFmt = c.kind === 'money' ? RUPIAH_FORMAT : c.kind === 'percent' ? '0%' : c.kind === 'days' ? '0.#' : COUNT_FORMAT;
  });
  sum.getColumn(1).width = 42;
  for (let i = 2; i <= TALLY_COLUMNS.length + 1; i++) sum.getColumn(i).width = 16;

  // Per regency.
  const reg = wb.addWorksheet('Per kabupaten', { views: [{ state: 'frozen', ySplit: 5 }], pageSetup: page });
  at = title(reg, 'Klaim per Kabupaten/Kota', d, TALLY_COLUMNS.length + 2);
  headerRow(reg, at, ['Kode', 'Kabupaten/Kota', ...TALLY_COLUMNS.map((c) => (c.kind === 'money' ? `${label(c.label)} (Rp)` : label(c.label)))]);
  at++;
  for (const r of d.regencies) {
    reg.getRow(at).values = [r.regencyCode, r.regencyName, ...tallyCells(r)];
    at++;
  }
  reg.getRow(at).values = ['', 'Jumlah', ...tallyCells(d.total)];
  reg.getRow(at).font = { bold: true };
  formatTallyColumns(reg, 3);
  reg.getColumn(1).width = 8;
  reg.getColumn(2).width = 26;

  // Time to payment.
  const ttp = wb.addWorksheet('Waktu pembayaran', { pageSetup: page });
  at = title(ttp, 'Waktu dari Berkas Lengkap sampai Dibayar (hari kerja)', d, 4);
  headerRow(ttp, at, ['Hari kerja', 'Klaim', 'Dalam SLA']);
  at++;
  for (const b of d.paymentBuckets) {
    ttp.getRow(at).values = [b.label.id, b.count, b.withinSla ? 'ya' : 'tidak'];
    at++;
  }
  at++;
  headerRow(ttp, at, ['Hari kerja (tepat)', 'Klaim']);
  at++;
  for (const h of d.paymentDays) {
    ttp.getRow(at).values = [h.days, h.count];
    at++;
  }
  ttp.getColumn(1).width = 28;
  ttp.getColumn(2).width = 12;
  ttp.getColumn(2).numFmt = COUNT_FORMAT;
  ttp.getColumn(3).width = 12;

  // Overdue and the full list share their columns.
  const listHeader = ['No. klaim', 'Jenis', 'Status', 'Nama peserta', 'Kabupaten/Kota', 'Desa/Kelurahan', 'Program', 'Tanggal kejadian', 'Berkas lengkap', 'Batas SLA', 'Dibayar', 'Hari kerja sampai dibayar', 'Hari kerja terlambat', 'Hak (Rp)', 'Disetujui (Rp)'];
  const listRow = (c: ClaimListItem) => [
    c.claimNo, label(CLAIM_TYPE_LABEL[c.type]), label(CLAIM_STATUS_LABEL[c.status]), c.fullName ?? '—', c.regencyName, c.villageName ?? c.villageCode, c.programmeCode ?? '—',
    asDate(c.eventDate), asDate(c.documentsCompleteOn), asDate(c.slaDue), asDate(c.paidOn), c.workingDaysToPay, c.workingDaysLate, c.entitledAmount, c.approvedAmount,
  ];
  const listSheet = (name: string, heading: string, items: readonly ClaimListItem[], mark: boolean) => {
    const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 5 }], pageSetup: page });
    let r = title(ws, heading, d, listHeader.length);
    headerRow(ws, r, listHeader);
    ws.autoFilter = { from: { row: r, column: 1 }, to: { row: r, column: listHeader.length } };
    r++;
    for (const c of items) {
      const row = ws.getRow(r);
      row.values = listRow(c);
      if (mark && c.workingDaysLate !== null) row.eachCell((cell) => (cell.fill = LATE_FILL));
      r++;
    }
    [16, 30, 22, 28, 22, 22, 14, 12, 12, 12, 12, 12, 12, 16, 16].forEach((w, i) => (ws.getColumn(i + 1).width = w));
    for (const col of [8, 9, 10, 11]) ws.getColumn(col).numFmt = DATE_FORMAT;
    ws.getColumn(14).numFmt = RUPIAH_FORMAT;
    ws.getColumn(15).numFmt = RUPIAH_FORMAT;
  };
  const overdue = claims.filter((c) => c.workingDaysLate !== null).sort((a, b) => (a.slaDue! < b.slaDue! ? -1 : a.slaDue! > b.slaDue! ? 1 : a.claimNo.localeCompare(b.claimNo)));
  listSheet('Terlambat', `Klaim Terlambat (${overdue.length})`, overdue, false);
  listSheet('Daftar klaim', `Daftar Klaim (${claims.length})`, claims, true);

  return Buffer.from(await wb.xlsx.writeBuffer());
}
