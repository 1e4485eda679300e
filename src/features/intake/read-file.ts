/**
 * Opening an uploaded spreadsheet: CSV or XLSX, told apart by content and never by the file name,
 * because village files travel through WhatsApp and e-mail and get renamed on the way.
 *
 * `openIntakeFile` checks the whole file before any row is read (size, kind, encoding, zip
 * structure, which sheet) so a bad upload is refused at once with a message that says what to do.
 * `rows()` then streams the rows in chunks: memory stays flat however long the file is (see
 * read-csv.ts and read-xlsx.ts for what each format keeps).
 *
 * Every message is Indonesian first, then English, like values.ts.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { createHash } from 'node:crypto';
import type { Message } from '../../domain/messages.js';
import type { Problem } from './values.js';
import { openCsv } from './read-csv.js';
import { openXlsx } from './read-xlsx.js';

/** A cell as the reader gives it: CSV cells are always strings; XLSX keeps numbers, dates and booleans. */
export type Cell = string | number | boolean | Date | null;

export interface SheetRow {
  /**
   * The row number the operator sees in Excel. For CSV: the record number from 1 for the first
   * line, counting blank lines, where a quoted value spanning several lines counts once and an
   * Excel "sep=" line does not count — which is how Excel numbers the rows when it opens the CSV.
   */
  rowNo: number;
  /** Cells by column (0 = A). Trailing empty cells may be missing. */
  cells: Cell[];
}

export interface OpenedFile {
  format: 'csv' | 'xlsx';
  /** CSV only. UTF-16 is Excel's "Unicode Text" export. */
  encoding?: 'utf-8' | 'windows-1252' | 'utf-16le' | 'utf-16be';
  /** CSV only. */
  delimiter?: ',' | ';' | '\t';
  /** XLSX only: the sheet that `rows()` reads, and every sheet of the workbook in order. */
  sheet?: string;
  sheets?: string[];
  /**
   * Problems with the file as a whole. Known when `openIntakeFile` returns, except quote problems
   * in a CSV, which are only found while reading: they are appended while `rows()` runs.
   */
  warnings: Problem[];
  /**
   * The rows, in chunks of at most 2,000 rows (fewer for very wide rows). Rows with no content
   * at all are skipped; `rowNo` keeps counting them. Can be iterated more than once; each
   * iteration reads the file again.
   */
  rows(): AsyncIterable<SheetRow[]>;
  /** Hex SHA-256 of the file bytes: the same file uploaded twice has the same hash. */
  sha256: string;
  bytes: number;
}

/** A file we refuse to read. It is a `Problem` too, so it can go straight into a list of problems. */
export class IntakeFileError extends Error implements Problem {
  readonly code: string;
  readonly severity = 'error' as const;
  /** Indonesian text. */
  readonly id: string;
  /** English text; also the `message`, for logs. */
  readonly en: string;

  constructor(code: string, message: Message) {
    super(message.en);
    this.name = 'IntakeFileError';
    this.code = code;
    this.id = message.id;
    this.en = message.en;
  }

  toProblem(): Problem {
    return { code: this.code, severity: this.severity, id: this.id, en: this.en };
  }
}

export interface OpenOptions {
  /** Refuse files larger than this. Default 160 MB. */
  maxBytes?: number;
  /** XLSX: read this sheet instead of choosing one. */
  sheet?: string;
  /** The name the file was uploaded with, for messages and to notice a misleading extension. */
  fileName?: string;
}

export const DEFAULT_MAX_BYTES = 160 * 1024 * 1024;
/** Rows per chunk from `rows()`. */
export const CHUNK_ROWS = 2_000;
/** Cells per chunk: a few very wide rows must not make a chunk huge. */
export const CHUNK_CELLS = 200_000;

/** What the format readers get from `openIntakeFile`. */
export interface FileContext {
  path: string;
  bytes: number;
  /** The first bytes of the file (up to 64 KB). */
  head: Buffer;
  fileName?: string;
  sheet?: string;
}

export function fileError(code: string, message: Message): IntakeFileError {
  return new IntakeFileError(code, message);
}

export function warning(code: string, message: Message): Problem {
  return { code, severity: 'warning', ...message };
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 10 ? String(Math.round(mb)) : mb.toFixed(1).replace(/\.0$/, '');
}

/** Kinds of files people send instead of a spreadsheet, recognised by their first bytes. */
const NOT_SPREADSHEETS: readonly { magic: readonly number[]; what: Message }[] = [
  { magic: [0x25, 0x50, 0x44, 0x46], what: { id: 'dokumen PDF', en: 'a PDF document' } },
  { magic: [0x89, 0x50, 0x4e, 0x47], what: { id: 'gambar PNG', en: 'a PNG image' } },
  { magic: [0xff, 0xd8, 0xff], what: { id: 'gambar/foto JPEG', en: 'a JPEG image or photo' } },
  { magic: [0x47, 0x49, 0x46, 0x38], what: { id: 'gambar GIF', en: 'a GIF image' } },
  { magic: [0x52, 0x61, 0x72, 0x21], what: { id: 'arsip RAR', en: 'a RAR archive' } },
  { magic: [0x37, 0x7a, 0xbc, 0xaf], what: { id: 'arsip 7z', en: 'a 7z archive' } },
  { magic: [0x1f, 0x8b], what: { id: 'arsip gzip', en: 'a gzip archive' } },
];

const OLE_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP_MAGICS = [[0x50, 0x4b, 0x03, 0x04], [0x50, 0x4b, 0x05, 0x06]];

function startsWith(buf: Buffer, magic: readonly number[]): boolean {
  return buf.length >= magic.length && magic.every((b, i) => buf[i] === b);
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  let fh: FileHandle | null = null;
  try {
    fh = await open(path, 'r');
    const buf = Buffer.alloc(Math.min(bytes, 64 * 1024));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh?.close();
  }
}

/** SHA-256 of the whole file, reading it once from disk. `each` sees every chunk on the way. */
export async function hashFile(path: string, each?: (chunk: Buffer) => void): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    const buf = chunk as Buffer;
    hash.update(buf);
    each?.(buf);
  }
  return hash.digest('hex');
}

function unreadable(detail: string): IntakeFileError {
  return fileError('file_unreadable', {
    id: `Berkas tidak dapat dibuka (${detail}). Unggah ulang berkasnya; bila masih gagal, hubungi petugas kabupaten.`,
    en: `The file cannot be opened (${detail}). Upload it again; if it still fails, contact the regency officer.`,
  });
}

/**
 * Opens an uploaded CSV or XLSX file and checks it; throws `IntakeFileError` when it cannot be
 * read, with a message saying what to do. Nothing is read from the rows until `rows()` is called.
 */
export async function openIntakeFile(path: string, opts: OpenOptions = {}): Promise<OpenedFile> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  let bytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw unreadable('bukan berkas / not a file');
    bytes = info.size;
  } catch (err) {
    if (err instanceof IntakeFileError) throw err;
    throw unreadable((err as NodeJS.ErrnoException).code ?? String(err));
  }

  if (bytes === 0) throw emptyFile();
  if (bytes > maxBytes) {
    throw fileError('file_too_large', {
      id: `Berkas terlalu besar: ${megabytes(bytes)} MB, batasnya ${megabytes(maxBytes)} MB. Pecah data menjadi beberapa berkas (misalnya satu berkas per kecamatan atau per desa) lalu unggah satu per satu.`,
      en: `The file is too large: ${megabytes(bytes)} MB, the limit is ${megabytes(maxBytes)} MB. Split the data into several files (for example one per district or per village) and upload them one by one.`,
    });
  }

  let head: Buffer;
  try {
    head = await readHead(path, bytes);
  } catch (err) {
    throw unreadable((err as NodeJS.ErrnoException).code ?? String(err));
  }
  const ctx: FileContext = { path, bytes, head, fileName: opts.fileName, sheet: opts.sheet };

  if (ZIP_MAGICS.some((m) => startsWith(head, m))) return openXlsx(ctx);
  if (startsWith(head, OLE_MAGIC)) {
    throw fileError('file_xls_old', {
      id: 'Berkas ini berformat Excel lama (.xls, Excel 97–2003) atau berkas Excel yang dikunci kata sandi; format ini tidak dapat dibaca. Buka berkas di Excel, hapus kata sandinya bila ada, lalu pilih File > Simpan Sebagai > "Buku Kerja Excel (*.xlsx)" atau "CSV UTF-8", dan unggah berkas yang baru.',
      en: 'This file is in the old Excel format (.xls, Excel 97–2003) or is a password-protected Excel file; it cannot be read. Open it in Excel, remove the password if there is one, then choose File > Save As > "Excel Workbook (*.xlsx)" or "CSV UTF-8", and upload the new file.',
    });
  }
  const other = NOT_SPREADSHEETS.find((k) => startsWith(head, k.magic));
  if (other) {
    throw fileError('file_not_spreadsheet', {
      id: `Berkas ini adalah ${other.what.id}, bukan lembar kerja. Unggah data peserta dalam berkas Excel (.xlsx) atau CSV; gunakan templat unduhan bila perlu.`,
      en: `This file is ${other.what.en}, not a spreadsheet. Upload the participant data as an Excel (.xlsx) or CSV file; use the downloadable template if needed.`,
    });
  }
  return openCsv(ctx);
}

export function emptyFile(): IntakeFileError {
  return fileError('file_empty', {
    id: 'Berkas kosong: tidak ada data sama sekali (atau hanya baris kosong). Periksa bahwa berkas yang benar yang diunggah, dan bahwa data sudah disimpan sebelum berkas dikirim.',
    en: 'The file is empty: there is no data at all (or only blank lines). Check that the right file was uploaded and that the data was saved before the file was sent.',
  });
}

/** True when the name the file came with says one format and the content is the other. */
export function extensionMismatch(fileName: string | undefined, actual: 'csv' | 'xlsx'): Problem | null {
  const ext = /\.([a-z0-9]+)$/i.exec(fileName ?? '')?.[1]?.toLowerCase();
  if (!ext) return null;
  const claims = ext === 'xlsx' || ext === 'xlsm' || ext === 'xls' ? 'xlsx' : ext === 'csv' || ext === 'txt' || ext === 'tsv' ? 'csv' : null;
  if (claims === null || claims === actual) return null;
  const shown = actual === 'csv' ? 'CSV (teks)' : 'Excel (.xlsx)';
  const shownEn = actual === 'csv' ? 'CSV (text)' : 'Excel (.xlsx)';
  return warning('file_extension_mismatch', {
    id: `Nama berkas berakhiran .${ext}, tetapi isinya berformat ${shown}; berkas dibaca sebagai ${shown}. Bila datanya tampak salah, buka berkas asli di Excel dan simpan ulang dengan format yang benar.`,
    en: `The file name ends in .${ext} but the content is ${shownEn}; it was read as ${shownEn}. If the data looks wrong, open the original in Excel and save it again in the right format.`,
  });
}
