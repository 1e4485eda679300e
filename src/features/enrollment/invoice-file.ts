/**
 * Reading BPJS's invoice (tagihan): XLSX or CSV (`;` or `,`, UTF-8 or Windows-1252), through the
 * intake readers, which stream rows in chunks and refuse unreadable files with a message that says
 * what to do. The header row is found by its titles (KPJ or NIK, and Iuran/Jumlah or JKK/JKM — see
 * INVOICE_HEADERS); rows above it are the control area, where "Nomor Tagihan" and "Bulan" may be
 * written. In a workbook the first sheet with such a header row is read; the control area may also
 * be on a sheet before it (a cover sheet).
 *
 * Nothing is guessed: every unreadable line is named in `problems`, and the caller applies nothing
 * when there is one.
 */
import { open } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import type { Message } from '../../domain/messages.js';
import { parseRupiah } from '../../domain/money.js';
import {
  controlFacts,
  invoiceHeaderRow,
  isTotalLabel,
  parseInvoiceMonth,
  type ColumnMap,
  type ControlField,
} from '../../domain/reconciliation.js';
import { UserError } from '../../domain/user-error.js';
import { IntakeFileError, openIntakeFile, type Cell, type OpenedFile, type SheetRow } from '../intake/read-file.js';

export interface InvoiceFileLine {
  /** The row number the BPJS officer sees in Excel (CSV: the line number). */
  lineNo: number;
  kpj: string | null;
  nik: string | null;
  name: string | null;
  amount: number;
}

export interface InvoiceFile {
  format: 'csv' | 'xlsx';
  sheet: string | null;
  sha256: string;
  bytes: number;
  /** Facts from the control area: invoice number and month (as read, and the month understood). */
  control: { number: string | null; monthText: string | null; month: string | null };
  columns: ColumnMap;
  /** The header row's titles, for messages. */
  headers: string[];
  /** File-level notes from the reader (encoding, extension…), both languages. */
  warnings: Message[];
  /**
   * Data lines in chunks, read once. Unreadable lines are added to `problems` while reading; a
   * total row (TOTAL / JUMLAH under the lines) to `totalRow`.
   */
  lines(): AsyncGenerator<InvoiceFileLine[]>;
  problems: Message[];
  /** Problems beyond those kept in `problems` (the list stops at MAX_PROBLEMS). */
  moreProblems: number;
  totalRow: { lineNo: number; amount: number } | null;
}

/** Rows looked at for the header row, per sheet. */
const HEADER_SCAN_ROWS = 30;
const MAX_PROBLEMS = 200;

function cellText(c: Cell | undefined): string {
  if (c === null || c === undefined) return '';
  if (typeof c === 'string') return c.replace(/^\ufeff/, '').trim();
  if (typeof c === 'number') return String(c);
  if (c instanceof Date) return Number.isNaN(c.getTime()) ? '' : c.toISOString().slice(0, 10);
  return '';
}

function fileProblem(e: IntakeFileError): UserError {
  return new UserError('invalid', e.code, { id: e.id, en: e.en });
}

/**
 * Sheet names of a workbook in order, from xl/workbook.xml. The intake reader chooses a sheet by
 * the registry's own column titles, which an invoice does not have; so the invoice reader asks
 * for each sheet by name.
 */
async function workbookSheets(path: string): Promise<string[]> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const tailLen = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) return [];
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset + cdSize > size) return [];
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    for (let p = 0; p + 46 <= cd.length && cd.readUInt32LE(p) === 0x02014b50; ) {
      const method = cd.readUInt16LE(p + 10);
      const compressed = cd.readUInt32LE(p + 20);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const local = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      p += 46 + nameLen + extraLen + commentLen;
      if (name !== 'xl/workbook.xml' || compressed > 16 * 1024 * 1024) continue;
      const head = Buffer.alloc(30);
      await fh.read(head, 0, 30, local);
      const start = local + 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
      const data = Buffer.alloc(compressed);
      await fh.read(data, 0, compressed, start);
      const xml = (method === 8 ? inflateRawSync(data) : data).toString('utf8');
      const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
      return [...xml.matchAll(/<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"/g)].map((m) => unescape(m[1]!));
    }
    return [];
  } finally {
    await fh.close();
  }
}

interface Found {
  file: OpenedFile;
  it: AsyncIterator<SheetRow[]>;
  columns: ColumnMap;
  headers: string[];
  headerRowNo: number;
  /** Rows after the header in the chunk where it was found. */
  rest: SheetRow[];
}

/** Reads rows until the header row; collects control facts on the way. Null (iterator closed) when there is none. */
async function findHeader(file: OpenedFile, control: Partial<Record<ControlField, string>>): Promise<Found | null> {
  const it = file.rows()[Symbol.asyncIterator]();
  let seen = 0;
  for (;;) {
    const next = await it.next();
    if (next.done) return null;
    const chunk = next.value;
    for (let i = 0; i < chunk.length; i++) {
      const row = chunk[i]!;
      const cells = row.cells.map(cellText);
      const columns = invoiceHeaderRow(cells);
      if (columns) return { file, it, columns, headers: cells, headerRowNo: row.rowNo, rest: chunk.slice(i + 1) };
      for (const [k, v] of Object.entries(controlFacts(cells)) as [ControlField, string][]) control[k] ??= v;
      if (++seen >= HEADER_SCAN_ROWS) {
        await it.return?.();
        return null;
      }
    }
  }
}

async function openOrExplain(path: string, opts: { fileName?: string; maxBytes?: number; sheet?: string }): Promise<OpenedFile> {
  try {
    return await openIntakeFile(path, opts);
  } catch (e) {
    if (e instanceof IntakeFileError) throw fileProblem(e);
    throw e;
  }
}

export async function openInvoiceFile(path: string, opts: { fileName?: string; maxBytes?: number } = {}): Promise<InvoiceFile> {
  const control: Partial<Record<ControlField, string>> = {};
  const first = await openOrExplain(path, opts).catch(async (e: unknown) => {
    // A workbook none of whose sheets has the registry's titles: look at its sheets by name below.
    if (e instanceof UserError && e.code === 'xlsx_no_data_sheet') return null;
    throw e;
  });
  let found: Found | null = null;
  let format: 'csv' | 'xlsx' = first?.format ?? 'xlsx';
  if (first?.format === 'csv') {
    found = await findHeader(first, control);
  } else {
    format = 'xlsx';
    let refused: unknown = null;
    for (const sheet of await workbookSheets(path)) {
      const file = await openOrExplain(path, { ...opts, sheet }).catch((e: unknown) => {
        refused ??= e;
        return null;
      });
      if (!file) continue;
      found = await findHeader(file, control);
      if (found) break;
    }
    // No sheet with invoice columns, and one could not be read: that is the better explanation.
    if (!found && refused) throw refused;
  }
  if (!found) {
    throw new UserError('invalid', 'invoice_columns', {
      id: 'Baris judul kolom tagihan tidak ditemukan. Tagihan BPJS harus punya kolom KPJ atau NIK, dan kolom Iuran (atau Jumlah, atau JKK dan JKM), dalam 30 baris pertama. Nama, Nomor Tagihan dan Bulan boleh ada. Lihat docs/enrollment.md untuk judul yang diterima.',
      en: 'The invoice\'s row of column titles was not found. A BPJS invoice needs a KPJ or NIK column and an Iuran (or Jumlah, or JKK and JKM) column within its first 30 rows. Nama, Nomor Tagihan and Bulan may be there too. See docs/enrollment.md for the accepted titles.',
    });
  }
  const f = found;
  const problems: Message[] = [];
  const result: InvoiceFile = {
    format,
    sheet: f.file.sheet ?? null,
    sha256: f.file.sha256,
    bytes: f.file.bytes,
    control: { number: control.number ?? null, monthText: control.month ?? null, month: control.month ? parseInvoiceMonth(control.month) : null },
    columns: f.columns,
    headers: f.headers,
    warnings: f.file.warnings.map((w) => ({ id: w.id, en: w.en })),
    problems,
    moreProblems: 0,
    totalRow: null,
    lines: () => readLines(f, result),
  };
  return result;
}

function problem(into: InvoiceFile, rowNo: number, m: Message): void {
  if (into.problems.length >= MAX_PROBLEMS) {
    into.moreProblems++;
    return;
  }
  into.problems.push({ id: `baris ${rowNo}: ${m.id}`, en: `line ${rowNo}: ${m.en}` });
}

/** KPJ or NIK digits: spaces, dots and a leading apostrophe (Excel's "keep as text") removed. */
function identifier(c: Cell | undefined): { value: string | null; raw: string; damaged: boolean } {
  if (typeof c === 'number') {
    if (!Number.isSafeInteger(c) || c < 0) return { value: null, raw: String(c), damaged: true };
    return { value: String(c), raw: String(c), damaged: false };
  }
  const raw = cellText(c);
  if (/^\d(\.\d+)?e\+?\d+$/i.test(raw)) return { value: null, raw, damaged: true };
  const v = raw.replace(/^'/, '').replace(/[\s.-]/g, '').toUpperCase();
  return { value: v || null, raw, damaged: false };
}

function money(c: Cell | undefined): { ok: true; value: number | null } | { ok: false; message: Message } {
  if (c === null || c === undefined || c === '') return { ok: true, value: null };
  if (typeof c === 'number') {
    if (!Number.isSafeInteger(c)) return { ok: false, message: { id: `iuran ${c} bukan rupiah bulat`, en: `amount ${c} is not whole rupiah` } };
    return { ok: true, value: c };
  }
  if (c instanceof Date || typeof c === 'boolean') return { ok: false, message: { id: 'sel iuran bukan angka', en: 'the amount cell is not a number' } };
  const text = cellText(c);
  if (text === '' || text === '-') return { ok: true, value: null };
  // An invoice repeats a handful of amounts a million times: read each spelling once.
  const known = AMOUNTS.get(text);
  if (known !== undefined) return { ok: true, value: known };
  const r = parseRupiah(text);
  if (!r.ok) return { ok: false, message: r.message };
  if (AMOUNTS.size < 10_000) AMOUNTS.set(text, r.value);
  return { ok: true, value: r.value };
}

const AMOUNTS = new Map<string, number>();

const DAMAGED: Message = {
  id: 'tertulis sebagai angka Excel yang kehilangan digit (mis. 5,30101E+15); minta BPJS mengirim ulang dengan kolom berformat Teks',
  en: 'is written as an Excel number that lost digits (e.g. 5.30101E+15); ask BPJS to send it again with the column formatted as Text',
};

async function* readLines(f: Found, into: InvoiceFile): AsyncGenerator<InvoiceFileLine[]> {
  const c = f.columns;
  const convert = (rows: SheetRow[]): InvoiceFileLine[] => {
    const out: InvoiceFileLine[] = [];
    for (const row of rows) {
      const cells = row.cells;
      const kpj = c.kpj === undefined ? { value: null, raw: '', damaged: false } : identifier(cells[c.kpj]);
      const nik = c.nik === undefined ? { value: null, raw: '', damaged: false } : identifier(cells[c.nik]);
      let amount: number | null = null;
      let amountOk = true;
      if (c.amount !== undefined) {
        const a = money(cells[c.amount]);
        if (a.ok) amount = a.value;
        else {
          amountOk = false;
          problem(into, row.rowNo, a.message);
        }
      } else {
        for (const k of [c.jkk, c.jkm]) {
          if (k === undefined) continue;
          const a = money(cells[k]);
          if (!a.ok) {
            amountOk = false;
            problem(into, row.rowNo, a.message);
          } else if (a.value !== null) amount = (amount ?? 0) + a.value;
        }
      }
      const who = kpj.value !== null || nik.value !== null || kpj.damaged || nik.damaged;
      if (!who) {
        // The sum under the lines, or a blank-looking row (only a "No" or a note).
        if (amount !== null && cells.some((x) => typeof x === 'string' && isTotalLabel(x))) {
          if (into.totalRow === null) into.totalRow = { lineNo: row.rowNo, amount };
        } else if (amount !== null) {
          problem(into, row.rowNo, { id: 'ada iuran tetapi tidak ada KPJ maupun NIK', en: 'an amount without a KPJ or NIK' });
        }
        continue;
      }
      if (into.totalRow !== null) {
        problem(into, row.rowNo, { id: `baris peserta di bawah baris jumlah (baris ${into.totalRow.lineNo})`, en: `a participant line below the total row (line ${into.totalRow.lineNo})` });
      }
      if (kpj.damaged) problem(into, row.rowNo, { id: `KPJ "${kpj.raw}" ${DAMAGED.id}`, en: `KPJ "${kpj.raw}" ${DAMAGED.en}` });
      else if (kpj.value !== null && !/^[0-9A-Z]{5,20}$/.test(kpj.value)) {
        problem(into, row.rowNo, { id: `KPJ "${kpj.raw}" bukan nomor peserta (5–20 angka/huruf)`, en: `KPJ "${kpj.raw}" is not a participant number (5–20 digits/letters)` });
      }
      if (nik.damaged) problem(into, row.rowNo, { id: `NIK "${nik.raw}" ${DAMAGED.id}`, en: `NIK "${nik.raw}" ${DAMAGED.en}` });
      else if (nik.value !== null && !/^\d{16}$/.test(nik.value)) {
        problem(into, row.rowNo, { id: `NIK "${nik.raw}" tidak 16 angka`, en: `NIK "${nik.raw}" is not 16 digits` });
      }
      if (amountOk && amount === null) problem(into, row.rowNo, { id: 'iuran kosong', en: 'the amount is empty' });
      else if (amount !== null && amount < 0) problem(into, row.rowNo, { id: 'iuran negatif', en: 'a negative amount' });
      const name = c.name === undefined ? '' : cellText(cells[c.name]).replace(/\s+/g, ' ').slice(0, 200);
      out.push({ lineNo: row.rowNo, kpj: kpj.value, nik: nik.value, name: name || null, amount: amount ?? 0 });
    }
    return out;
  };
  if (f.rest.length) yield convert(f.rest);
  for (;;) {
    const next = await f.it.next();
    if (next.done) break;
    const lines = convert(next.value);
    if (lines.length) yield lines;
  }
}
