/**
 * XLSX uploads, read straight from the zip with our own small reader rather than through exceljs.
 *
 * Why not ExcelJS.stream.xlsx.WorkbookReader: it reads the zip front to back, so with the order
 * Excel writes (sheets before shared strings and styles) it inflates every sheet into temporary
 * files before giving the first row; it inflates whatever the zip holds before we could check the
 * sizes (zip bombs); stopping early to look at a sheet's first rows leaves those temporary files
 * and open files behind; and it misreads some cells (a formula whose result is #N/A becomes NaN,
 * an ISO date cell becomes the number of its year). Reading the central directory lets us check every declared size
 * before inflating anything, inflate only the parts we need, cap each part at its declared size
 * while inflating, and look at the first 20 rows of each sheet for a few KB of work.
 *
 * Memory: the shared-string table (every distinct text of the workbook, as Excel stores it) is
 * held while rows are read; rows themselves stream in chunks.
 */
import { open } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { FIELD_LABELS, REQUIRED_FIELDS, AREA_BY_NAMES, findHeaderRow, mapHeaders } from './headers.js';
import type { Problem } from './values.js';
import {
  CHUNK_CELLS,
  CHUNK_ROWS,
  IntakeFileError,
  extensionMismatch,
  fileError,
  hashFile,
  warning,
  type Cell,
  type FileContext,
  type OpenedFile,
  type SheetRow,
} from './read-file.js';

// ---------------------------------------------------------------------------
// Limits

/** Sum of the declared uncompressed sizes of every part: a real village workbook is a few MB. */
const MAX_INFLATED_TOTAL = 1024 * 1024 * 1024;
/** A part this big must not have shrunk more than `MAX_RATIO` times: real sheets shrink 5–50 times. */
const RATIO_CHECK_FROM = 10 * 1024 * 1024;
const MAX_RATIO = 200;
const MAX_ENTRIES = 20_000;
const MAX_CENTRAL_DIRECTORY = 32 * 1024 * 1024;
/** Excel's last column is XFD (16,384). */
const MAX_COLUMNS = 16_384;
/** Rows looked at to find the header row, as in `findHeaderRow`. */
const PROBE_ROWS = 20;
const MAX_LISTED = 8;

// ---------------------------------------------------------------------------
// Errors

function damaged(detail: string): IntakeFileError {
  return fileError('xlsx_damaged', {
    id: `Berkas Excel ini rusak atau tidak lengkap (${detail}), mungkin karena unduhan atau kiriman yang terputus. Buka berkas di Excel; bila bisa dibuka, simpan ulang sebagai "Buku Kerja Excel (*.xlsx)" lalu unggah lagi; bila tidak, minta berkas yang asli dikirim ulang.`,
    en: `This Excel file is damaged or incomplete (${detail}), perhaps from an interrupted download or transfer. Open it in Excel; if it opens, save it again as "Excel Workbook (*.xlsx)" and upload it again; if not, ask for the original file to be sent again.`,
  });
}

function tooBigInside(): IntakeFileError {
  return fileError('xlsx_too_big_unpacked', {
    id: `Isi berkas Excel ini terlalu besar setelah dibuka (lebih dari ${MAX_INFLATED_TOTAL / 1024 ** 3} GB, atau satu bagiannya membesar lebih dari ${MAX_RATIO} kali), jauh di atas ukuran data peserta yang wajar; berkas ini tidak dibaca demi keamanan. Salin hanya baris dan kolom data peserta ke buku kerja baru, simpan sebagai .xlsx atau CSV, lalu unggah lagi.`,
    en: `The content of this Excel file is too large once unpacked (over ${MAX_INFLATED_TOTAL / 1024 ** 3} GB, or one part grows more than ${MAX_RATIO} times), far beyond any real participant list; it is not read, for safety. Copy only the participant rows and columns into a new workbook, save it as .xlsx or CSV, and upload again.`,
  });
}

function listNames(names: readonly string[]): string {
  const shown = names.slice(0, MAX_LISTED).map((n) => `'${n}'`).join(', ');
  return names.length > MAX_LISTED ? `${shown} … (+${names.length - MAX_LISTED})` : shown;
}

// ---------------------------------------------------------------------------
// Zip

interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  offset: number;
}

async function readAt(path: string, length: number, position: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await fh.read(buf, 0, length, position);
    if (bytesRead < length) throw damaged('unexpected end of file');
    return buf;
  } finally {
    await fh.close();
  }
}

/** Reads a zip64 extended-information field for the values the fixed header could not hold. */
function zip64Values(extra: Buffer, wants: { size: boolean; compressed: boolean; offset: boolean }): { size?: number; compressed?: number; offset?: number } {
  let p = 0;
  while (p + 4 <= extra.length) {
    const id = extra.readUInt16LE(p);
    const len = extra.readUInt16LE(p + 2);
    if (id === 0x0001) {
      let q = p + 4;
      const out: { size?: number; compressed?: number; offset?: number } = {};
      if (wants.size) {
        out.size = Number(extra.readBigUInt64LE(q));
        q += 8;
      }
      if (wants.compressed) {
        out.compressed = Number(extra.readBigUInt64LE(q));
        q += 8;
      }
      if (wants.offset) out.offset = Number(extra.readBigUInt64LE(q));
      return out;
    }
    p += 4 + len;
  }
  return {};
}

class ZipFile {
  private readonly byName = new Map<string, ZipEntry>();
  private readonly byLowerName = new Map<string, ZipEntry>();

  private constructor(
    readonly path: string,
    readonly entries: readonly ZipEntry[],
  ) {
    for (const e of entries) {
      this.byName.set(e.name, e);
      this.byLowerName.set(e.name.toLowerCase(), e);
    }
  }

  static async open(path: string, bytes: number): Promise<ZipFile> {
    try {
      return new ZipFile(path, await ZipFile.directory(path, bytes));
    } catch (err) {
      if (err instanceof IntakeFileError) throw err;
      throw damaged(err instanceof RangeError ? 'bad zip directory' : String(err));
    }
  }

  private static async directory(path: string, bytes: number): Promise<ZipEntry[]> {
    const tailLength = Math.min(bytes, 22 + 0xffff);
    const tail = await readAt(path, tailLength, bytes - tailLength);
    let eocd = -1;
    for (let i = tailLength - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw damaged('no zip directory');
    let count = tail.readUInt16LE(eocd + 10);
    let dirSize = tail.readUInt32LE(eocd + 12);
    let dirOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
      const locator = eocd - 20;
      if (locator < 0 || tail.readUInt32LE(locator) !== 0x07064b50) throw damaged('bad zip64 locator');
      const record = await readAt(path, 56, Number(tail.readBigUInt64LE(locator + 8)));
      if (record.readUInt32LE(0) !== 0x06064b50) throw damaged('bad zip64 directory');
      count = Number(record.readBigUInt64LE(32));
      dirSize = Number(record.readBigUInt64LE(40));
      dirOffset = Number(record.readBigUInt64LE(48));
    }
    if (count > MAX_ENTRIES || dirSize > MAX_CENTRAL_DIRECTORY) throw tooBigInside();
    if (dirOffset + dirSize > bytes) throw damaged('zip directory beyond end of file');
    const dir = await readAt(path, dirSize, dirOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (dir.readUInt32LE(p) !== 0x02014b50) throw damaged('bad zip entry');
      const flags = dir.readUInt16LE(p + 8);
      const method = dir.readUInt16LE(p + 10);
      let compressedSize = dir.readUInt32LE(p + 20);
      let size = dir.readUInt32LE(p + 24);
      const nameLength = dir.readUInt16LE(p + 28);
      const extraLength = dir.readUInt16LE(p + 30);
      const commentLength = dir.readUInt16LE(p + 32);
      let offset = dir.readUInt32LE(p + 42);
      const name = dir.toString(flags & 0x800 ? 'utf8' : 'latin1', p + 46, p + 46 + nameLength).replace(/\\/g, '/');
      if (size === 0xffffffff || compressedSize === 0xffffffff || offset === 0xffffffff) {
        const extra = dir.subarray(p + 46 + nameLength, p + 46 + nameLength + extraLength);
        const big = zip64Values(extra, { size: size === 0xffffffff, compressed: compressedSize === 0xffffffff, offset: offset === 0xffffffff });
        size = big.size ?? size;
        compressedSize = big.compressed ?? compressedSize;
        offset = big.offset ?? offset;
      }
      p += 46 + nameLength + extraLength + commentLength;
      if (name.endsWith('/')) continue;
      if (offset + compressedSize > bytes) throw damaged(`${name} beyond end of file`);
      entries.push({ name, flags, method, compressedSize, size, offset });
    }
    // The sizes are what the zip claims; `text()` holds every part to its claim while inflating.
    let total = 0;
    for (const e of entries) {
      total += e.size;
      if (e.size > RATIO_CHECK_FROM && e.size > MAX_RATIO * Math.max(e.compressedSize, 1)) throw tooBigInside();
    }
    if (total > MAX_INFLATED_TOTAL) throw tooBigInside();
    return entries;
  }

  get(name: string): ZipEntry | undefined {
    return this.byName.get(name) ?? this.byLowerName.get(name.toLowerCase());
  }

  /**
   * The text of one part, inflated piece by piece. Inflating stops as soon as the part grows past
   * the size the zip declared for it, so a lying directory cannot make us inflate more than the
   * total checked in `directory`. Breaking out of the loop closes the file.
   */
  async *text(entry: ZipEntry): AsyncGenerator<string> {
    if (entry.flags & 0x1) {
      throw fileError('xlsx_encrypted', {
        id: 'Berkas Excel ini terkunci (terenkripsi) sehingga tidak dapat dibaca. Buka di Excel, hapus kata sandinya (File > Info > Lindungi Buku Kerja), simpan, lalu unggah lagi.',
        en: 'This Excel file is locked (encrypted) and cannot be read. Open it in Excel, remove the password (File > Info > Protect Workbook), save it, and upload it again.',
      });
    }
    if (entry.method !== 0 && entry.method !== 8) {
      throw fileError('xlsx_unsupported_compression', {
        id: 'Berkas Excel ini dipadatkan dengan cara yang tidak umum sehingga tidak dapat dibaca. Buka di Excel lalu simpan ulang sebagai "Buku Kerja Excel (*.xlsx)", dan unggah lagi.',
        en: 'This Excel file is compressed in an unusual way and cannot be read. Open it in Excel, save it again as "Excel Workbook (*.xlsx)", and upload it again.',
      });
    }
    const local = await readAt(this.path, 30, entry.offset);
    if (local.readUInt32LE(0) !== 0x04034b50) throw damaged(`bad header for ${entry.name}`);
    const start = entry.offset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    if (entry.compressedSize === 0) return;
    const raw = createReadStream(this.path, { start, end: start + entry.compressedSize - 1, highWaterMark: 64 * 1024 });
    const source: Readable = entry.method === 8 ? pipeline(raw, createInflateRaw(), () => undefined) : raw;
    const decoder = new StringDecoder('utf8');
    let inflated = 0;
    let first = true;
    try {
      for await (const chunk of source) {
        const buf = chunk as Buffer;
        inflated += buf.length;
        if (inflated > entry.size) throw tooBigInside();
        let s = decoder.write(buf);
        if (first && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
        first = false;
        if (s) yield s;
      }
      const rest = decoder.end();
      if (rest) yield rest;
    } catch (err) {
      if (err instanceof IntakeFileError) throw err;
      throw damaged(`${entry.name}: ${(err as Error).message}`);
    } finally {
      raw.destroy();
      source.destroy();
    }
  }

  async readAll(entry: ZipEntry): Promise<string> {
    let s = '';
    for await (const piece of this.text(entry)) s += piece;
    return s;
  }
}

// ---------------------------------------------------------------------------
// XML

function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

function attr(tag: SaxesTagPlain, name: string): string | undefined {
  const direct = tag.attributes[name];
  if (direct !== undefined) return direct;
  // r:id may come with another prefix in files from other tools.
  for (const [key, value] of Object.entries(tag.attributes)) {
    if (localName(key) === name && key.includes(':')) return value;
  }
  return undefined;
}

interface XmlHandlers {
  open(tag: SaxesTagPlain, name: string): void;
  close?(name: string): void;
  text?(text: string): void;
}

/** Feeds a part to a SAX parser; `stop()` returning true ends reading early. */
async function parseXml(chunks: AsyncIterable<string>, what: string, handlers: XmlHandlers, stop?: () => boolean): Promise<void> {
  const parser = new SaxesParser({ xmlns: false, position: false });
  let failure: Error | null = null;
  parser.on('error', (err) => {
    failure ??= err;
  });
  parser.on('opentag', (tag) => handlers.open(tag, localName(tag.name)));
  if (handlers.close) {
    const close = handlers.close;
    parser.on('closetag', (tag) => close(localName(tag.name)));
  }
  if (handlers.text) parser.on('text', handlers.text);
  for await (const chunk of chunks) {
    parser.write(chunk);
    if (failure) throw damaged(`${what}: ${(failure as Error).message}`);
    if (stop?.()) return;
  }
  parser.close();
  if (failure) throw damaged(`${what}: ${(failure as Error).message}`);
}

/** Excel escapes control characters in text as _xHHHH_ (a line break in a cell is _x000D_). */
function unescapeExcel(s: string): string {
  return s.includes('_x') ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : s;
}

// ---------------------------------------------------------------------------
// Workbook, relationships, styles, shared strings

interface SheetInfo {
  name: string;
  state: 'visible' | 'hidden' | 'veryHidden';
  /** Zip path of the part, when it is a worksheet that exists. */
  path: string | null;
}

interface Book {
  sheets: SheetInfo[];
  date1904: boolean;
  styles: ZipEntry | undefined;
  sharedStrings: ZipEntry | undefined;
}

function resolveTarget(base: string, target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = base.split('/').slice(0, -1);
  for (const piece of target.split('/')) {
    if (piece === '..') parts.pop();
    else if (piece !== '.' && piece !== '') parts.push(piece);
  }
  return parts.join('/');
}

async function readBook(zip: ZipFile, workbook: ZipEntry): Promise<Book> {
  const raw: { name: string; state: string; rid: string | undefined }[] = [];
  let date1904 = false;
  await parseXml(zip.text(workbook), workbook.name, {
    open(tag, name) {
      if (name === 'sheet') raw.push({ name: attr(tag, 'name') ?? '', state: attr(tag, 'state') ?? 'visible', rid: attr(tag, 'id') });
      else if (name === 'workbookPr') date1904 = ['1', 'true'].includes(attr(tag, 'date1904') ?? '');
    },
  });

  const relsPath = workbook.name.replace(/[^/]*$/, (file) => `_rels/${file}.rels`);
  const rels = new Map<string, { target: string; type: string }>();
  const relsEntry = zip.get(relsPath);
  if (relsEntry) {
    await parseXml(zip.text(relsEntry), relsPath, {
      open(tag, name) {
        if (name !== 'Relationship' || attr(tag, 'TargetMode') === 'External') return;
        rels.set(attr(tag, 'Id') ?? '', { target: resolveTarget(workbook.name, attr(tag, 'Target') ?? ''), type: attr(tag, 'Type') ?? '' });
      },
    });
  }
  const byType = (suffix: string) => [...rels.values()].find((r) => r.type.endsWith(suffix))?.target;
  const dir = workbook.name.replace(/[^/]*$/, '');

  const sheets: SheetInfo[] = raw.map((s) => {
    const rel = s.rid === undefined ? undefined : rels.get(s.rid);
    const isWorksheet = rel !== undefined && rel.type.endsWith('/worksheet');
    return {
      name: s.name,
      state: s.state === 'hidden' || s.state === 'veryHidden' ? s.state : 'visible',
      path: isWorksheet && zip.get(rel.target) ? (zip.get(rel.target)?.name ?? null) : null,
    };
  });
  return {
    sheets,
    date1904,
    styles: zip.get(byType('/styles') ?? `${dir}styles.xml`),
    sharedStrings: zip.get(byType('/sharedStrings') ?? `${dir}sharedStrings.xml`),
  };
}

/** Built-in number formats that show a date (times alone stay numbers). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

export function isDateFormat(code: string): boolean {
  const section = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/[_*]./g, '')
    .replace(/\[[^\]]*\]/g, '')
    .split(';')[0] ?? '';
  if (/general/i.test(section)) return false;
  return /[dy]/i.test(section) || (/m/i.test(section) && !/[hs]/i.test(section));
}

/** For each cell style index, whether its number format shows a date. */
async function readDateStyles(zip: ZipFile, entry: ZipEntry | undefined): Promise<boolean[]> {
  if (!entry) return [];
  const custom = new Map<number, string>();
  const xfFormats: number[] = [];
  let inCellXfs = false;
  await parseXml(zip.text(entry), entry.name, {
    open(tag, name) {
      if (name === 'numFmt') custom.set(Number(attr(tag, 'numFmtId')), attr(tag, 'formatCode') ?? '');
      else if (name === 'cellXfs') inCellXfs = true;
      else if (name === 'xf' && inCellXfs) xfFormats.push(Number(attr(tag, 'numFmtId') ?? 0));
    },
    close(name) {
      if (name === 'cellXfs') inCellXfs = false;
    },
  });
  return xfFormats.map((id) => {
    const code = custom.get(id);
    return code !== undefined ? isDateFormat(code) : BUILTIN_DATE_FORMATS.has(id);
  });
}

/** The shared strings, all of them or only up to index `upTo`. */
async function readSharedStrings(zip: ZipFile, entry: ZipEntry | undefined, upTo = Infinity): Promise<string[]> {
  const strings: string[] = [];
  if (!entry || upTo < 0) return strings;
  let current = '';
  let inText = false;
  let phonetic = 0;
  await parseXml(
    zip.text(entry),
    entry.name,
    {
      open(_tag, name) {
        if (name === 'si') current = '';
        else if (name === 't') inText = phonetic === 0;
        else if (name === 'rPh') phonetic++;
      },
      close(name) {
        if (name === 't') inText = false;
        else if (name === 'rPh') phonetic--;
        else if (name === 'si') strings.push(unescapeExcel(current));
      },
      text(t) {
        if (inText) current += t;
      },
    },
    () => strings.length > upTo,
  );
  return strings;
}

// ---------------------------------------------------------------------------
// Sheets

/** A shared string not loaded yet (while looking for the header row). */
interface SharedRef {
  sst: number;
}

const EXCEL_DAY_MS = 86_400_000;
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

/**
 * An Excel date number as a Date at UTC midnight of that day (plus the time of day, if any).
 * Serial 60 is Excel's 29 February 1900, which never existed: it stays a number so the date
 * check can say so.
 */
function excelDate(serial: number, date1904: boolean): Date | number {
  if (!Number.isFinite(serial) || serial < 0) return serial;
  if (date1904) return new Date(EPOCH_1904 + Math.round(serial * EXCEL_DAY_MS));
  if (serial >= 60 && serial < 61) return serial;
  const days = serial < 60 ? serial + 1 : serial;
  return new Date(EPOCH_1900 + Math.round(days * EXCEL_DAY_MS));
}

function columnIndex(ref: string): number {
  let col = 0;
  for (let i = 0; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) col = col * 26 + (c - 64);
    else if (c >= 97 && c <= 122) col = col * 26 + (c - 96);
    else break;
  }
  return col - 1;
}

interface SheetParse<S> {
  sharedString(index: number): S;
  isDate(style: number): boolean;
  date1904: boolean;
  onRow(rowNo: number, cells: (Cell | S)[]): void;
}

/** A SAX parser that turns a worksheet into rows of cells. */
function sheetParser<S>(opts: SheetParse<S>): SaxesParser<{ xmlns: false; position: false }> {
  const parser = new SaxesParser({ xmlns: false, position: false });
  let inData = false;
  let rowNo = 0;
  let cells: (Cell | S | undefined)[] = [];
  let nextCol = 0;
  // The cell being read.
  let col = 0;
  let type = 'n';
  let style = 0;
  let value: string | null = null;
  let inline: string | null = null;
  let capture: 'v' | 't' | null = null;
  let inInline = false;
  let phonetic = 0;

  function cellValue(): Cell | S {
    switch (type) {
      case 's':
        return value === null || value.trim() === '' ? null : opts.sharedString(Number(value));
      case 'inlineStr':
        return inline !== null ? unescapeExcel(inline) : value !== null ? unescapeExcel(value) : null;
      case 'str':
        return value === null ? null : unescapeExcel(value);
      case 'b':
        return value === null ? null : value.trim() === '1' || value.trim().toLowerCase() === 'true';
      case 'e':
        return value;
      case 'd': {
        if (value === null) return null;
        const d = new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) || !value.includes('T') ? value : `${value}Z`);
        return Number.isNaN(d.getTime()) ? value : d;
      }
      default: {
        if (value === null || value.trim() === '') return null;
        const n = Number(value);
        if (Number.isNaN(n)) return value;
        return opts.isDate(style) ? excelDate(n, opts.date1904) : n;
      }
    }
  }

  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    if (!inData) {
      if (name === 'sheetData') inData = true;
      return;
    }
    switch (name) {
      case 'row': {
        const r = tag.attributes.r;
        rowNo = r ? Number(r) : rowNo + 1;
        cells = [];
        nextCol = 0;
        break;
      }
      case 'c': {
        const r = tag.attributes.r;
        col = r ? columnIndex(r) : nextCol;
        nextCol = col + 1;
        type = tag.attributes.t ?? 'n';
        style = tag.attributes.s ? Number(tag.attributes.s) : 0;
        value = null;
        inline = null;
        break;
      }
      case 'v':
        capture = 'v';
        value = '';
        break;
      case 'is':
        inInline = true;
        inline = '';
        break;
      case 't':
        if (inInline && phonetic === 0) capture = 't';
        break;
      case 'rPh':
        phonetic++;
        break;
    }
  });
  parser.on('text', (text) => {
    if (capture === 'v') value += text;
    else if (capture === 't') inline += text;
  });
  parser.on('closetag', (tag) => {
    if (!inData) return;
    switch (localName(tag.name)) {
      case 'v':
      case 't':
        capture = null;
        break;
      case 'rPh':
        phonetic--;
        break;
      case 'is':
        inInline = false;
        break;
      case 'c':
        if (col >= 0 && col < MAX_COLUMNS) {
          const v = cellValue();
          if (v !== null) cells[col] = v;
        }
        break;
      case 'row': {
        const out: (Cell | S)[] = new Array<Cell | S>(cells.length);
        for (let i = 0; i < cells.length; i++) out[i] = cells[i] ?? null;
        opts.onRow(rowNo, out);
        break;
      }
      case 'sheetData':
        inData = false;
        break;
    }
  });
  return parser;
}

function isBlank(cells: readonly unknown[]): boolean {
  return cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
}

async function* sheetRows(zip: ZipFile, entry: ZipEntry, opts: Omit<SheetParse<Cell>, 'onRow'>): AsyncGenerator<SheetRow[]> {
  const ready: SheetRow[][] = [];
  let out: SheetRow[] = [];
  let outCells = 0;
  let failure: Error | null = null;
  const parser = sheetParser<Cell>({
    ...opts,
    onRow(rowNo, cells) {
      if (isBlank(cells)) return;
      out.push({ rowNo, cells });
      outCells += cells.length;
      if (out.length >= CHUNK_ROWS || outCells >= CHUNK_CELLS) {
        ready.push(out);
        out = [];
        outCells = 0;
      }
    },
  });
  parser.on('error', (err) => {
    failure ??= err;
  });
  for await (const text of zip.text(entry)) {
    parser.write(text);
    if (failure) throw damaged(`${entry.name}: ${(failure as Error).message}`);
    for (let chunk = ready.shift(); chunk; chunk = ready.shift()) yield chunk;
  }
  parser.close();
  if (failure) throw damaged(`${entry.name}: ${(failure as Error).message}`);
  for (let chunk = ready.shift(); chunk; chunk = ready.shift()) yield chunk;
  if (out.length) yield out;
}

/** The first `PROBE_ROWS` rows of a sheet, by row number (index 0 = row 1); shared strings unresolved. */
async function probeSheet(zip: ZipFile, entry: ZipEntry): Promise<(Cell | SharedRef)[][]> {
  const grid: (Cell | SharedRef)[][] = Array.from({ length: PROBE_ROWS }, () => []);
  let done = false;
  let failure: Error | null = null;
  const parser = sheetParser<SharedRef>({
    sharedString: (sst) => ({ sst }),
    isDate: () => false,
    date1904: false,
    onRow(rowNo, cells) {
      if (rowNo >= 1 && rowNo <= PROBE_ROWS) grid[rowNo - 1] = cells;
      if (rowNo >= PROBE_ROWS) done = true;
    },
  });
  parser.on('error', (err) => {
    failure ??= err;
  });
  for await (const text of zip.text(entry)) {
    parser.write(text);
    if (failure) throw damaged(`${entry.name}: ${(failure as Error).message}`);
    if (done) break;
  }
  return grid;
}

function isSharedRef(c: Cell | SharedRef): c is SharedRef {
  return typeof c === 'object' && c !== null && !(c instanceof Date);
}

interface SheetScan {
  merges: string[];
  /** Cells with a formula and no saved result (address, or '' when it could not be told). */
  formulasWithoutValue: string[];
}

/**
 * Looks through a whole sheet for merged cells and formulas without a saved result. Both are rare,
 * so plain text search is enough and far cheaper than parsing the XML a second time.
 */
async function scanSheet(zip: ZipFile, entry: ZipEntry): Promise<SheetScan> {
  const merges: string[] = [];
  const formulas: string[] = [];
  let mergeRe: RegExp | null = null;
  let formulaRe: RegExp | null = null;
  let cellOpen = '<c ';
  let text = '';
  let offset = 0;
  let mergesDone = 0;
  let formulasDone = 0;

  function scan(last: boolean): void {
    if (!mergeRe || !formulaRe) {
      // The namespace prefix of the sheet (usually none, 'x:' from some generators).
      const root = /<([\w.-]+:)?worksheet[\s>]/.exec(text);
      if (!root && !last) return;
      const p = (root?.[1] ?? '').replace(/\./g, '\\.');
      cellOpen = `<${root?.[1] ?? ''}c `;
      mergeRe = new RegExp(`<${p}mergeCell\\b[^>]*?\\bref="([^"]+)"`, 'g');
      formulaRe = new RegExp(`(?:</${p}f>|<${p}f\\b[^>]*/>)(<${p}v\\s*/>|<${p}v>\\s*</${p}v>)?</${p}c>`, 'g');
    }
    const safeEnd = last ? text.length : text.length - 256;
    mergeRe.lastIndex = Math.max(0, mergesDone - offset);
    for (let m = mergeRe.exec(text); m; m = mergeRe.exec(text)) {
      if (m.index + m[0].length > safeEnd) break;
      merges.push(m[1] ?? '');
      mergesDone = offset + m.index + m[0].length;
    }
    formulaRe.lastIndex = Math.max(0, formulasDone - offset);
    for (let m = formulaRe.exec(text); m; m = formulaRe.exec(text)) {
      if (m.index + m[0].length > safeEnd) break;
      formulasDone = offset + m.index + m[0].length;
      const start = text.lastIndexOf(cellOpen, m.index);
      const tag = start < 0 ? '' : text.slice(start, text.indexOf('>', start) + 1);
      // An empty saved result is a formula that returned "" (=IF(A2="";"";…)), unless the cell is a number.
      if (m[1] !== undefined && (tag === '' || /\bt="str"/.test(tag))) continue;
      formulas.push(/\br="([A-Za-z]+\d+)"/.exec(tag)?.[1] ?? '');
    }
    // Keep enough context for a match cut in two and for the cell a formula belongs to.
    const keep = Math.max(0, text.length - 4096);
    text = text.slice(keep);
    offset += keep;
  }

  for await (const piece of zip.text(entry)) {
    text += piece;
    if (text.length > 64 * 1024) scan(false);
  }
  scan(true);
  return { merges, formulasWithoutValue: formulas };
}

/** Parses "A1:C2" into rows; null when it is not a range. */
function rangeRows(ref: string): { top: number; bottom: number } | null {
  const m = /^[A-Za-z]+(\d+)(?::[A-Za-z]+(\d+))?$/.exec(ref);
  if (!m) return null;
  const top = Number(m[1]);
  return { top, bottom: m[2] ? Number(m[2]) : top };
}

// ---------------------------------------------------------------------------
// Opening

interface Probe {
  sheet: SheetInfo;
  entry: ZipEntry;
  /** Row number of the header row, or null. */
  headerRow: number | null;
  /** The header row names the person (NIK or name): a participant list, not a lookup table. */
  people: boolean;
}

function expectedColumns(): { id: string; en: string } {
  const required = REQUIRED_FIELDS.map((f) => FIELD_LABELS[f]);
  const area = AREA_BY_NAMES.map((f) => FIELD_LABELS[f]);
  return {
    id: `${required.map((l) => l.id).join(', ')}, dan ${FIELD_LABELS.area_code.id} atau ${area.map((l) => l.id).join(', ')}`,
    en: `${required.map((l) => l.en).join(', ')}, and ${FIELD_LABELS.area_code.en} or ${area.map((l) => l.en).join(', ')}`,
  };
}

async function probeSheets(zip: ZipFile, book: Book, sheets: readonly SheetInfo[]): Promise<Probe[]> {
  const grids: { sheet: SheetInfo; entry: ZipEntry; grid: (Cell | SharedRef)[][] }[] = [];
  let maxRef = -1;
  for (const sheet of sheets) {
    const entry = sheet.path ? zip.get(sheet.path) : undefined;
    if (!entry) continue;
    const grid = await probeSheet(zip, entry);
    for (const row of grid) for (const c of row) if (isSharedRef(c)) maxRef = Math.max(maxRef, c.sst);
    grids.push({ sheet, entry, grid });
  }
  const strings = await readSharedStrings(zip, book.sharedStrings, maxRef);
  return grids.map(({ sheet, entry, grid }) => {
    const rows: Cell[][] = grid.map((row) => row.map((c) => (isSharedRef(c) ? (strings[c.sst] ?? null) : c)));
    const index = findHeaderRow(rows, { maxScan: PROBE_ROWS });
    const mapping = index === null ? null : mapHeaders(rows[index] ?? []).mapping;
    return {
      sheet,
      entry,
      headerRow: index === null ? null : index + 1,
      people: mapping !== null && (mapping.nik !== undefined || mapping.full_name !== undefined),
    };
  });
}

async function notAWorkbook(zip: ZipFile): Promise<IntakeFileError> {
  {
    const mimetype = zip.get('mimetype');
    const mime = mimetype && mimetype.size < 200 ? await zip.readAll(mimetype).catch(() => '') : '';
    if (mime.includes('opendocument.spreadsheet')) {
      return fileError('file_ods', {
        id: 'Berkas ini berformat OpenDocument (.ods, dari LibreOffice atau WPS), bukan Excel .xlsx. Buka berkas lalu pilih Simpan Sebagai > "Excel 2007-365 (.xlsx)" atau CSV, dan unggah berkas yang baru.',
        en: 'This file is an OpenDocument spreadsheet (.ods, from LibreOffice or WPS), not Excel .xlsx. Open it and choose Save As > "Excel 2007-365 (.xlsx)" or CSV, and upload the new file.',
      });
    }
    const word = zip.get('word/document.xml') !== undefined;
    return fileError('xlsx_no_workbook', {
      id: word
        ? 'Berkas ini adalah dokumen Word (.docx), bukan lembar kerja Excel. Masukkan data peserta ke templat Excel (satu baris per orang) lalu unggah berkas Excel itu.'
        : 'Berkas ini adalah arsip zip, bukan buku kerja Excel (.xlsx): tidak ada lembar kerja di dalamnya. Bila lembar kerja ada di dalam arsip, ekstrak dulu lalu unggah berkas .xlsx atau .csv-nya; atau buka data di Excel dan simpan sebagai "Buku Kerja Excel (*.xlsx)".',
      en: word
        ? 'This file is a Word document (.docx), not an Excel workbook. Put the participant data into the Excel template (one row per person) and upload that Excel file.'
        : 'This file is a zip archive, not an Excel workbook (.xlsx): there is no worksheet inside. If the spreadsheet is inside the archive, extract it first and upload the .xlsx or .csv file; or open the data in Excel and save it as "Excel Workbook (*.xlsx)".',
    });
  }
}

export async function openXlsx(ctx: FileContext): Promise<OpenedFile> {
  const sha256 = await hashFile(ctx.path);
  const zip = await ZipFile.open(ctx.path, ctx.bytes);
  const workbookEntry = zip.get('xl/workbook.xml');
  if (!workbookEntry) throw await notAWorkbook(zip);
  const book = await readBook(zip, workbookEntry);
  const names = book.sheets.map((s) => s.name);
  const worksheets = book.sheets.filter((s) => s.path !== null);
  if (worksheets.length === 0) {
    throw fileError('xlsx_no_sheets', {
      id: 'Buku kerja Excel ini tidak berisi lembar kerja dengan data (hanya grafik atau kosong). Salin data peserta ke lembar kerja biasa, simpan, lalu unggah lagi.',
      en: 'This Excel workbook has no worksheet with data (only charts, or nothing). Copy the participant data into an ordinary worksheet, save, and upload again.',
    });
  }

  const warnings: Problem[] = [];
  const mismatch = extensionMismatch(ctx.fileName, 'xlsx');
  if (mismatch) warnings.push(mismatch);

  let chosen: Probe;
  if (ctx.sheet !== undefined) {
    const wanted = ctx.sheet.trim().toLowerCase();
    const sheet = book.sheets.find((s) => s.name === ctx.sheet) ?? book.sheets.find((s) => s.name.trim().toLowerCase() === wanted);
    if (!sheet || sheet.path === null) {
      throw fileError('xlsx_sheet_not_found', {
        id: `Lembar (sheet) '${ctx.sheet}' tidak ada${sheet ? ' atau bukan lembar data' : ''} di berkas ini. Lembar yang ada: ${listNames(names)}. Pilih salah satu nama lembar itu.`,
        en: `There is no sheet '${ctx.sheet}'${sheet ? ' holding data' : ''} in this file. The sheets are: ${listNames(names)}. Choose one of these names.`,
      });
    }
    const [probe] = await probeSheets(zip, book, [sheet]);
    if (!probe) throw damaged(`sheet ${sheet.name}`);
    chosen = probe;
  } else {
    const probes = await probeSheets(zip, book, worksheets);
    const visible = probes.filter((p) => p.sheet.state === 'visible');
    const hidden = probes.filter((p) => p.sheet.state !== 'visible');
    const pick =
      visible.find((p) => p.people) ?? visible.find((p) => p.headerRow !== null) ?? hidden.find((p) => p.people) ?? hidden.find((p) => p.headerRow !== null);
    if (!pick) {
      const expected = expectedColumns();
      throw fileError('xlsx_no_data_sheet', {
        id: `Tidak ada lembar (sheet) yang memuat baris judul kolom data peserta dalam ${PROBE_ROWS} baris pertamanya. Lembar di berkas ini: ${listNames(names)}. Kolom yang diharapkan: ${expected.id}. Beri judul kolom seperti di templat unduhan, pada baris di atas data.`,
        en: `No sheet has a row of participant column titles within its first ${PROBE_ROWS} rows. The sheets in this file are: ${listNames(names)}. Expected columns: ${expected.en}. Give the columns titles as in the downloadable template, in a row above the data.`,
      });
    }
    chosen = pick;
    const others = visible.filter((p) => p !== pick && p.people).map((p) => p.sheet.name);
    if (others.length) {
      warnings.push(
        warning('xlsx_other_data_sheets', {
          id: `Hanya lembar '${pick.sheet.name}' yang dibaca, tetapi lembar ${listNames(others)} juga tampak berisi data peserta. Bila data di lembar itu juga perlu didaftarkan, pindahkan ke lembar '${pick.sheet.name}' atau unggah sebagai berkas terpisah.`,
          en: `Only sheet '${pick.sheet.name}' was read, but sheet ${listNames(others)} also seems to hold participant data. If those rows must be registered too, move them into sheet '${pick.sheet.name}' or upload them as a separate file.`,
        }),
      );
    }
  }

  if (chosen.sheet.state !== 'visible') {
    warnings.push(
      warning('xlsx_hidden_sheet', {
        id: `Lembar '${chosen.sheet.name}' yang dibaca adalah lembar tersembunyi di Excel. Pastikan ini lembar yang benar: tampilkan dengan klik kanan pada tab lembar > Perlihatkan (Unhide).`,
        en: `The sheet read, '${chosen.sheet.name}', is hidden in Excel. Make sure it is the right one: show it with right-click on a sheet tab > Unhide.`,
      }),
    );
  }

  const scan = await scanSheet(zip, chosen.entry);
  const headerRow = chosen.headerRow ?? 1;
  // Merged titles above the header row are harmless; merges in the header or the data are not.
  const merges = scan.merges.filter((ref) => (rangeRows(ref)?.bottom ?? headerRow) >= headerRow);
  if (merges.length) {
    warnings.push(
      warning('xlsx_merged_cells', {
        id: `Lembar '${chosen.sheet.name}' berisi sel yang digabung (merge): ${listNames(merges)}. Isi sel gabungan hanya dibaca pada sel kiri atas; sel lain dalam gabungan dianggap kosong. Pisahkan gabungan sel (Beranda > Gabungkan & Tengahkan > Pisahkan Sel) dan isi setiap sel, lalu unggah ulang.`,
        en: `Sheet '${chosen.sheet.name}' has merged cells: ${listNames(merges)}. The value of merged cells is read in the top-left cell only; the other cells of the merge are taken as empty. Unmerge them (Home > Merge & Center > Unmerge Cells) and fill every cell, then upload again.`,
      }),
    );
  }
  if (scan.formulasWithoutValue.length) {
    const known = scan.formulasWithoutValue.filter((r) => r !== '');
    const where = known.length ? `: ${listNames(known)}` : '';
    const n = scan.formulasWithoutValue.length;
    warnings.push(
      warning('xlsx_formula_no_value', {
        id: `${n} sel berisi rumus tanpa hasil tersimpan${where}; sel itu dibaca kosong. Ini terjadi bila berkas dibuat oleh aplikasi lain tanpa dihitung. Buka berkas di Excel, tekan F9 untuk menghitung ulang, simpan, lalu unggah lagi; atau salin dan tempel sebagai nilai (Tempel Spesial > Nilai).`,
        en: `${n} cell${n === 1 ? ' has a formula' : 's have formulas'} without a saved result${where}; ${n === 1 ? 'it is' : 'they are'} read as empty. This happens when the file was made by another application without calculating. Open the file in Excel, press F9 to recalculate, save, and upload again; or copy and paste as values (Paste Special > Values).`,
      }),
    );
  }

  const entry = chosen.entry;
  return {
    format: 'xlsx',
    sheet: chosen.sheet.name,
    sheets: names,
    warnings,
    sha256,
    bytes: ctx.bytes,
    async *rows() {
      const dateStyles = await readDateStyles(zip, book.styles);
      const sst = await readSharedStrings(zip, book.sharedStrings);
      yield* sheetRows(zip, entry, {
        sharedString: (i) => sst[i] ?? null,
        isDate: (s) => dateStyles[s] === true,
        date1904: book.date1904,
      });
    },
  };
}
