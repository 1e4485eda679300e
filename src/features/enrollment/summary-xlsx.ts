/**
 * The programme summary as an Indonesian XLSX: a title block (programme, date, source), one row
 * per regency and a total row. Numbers stay numbers (sums and filters work in Excel) and rupiah
 * carry a rupiah number format, which Indonesian Excel shows as Rp10.080.000.000.
 */
import ExcelJS from 'exceljs';
import { formatDate } from '../../domain/billing.js';
import type { SummaryTotal } from '../../domain/summary.js';
import { SUMMARY_COLUMNS, summarySource, type ProgrammeSummary } from './summary.js';

export const RUPIAH_FORMAT = '"Rp"#,##0';
export const COUNT_FORMAT = '#,##0';
const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
/** The sheet's first table row (title block above it). */
export const HEADER_ROW = 5;

export async function summaryXlsx(s: ProgrammeSummary): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Lindung';
  wb.title = `Ringkasan ${s.programme.code}`;
  const ws = wb.addWorksheet('Ringkasan', { views: [{ state: 'frozen', ySplit: HEADER_ROW }], pageSetup: { orientation: 'landscape', paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0 } });
  const width = SUMMARY_COLUMNS.length + 2;

  ws.getCell(1, 1).value = `Ringkasan Program ${s.programme.code} per Kabupaten/Kota — ${s.programme.name}`;
  ws.getCell(1, 1).font = { bold: true, size: 14 };
  ws.getCell(2, 1).value = `Per ${formatDate(s.asOf, 'id')} · Pendana: ${s.programme.funderName} · Tahun anggaran ${s.programme.fiscalYear} · Masa perlindungan ${formatDate(s.programme.coverageStart, 'id')} s.d. ${formatDate(s.programme.coverageEnd, 'id')}`;
  ws.getCell(3, 1).value = summarySource(s).id;
  ws.getCell(3, 1).font = { italic: true, color: { argb: 'FF555555' } };
  for (const r of [1, 2, 3]) ws.mergeCells(r, 1, r, width);

  const header = ws.getRow(HEADER_ROW);
  header.values = ['Kode', 'Kabupaten/Kota', ...SUMMARY_COLUMNS.map((c) => (c.money ? `${c.label.id} (Rp)` : c.label.id))];
  header.font = { bold: true };
  header.alignment = { wrapText: true, vertical: 'middle' };
  header.eachCell((c) => (c.fill = HEADER_FILL));

  const cellsOf = (r: SummaryTotal) => SUMMARY_COLUMNS.map((c) => r[c.key]);
  let at = HEADER_ROW + 1;
  for (const r of s.regencies) {
    ws.getRow(at).values = [r.regencyCode, r.regencyName, ...cellsOf(r)];
    at++;
  }
  if (s.unallocated && (s.unallocated.billed !== 0 || s.unallocated.paid !== 0)) {
    ws.getRow(at).values = ['', 'Tagihan tanpa rincian per kabupaten/kota', ...SUMMARY_COLUMNS.map((c) => (c.money ? s.unallocated![c.key as 'billed' | 'paid' | 'outstanding'] : null))];
    ws.getRow(at).font = { italic: true };
    at++;
  }
  const total = ws.getRow(at);
  total.values = ['', 'Jumlah', ...cellsOf(s.total)];
  total.font = { bold: true };
  total.border = { top: { style: 'thin' } } as ExcelJS.Borders;

  SUMMARY_COLUMNS.forEach((c, i) => {
    const col = ws.getColumn(i + 3);
    col.numFmt = c.money ? RUPIAH_FORMAT : COUNT_FORMAT;
    col.width = c.money ? 20 : 12;
  });
  ws.getColumn(1).width = 8;
  ws.getColumn(2).width = 30;
  if (!s.moneyVisible) {
    ws.getCell(at + 2, 1).value = 'Kolom uang kosong: tagihan dan pembayaran program ini hanya terlihat oleh wilayah pendana.';
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
