/**
 * The batch report a village operator downloads to fix rejected rows and send them again.
 *
 * The first sheet is the uploaded table as it came in — the same column titles, the same values —
 * plus two columns saying what the check found. It can be corrected in place and uploaded again:
 * the two extra titles are not column titles `matchHeader` knows, so they are set aside as unknown
 * columns and the rest maps exactly like the original (tested). Each row is written on the row
 * number it had in the uploaded file, so "row 15" in a message, or in the operator's own copy, is
 * row 15 here too.
 *
 * Written with ExcelJS's streaming writer: rows go to disk as they come, so a 100,000-row batch
 * never sits in memory.
 */
import type { Stream } from 'node:stream';
import ExcelJS from 'exceljs';
import type { Lang, Message } from '../../domain/messages.js';
import { mapHeaders, type Field } from './headers.js';
import type { Cell } from './read-file.js';

export interface ReportRow {
  /** The row number in the uploaded file. */
  rowNo: number;
  cells: readonly Cell[];
  status: string;
  reasons: string;
}

export interface BatchReportInput {
  /** The header row of the uploaded file, as written there. */
  headers: readonly string[];
  /** In upload order (increasing `rowNo`). */
  rows: AsyncIterable<ReportRow> | Iterable<ReportRow>;
  lang: Lang;
  title?: string;
}

/** Titles of the two added columns. `matchHeader` maps neither of them (see the tests). */
export const REPORT_COLUMNS: Readonly<Record<'status' | 'reason', Message>> = {
  status: { id: 'Status Periksa', en: 'Check status' },
  reason: { id: 'Alasan', en: 'Reason' },
};

const SHEET_NAMES: Readonly<Record<'data' | 'summary', Message>> = {
  data: { id: 'Data', en: 'Data' },
  summary: { id: 'Ringkasan', en: 'Summary' },
};

/** Columns whose digits must stay text: Excel would round a 16-digit number. */
const TEXT_FIELDS: readonly Field[] = ['nik', 'kk', 'phone', 'bank_account', 'area_code'];
/** Excel's limit for the text in one cell. */
const MAX_CELL_TEXT = 32_767;

const HEADER_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDEBF7' } };
const ADDED_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
const PROBLEM_FILL: ExcelJS.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFCE4D6' } };

function clipText(s: string): string {
  return s.length > MAX_CELL_TEXT ? `${s.slice(0, MAX_CELL_TEXT - 1)}…` : s;
}

/** A number that stands for digits (an NIK Excel turned into a number) written back as those digits. */
function digits(n: number): string {
  return Number.isInteger(n) && Math.abs(n) < 1e21 ? BigInt(n).toString() : String(n);
}

function reportValue(cell: Cell, asText: boolean): ExcelJS.CellValue {
  if (cell === null) return null;
  if (typeof cell === 'string') return clipText(cell);
  if (typeof cell === 'number') return asText ? digits(cell) : cell;
  return cell;
}

async function* inOrder<T>(rows: AsyncIterable<T> | Iterable<T>): AsyncGenerator<T> {
  for await (const row of rows) yield row;
}

/** Writes the report to a file path or a stream. */
export async function writeBatchReport(out: string | NodeJS.WritableStream, input: BatchReportInput): Promise<void> {
  const { lang } = input;
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
    // ExcelJS only pipes into the stream, which any Node writable allows; its typings ask for the Stream class.
    ...(typeof out === 'string' ? { filename: out } : { stream: out as unknown as Stream }),
    useStyles: true,
    useSharedStrings: false,
  });
  wb.creator = 'Lindung';
  if (input.title) wb.title = input.title;

  const headers = input.headers.map((h) => clipText(h));
  const mapping = mapHeaders(headers).mapping;
  const textColumns = new Set(TEXT_FIELDS.map((f) => mapping[f]).filter((c): c is number => c !== undefined));
  const dateColumn = mapping.birth_date;
  const statusCol = headers.length + 1;
  const reasonCol = headers.length + 2;

  const rows = inOrder(input.rows);
  const first = await rows.next();
  // The header goes right above the first row so that every row keeps its row number; when the
  // first row was row 1 (no header in the upload) that cannot be, and rows follow one another.
  const firstRowNo = first.done ? 2 : first.value.rowNo;
  const headerRowNo = firstRowNo >= 2 ? firstRowNo - 1 : 1;

  const ws = wb.addWorksheet(SHEET_NAMES.data[lang], { views: [{ state: 'frozen', ySplit: headerRowNo }] });
  ws.autoFilter = { from: { row: headerRowNo, column: 1 }, to: { row: headerRowNo, column: reasonCol } };
  headers.forEach((h, i) => {
    const column = ws.getColumn(i + 1);
    column.width = Math.min(40, Math.max(10, h.length + 4));
    if (textColumns.has(i)) column.numFmt = '@';
    if (i === dateColumn) column.numFmt = 'dd/mm/yyyy';
  });
  ws.getColumn(statusCol).width = 22;
  ws.getColumn(reasonCol).width = 80;

  if (input.title && headerRowNo >= 3) {
    const titleRow = ws.getRow(1);
    titleRow.getCell(1).value = clipText(input.title);
    titleRow.getCell(1).font = { bold: true, size: 13 };
    titleRow.commit();
  }
  const headerRow = ws.getRow(headerRowNo);
  headers.forEach((h, i) => {
    const cell = headerRow.getCell(i + 1);
    cell.value = h;
    cell.font = { bold: true };
    cell.fill = HEADER_FILL;
  });
  for (const [col, title] of [[statusCol, REPORT_COLUMNS.status[lang]], [reasonCol, REPORT_COLUMNS.reason[lang]]] as const) {
    const cell = headerRow.getCell(col);
    cell.value = title;
    cell.font = { bold: true };
    cell.fill = ADDED_FILL;
  }
  headerRow.commit();

  const counts = new Map<string, number>();
  let total = 0;
  let next = headerRowNo + 1;
  const write = (r: ReportRow) => {
    const at = r.rowNo >= next ? r.rowNo : next;
    const row = ws.getRow(at);
    r.cells.forEach((c, i) => {
      // Cells beyond the titled columns stay, moved past the two added columns.
      const col = i < headers.length ? i + 1 : i + 3;
      const value = reportValue(c, textColumns.has(i));
      if (value === null) return;
      const cell = row.getCell(col);
      cell.value = value;
      if (c instanceof Date) cell.numFmt = 'dd/mm/yyyy';
    });
    const status = row.getCell(statusCol);
    status.value = clipText(r.status);
    if (r.reasons.trim() !== '') {
      const reason = row.getCell(reasonCol);
      reason.value = clipText(r.reasons);
      reason.alignment = { wrapText: true, vertical: 'top' };
      status.fill = PROBLEM_FILL;
      reason.fill = PROBLEM_FILL;
    }
    row.commit();
    next = at + 1;
    total++;
    counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  };
  if (!first.done) write(first.value);
  for await (const r of rows) write(r);
  ws.commit();

  const summary = wb.addWorksheet(SHEET_NAMES.summary[lang]);
  summary.getColumn(1).width = 60;
  summary.getColumn(2).width = 14;
  const lines: ExcelJS.CellValue[][] = [
    [input.title ?? (lang === 'id' ? 'Laporan pemeriksaan berkas' : 'File check report')],
    [],
    [lang === 'id' ? 'Status' : 'Status', lang === 'id' ? 'Jumlah baris' : 'Rows'],
    ...[...counts.entries()].map(([status, n]) => [status, n]),
    [lang === 'id' ? 'Total' : 'Total', total],
    [],
    [
      lang === 'id'
        ? `Perbaiki baris di lembar "${SHEET_NAMES.data.id}" sesuai kolom "${REPORT_COLUMNS.reason.id}", hapus baris yang tidak perlu diusulkan lagi, simpan, lalu unggah berkas ini kembali. Kolom "${REPORT_COLUMNS.status.id}" dan "${REPORT_COLUMNS.reason.id}" tidak dibaca saat diunggah. Nomor baris sama dengan nomor baris di berkas asli.`
        : `Fix the rows on the "${SHEET_NAMES.data.en}" sheet as the "${REPORT_COLUMNS.reason.en}" column says, delete the rows that need not be proposed again, save, and upload this file again. The "${REPORT_COLUMNS.status.en}" and "${REPORT_COLUMNS.reason.en}" columns are ignored on upload. Row numbers are those of the original file.`,
    ],
  ];
  lines.forEach((values, i) => {
    const row = summary.getRow(i + 1);
    values.forEach((v, j) => {
      row.getCell(j + 1).value = v;
    });
    if (i === 0 || i === 2) row.font = { bold: true };
    if (i === lines.length - 1) {
      row.getCell(1).alignment = { wrapText: true, vertical: 'top' };
      row.height = 90;
    }
    row.commit();
  });
  summary.commit();
  await wb.commit();
}
