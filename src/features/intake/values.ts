/**
 * Reading the values of messy village spreadsheets: one normaliser per field.
 *
 * Pure: no I/O, no clock (`today` is passed in). Every normaliser takes the raw cell as the
 * parser gave it (`unknown`: a string from CSV, a number, Date or boolean from XLSX) and returns
 *
 *   { ok: true,  value, warnings }   the value to store (null when the cell is empty), plus
 *                                    warnings that ask the operator to double-check, or
 *   { ok: false, error,  warnings }  nothing usable: the error says what is wrong and how to fix it.
 *
 * Every message is Indonesian first, then English, and ends with what to do. Nothing is guessed
 * silently: when a value is read in a way that may not be what the operator meant (a 2-digit year,
 * "Janda", an unknown occupation), it is accepted with a warning that says how it was read.
 * Whether an empty cell is allowed is the caller's decision: see `requireValue`.
 */
import { checkKk, checkNik, type KkCheck, type KkCheckContext, type NikCheck, type NikCheckContext, type NikIssue } from '../../domain/nik.js';
import type { Message } from '../../domain/messages.js';
import { MARITAL_LABELS, OCCUPATION_LABELS, OCCUPATIONS, type MaritalStatus, type Occupation } from '../../domain/person-codes.js';

export type Severity = 'error' | 'warning';

/** One problem with one value: a stable machine code plus the text for people. */
export interface Problem extends Message {
  code: string;
  severity: Severity;
}

export type Result<T> = { ok: true; value: T; warnings: Problem[] } | { ok: false; error: Problem; warnings: Problem[] };

export type Sex = 'L' | 'P';

export { MARITAL_STATUSES, MARITAL_LABELS, OCCUPATIONS, OCCUPATION_LABELS } from '../../domain/person-codes.js';
export type { MaritalStatus, Occupation } from '../../domain/person-codes.js';

// ---------------------------------------------------------------------------
// Result helpers

function ok<T>(value: T, warnings: Problem[] = []): Result<T> {
  return { ok: true, value, warnings };
}

function fail<T>(code: string, message: Message, warnings: Problem[] = []): Result<T> {
  return { ok: false, error: { code, severity: 'error', ...message }, warnings };
}

function warn(code: string, message: Message): Problem {
  return { code, severity: 'warning', ...message };
}

/** Turns an empty value into an error: for the fields a row cannot do without. */
export function requireValue<T>(result: Result<T | null>, label: Message): Result<T> {
  if (!result.ok) return result;
  if (result.value === null) {
    return fail('required_missing', {
      id: `Kolom ${label.id} wajib diisi. Isi kolom ini lalu unggah ulang baris tersebut.`,
      en: `${label.en} is required. Fill in this column and upload the row again.`,
    }, result.warnings);
  }
  return { ok: true, value: result.value, warnings: result.warnings };
}

// ---------------------------------------------------------------------------
// Cells

/** Quotes a value for a message, shortened so a pasted paragraph does not flood the screen. */
function show(text: string): string {
  const t = text.length > 40 ? `${text.slice(0, 37)}…` : text;
  return `'${t}'`;
}

const EXCEL_ERRORS = new Set(['#N/A', '#VALUE!', '#REF!', '#DIV/0!', '#NAME?', '#NUM!', '#NULL!', '#SPILL!', '#CALC!', '#GETTING_DATA']);
/** Placeholders people type for "nothing". */
const EMPTY_MARKS = new Set(['', '-', '--', '–', '—', '.']);

type Cell = { kind: 'empty' } | { kind: 'text'; text: string } | { kind: 'number'; n: number } | { kind: 'date'; date: Date } | { kind: 'error'; problem: Problem };

function cleanSpaces(s: string): string {
  // Most cells are already clean: one test answers them (this runs for every cell of a million-row file).
  if (!/^\s|\s$|\s\s|[^\S ]|[\u200b\ufeff]/.test(s)) return s;
  return s.replace(/[\u00a0\u2007\u202f\u200b\ufeff]/g, ' ').replace(/\s+/g, ' ').trim();
}

function readCell(input: unknown): Cell {
  if (input === null || input === undefined) return { kind: 'empty' };
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { kind: 'error', problem: notReadable(String(input)) };
    return { kind: 'number', n: input };
  }
  if (typeof input === 'bigint') return { kind: 'text', text: input.toString() };
  if (typeof input === 'boolean') return { kind: 'text', text: input ? 'TRUE' : 'FALSE' };
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) return { kind: 'error', problem: notReadable('Invalid Date') };
    return { kind: 'date', date: input };
  }
  if (typeof input !== 'string') return { kind: 'error', problem: notReadable(Object.prototype.toString.call(input)) };
  const text = cleanSpaces(input);
  if (EMPTY_MARKS.has(text)) return { kind: 'empty' };
  if (EXCEL_ERRORS.has(text.toUpperCase())) {
    return {
      kind: 'error',
      problem: {
        code: 'excel_error_value',
        severity: 'error',
        id: `Sel berisi galat Excel ${text}, bukan data. Perbaiki rumus di sel ini atau ketik nilainya langsung, lalu unggah ulang.`,
        en: `The cell holds the Excel error ${text}, not data. Fix the formula in this cell or type the value directly, then upload again.`,
      },
    };
  }
  return { kind: 'text', text };
}

function notReadable(what: string): Problem {
  return {
    code: 'value_unreadable',
    severity: 'error',
    id: `Isi sel tidak dapat dibaca (${what}). Ketik ulang nilainya sebagai teks biasa.`,
    en: `The cell content cannot be read (${what}). Retype the value as plain text.`,
  };
}

/** Lower case, no accents, punctuation turned into spaces: for matching words against lists. */
function wordKey(s: string): string {
  // Plain ASCII has no accents to take off.
  return (/^[\x20-\x7e]*$/.test(s) ? s : s.normalize('NFKD').replace(/\p{M}/gu, ''))
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

// ---------------------------------------------------------------------------
// Dates

interface Ymd {
  y: number;
  m: number;
  d: number;
}

const MONTHS_ID = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];
const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** Indonesian and English month names and the abbreviations seen in village files. */
const MONTH_WORDS: ReadonlyMap<string, number> = new Map(
  (
    [
      [1, ['januari', 'january', 'jan']],
      [2, ['februari', 'pebruari', 'february', 'feb', 'peb', 'febr']],
      [3, ['maret', 'march', 'mar', 'mrt']],
      [4, ['april', 'apr']],
      [5, ['mei', 'may']],
      [6, ['juni', 'june', 'jun']],
      [7, ['juli', 'july', 'jul']],
      [8, ['agustus', 'august', 'agt', 'agu', 'ags', 'agst', 'agus', 'aug']],
      [9, ['september', 'sept', 'sep']],
      [10, ['oktober', 'october', 'okt', 'oct']],
      [11, ['november', 'nopember', 'nov', 'nop']],
      [12, ['desember', 'december', 'des', 'dec']],
    ] as const
  ).flatMap(([m, words]) => words.map((w) => [w, m] as [string, number])),
);

const WEEKDAYS = /^(senin|selasa|rabu|kamis|jumat|jum at|sabtu|minggu|ahad|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)[,\s]+/;

function isLeapYear(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function toIso({ y, m, d }: Ymd): string {
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

function longDate(date: Ymd, lang: 'id' | 'en'): string {
  const month = (lang === 'id' ? MONTHS_ID : MONTHS_EN)[date.m - 1] ?? pad(date.m);
  return `${date.d} ${month} ${date.y}`;
}

function parseToday(today: string): Ymd {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(today);
  const ymd = m ? { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) } : null;
  // A bad `today` is a programming error, not a user error: fail loudly.
  if (!ymd || ymd.m < 1 || ymd.m > 12 || ymd.d < 1 || ymd.d > daysInMonth(ymd.y, ymd.m)) {
    throw new RangeError(`today must be a real date written YYYY-MM-DD, got "${today}"`);
  }
  return ymd;
}

function fromEpochDays(days: number): Ymd {
  const d = new Date(days * 86_400_000);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}

const EXCEL_MAX_SERIAL = 2_958_465; // 9999-12-31
/** Days from 1970-01-01 back to 1899-12-30, the real day 0 of Excel serials from 61 on. */
const EXCEL_EPOCH_DAYS = Date.UTC(1899, 11, 30) / 86_400_000;

export type DateKind = 'birth' | 'any';

export interface DateOptions {
  /** YYYY-MM-DD */
  today: string;
  /**
   * 'birth' (default): a birth date. A 2-digit year is the latest year ending in those digits
   * that is not after today's year; a date after today or before 1900 is an error.
   * 'any': any date. A 2-digit year is the one closest to today.
   */
  kind?: DateKind;
}

const DATE_EXAMPLE: Message = {
  id: 'Tulis tanggal seperti 21-07-1980, 21/07/1980 atau 21 Juli 1980',
  en: 'Write the date like 21-07-1980, 21/07/1980 or 21 Juli 1980',
};

function dateUnreadable(text: string): Message {
  return {
    id: `Tanggal ${show(text)} tidak dapat dibaca. ${DATE_EXAMPLE.id} (tanggal-bulan-tahun).`,
    en: `The date ${show(text)} cannot be read. ${DATE_EXAMPLE.en} (day-month-year).`,
  };
}

/**
 * Two-digit years. For a birth date, take the latest year ending in those digits that is not
 * after today's year: with today in 2025, '80' is 1980, '05' is 2005, '25' is 2025 and '26' is
 * 1926. Nobody is born in the future, and a wrong century shows up at once in the age check.
 * For other dates take the year closest to today ('30' is 2030 in 2025, '80' is 1980).
 */
function expandYear(yy: number, today: Ymd, kind: DateKind): number {
  const century = Math.floor(today.y / 100) * 100;
  if (kind === 'birth') {
    const year = century + yy;
    return year > today.y ? year - 100 : year;
  }
  const candidates = [century - 100 + yy, century + yy, century + 100 + yy];
  return candidates.reduce((best, c) => (Math.abs(c - today.y) < Math.abs(best - today.y) ? c : best));
}

/** Excel day numbers, with Lotus 1-2-3's 1900 leap-year bug: Excel counts a 29 Feb 1900 that never existed. */
function fromExcelSerial(serial: number): Ymd | 'fake_leap_day' | null {
  const whole = Math.floor(serial);
  if (whole < 1 || whole > EXCEL_MAX_SERIAL) return null;
  if (whole === 60) return 'fake_leap_day';
  // Serials 1–59 count from 1 Jan 1900 = 1; from 61 on every serial is one too high because of
  // the fake 29 Feb 1900, so they count from 30 Dec 1899 instead of 31 Dec 1899.
  return fromEpochDays(EXCEL_EPOCH_DAYS + (whole < 60 ? whole + 1 : whole));
}

function excelSerialDate(serial: number, kind: DateKind, today: Ymd, fromText: string | null): Result<string | null> {
  const date = fromExcelSerial(serial);
  if (date === 'fake_leap_day') {
    return fail('date_excel_1900_leap_day', {
      id: 'Angka 60 adalah tanggal 29 Februari 1900 versi Excel, tanggal yang sebenarnya tidak pernah ada. Ketik tanggal yang benar seperti 21-07-1980.',
      en: 'Serial 60 is Excel’s 29 February 1900, a date that never existed. Type the real date, like 21-07-1980.',
    });
  }
  if (!date) return fail('date_unreadable', dateUnreadable(String(serial)));
  const warnings =
    fromText === null
      ? []
      : [
          warn('date_excel_serial', {
            id: `Tanggal ${show(fromText)} dibaca sebagai nomor tanggal Excel: ${longDate(date, 'id')}. Bila benar, sebaiknya ubah format sel menjadi tanggal (misalnya 21-07-1980) agar mudah diperiksa.`,
            en: `The date ${show(fromText)} was read as an Excel date number: ${longDate(date, 'en')}. If that is right, format the cell as a date (like 21-07-1980) so it can be checked easily.`,
          }),
        ];
  return checkDate(date, kind, today, String(serial), warnings);
}

function checkDate(date: Ymd, kind: DateKind, today: Ymd, text: string, warnings: Problem[]): Result<string | null> {
  if (date.m < 1 || date.m > 12) {
    return fail('date_impossible', {
      id: `Bulan ${date.m} pada tanggal ${show(text)} tidak ada (bulan 1–12). ${DATE_EXAMPLE.id}.`,
      en: `Month ${date.m} in the date ${show(text)} does not exist (months are 1–12). ${DATE_EXAMPLE.en}.`,
    }, warnings);
  }
  if (date.d < 1 || date.d > daysInMonth(date.y, date.m)) {
    const leap = date.m === 2 && date.d === 29;
    const monthId = MONTHS_ID[date.m - 1] ?? '';
    const monthEn = MONTHS_EN[date.m - 1] ?? '';
    return fail('date_impossible', {
      id:
        `Tanggal ${show(text)} tidak ada: ${date.d} ${monthId} ${date.y}` +
        (leap ? ` (${date.y} bukan tahun kabisat)` : date.d > 31 || date.d < 1 ? '' : ` (${monthId} hanya ${daysInMonth(date.y, date.m)} hari)`) +
        '. Periksa tanggal lahir di KTP atau KK lalu perbaiki.',
      en:
        `The date ${show(text)} does not exist: ${monthEn} ${date.d}, ${date.y}` +
        (leap ? ` (${date.y} is not a leap year)` : date.d > 31 || date.d < 1 ? '' : ` (${monthEn} has only ${daysInMonth(date.y, date.m)} days)`) +
        '. Check the date on the KTP or KK and correct it.',
    }, warnings);
  }
  if (kind === 'birth') {
    if (toIso(date) > toIso(today)) {
      return fail('date_future', {
        id: `Tanggal lahir ${longDate(date, 'id')} belum terjadi (setelah hari ini). Periksa tahun lahir di KTP atau KK lalu perbaiki.`,
        en: `The birth date ${longDate(date, 'en')} is after today. Check the year of birth on the KTP or KK and correct it.`,
      }, warnings);
    }
    if (date.y < 1900) {
      return fail('date_too_old', {
        id: `Tanggal lahir ${longDate(date, 'id')} terlalu lama (sebelum tahun 1900). Periksa tahun lahir di KTP atau KK lalu perbaiki.`,
        en: `The birth date ${longDate(date, 'en')} is too long ago (before 1900). Check the year of birth on the KTP or KK and correct it.`,
      }, warnings);
    }
  }
  return ok(toIso(date), warnings);
}

function twoDigitYearWarning(yy: string, year: number, kind: DateKind): Problem {
  return warn('date_two_digit_year', {
    id: `Tahun ditulis dengan 2 angka ('${yy}') dan dibaca sebagai ${year}${kind === 'birth' ? ' (tahun terakhir yang tidak melewati tahun ini)' : ' (tahun terdekat dengan tahun ini)'}. Tulis tahun dengan 4 angka, misalnya 21-07-${year}, agar tidak keliru.`,
    en: `The year was written with 2 digits ('${yy}') and read as ${year}${kind === 'birth' ? ' (the latest such year not after this year)' : ' (the such year closest to this year)'}. Write the year with 4 digits, for example 21-07-${year}, to avoid mistakes.`,
  });
}

function yearOf(raw: string, today: Ymd, kind: DateKind, warnings: Problem[]): number {
  if (raw.length === 4) return Number(raw);
  const year = expandYear(Number(raw), today, kind);
  warnings.push(twoDigitYearWarning(raw, year, kind));
  return year;
}

function parseDateText(original: string, kind: DateKind, today: Ymd): Result<string | null> {
  let s = original.toLowerCase().replace(WEEKDAYS, '');
  // Time of day from a date-time cell: "1980-07-21T00:00:00", "21/07/1980 00:00", "21/07/1980 0:00:00 AM".
  s = s.replace(/(?:t|\s+)\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:\.\d+)?)?\s*(?:am|pm|z|[+-]\d{2}:?\d{2})?$/, '').trim();
  const warnings: Problem[] = [];

  // ISO and other year-first forms: 1980-07-21, 1980/07/21.
  let m = /^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})$/.exec(s);
  if (m) return checkDate({ y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) }, kind, today, original, warnings);

  // Day, month, year in numbers: 21/07/1980, 21-07-1980, 21.07.1980, 21 07 1980, 21/7/80.
  m = /^(\d{1,2})\s*[-/.\s]\s*(\d{1,2})\s*[-/.\s]\s*(\d{4}|\d{2})$/.exec(s);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const yRaw = m[3] ?? '';
    if (b > 12 && a >= 1 && a <= 12 && b <= 31) {
      // Never swapped silently: the operator must confirm which part is the day.
      const y = yRaw.length === 4 ? yRaw : String(expandYear(Number(yRaw), today, kind));
      return fail('date_us_order', {
        id: `Tanggal ${show(original)} tampaknya ditulis dengan urutan bulan/tanggal (gaya Amerika), karena ${b} tidak mungkin menjadi bulan. Tulis dengan urutan tanggal/bulan/tahun: ${pad(b)}/${pad(a)}/${y}, dan periksa tanggal lain di berkas yang sama.`,
        en: `The date ${show(original)} looks like month/day order (US style), because ${b} cannot be a month. Write it day/month/year: ${pad(b)}/${pad(a)}/${y}, and check the other dates in the same file.`,
      });
    }
    const y = yearOf(yRaw, today, kind, warnings);
    return checkDate({ y, m: b, d: a }, kind, today, original, warnings);
  }

  // Day, month name, year: 21 Juli 1980, 21-Jul-80, 21 agt. 1980, 21juli1980.
  m = /^(\d{1,2})\s*[-/.\s]?\s*([a-z]+)\.?\s*[-/.,\s]?\s*(\d{4}|\d{2})$/.exec(s);
  // Month name first: July 21, 1980; Juli 21 1980.
  const monthFirst = m ? null : /^([a-z]+)\.?\s*(\d{1,2})(?:st|nd|rd|th)?\s*[,\s]\s*(\d{4}|\d{2})$/.exec(s);
  if (m || monthFirst) {
    const [dayRaw, word, yRaw] = m ? [m[1], m[2], m[3]] : [monthFirst?.[2], monthFirst?.[1], monthFirst?.[3]];
    const month = MONTH_WORDS.get(word ?? '');
    if (month === undefined) {
      return fail('date_unknown_month', {
        id: `Nama bulan '${word ?? ''}' pada tanggal ${show(original)} tidak dikenal. Tulis nama bulan lengkap (Januari … Desember) atau angka bulan, misalnya 21 Juli 1980 atau 21-07-1980.`,
        en: `The month name '${word ?? ''}' in the date ${show(original)} is not known. Write the full month name (Januari … Desember) or the month number, for example 21 Juli 1980 or 21-07-1980.`,
      });
    }
    const y = yearOf(yRaw ?? '', today, kind, warnings);
    return checkDate({ y, m: month, d: Number(dayRaw) }, kind, today, original, warnings);
  }

  // Digits only.
  if (/^\d+$/.test(s)) {
    if (s.length === 4 && Number(s) >= 1900 && Number(s) <= 2100) {
      return fail('date_year_only', {
        id: `Hanya tahun yang tertulis (${s}). Isi tanggal lahir lengkap seperti di KTP, misalnya 21-07-${s}.`,
        en: `Only the year was written (${s}). Fill in the full date of birth as on the KTP, for example 21-07-${s}.`,
      });
    }
    if (s.length === 8) {
      // 21071980 (ddmmyyyy) or 19800721 (yyyymmdd); both cannot be valid at once, since the
      // month of yyyymmdd would be 19 or 20.
      const y1 = Number(s.slice(0, 4));
      if (y1 >= 1900 && y1 <= 2100 && Number(s.slice(4, 6)) <= 12) {
        return checkDate({ y: y1, m: Number(s.slice(4, 6)), d: Number(s.slice(6, 8)) }, kind, today, original, warnings);
      }
      return checkDate({ y: Number(s.slice(4, 8)), m: Number(s.slice(2, 4)), d: Number(s.slice(0, 2)) }, kind, today, original, warnings);
    }
    if (s.length === 6) {
      const y = yearOf(s.slice(4, 6), today, kind, warnings);
      return checkDate({ y, m: Number(s.slice(2, 4)), d: Number(s.slice(0, 2)) }, kind, today, original, warnings);
    }
    if (s.length <= 5) return excelSerialDate(Number(s), kind, today, original);
  }
  // A serial that came through as text with decimals ("29423.0").
  if (/^\d{1,5}[.,]\d+$/.test(s)) return excelSerialDate(Number(s.replace(',', '.')), kind, today, original);
  return fail('date_unreadable', dateUnreadable(original));
}

/**
 * A date as ISO YYYY-MM-DD. Reads ISO, dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy, Indonesian and English
 * month names and abbreviations, 2-digit years (with a warning, see `expandYear`), ddmmyyyy and
 * yyyymmdd without separators, JS Dates and Excel serial numbers. dd/mm is the Indonesian
 * convention; a value that only makes sense as mm/dd is an error, never swapped silently.
 */
export function normaliseDate(input: unknown, opts: DateOptions): Result<string | null> {
  const today = parseToday(opts.today);
  const kind = opts.kind ?? 'birth';
  const cell = readCell(input);
  switch (cell.kind) {
    case 'empty':
      return ok(null);
    case 'error':
      return { ok: false, error: cell.problem, warnings: [] };
    case 'date': {
      // Spreadsheet libraries create Dates at local midnight; the nearest UTC midnight is that
      // same calendar day for any time zone within ±12 hours.
      const days = Math.round(cell.date.getTime() / 86_400_000);
      const date = fromEpochDays(days);
      return checkDate(date, kind, today, toIso(date), []);
    }
    case 'number': {
      if (Number.isInteger(cell.n) && cell.n >= 1900 && cell.n <= 2100) return parseDateText(String(cell.n), kind, today);
      if (Number.isInteger(cell.n) && cell.n >= 1_000_000 && cell.n <= 99_999_999) return parseDateText(pad(cell.n, 8), kind, today);
      return excelSerialDate(cell.n, kind, today, null);
    }
    case 'text':
      return parseDateText(cell.text, kind, today);
  }
}

/** Shorthand for `normaliseDate(input, { today, kind: 'birth' })`. */
export function normaliseBirthDate(input: unknown, today: string): Result<string | null> {
  return normaliseDate(input, { today, kind: 'birth' });
}

// ---------------------------------------------------------------------------
// Place and date of birth in one cell ("TTL")

export interface PlaceAndDate {
  place: string | null;
  date: string | null;
}

const DATE_AT_END = [
  /(\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*(?:\d{4}|\d{2}))$/,
  /(\d{4}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{1,2})$/,
  /(\d{1,2}\s*[-\s]?\s*[A-Za-z]+\.?\s*[-,\s]?\s*(?:\d{4}|\d{2}))$/,
  /(\d{5,8})$/,
];

/**
 * "Tempat, tanggal lahir" in one cell: "Kupang, 21-07-1980", "KUPANG 21 JULI 1980",
 * "Kupang/21/07/1980". The place is normalised like a name; the date like `normaliseDate`.
 */
export function normaliseBirthPlaceDate(input: unknown, today: string): Result<PlaceAndDate> {
  const cell = readCell(input);
  if (cell.kind === 'empty') return ok({ place: null, date: null });
  if (cell.kind === 'error') return { ok: false, error: cell.problem, warnings: [] };
  if (cell.kind !== 'text') {
    const date = normaliseDate(input, { today });
    return date.ok ? ok({ place: null, date: date.value }, date.warnings) : date;
  }
  const text = cell.text;
  let placeText = '';
  let dateText: string | null = null;
  const comma = text.indexOf(',');
  if (comma >= 0 && /\d/.test(text.slice(comma + 1))) {
    placeText = text.slice(0, comma);
    dateText = text.slice(comma + 1).trim();
  } else {
    for (const re of DATE_AT_END) {
      const m = re.exec(text);
      // A month-name date must start with the day, not with the end of the place name.
      if (m?.[1] && (m.index === 0 || /[\s,/]/.test(text.charAt(m.index - 1)))) {
        placeText = text.slice(0, m.index).replace(/[\s,/\\-]+$/, '');
        dateText = m[1];
        break;
      }
    }
  }
  if (dateText === null) {
    return fail('birth_place_date_unreadable', {
      id: `Tempat dan tanggal lahir ${show(text)} tidak dapat dipisahkan. Tulis seperti 'Kupang, 21-07-1980' (tempat, koma, tanggal-bulan-tahun), atau isi kolom Tempat Lahir dan Tanggal Lahir secara terpisah.`,
      en: `The place and date of birth ${show(text)} cannot be separated. Write it like 'Kupang, 21-07-1980' (place, comma, day-month-year), or fill in separate Tempat Lahir and Tanggal Lahir columns.`,
    });
  }
  const date = normaliseDate(dateText, { today });
  if (!date.ok) return date;
  const place = normaliseName(placeText, { label: FIELD_WORDS.birth_place });
  if (!place.ok) return { ok: false, error: place.error, warnings: [...date.warnings, ...place.warnings] };
  return ok({ place: place.value, date: date.value }, [...date.warnings, ...place.warnings]);
}

// ---------------------------------------------------------------------------
// Sex

const SEX_WORDS: ReadonlyMap<string, Sex> = new Map([
  ...['l', 'lk', 'laki', 'laki laki', 'lakilaki', 'laki2', 'laki 2', 'pria', 'm', 'male', 'man', 'cowok'].map((w) => [w, 'L'] as [string, Sex]),
  ...['p', 'pr', 'prp', 'pr p', 'perempuan', 'wanita', 'f', 'female', 'woman', 'cewek'].map((w) => [w, 'P'] as [string, Sex]),
]);

/** 'L' (laki-laki) or 'P' (perempuan), from L, P, Lk, Pr, Laki-laki, Perempuan, Pria, Wanita, M, F… */
export function normaliseSex(input: unknown): Result<Sex | null> {
  const cell = readCell(input);
  if (cell.kind === 'empty') return ok(null);
  if (cell.kind === 'error') return { ok: false, error: cell.problem, warnings: [] };
  const text = cell.kind === 'text' ? cell.text : String(cell.kind === 'number' ? cell.n : '');
  const sex = SEX_WORDS.get(wordKey(text));
  if (sex) return ok(sex);
  return fail('sex_unknown', {
    id: `Jenis kelamin ${show(text)} tidak dikenal. Tulis L (laki-laki) atau P (perempuan).`,
    en: `Sex ${show(text)} is not recognised. Write L (laki-laki, male) or P (perempuan, female).`,
  });
}

// ---------------------------------------------------------------------------
// Names (people and places)

/** Small words of Portuguese, Dutch and other origins kept in lower case inside a name. */
const NAME_PARTICLES = new Set(['da', 'de', 'do', 'dos', 'das', 'del', 'della', 'di', 'du', 'la', 'le', 'van', 'von', 'der', 'den', 'ten', 'ter', 'y', 'e']);

const FIELD_WORDS = {
  full_name: { id: 'Nama', en: 'Name' },
  mother_name: { id: 'Nama ibu kandung', en: 'Mother’s maiden name' },
  birth_place: { id: 'Tempat lahir', en: 'Place of birth' },
} as const satisfies Record<string, Message>;

function capitaliseWord(word: string): string {
  // Capital after a hyphen ("Niki-Niki"), lower case after an apostrophe ("Ndi'i").
  return word
    .split('-')
    .map((part) => (part ? part.charAt(0).toUpperCase() + part.slice(1) : part))
    .join('-');
}

/**
 * Title Case for a name typed all in capitals or all in lower case. A name with mixed case is kept
 * as typed: its capitals are assumed to be deliberate ("McDonald", "Maria da Costa").
 */
export function titleCaseName(name: string): string {
  const hasUpper = /\p{Lu}/u.test(name);
  const hasLower = /\p{Ll}/u.test(name);
  if (hasUpper && hasLower) return name;
  const words = name.toLowerCase().split(' ');
  return words
    .map((w, i) => (i > 0 && i < words.length - 1 && NAME_PARTICLES.has(w) ? w : capitaliseWord(w)))
    .join(' ');
}

export interface NameOptions {
  /** What the column holds, for messages. Default: "Nama" / "Name". */
  label?: Message;
}

/**
 * A person's (or place's) name: spaces trimmed and collapsed, typographic apostrophes made plain,
 * Title Case when typed all in capitals or all in lower case (see `titleCaseName`).
 * Digits and symbols are errors: they are never part of a name on a KTP.
 */
export function normaliseName(input: unknown, opts: NameOptions = {}): Result<string | null> {
  const label = opts.label ?? FIELD_WORDS.full_name;
  const cell = readCell(input);
  if (cell.kind === 'empty') return ok(null);
  if (cell.kind === 'error') return { ok: false, error: cell.problem, warnings: [] };
  const text = cell.kind === 'text' ? cell.text : cell.kind === 'number' ? String(cell.n) : cell.date.toISOString();
  const name = text.replace(/[\u2018\u2019\u02bc`´]/g, "'").normalize('NFC');
  if (/\d/.test(name)) {
    const looksLikeId = /\d{10,}/.test(name.replace(/[\s.]/g, ''));
    return fail('name_has_digits', {
      id:
        `${label.id} ${show(text)} berisi angka. Tulis ${label.id.toLowerCase()} dengan huruf saja, sesuai KTP.` +
        (looksLikeId ? ' Isinya mirip NIK atau nomor KK: periksa apakah kolom tertukar.' : ''),
      en:
        `${label.en} ${show(text)} contains digits. Write the ${label.en.toLowerCase()} in letters only, as on the KTP.` +
        (looksLikeId ? ' It looks like an NIK or KK number: check whether columns were swapped.' : ''),
    });
  }
  const bad = /^[\p{L}\p{M} '.,-]*$/u.test(name) ? [] : [...new Set([...name].filter((c) => !/[\p{L}\p{M} '.,-]/u.test(c)))];
  if (bad.length > 0) {
    return fail('name_bad_characters', {
      id: `${label.id} ${show(text)} berisi tanda yang tidak lazim dalam nama (${bad.join(' ')}). Hapus tanda tersebut dan tulis sesuai KTP.`,
      en: `${label.en} ${show(text)} contains characters not used in names (${bad.join(' ')}). Remove them and write it as on the KTP.`,
    });
  }
  const trimmed = name.replace(/^[\s.,'-]+|[\s,'-]+$/g, '').replace(/\s*,\s*/g, ', ');
  if (!/\p{L}/u.test(trimmed)) {
    return fail('name_no_letters', {
      id: `${label.id} ${show(text)} tidak berisi huruf. Tulis ${label.id.toLowerCase()} sesuai KTP.`,
      en: `${label.en} ${show(text)} has no letters. Write the ${label.en.toLowerCase()} as on the KTP.`,
    });
  }
  const value = titleCaseName(trimmed);
  const warnings: Problem[] = [];
  if ([...value.replace(/[^\p{L}]/gu, '')].length < 2) {
    warnings.push(
      warn('name_too_short', {
        id: `${label.id} ${show(text)} hanya satu huruf. Bila itu singkatan, tulis ${label.id.toLowerCase()} lengkap sesuai KTP.`,
        en: `${label.en} ${show(text)} is a single letter. If it is an abbreviation, write the full ${label.en.toLowerCase()} as on the KTP.`,
      }),
    );
  }
  return ok(value, warnings);
}

/** Free text such as an address: spaces trimmed and collapsed, nothing else changed. */
export function normaliseText(input: unknown): Result<string | null> {
  const cell = readCell(input);
  if (cell.kind === 'empty') return ok(null);
  if (cell.kind === 'error') return { ok: false, error: cell.problem, warnings: [] };
  if (cell.kind === 'number') return ok(String(cell.n));
  if (cell.kind === 'date') return ok(cell.date.toISOString().slice(0, 10));
  return ok(cell.text);
}

// ---------------------------------------------------------------------------
// Phone numbers

const PHONE_EXAMPLE: Message = {
  id: 'Tulis nomor HP seperti 081234567890 atau +6281234567890',
  en: 'Write the mobile number like 081234567890 or +6281234567890',
};

/**
 * An Indonesian phone number written 08…: from 08…, +62…, 62…, (0)8…, with spaces, dots, dashes or
 * brackets. A mobile number whose leading 0 Excel dropped (812…) is accepted with a warning.
 * A landline (0380…) is accepted with a warning asking for a mobile number.
 */
export function normalisePhone(input: unknown): Result<string | null> {
  const cell = readCell(input);
  if (cell.kind === 'empty') return ok(null);
  if (cell.kind === 'error') return { ok: false, error: cell.problem, warnings: [] };
  const warnings: Problem[] = [];
  let text = cell.kind === 'number' ? (Number.isInteger(cell.n) ? String(cell.n) : '') : cell.kind === 'text' ? cell.text : '';
  const shown = cell.kind === 'number' ? String(cell.n) : text;
  // Two numbers in one cell: keep the first.
  const parts = text.split(/\s*(?:[/;|&]|\bdan\b|\batau\b)\s*/i).filter((p) => /\d/.test(p));
  if (parts.length > 1) {
    text = parts[0] ?? '';
    warnings.push(
      warn('phone_several', {
        id: `Ada lebih dari satu nomor (${show(shown)}); yang dipakai ${text.trim()}. Tulis satu nomor HP saja per peserta.`,
        en: `More than one number was given (${show(shown)}); ${text.trim()} is used. Write one mobile number per participant.`,
      }),
    );
  }
  let digits = text.replace(/^'/, '').replace(/[\s().\-\u2010-\u2015]/g, '');
  // "+62 (0)812…": the 0 in brackets is the trunk prefix, written once.
  if (digits.startsWith('+62')) digits = `0${digits.slice(digits.startsWith('+620') ? 4 : 3)}`;
  else if (digits.startsWith('0062')) digits = `0${digits.slice(digits.startsWith('00620') ? 5 : 4)}`;
  else if (digits.startsWith('620')) digits = digits.slice(2);
  else if (digits.startsWith('62') && digits.length >= 11) digits = `0${digits.slice(2)}`;
  else if (/^8[1-9]\d{7,10}$/.test(digits)) {
    digits = `0${digits}`;
    warnings.push(
      warn('phone_leading_zero_lost', {
        id: `Nomor HP ${show(shown)} tidak diawali 0 (biasanya karena Excel menyimpannya sebagai angka); dibaca sebagai ${digits}. Ubah format kolom menjadi Teks agar angka 0 tidak hilang.`,
        en: `Mobile number ${show(shown)} has no leading 0 (usually because Excel stored it as a number); read as ${digits}. Format the column as Text so the 0 is kept.`,
      }),
    );
  }
  if (!/^\d+$/.test(digits)) {
    return fail('phone_not_digits', {
      id: `Nomor HP ${show(shown)} berisi huruf atau tanda selain angka. ${PHONE_EXAMPLE.id}.`,
      en: `Mobile number ${show(shown)} contains letters or signs other than digits. ${PHONE_EXAMPLE.en}.`,
    }, warnings);
  }
  if (/^08[1-9]\d{7,10}$/.test(digits)) return ok(digits, warnings);
  if (/^0[1-79]\d{6,10}$/.test(digits)) {
    warnings.push(
      warn('phone_landline', {
        id: `Nomor ${show(shown)} tampaknya nomor telepon rumah/kantor, bukan nomor HP. Bila peserta punya HP, tulis nomornya (contoh 081234567890).`,
        en: `Number ${show(shown)} looks like a landline, not a mobile number. If the participant has a mobile phone, write that number instead (for example 081234567890).`,
      }),
    );
    return ok(digits, warnings);
  }
  const reason: Message = digits.startsWith('08')
    ? digits.length < 10
      ? { id: `terlalu pendek (${digits.length} angka; nomor HP 10–13 angka)`, en: `too short (${digits.length} digits; mobile numbers have 10–13)` }
      : { id: `terlalu panjang (${digits.length} angka; nomor HP 10–13 angka)`, en: `too long (${digits.length} digits; mobile numbers have 10–13)` }
    : { id: 'bukan nomor Indonesia yang dikenal', en: 'not a known Indonesian number' };
  return fail('phone_invalid', {
    id: `Nomor HP ${show(shown)} tidak valid: ${reason.id}. ${PHONE_EXAMPLE.id}.`,
    en: `Mobile number ${show(shown)} is not valid: ${reason.en}. ${PHONE_EXAMPLE.en}.`,
  }, warnings);
}

// ---------------------------------------------------------------------------
// Money (integer rupiah)

const MONEY_EXAMPLE: Message = {
  id: 'Tulis jumlah rupiah tanpa sen, misalnya 1000000, 1.000.000, Rp 1.000.000 atau 1 juta',
  en: 'Write whole rupiah without cents, for example 1000000, 1.000.000, Rp 1.000.000 or 1 juta',
};

const MULTIPLIERS: ReadonlyMap<string, number> = new Map([
  ['rb', 1_000], ['ribu', 1_000], ['k', 1_000], ['rbu', 1_000],
  ['jt', 1_000_000], ['juta', 1_000_000], ['jta', 1_000_000],
  // Not 'm': Indonesian "M" is miliar (10^9), English "m" is million.
  ['miliar', 1_000_000_000], ['milyar', 1_000_000_000],
]);

function moneyError(text: string, reason: Message): Result<number | null> {
  return fail('money_invalid', {
    id: `Jumlah ${show(text)} tidak dapat dibaca: ${reason.id}. ${MONEY_EXAMPLE.id}.`,
    en: `The amount ${show(text)} cannot be read: ${reason.en}. ${MONEY_EXAMPLE.en}.`,
  });
}

function decimalsError(text: string): Result<number | null> {
  return fail('money_decimals', {
    id: `Jumlah ${show(text)} berisi sen (angka di belakang koma). Rupiah dicatat tanpa sen: bulatkan ke rupiah penuh, misalnya 1.500.000.`,
    en: `The amount ${show(text)} has cents (digits after the decimal sign). Rupiah are recorded without cents: round to whole rupiah, for example 1.500.000.`,
  });
}

/**
 * Splits "1.000.000", "1,000,000", "1.500,00", "1,5" into whole and fraction. Indonesian writes
 * '.' for thousands and ',' for decimals, English the other way round; a separator followed by
 * exactly three digits is a thousands separator, so "1.500" and "1,500" are both 1500.
 */
function splitNumber(s: string): { whole: string; fraction: string } | null {
  if (!/^\d[\d.,]*$/.test(s) || /[.,]$/.test(s)) return null;
  const dots = (s.match(/\./g) ?? []).length;
  const commas = (s.match(/,/g) ?? []).length;
  if (dots === 0 && commas === 0) return { whole: s, fraction: '' };
  const grouped = (sep: string, body: string) => new RegExp(`^\\d{1,3}(\\${sep}\\d{3})+$`).test(body);
  if (dots > 0 && commas > 0) {
    // The last separator is the decimal one: "1.500.000,50" or "1,500,000.50".
    const decimal = s.lastIndexOf(',') > s.lastIndexOf('.') ? ',' : '.';
    const thousands = decimal === ',' ? '.' : ',';
    const at = s.lastIndexOf(decimal);
    const body = s.slice(0, at);
    if (s.split(decimal).length !== 2 || !grouped(thousands, body)) return null;
    return { whole: body.split(thousands).join(''), fraction: s.slice(at + 1) };
  }
  const sep = dots > 0 ? '.' : ',';
  if (grouped(sep, s)) return { whole: s.split(sep).join(''), fraction: '' };
  if ((sep === '.' ? dots : commas) === 1) {
    const [whole = '', fraction = ''] = s.split(sep);
    return { whole, fraction };
  }
  return null;
}

/**
 * An amount of money as integer rupiah: "1000000", "1.000.000", "Rp 1.000.000,-", "Rp1.000.000,00",
 * "1,000,000", "1 juta", "1jt", "1,5 juta", "500 rb". Cents are rejected (rupiah have none);
 * negative amounts are rejected.
 */
export function normaliseRupiah(input: unknown): Result<number | null> {
  const cell = readCell(input);
  if (cell.kind === 'empty') return ok(null);
  if (cell.kind === 'error') return { ok: false, error: cell.problem, warnings: [] };
  if (cell.kind === 'date') return moneyError(toIso(fromEpochDays(Math.round(cell.date.getTime() / 86_400_000))), { id: 'sel berformat tanggal', en: 'the cell is formatted as a date' });
  if (cell.kind === 'number') {
    if (cell.n < 0) return moneyError(String(cell.n), { id: 'jumlah tidak boleh negatif', en: 'the amount cannot be negative' });
    if (!Number.isInteger(cell.n)) return decimalsError(String(cell.n));
    if (!Number.isSafeInteger(cell.n)) return moneyError(String(cell.n), { id: 'angka terlalu besar', en: 'the number is too large' });
    return ok(cell.n);
  }
  const text = cell.text;
  let s = text.toLowerCase().replace(/\s+/g, '');
  s = s.replace(/^(rp\.?|idr)/, '').replace(/(,-|\.-|-)$/, '').replace(/(\/|per)(bulan|bln|bl|month)$/, '');
  if (s.startsWith('-')) return moneyError(text, { id: 'jumlah tidak boleh negatif', en: 'the amount cannot be negative' });
  const m = /^([\d.,]+)([a-z]*)$/.exec(s);
  if (!m) return moneyError(text, { id: 'berisi huruf atau tanda yang tidak dikenal', en: 'it contains letters or signs that are not understood' });
  const numberPart = m[1] ?? '';
  const unit = m[2] ?? '';
  const multiplier = unit === '' ? 1 : MULTIPLIERS.get(unit);
  if (multiplier === undefined) {
    return moneyError(text, { id: `satuan '${unit}' tidak dikenal (gunakan rb, ribu, jt atau juta)`, en: `unit '${unit}' is not known (use rb, ribu, jt or juta)` });
  }
  let parts = splitNumber(numberPart);
  if (parts && multiplier > 1 && parts.fraction === '' && /^\d{1,3}[.,]\d{3}$/.test(numberPart)) {
    // "1.500 juta" is odd enough to refuse rather than read as 1.5 billion.
    parts = null;
  }
  if (!parts) return moneyError(text, { id: 'pemisah ribuan tidak beraturan', en: 'the thousands separators are irregular' });
  const fraction = parts.fraction.replace(/0+$/, '');
  // Cents only matter when they survive the multiplier: "1,5 juta" is 1,500,000 rupiah.
  const scale = 10 ** fraction.length;
  if (multiplier % scale !== 0) return decimalsError(text);
  const value = Number(parts.whole) * multiplier + (Number(fraction || '0') * multiplier) / scale;
  if (!Number.isSafeInteger(value)) return moneyError(text, { id: 'angka terlalu besar', en: 'the number is too large' });
  return ok(value);
}

// ---------------------------------------------------------------------------
// Yes / no

const YES = new Set(['ya', 'y', 'yes', 'iya', 'benar', 'betul', 'ada', '1', 'true', 'v', '✓', '✔', '☑', '√', 'x', '✗', '✘', 'ok']);
const NO = new Set(['tidak', 't', 'tdk', 'no', 'n', 'bukan', 'tidak ada', 'tdk ada', 'ga', 'gak', 'nggak', 'enggak', '0', 'false', '☐']);

function flagText(cell: Cell): string {
  if (cell.kind === 'text') return cell.text;
  if (cell.kind === 'number') return String(cell.n);
  return '';
}

/**
 * Yes/no: Ya, Y, Iya, Ada, 1, ✓, V → true; Tidak, T, Tdk, Tidak ada, 0 → false; an empty cell is
 * false. An 'x' or '✗' is read as a mark in the box, i.e. yes, with a warning, because some
 * people use it to cross a row out.
 */
export function normaliseFlag(input: unknown, label: Message = { id: 'Kolom ini', en: 'This column' }): Result<boolean> {
  const cell = readCell(input);
  if (cell.kind === 'empty') return ok(false);
  if (cell.kind === 'error') return { ok: false, error: cell.problem, warnings: [] };
  const raw = flagText(cell);
  const lower = raw.toLowerCase().trim();
  const key = /^[\p{L}\p{N}\s.-]+$/u.test(lower) ? wordKey(lower) : lower;
  if (key === 'x' || lower === '✗' || lower === '✘') {
    return ok(true, [
      warn('flag_x_read_as_yes', {
        id: `${label.id}: tanda '${raw}' dibaca sebagai Ya. Bila maksudnya Tidak, kosongkan sel atau tulis Tidak; sebaiknya selalu tulis Ya atau Tidak.`,
        en: `${label.en}: the mark '${raw}' was read as Yes. If it means No, leave the cell empty or write Tidak; it is best to always write Ya or Tidak.`,
      }),
    ]);
  }
  if (YES.has(key)) return ok(true);
  if (NO.has(key)) return ok(false);
  return fail('flag_unknown', {
    id: `${label.id}: isian ${show(raw)} tidak dikenal. Tulis Ya atau Tidak (atau 1 / 0), atau kosongkan bila tidak.`,
    en: `${label.en}: ${show(raw)} is not understood. Write Ya (yes) or Tidak (no) (or 1 / 0), or leave it empty for no.`,
  });
}

const DISABILITY_WORDS = /\b(tuna ?\w*|disabilitas|difabel|cacat|penyandang|fisik|netra|rungu|wicara|daksa|grahita|laras|mental|intelektual|sensorik|lumpuh|buta|tuli|bisu|autis\w*|kusta)\b/;

/** Disability flag: like `normaliseFlag`, and a written kind of disability ("Tuna Netra", "Disabilitas fisik") also means yes. */
export function normaliseDisability(input: unknown): Result<boolean> {
  const label: Message = { id: 'Disabilitas', en: 'Disability' };
  const flag = normaliseFlag(input, label);
  if (flag.ok || flag.error.code !== 'flag_unknown') return flag;
  const cell = readCell(input);
  const text = wordKey(flagText(cell));
  if (/^(tidak|bukan|non|tanpa)\b/.test(text)) return ok(false);
  if (DISABILITY_WORDS.test(text)) return ok(true);
  return fail('flag_unknown', {
    id: `Disabilitas: isian ${show(flagText(cell))} tidak dikenal. Tulis Ya atau Tidak, atau jenis disabilitasnya (misalnya Tuna Netra, Disabilitas Fisik); kosongkan bila tidak ada.`,
    en: `Disability: ${show(flagText(cell))} is not understood. Write Ya (yes) or Tidak (no), or the kind of disability (for example Tuna Netra, Disabilitas Fisik); leave it empty if none.`,
  });
}

// ---------------------------------------------------------------------------
// DTSEN decile

/** DTSEN decile 1 (poorest) to 10, from "3", 3, "3.0", "Desil 3", "D3". */
export function normaliseDecile(input: unknown): Result<number | null> {
  const cell = readCell(input);
  if (cell.kind === 'empty') return ok(null);
  if (cell.kind === 'error') return { ok: false, error: cell.problem, warnings: [] };
  const raw = cell.kind === 'number' ? String(cell.n) : cell.kind === 'text' ? cell.text : '';
  const m = /^(?:desil|d)?\s*(\d+)(?:[.,]0+)?$/i.exec(raw.trim());
  const n = m ? Number(m[1]) : NaN;
  if (Number.isInteger(n) && n >= 1 && n <= 10) return ok(n);
  return fail('decile_invalid', {
    id: `Desil ${show(raw)} tidak valid. Desil DTSEN adalah bilangan bulat 1 (termiskin) sampai 10; salin dari data DTSEN, atau kosongkan bila tidak diketahui.`,
    en: `Decile ${show(raw)} is not valid. The DTSEN decile is a whole number from 1 (poorest) to 10; copy it from the DTSEN data, or leave it empty if unknown.`,
  });
}

// ---------------------------------------------------------------------------
// Marital status

const MARITAL_WORDS: ReadonlyMap<string, MaritalStatus> = new Map([
  ...['kawin', 'k', 'menikah', 'nikah', 'sudah kawin', 'sudah menikah', 'kawin tercatat', 'kawin belum tercatat', 'kawin tidak tercatat', 'married', 'sk', 'sm'].map(
    (w) => [w, 'kawin'] as [string, MaritalStatus],
  ),
  ...['belum kawin', 'bk', 'blm kawin', 'belum menikah', 'belum nikah', 'bm', 'lajang', 'single', 'not married', 'unmarried', 'tidak kawin'].map(
    (w) => [w, 'belum_kawin'] as [string, MaritalStatus],
  ),
  ...['cerai hidup', 'ch', 'divorced', 'cerai', 'janda cerai', 'duda cerai', 'janda cerai hidup', 'duda cerai hidup'].map(
    (w) => [w, 'cerai_hidup'] as [string, MaritalStatus],
  ),
  ...['cerai mati', 'cm', 'widowed', 'widow', 'widower', 'janda mati', 'duda mati', 'janda cerai mati', 'duda cerai mati', 'janda ditinggal mati', 'duda ditinggal mati'].map(
    (w) => [w, 'cerai_mati'] as [string, MaritalStatus],
  ),
]);

/** Dukcapil (SIAK) codes: 1 belum kawin, 2 kawin, 3 cerai hidup, 4 cerai mati. */
const MARITAL_CODES: readonly MaritalStatus[] = ['belum_kawin', 'kawin', 'cerai_hidup', 'cerai_mati'];

/**
 * belum_kawin / kawin / cerai_hidup / cerai_mati, from Kawin, K, Belum Kawin, BK, Cerai Hidup, CH,
 * Cerai Mati, CM, Menikah, Lajang… "Janda" and "Duda" alone do not say whether the spouse died or
 * the couple divorced: they are read as cerai mati (widowhood is the more common case among the
 * workers of this programme) with a warning. Dukcapil codes 1–4 are read with a warning.
 */
export function normaliseMaritalStatus(input: unknown): Result<MaritalStatus | null> {
  const cell = readCell(input);
  if (cell.kind === 'empty') return ok(null);
  if (cell.kind === 'error') return { ok: false, error: cell.problem, warnings: [] };
  const raw = cell.kind === 'number' ? String(cell.n) : cell.kind === 'text' ? cell.text : '';
  const key = wordKey(raw);
  // "B.K." → "b k" → "bk".
  const found = MARITAL_WORDS.get(key) ?? (key.length <= 5 ? MARITAL_WORDS.get(key.replace(/ /g, '')) : undefined);
  if (found) {
    if (key === 'cerai') {
      return ok(found, [
        warn('marital_cerai', {
          id: `Status ${show(raw)} dibaca sebagai Cerai Hidup. Bila pasangannya meninggal, tulis Cerai Mati.`,
          en: `Status ${show(raw)} was read as Cerai Hidup (divorced). If the spouse died, write Cerai Mati (widowed).`,
        }),
      ]);
    }
    return ok(found);
  }
  if (key === 'janda' || key === 'duda') {
    return ok('cerai_mati', [
      warn('marital_janda_duda', {
        id: `Status ${show(raw)} dibaca sebagai Cerai Mati (pasangan meninggal). Bila bercerai dan pasangannya masih hidup, tulis Cerai Hidup.`,
        en: `Status ${show(raw)} was read as Cerai Mati (widowed). If divorced and the former spouse is alive, write Cerai Hidup (divorced).`,
      }),
    ]);
  }
  if (/^[1-4]$/.test(key)) {
    const status = MARITAL_CODES[Number(key) - 1] ?? 'kawin';
    return ok(status, [
      warn('marital_code', {
        id: `Status ${show(raw)} dibaca dengan kode Dukcapil sebagai ${MARITAL_LABELS[status].id}. Sebaiknya tulis statusnya dengan kata (Belum Kawin, Kawin, Cerai Hidup, Cerai Mati).`,
        en: `Status ${show(raw)} was read as the Dukcapil code for ${MARITAL_LABELS[status].id} (${MARITAL_LABELS[status].en}). Better write the status in words (Belum Kawin, Kawin, Cerai Hidup, Cerai Mati).`,
      }),
    ]);
  }
  return fail('marital_unknown', {
    id: `Status perkawinan ${show(raw)} tidak dikenal. Tulis salah satu: Belum Kawin, Kawin, Cerai Hidup, Cerai Mati.`,
    en: `Marital status ${show(raw)} is not recognised. Write one of: Belum Kawin (not married), Kawin (married), Cerai Hidup (divorced), Cerai Mati (widowed).`,
  });
}

// ---------------------------------------------------------------------------
// Occupation

/** Whole cell (after `wordKey`) → occupation. */
const OCCUPATION_EXACT: ReadonlyMap<string, Occupation> = new Map([
  ...['petani', 'tani', 'bertani', 'pekebun', 'petani pekebun', 'petani kebun', 'berkebun', 'petani penggarap', 'petani sawah', 'farmer', 'pertanian'].map((w) => [w, 'petani'] as [string, Occupation]),
  ...['nelayan', 'nelayan perikanan', 'melaut', 'fisher', 'fisherman', 'pembudidaya ikan', 'petani rumput laut', 'rumput laut'].map((w) => [w, 'nelayan'] as [string, Occupation]),
  ...['peternak', 'beternak', 'ternak', 'peternakan'].map((w) => [w, 'peternak'] as [string, Occupation]),
  ...['pedagang', 'dagang', 'berdagang', 'pedagang kecil', 'pedagang keliling', 'pedagang kaki lima', 'pkl', 'jualan', 'berjualan', 'penjual', 'kios', 'trader', 'jual sayur', 'pedagang sayur', 'pedagang ikan'].map((w) => [w, 'pedagang'] as [string, Occupation]),
  ...['ojek', 'tukang ojek', 'ojol', 'ojek online', 'ojek pangkalan', 'pengemudi ojek', 'pengojek'].map((w) => [w, 'ojek'] as [string, Occupation]),
  ...['sopir', 'supir', 'pengemudi', 'driver', 'sopir angkot', 'sopir truk', 'sopir bus', 'sopir pick up', 'sopir angkutan', 'transportasi'].map((w) => [w, 'sopir'] as [string, Occupation]),
  ...['buruh', 'buruh harian', 'buruh harian lepas', 'bhl', 'buruh lepas', 'buruh tani', 'buruh tani perkebunan', 'buruh bangunan', 'buruh nelayan', 'buruh nelayan perikanan', 'buruh peternakan', 'buruh pelabuhan', 'kuli', 'kuli bangunan', 'kuli angkut', 'serabutan', 'kerja serabutan', 'pekerja serabutan', 'day labourer', 'laborer', 'labourer'].map((w) => [w, 'buruh_harian'] as [string, Occupation]),
  ...['tukang', 'tukang kayu', 'tukang batu', 'tukang bangunan', 'tukang las', 'tukang las pandai besi', 'pandai besi', 'tukang jahit', 'penjahit', 'tukang cukur', 'tukang listrik', 'tukang sol sepatu', 'montir', 'mekanik', 'bengkel', 'perajin', 'pengrajin'].map((w) => [w, 'tukang'] as [string, Occupation]),
  ...['penenun', 'tenun', 'menenun', 'penenun ikat', 'tenun ikat', 'pengrajin tenun', 'perajin tenun', 'weaver'].map((w) => [w, 'penenun'] as [string, Occupation]),
  ...['guru honor', 'guru honorer', 'guru honor daerah', 'guru komite', 'guru sukarela', 'guru kontrak', 'guru tidak tetap', 'gtt', 'guru paud', 'guru tk honor', 'honorer guru', 'tenaga pengajar honorer', 'honorary teacher'].map((w) => [w, 'guru_honorer'] as [string, Occupation]),
  ...['pekerja rumah tangga', 'prt', 'pembantu rumah tangga', 'pembantu', 'asisten rumah tangga', 'art', 'domestic worker'].map((w) => [w, 'pekerja_rumah_tangga'] as [string, Occupation]),
  ...['lainnya', 'lain lain', 'lain', 'other', 'others'].map((w) => [w, 'lainnya'] as [string, Occupation]),
]);

/** Words that, anywhere in the cell, decide the occupation. Checked in this order. */
const OCCUPATION_WORDS: readonly [RegExp, Occupation][] = [
  [/\b(ojek|ojol)\b/, 'ojek'],
  [/\b(buruh|kuli)\b/, 'buruh_harian'],
  [/\b(tenun|penenun|menenun)\b/, 'penenun'],
  [/\bguru\b.*\b(honor|honorer|komite|sukarela|kontrak|paud|tidak tetap)\b/, 'guru_honorer'],
  [/\b(sopir|supir|pengemudi|driver)\b/, 'sopir'],
  [/\btukang\b/, 'tukang'],
  [/\bnelayan\b/, 'nelayan'],
  [/\b(ternak|peternak|beternak)\b/, 'peternak'],
  [/\b(petani|tani|pekebun|kebun)\b/, 'petani'],
  [/\b(pedagang|dagang|berdagang|jual|jualan|penjual|berjualan)\b/, 'pedagang'],
];

const NOT_WORKING = /^(irt|ibu rumah tangga|mengurus rumah tangga|urus rumah tangga|rumah tangga|mrt|housewife)$/;
const NO_JOB = /^(belum tidak bekerja|belum bekerja|tidak bekerja|tdk bekerja|pengangguran|pelajar|mahasiswa|pelajar mahasiswa|siswa|pensiunan|pensiun|unemployed|student|retired)$/;
const WAGE_JOB = /^(pns|asn|pppk|tni|polri|polisi|pegawai negeri|pegawai negeri sipil|karyawan|karyawan swasta|karyawan bumn|karyawan bumd|pegawai swasta|pegawai bumn|anggota tni|anggota polri|perangkat desa|kepala desa)$/;

/**
 * One of `OCCUPATIONS`, from the words village staff use (Petani, Tani, Nelayan, Ojek, Tukang Ojek,
 * Sopir/Supir, Buruh Harian Lepas, Pedagang Kecil, Peternak, Penenun, Guru Honor…). "IRT" / "Ibu
 * Rumah Tangga", students, pensioners and the unemployed are errors: they are not informal
 * workers. Civil servants, soldiers, police and employees are errors too: they are wage workers
 * (their employer registers them). Anything else becomes 'lainnya' with a warning.
 */
export function normaliseOccupation(input: unknown): Result<Occupation | null> {
  const cell = readCell(input);
  if (cell.kind === 'empty') return ok(null);
  if (cell.kind === 'error') return { ok: false, error: cell.problem, warnings: [] };
  const raw = cell.kind === 'text' ? cell.text : cell.kind === 'number' ? String(cell.n) : '';
  const key = wordKey(raw);
  const exact = OCCUPATION_EXACT.get(key);
  if (exact) return ok(exact);
  if (NOT_WORKING.test(key)) {
    return fail('occupation_housewife', {
      id: `Pekerjaan ${show(raw)} (ibu rumah tangga) bukan pekerjaan informal yang dilindungi program ini. Bila peserta juga bekerja mencari penghasilan, tulis pekerjaan itu (misalnya Petani, Penenun, Pedagang); bila bekerja di rumah tangga orang lain dengan upah, tulis Pekerja Rumah Tangga; bila tidak bekerja, hapus baris ini.`,
      en: `Occupation ${show(raw)} (homemaker) is not an informal job covered by this programme. If the participant also works for income, write that job (for example Petani, Penenun, Pedagang); if she or he is paid to work in someone else's household, write Pekerja Rumah Tangga (domestic worker); if not working, remove this row.`,
    });
  }
  if (NO_JOB.test(key)) {
    return fail('occupation_not_working', {
      id: `Pekerjaan ${show(raw)} berarti peserta tidak bekerja, sedangkan program ini untuk pekerja informal. Bila peserta sebenarnya bekerja, tulis pekerjaannya (misalnya Petani, Nelayan, Buruh Harian Lepas); bila tidak, hapus baris ini.`,
      en: `Occupation ${show(raw)} means the participant does not work, but this programme is for informal workers. If the participant actually works, write the job (for example Petani, Nelayan, Buruh Harian Lepas); if not, remove this row.`,
    });
  }
  if (WAGE_JOB.test(key)) {
    return fail('occupation_wage_worker', {
      id: `Pekerjaan ${show(raw)} adalah pekerja penerima upah; mereka didaftarkan oleh pemberi kerjanya, bukan lewat program ini untuk pekerja bukan penerima upah. Bila pekerjaan sebenarnya informal (misalnya Petani), tulis pekerjaan itu; bila tidak, hapus baris ini.`,
      en: `Occupation ${show(raw)} is a wage job; such workers are registered by their employer, not through this programme for workers without an employer. If the real job is informal (for example Petani, farmer), write that job; if not, remove this row.`,
    });
  }
  for (const [re, occupation] of OCCUPATION_WORDS) {
    if (re.test(key)) return ok(occupation);
  }
  if (key === 'guru' || /^guru\b/.test(key)) {
    return ok('guru_honorer', [
      warn('occupation_guru', {
        id: `Pekerjaan ${show(raw)} dibaca sebagai Guru Honorer. Guru PNS atau PPPK tidak termasuk program ini: bila demikian, hapus baris ini.`,
        en: `Occupation ${show(raw)} was read as Guru Honorer (honorary teacher). Civil-servant (PNS or PPPK) teachers are not in this programme: if so, remove this row.`,
      }),
    ]);
  }
  const choices = OCCUPATIONS.filter((o) => o !== 'lainnya').map((o) => OCCUPATION_LABELS[o].id).join(', ');
  return ok('lainnya', [
    warn('occupation_other', {
      id: `Pekerjaan ${show(raw)} tidak ada dalam daftar dan dicatat sebagai Lainnya. Bila cocok, tulis salah satu: ${choices}.`,
      en: `Occupation ${show(raw)} is not in the list and was recorded as Lainnya (other). If one fits, write one of: ${choices}.`,
    }),
  ]);
}

// ---------------------------------------------------------------------------
// Bank

const BANK_NAMES: ReadonlyMap<string, string> = new Map([
  ['bank ntt', 'Bank NTT'], ['ntt', 'Bank NTT'], ['bpd ntt', 'Bank NTT'], ['bank pembangunan daerah ntt', 'Bank NTT'],
  ['bank pembangunan daerah nusa tenggara timur', 'Bank NTT'], ['bank nusa tenggara timur', 'Bank NTT'],
  ['bri', 'BRI'], ['bank bri', 'BRI'], ['bank rakyat indonesia', 'BRI'],
  ['bni', 'BNI'], ['bank bni', 'BNI'], ['bank negara indonesia', 'BNI'],
  ['mandiri', 'Bank Mandiri'], ['bank mandiri', 'Bank Mandiri'],
  ['bsi', 'BSI'], ['bank bsi', 'BSI'], ['bank syariah indonesia', 'BSI'],
  ['btn', 'BTN'], ['bank btn', 'BTN'], ['bca', 'BCA'], ['bank bca', 'BCA'],
]);

/** Bank name: known banks written one way ("bpd ntt" → "Bank NTT"), others kept as typed. */
export function normaliseBankName(input: unknown): Result<string | null> {
  const text = normaliseText(input);
  if (!text.ok || text.value === null) return text;
  return ok(BANK_NAMES.get(wordKey(text.value)) ?? text.value);
}

/**
 * Bank account number: digits only (spaces, dots and dashes removed), 6–20 of them. A number
 * Excel turned into scientific notation or rounded is an error: the digits are gone.
 */
export function normaliseBankAccount(input: unknown): Result<string | null> {
  const cell = readCell(input);
  if (cell.kind === 'empty') return ok(null);
  if (cell.kind === 'error') return { ok: false, error: cell.problem, warnings: [] };
  const fix: Message = {
    id: 'Ubah format kolom menjadi Teks lalu ketik ulang nomor rekening dari buku tabungan',
    en: 'Format the column as Text and retype the account number from the savings book',
  };
  if (cell.kind === 'number' && (!Number.isSafeInteger(cell.n) || cell.n < 0)) {
    return fail('account_excel_precision_lost', {
      id: `Nomor rekening terbaca sebagai bilangan yang terlalu besar, sehingga angka terakhirnya sudah berubah. ${fix.id}.`,
      en: `The account number was read as a number too large to keep exactly, so its last digits have changed. ${fix.en}.`,
    });
  }
  const text = cell.kind === 'number' ? String(cell.n) : cell.kind === 'text' ? cell.text : '';
  if (/^[+-]?\d+(?:[.,]\d+)?\s*e\s*[+-]?\d+$/i.test(text)) {
    return fail('account_excel_scientific', {
      id: `Nomor rekening tertulis dalam format ilmiah Excel (${text}); angka aslinya sudah hilang. ${fix.id}.`,
      en: `The account number is in Excel scientific notation (${text}); its digits are lost. ${fix.en}.`,
    });
  }
  const digits = text.replace(/^'/, '').replace(/[\s.\-\u2010-\u2015]/g, '');
  if (!/^\d{6,20}$/.test(digits)) {
    return fail('account_invalid', {
      id: `Nomor rekening ${show(text)} tidak valid: hanya angka, 6–20 digit. Salin dari buku tabungan.`,
      en: `Account number ${show(text)} is not valid: digits only, 6–20 of them. Copy it from the savings book.`,
    });
  }
  return ok(digits);
}

// ---------------------------------------------------------------------------
// NIK and KK (rules in src/domain/nik.ts)

function fromNikIssue(i: NikIssue): Problem {
  return { code: i.code, severity: i.severity, id: i.message.id, en: i.message.en };
}

function fromCheck(check: NikCheck | KkCheck, value: string | null): Result<string | null> & { check: NikCheck | KkCheck } {
  const problems = check.issues.map(fromNikIssue);
  const warnings = problems.filter((p) => p.severity === 'warning');
  const error = problems.find((p) => p.severity === 'error');
  if (error) return { ok: false, error, warnings, check };
  return { ok: true, value, warnings, check };
}

/**
 * NIK through `checkNik` (which explains Excel-mangled numbers and never repairs them). The first
 * error is `error`; the full check, with every issue, is in `check`.
 */
export function normaliseNik(input: unknown, ctx: NikCheckContext): Result<string | null> & { check: NikCheck } {
  const check = checkNik(input, ctx);
  return fromCheck(check, check.nik) as Result<string | null> & { check: NikCheck };
}

/** KK number through `checkKk`; an empty cell is null (the KK is optional), not an error. */
export function normaliseKk(input: unknown, ctx: KkCheckContext): Result<string | null> & { check: KkCheck | null } {
  const cell = readCell(input);
  if (cell.kind === 'empty') return { ok: true, value: null, warnings: [], check: null };
  const check = checkKk(input, ctx);
  return fromCheck(check, check.kk) as Result<string | null> & { check: KkCheck };
}
