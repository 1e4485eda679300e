/**
 * CSV uploads. Villages export CSV from Excel or WPS in whatever their Windows is set to: UTF-8
 * (with or without BOM), "ANSI" (Windows-1252), or "Unicode Text" (UTF-16 with a BOM, tab-separated);
 * with commas, or semicolons where Windows uses a decimal comma, as in Indonesia.
 *
 * Opening reads the file once (hash, encoding check, binary check); `rows()` reads it again and
 * streams it through papaparse's parser in pieces, so memory holds one piece and one chunk of rows,
 * never the file. The parser is driven directly rather than through papaparse's Node stream so that
 * pulling rows is what pulls bytes from disk (back-pressure for free) and so that a stray quote,
 * which makes everything after it one endless value, is caught after a few MB instead of growing
 * until memory runs out.
 */
import { createReadStream } from 'node:fs';
import Papa from 'papaparse';
import iconv from 'iconv-lite';
import { findHeaderRow, matchHeader, type Field } from './headers.js';
import type { Problem } from './values.js';
import {
  CHUNK_CELLS,
  CHUNK_ROWS,
  emptyFile,
  extensionMismatch,
  fileError,
  hashFile,
  warning,
  type FileContext,
  type OpenedFile,
  type SheetRow,
} from './read-file.js';

type Encoding = NonNullable<OpenedFile['encoding']>;
type Delimiter = NonNullable<OpenedFile['delimiter']>;

const DELIMITERS: readonly Delimiter[] = [',', ';', '\t'];
/** One record longer than this means a quote was never closed (or the file is not a table). */
const MAX_RECORD_CHARS = 4 * 1024 * 1024;
/** How many separate quote warnings to give before summarising the rest. */
const MAX_QUOTE_WARNINGS = 10;

type IconvName = Parameters<typeof iconv.decode>[1];

const ICONV_NAMES: Readonly<Record<Encoding, IconvName>> = {
  'utf-8': 'utf8',
  'windows-1252': 'windows-1252',
  'utf-16le': 'utf16le',
  'utf-16be': 'utf16be',
};

function bomEncoding(head: Buffer): Encoding | null {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return null;
}

/** Bytes that are not data: blank lines and rows of empty cells (";;;;" from Excel). */
const NOT_CONTENT = new Set([0x20, 0x09, 0x0a, 0x0d, 0x2c, 0x3b, 0x22, 0x00]);

function hasContent(buf: Buffer, from: number): boolean {
  for (let i = from; i < buf.length; i++) {
    if (!NOT_CONTENT.has(buf[i] ?? 0)) return true;
  }
  return false;
}

/** Turns \r\n and lone \r into \n; a \r at the very end may be the first half of a \r\n. */
function newlines(text: string, carry: { cr: boolean }): string {
  let s = carry.cr ? `\r${text}` : text;
  carry.cr = s.endsWith('\r');
  if (carry.cr) s = s.slice(0, -1);
  return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s;
}

interface DelimiterScore {
  delimiter: Delimiter;
  /** Fields recognised in the header row found with this delimiter. */
  recognised: number;
  /** The most common number of fields per row. */
  mode: number;
  /** Share of rows that have `mode` fields. */
  consistency: number;
}

function scoreDelimiter(sample: string, delimiter: Delimiter): DelimiterScore {
  const parsed = Papa.parse<string[]>(sample, { delimiter, newline: '\n', preview: 60, skipEmptyLines: 'greedy' });
  const rows = parsed.data;
  const headerIndex = findHeaderRow(rows);
  const fields = new Set<Field>();
  for (const cell of headerIndex === null ? [] : (rows[headerIndex] ?? [])) {
    const match = matchHeader(cell);
    if (match) fields.add(match.field);
  }
  const counts = new Map<number, number>();
  for (const row of rows) counts.set(row.length, (counts.get(row.length) ?? 0) + 1);
  let mode = 0;
  let modeRows = 0;
  for (const [n, c] of counts) {
    if (c > modeRows || (c === modeRows && n > mode)) {
      mode = n;
      modeRows = c;
    }
  }
  return { delimiter, recognised: fields.size, mode, consistency: rows.length ? modeRows / rows.length : 0 };
}

/**
 * The delimiter whose header row is recognised best; failing that, the one that splits the rows
 * most regularly into more than one column. Counting characters is not enough: with ';' files,
 * addresses hold commas ("Jl. Timor Raya, RT 01") that are not quoted.
 */
export function detectDelimiter(sample: string): Delimiter {
  const scores = DELIMITERS.map((d) => scoreDelimiter(sample, d));
  scores.sort((a, b) => {
    if (a.recognised >= 3 || b.recognised >= 3) {
      if (a.recognised !== b.recognised) return b.recognised - a.recognised;
    }
    const ca = a.mode >= 2 ? a.consistency : -1;
    const cb = b.mode >= 2 ? b.consistency : -1;
    if (Math.abs(ca - cb) >= 0.1) return cb - ca;
    return b.mode - a.mode;
  });
  return scores[0]?.delimiter ?? ',';
}

/** `="0812…"` is how people force Excel to keep digits as text in a CSV: keep the text only. */
function unwrapFormulaText(cell: string): string {
  if (cell.length >= 3 && cell.startsWith('="') && cell.endsWith('"')) return cell.slice(2, -1).replace(/""/g, '"');
  return cell;
}

function isBlankRow(row: readonly string[]): boolean {
  return row.every((c) => c.trim() === '');
}

function notATable(what: 'html' | 'xml'): Error {
  return what === 'html'
    ? fileError('file_html', {
        id: 'Berkas ini adalah halaman web (HTML) yang diberi nama Excel, misalnya hasil unduhan dari aplikasi lain. Buka berkas di Excel, lalu pilih File > Simpan Sebagai > "Buku Kerja Excel (*.xlsx)" dan unggah berkas yang baru.',
        en: 'This file is a web page (HTML) with an Excel name, for example a download from another application. Open it in Excel, choose File > Save As > "Excel Workbook (*.xlsx)" and upload the new file.',
      })
    : fileError('file_xml', {
        id: 'Berkas ini berformat XML (misalnya "XML Spreadsheet 2003"), bukan Excel .xlsx atau CSV. Buka berkas di Excel, lalu pilih File > Simpan Sebagai > "Buku Kerja Excel (*.xlsx)" dan unggah berkas yang baru.',
        en: 'This file is XML (for example "XML Spreadsheet 2003"), not Excel .xlsx or CSV. Open it in Excel, choose File > Save As > "Excel Workbook (*.xlsx)" and upload the new file.',
      });
}

export async function openCsv(ctx: FileContext): Promise<OpenedFile> {
  const bom = bomEncoding(ctx.head);
  const utf16 = bom === 'utf-16le' || bom === 'utf-16be';
  let utf8: TextDecoder | null = utf16 ? null : new TextDecoder('utf-8', { fatal: true });
  let validUtf8 = !utf16;
  let nul = false;
  let content = false;
  let first = true;

  const sha256 = await hashFile(ctx.path, (chunk) => {
    if (utf8) {
      try {
        utf8.decode(chunk, { stream: true });
      } catch {
        validUtf8 = false;
        utf8 = null;
      }
    }
    if (!utf16 && !nul && chunk.includes(0)) nul = true;
    if (!content) content = hasContent(chunk, first && bom ? (bom === 'utf-8' ? 3 : 2) : 0);
    first = false;
  });
  if (utf8) {
    try {
      utf8.decode();
    } catch {
      validUtf8 = false; // the file ends in the middle of a character
    }
  }

  if (nul) {
    throw fileError('file_binary', {
      id: 'Berkas ini bukan lembar kerja Excel (.xlsx) maupun CSV: isinya data biner, mungkin berkas lain yang diganti namanya atau berkas yang rusak. Buka data peserta di Excel lalu Simpan Sebagai "Buku Kerja Excel (*.xlsx)" atau "CSV UTF-8", dan unggah berkas itu.',
      en: 'This file is neither an Excel workbook (.xlsx) nor a CSV: it holds binary data, perhaps another kind of file that was renamed, or a damaged file. Open the participant data in Excel, Save As "Excel Workbook (*.xlsx)" or "CSV UTF-8", and upload that file.',
    });
  }
  if (!content) throw emptyFile();

  const encoding: Encoding = bom ?? (validUtf8 ? 'utf-8' : 'windows-1252');
  const warnings: Problem[] = [];
  const mismatch = extensionMismatch(ctx.fileName, 'csv');
  if (mismatch) warnings.push(mismatch);
  if (encoding === 'windows-1252') {
    warnings.push(
      warning('csv_windows_1252', {
        id: 'Berkas CSV tidak tersimpan sebagai UTF-8, jadi dibaca sebagai Windows-1252 (ANSI). Periksa huruf khusus pada nama dan alamat (misalnya é, ó, ñ); bila ada yang salah, simpan ulang dari Excel sebagai "CSV UTF-8 (dipisahkan koma)" lalu unggah lagi.',
        en: 'The CSV file is not saved as UTF-8, so it was read as Windows-1252 (ANSI). Check special letters in names and addresses (for example é, ó, ñ); if any are wrong, save it again from Excel as "CSV UTF-8 (Comma delimited)" and upload it again.',
      }),
    );
  }

  // The head is at most 64 KB: enough lines to see the header and the delimiter.
  let sample = newlines(iconv.decode(ctx.head, ICONV_NAMES[encoding]), { cr: false });
  if (ctx.bytes > ctx.head.length) sample = sample.slice(0, Math.max(sample.lastIndexOf('\n'), 0));
  const start = sample.trimStart().slice(0, 1024).toLowerCase();
  if (start.startsWith('<')) {
    if (/<(html|table|body|!doctype html)/.test(start)) throw notATable('html');
    if (/^<\?xml|<workbook|urn:schemas-microsoft-com:office:spreadsheet/.test(start)) throw notATable('xml');
  }

  // Excel writes "sep=;" as a first line to say which delimiter follows.
  const sep = /^sep=(.)\n/i.exec(sample);
  const hinted = sep && (DELIMITERS as readonly string[]).includes(sep[1] ?? '') ? (sep[1] as Delimiter) : null;
  const delimiter = hinted ?? detectDelimiter(sample);

  // Shared by every pass over the rows, so reading twice does not repeat a warning.
  const quotes: QuoteProblems = { warnings, rows: new Set(), summarised: false };
  return {
    format: 'csv',
    encoding,
    delimiter,
    warnings,
    sha256,
    bytes: ctx.bytes,
    rows: () => csvRows(ctx.path, encoding, delimiter, hinted !== null, quotes),
  };
}

interface QuoteProblems {
  /** The file's warnings, which quote problems are added to. */
  warnings: Problem[];
  rows: Set<number>;
  summarised: boolean;
}

async function* csvRows(path: string, encoding: Encoding, delimiter: Delimiter, skipSepLine: boolean, quotes: QuoteProblems): AsyncGenerator<SheetRow[]> {
  const decoder = iconv.getDecoder(ICONV_NAMES[encoding]);
  const parser = new Papa.Parser({ delimiter, newline: '\n', quoteChar: '"' });
  const carry = { cr: false };
  let partial = '';
  let base = 0;
  let recordNo = 0;
  const { warnings, rows: quoteRows } = quotes;
  /** Excel does not show a "sep=" line: the row after it is row 1 there. */
  const shown = (record: number) => (skipSepLine ? record - 1 : record);
  let out: SheetRow[] = [];
  let outCells = 0;

  function quoteWarning(rowNo: number): void {
    if (quoteRows.has(rowNo)) return;
    quoteRows.add(rowNo);
    if (quoteRows.size <= MAX_QUOTE_WARNINGS) {
      warnings.push(
        warning('csv_invalid_quotes', {
          id: `Baris ${rowNo}: tanda kutip (") dalam sel tidak berpasangan dengan benar, sehingga isi sel di baris ini (dan mungkin baris berikutnya) bisa terbaca salah. Periksa baris tersebut; tulis tanda kutip di dalam teks sebagai dua tanda kutip (""), atau simpan ulang berkas dari Excel.`,
          en: `Row ${rowNo}: a quote mark (") in a cell is not paired properly, so the cells of this row (and perhaps the next ones) may be read wrongly. Check the row; write a quote inside text as two quotes (""), or save the file again from Excel.`,
        }),
      );
    }
  }

  /** Parses what has arrived; returns the rows completed so far. */
  function parse(text: string, last: boolean): string[][] {
    const aggregate = partial + text;
    const results = parser.parse(aggregate, base, !last) as Papa.ParseResult<string[]>;
    const cursor = results.meta.cursor;
    partial = aggregate.slice(cursor - base);
    base = cursor;
    for (const e of results.errors) {
      const rowNo = shown(recordNo + (e.row ?? 0) + 1);
      if (e.code === 'MissingQuotes') {
        throw fileError('csv_unclosed_quote', {
          id: `Baris ${rowNo}: ada tanda kutip (") pembuka yang tidak pernah ditutup, sehingga sisa berkas setelahnya tidak dapat dibaca. Hapus tanda kutip yang berlebih atau tutup dengan tanda kutip kedua, lalu unggah ulang.`,
          en: `Row ${rowNo}: a quote mark (") opens a value that is never closed, so the rest of the file after it cannot be read. Remove the stray quote or close it with a second quote, then upload again.`,
        });
      }
      if (e.code === 'InvalidQuotes') quoteWarning(rowNo);
    }
    if (!last && partial.length > MAX_RECORD_CHARS) {
      throw fileError('csv_record_too_long', {
        id: `Baris ${shown(recordNo + results.data.length + 1)} lebih panjang dari 4 juta karakter; biasanya karena tanda kutip (") pembuka yang tidak pernah ditutup. Periksa tanda kutip pada baris tersebut, lalu unggah ulang.`,
        en: `Row ${shown(recordNo + results.data.length + 1)} is longer than 4 million characters, usually because a quote mark (") opens a value that is never closed. Check the quotes on that row, then upload again.`,
      });
    }
    return results.data;
  }

  function* take(records: string[][]): Generator<SheetRow[]> {
    for (const record of records) {
      recordNo++;
      if (skipSepLine && recordNo === 1) continue;
      if (isBlankRow(record)) continue;
      out.push({ rowNo: shown(recordNo), cells: record.map(unwrapFormulaText) });
      outCells += record.length;
      if (out.length >= CHUNK_ROWS || outCells >= CHUNK_CELLS) {
        yield out;
        out = [];
        outCells = 0;
      }
    }
  }

  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  try {
    for await (const chunk of stream) {
      yield* take(parse(newlines(decoder.write(chunk as Buffer), carry), false));
    }
    const tail = (decoder.end() ?? '') + (carry.cr ? '\n' : '');
    carry.cr = false;
    yield* take(parse(newlines(tail, carry), true));
    if (out.length) yield out;
    if (quoteRows.size > MAX_QUOTE_WARNINGS && !quotes.summarised) {
      quotes.summarised = true;
      const more = quoteRows.size - MAX_QUOTE_WARNINGS;
      warnings.push(
        warning('csv_invalid_quotes', {
          id: `Ada ${more} baris lain dengan tanda kutip (") yang tidak berpasangan. Simpan ulang berkas dari Excel agar tanda kutip ditulis dengan benar.`,
          en: `${more} more rows have quote marks (") that are not paired. Save the file again from Excel so that quotes are written properly.`,
        }),
      );
    }
  } finally {
    stream.destroy();
  }
}
