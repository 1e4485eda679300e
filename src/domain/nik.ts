/**
 * NIK (Nomor Induk Kependudukan) and KK (Kartu Keluarga number) checks.
 *
 * Pure: no I/O, no clock. `today` is always passed in so results are
 * reproducible and testable.
 *
 *   NIK = PP RR CC DD MM YY SSSS  (day + 40 for women)
 *   KK  = PP RR CC DD MM YY SSSS  (registration date, no + 40)
 *
 * There is no checksum, so we can only catch structural mistakes. The region
 * part is where the number was FIRST issued, and an NIK is never reissued, so
 * anything that compares it with the person's current data is a warning,
 * never an error. Digits are never "repaired": a wrong digit would silently
 * turn one person's NIK into another's.
 */
import type { Lang, Message } from './messages.js';

export type { Lang, Message } from './messages.js';

export type Sex = 'L' | 'P';
export type IdField = 'nik' | 'kk';
export type Severity = 'error' | 'warning';

export const NIK_ISSUE_CODES = [
  'nik_empty',
  'nik_not_digits',
  'nik_length',
  'nik_excel_scientific',
  'nik_excel_precision_lost',
  'nik_unknown_province',
  'nik_unknown_regency',
  'nik_impossible_date',
  'nik_future_birth',
  'nik_serial_zero',
  'nik_other_regency',
  'nik_other_province',
  'nik_birthdate_mismatch',
  'nik_sex_mismatch',
] as const;

export const KK_ISSUE_CODES = [
  'kk_empty',
  'kk_not_digits',
  'kk_length',
  'kk_excel_scientific',
  'kk_excel_precision_lost',
  'kk_unknown_province',
  'kk_unknown_regency',
  'kk_impossible_date',
  'kk_future_date',
  'kk_serial_zero',
  'kk_other_regency',
  'kk_other_province',
] as const;

export type NikIssueCode = (typeof NIK_ISSUE_CODES)[number] | (typeof KK_ISSUE_CODES)[number];

export interface NikIssue {
  code: NikIssueCode;
  severity: Severity;
  field: IdField;
  message: Message;
}

/** Known Kemendagri codes, written with dots: provinces '53', regencies '53.01'. */
export interface AreaCodes {
  provinces: ReadonlySet<string>;
  regencies: ReadonlySet<string>;
}

interface DecodedRegion {
  provinceCode: string;
  regencyCode: string;
  districtCode: string;
  /** Regency part >= 71 means a kota (city), otherwise a kabupaten. */
  kota: boolean;
  serial: string;
}

export interface DecodedNik extends DecodedRegion {
  /** YYYY-MM-DD, or null when the encoded date cannot exist. */
  birthDate: string | null;
  sex: Sex;
}

export interface DecodedKk extends DecodedRegion {
  /** YYYY-MM-DD, or null when the encoded date cannot exist. */
  registrationDate: string | null;
}

export interface NikPerson {
  birthDate?: string | null;
  sex?: Sex | null;
  /** Village (desa/kelurahan) of domicile, e.g. '53.01.02.2001'. */
  villageCode?: string | null;
}

export interface NikCheckContext {
  areas: AreaCodes;
  /** YYYY-MM-DD */
  today: string;
  person?: NikPerson;
}

export interface KkCheckContext {
  areas: AreaCodes;
  /** YYYY-MM-DD */
  today: string;
  person?: { villageCode?: string | null };
}

export interface NikCheck {
  /** True when there is no error (warnings allowed). */
  ok: boolean;
  /** Normalised 16-digit text, or null when the input could not be read as 16 digits. */
  nik: string | null;
  issues: NikIssue[];
  decoded: DecodedNik | null;
}

export interface KkCheck {
  ok: boolean;
  kk: string | null;
  issues: NikIssue[];
  decoded: DecodedKk | null;
}

// ---------------------------------------------------------------------------
// Dates

interface Ymd {
  y: number;
  m: number;
  d: number;
}

function isLeapYear(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function toIso({ y, m, d }: Ymd): string {
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

function parseIsoDate(s: string): Ymd | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!match) return null;
  const ymd = { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) };
  if (ymd.m < 1 || ymd.m > 12 || ymd.d < 1 || ymd.d > daysInMonth(ymd.y, ymd.m)) return null;
  return ymd;
}

function parseToday(today: string): Ymd {
  const ymd = parseIsoDate(today);
  // A bad `today` is a programming error, not a user error: fail loudly.
  if (!ymd) throw new RangeError(`today must be a real date written YYYY-MM-DD, got "${today}"`);
  return ymd;
}

/**
 * Two-digit years are ambiguous. Take the latest year ending in `yy` that is not
 * after today's year (so '25' is 2025 in 2025, '26' is 1926). A known full year
 * with the same last two digits wins, so a 100-year-old is not mistaken for a baby.
 */
function resolveYear(yy: number, today: Ymd, hintYear?: number): number {
  if (hintYear !== undefined && hintYear % 100 === yy && hintYear <= today.y) return hintYear;
  const year = Math.floor(today.y / 100) * 100 + yy;
  return year > today.y ? year - 100 : year;
}

type DateProblem =
  | { kind: 'day_zero' }
  | { kind: 'day_range'; raw: number }
  | { kind: 'month'; month: number }
  | { kind: 'no_such_day'; date: Ymd; raw: number };

interface DateRead {
  date: Ymd | null;
  problems: DateProblem[];
  /** Raw day (before removing the +40), needed for sex and for messages. */
  rawDay: number;
  /** The day part alone is valid (01–31, or 41–71 when women's +40 applies). */
  dayValid: boolean;
}

function readDatePart(ddmmyy: string, womenPlus40: boolean, today: Ymd, hintYear?: number): DateRead {
  const rawDay = Number(ddmmyy.slice(0, 2));
  const month = Number(ddmmyy.slice(2, 4));
  const yy = Number(ddmmyy.slice(4, 6));
  const problems: DateProblem[] = [];

  const female = womenPlus40 && rawDay > 40;
  const day = female ? rawDay - 40 : rawDay;
  let dayValid = true;
  if (rawDay === 0) {
    problems.push({ kind: 'day_zero' });
    dayValid = false;
  } else if (day < 1 || day > 31) {
    problems.push({ kind: 'day_range', raw: rawDay });
    dayValid = false;
  }
  if (month < 1 || month > 12) problems.push({ kind: 'month', month });
  if (problems.length > 0) return { date: null, problems, rawDay, dayValid };

  const date = { y: resolveYear(yy, today, hintYear), m: month, d: day };
  if (day > daysInMonth(date.y, month)) {
    return { date: null, problems: [{ kind: 'no_such_day', date, raw: rawDay }], rawDay, dayValid };
  }
  return { date, problems, rawDay, dayValid };
}

// ---------------------------------------------------------------------------
// Decoding

const SIXTEEN_DIGITS = /^\d{16}$/;

function decodeRegion(value: string): DecodedRegion {
  const pp = value.slice(0, 2);
  const rr = value.slice(2, 4);
  const cc = value.slice(4, 6);
  return {
    provinceCode: pp,
    regencyCode: `${pp}.${rr}`,
    districtCode: `${pp}.${rr}.${cc}`,
    kota: Number(rr) >= 71,
    serial: value.slice(12, 16),
  };
}

function decodeNikWith(nik: string, today: Ymd, hintYear?: number): { decoded: DecodedNik; date: DateRead } {
  const date = readDatePart(nik.slice(6, 12), true, today, hintYear);
  const decoded: DecodedNik = {
    ...decodeRegion(nik),
    birthDate: date.date ? toIso(date.date) : null,
    sex: date.rawDay > 40 ? 'P' : 'L',
  };
  return { decoded, date };
}

function decodeKkWith(kk: string, today: Ymd): { decoded: DecodedKk; date: DateRead } {
  const date = readDatePart(kk.slice(6, 12), false, today);
  const decoded: DecodedKk = { ...decodeRegion(kk), registrationDate: date.date ? toIso(date.date) : null };
  return { decoded, date };
}

/**
 * Splits an already normalised 16-digit NIK into its parts. Returns null for
 * anything that is not exactly 16 ASCII digits (use `checkNik` for user input).
 * `birthDate` is null when the encoded date cannot exist.
 */
export function decodeNik(nik: string, today: string): DecodedNik | null {
  if (!SIXTEEN_DIGITS.test(nik)) return null;
  return decodeNikWith(nik, parseToday(today)).decoded;
}

/** Same as `decodeNik` for a KK number (registration date, no +40). */
export function decodeKk(kk: string, today: string): DecodedKk | null {
  if (!SIXTEEN_DIGITS.test(kk)) return null;
  return decodeKkWith(kk, parseToday(today)).decoded;
}

// ---------------------------------------------------------------------------
// Messages

interface FieldWords {
  /** Indonesian noun as used mid-sentence. */
  nameId: string;
  nameEn: string;
  cardId: string;
  cardEn: string;
}

const WORDS: Record<IdField, FieldWords> = {
  nik: { nameId: 'NIK', nameEn: 'NIK', cardId: 'KTP', cardEn: 'KTP (ID card)' },
  kk: { nameId: 'nomor KK', nameEn: 'KK number', cardId: 'Kartu Keluarga', cardEn: 'Kartu Keluarga (family card)' },
};

const MONTHS_ID = [
  'Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni',
  'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember',
];
const MONTHS_EN = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

function formatDate(date: Ymd, lang: Lang): string {
  const month = (lang === 'id' ? MONTHS_ID : MONTHS_EN)[date.m - 1] ?? pad(date.m, 2);
  return `${date.d} ${month} ${date.y}`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Regencies split off in NTT: child code -> parent. Used to explain region warnings. */
const REGENCY_SPLITS: Readonly<Record<string, { name: string; parent: string; parentName: string }>> = {
  '53.21': { name: 'Malaka', parent: '53.04', parentName: 'Belu' },
  '53.20': { name: 'Sabu Raijua', parent: '53.01', parentName: 'Kupang' },
  '53.16': { name: 'Nagekeo', parent: '53.09', parentName: 'Ngada' },
  '53.19': { name: 'Manggarai Timur', parent: '53.10', parentName: 'Manggarai' },
  '53.17': { name: 'Sumba Tengah', parent: '53.12', parentName: 'Sumba Barat' },
  '53.18': { name: 'Sumba Barat Daya', parent: '53.12', parentName: 'Sumba Barat' },
};

function splitNote(a: string, b: string): Message {
  const split = REGENCY_SPLITS[a]?.parent === b ? REGENCY_SPLITS[a] : REGENCY_SPLITS[b]?.parent === a ? REGENCY_SPLITS[b] : undefined;
  if (!split) return { id: '', en: '' };
  return {
    id: ` (${split.name} dimekarkan dari ${split.parentName})`,
    en: `; ${split.name} was split from ${split.parentName}`,
  };
}

function dateProblemText(p: DateProblem, field: IdField): Message {
  switch (p.kind) {
    case 'day_zero':
      return { id: 'tanggal 00 tidak ada', en: 'day 00 does not exist' };
    case 'day_range':
      return field === 'nik'
        ? {
            id: `angka tanggal ${pad(p.raw, 2)} tidak mungkin (laki-laki 01–31, perempuan 41–71 karena ditambah 40)`,
            en: `day ${pad(p.raw, 2)} is not possible (men 01–31, women 41–71 because 40 is added)`,
          }
        : {
            id: `tanggal ${pad(p.raw, 2)} tidak ada (tanggal pada nomor KK 01–31, tidak ditambah 40 seperti pada NIK)`,
            en: `day ${pad(p.raw, 2)} does not exist (the KK date uses 01–31, without the +40 used in NIKs)`,
          };
    case 'month':
      return {
        id: `bulan ${pad(p.month, 2)} tidak ada (bulan 01–12)`,
        en: `month ${pad(p.month, 2)} does not exist (months are 01–12)`,
      };
    case 'no_such_day': {
      const { date, raw } = p;
      const leap = date.m === 2 && date.d === 29;
      const minus40 = raw > 40;
      return {
        id:
          `${formatDate(date, 'id')} tidak ada` +
          (leap ? ` karena ${date.y} bukan tahun kabisat` : '') +
          (minus40 ? ` (angka tanggal ${raw} dikurangi 40)` : ''),
        en:
          `${formatDate(date, 'en')} does not exist` +
          (leap ? ` because ${date.y} is not a leap year` : '') +
          (minus40 ? ` (day ${raw} minus 40)` : ''),
      };
    }
  }
}

function issue(code: NikIssueCode, field: IdField, message: Message, severity: Severity = 'error'): NikIssue {
  return { code, severity, field, message };
}

// ---------------------------------------------------------------------------
// Normalising user input

type Normalised = { value: string; issue?: undefined } | { value?: undefined; issue: NikIssue };

const LOOKALIKE_LETTERS = /[OoIlL]/;

function emptyIssue(field: IdField): NikIssue {
  const w = WORDS[field];
  return issue(`${field}_empty`, field, {
    id: `${capitalise(w.nameId)} belum diisi. Tuliskan 16 angka ${w.nameId} sesuai ${w.cardId}.`,
    en: `The ${w.nameEn} is missing. Enter the 16-digit ${w.nameEn} exactly as printed on the ${w.cardEn}.`,
  });
}

function notTextIssue(field: IdField): NikIssue {
  const w = WORDS[field];
  return issue(`${field}_not_digits`, field, {
    id: `${capitalise(w.nameId)} harus berupa 16 angka yang ditulis sebagai teks, tanpa koma desimal atau tanda minus. Ketik ulang ${w.nameId} sesuai ${w.cardId}.`,
    en: `The ${w.nameEn} must be 16 digits written as text, without decimals or a minus sign. Retype the ${w.nameEn} from the ${w.cardEn}.`,
  });
}

function badCharsIssue(field: IdField, chars: string[]): NikIssue {
  const w = WORDS[field];
  const shown = chars.slice(0, 5).map((c) => `"${c}"`).join(', ');
  const lookalike = chars.some((c) => LOOKALIKE_LETTERS.test(c));
  return issue(`${field}_not_digits`, field, {
    id:
      `${capitalise(w.nameId)} hanya boleh berisi angka, tetapi ada karakter lain: ${shown}. Ketik ulang ${w.nameId} sesuai ${w.cardId}.` +
      (lookalike ? ' Perhatikan huruf O yang mirip angka 0 dan huruf I/l yang mirip angka 1.' : ''),
    en:
      `The ${w.nameEn} may contain digits only, but it contains: ${shown}. Retype the ${w.nameEn} from the ${w.cardEn}.` +
      (lookalike ? ' Watch for the letter O typed instead of 0 and I/l instead of 1.' : ''),
  });
}

function lengthIssue(field: IdField, count: number): NikIssue {
  const w = WORDS[field];
  const short = count < 16;
  return issue(`${field}_length`, field, {
    id:
      `${capitalise(w.nameId)} harus 16 angka; yang tertulis ${count} angka. ` +
      (short ? 'Mungkin ada angka yang terlewat. ' : 'Mungkin ada angka yang tertulis dua kali. ') +
      `Periksa kembali ${w.nameId} pada ${w.cardId}.`,
    en:
      `The ${w.nameEn} must have 16 digits; ${count} ${count === 1 ? 'digit was' : 'digits were'} entered. ` +
      (short ? 'A digit may be missing. ' : 'A digit may have been typed twice. ') +
      `Check the ${w.nameEn} on the ${w.cardEn} again.`,
  });
}

function scientificIssue(field: IdField, text: string): NikIssue {
  const w = WORDS[field];
  // Excel shows ~6 digits ('5.30101E+15'); a long mantissa could hold the whole number, so hide it.
  const shown = text.length <= 12 ? ` (${text})` : '';
  return issue(`${field}_excel_scientific`, field, {
    id: `${capitalise(w.nameId)} tertulis dalam format ilmiah Excel${shown}, sehingga angka aslinya sudah hilang dan tidak bisa dipulihkan. Di Excel, ubah format kolom ${w.nameId} menjadi Teks (atau awali isian dengan tanda petik ') lalu ketik ulang ${w.nameId} dari ${w.cardId}.`,
    en: `The ${w.nameEn} is in Excel scientific notation${shown}, so its original digits are lost and cannot be recovered. In Excel, format the ${w.nameEn} column as Text (or start the cell with an apostrophe ') and retype the ${w.nameEn} from the ${w.cardEn}.`,
  });
}

function precisionIssue(field: IdField, reason: 'too_large' | 'trailing_zero'): NikIssue {
  const w = WORDS[field];
  const fix = {
    id: ` Ubah format kolom ${w.nameId} menjadi Teks lalu ketik ulang ${w.nameId} dari ${w.cardId}.`,
    en: ` Format the ${w.nameEn} column as Text and retype the ${w.nameEn} from the ${w.cardEn}.`,
  };
  const message: Message =
    reason === 'too_large'
      ? {
          id: `${capitalise(w.nameId)} terbaca sebagai bilangan yang terlalu besar untuk disimpan persis, sehingga angka-angka terakhirnya sudah berubah (Excel hanya menyimpan 15 angka).${fix.id}`,
          en: `The ${w.nameEn} was read as a number too large to be stored exactly, so its last digits have changed (Excel keeps only 15 digits).${fix.en}`,
        }
      : {
          id: `${capitalise(w.nameId)} terbaca sebagai bilangan, bukan teks. Excel hanya menyimpan 15 angka pertama dan mengganti angka ke-16 dengan 0, jadi angka terakhir ${w.nameId} ini kemungkinan sudah berubah.${fix.id}`,
          en: `The ${w.nameEn} was read as a number, not as text. Excel keeps only the first 15 digits and replaces the 16th with 0, so the last digit of this ${w.nameEn} has probably changed.${fix.en}`,
        };
  return issue(`${field}_excel_precision_lost`, field, message);
}

const SCIENTIFIC = /^[+-]?\d+(?:[.,]\d+)?\s*[eE]\s*[+-]?\d+$/;
// Spaces, dots and dashes people type as group separators: '5301 0215 0385 0001'.
const SEPARATORS = /[\s.\-\u2010-\u2015]/g;
// Excel's "store as text" marker, sometimes pasted as a typographic quote.
const LEADING_APOSTROPHE = /^['\u2018\u2019`]/;

function normaliseNumber(n: number, field: IdField): Normalised {
  if (!Number.isFinite(n) || !Number.isInteger(n) || n < 0) return { issue: notTextIssue(field) };
  if (!Number.isSafeInteger(n)) return { issue: precisionIssue(field, 'too_large') };
  const digits = String(n);
  // Excel keeps 15 significant digits: a 16-digit number ending in 0 very likely lost its
  // last digit. A 16-digit safe integer ending in 1–9 still has all its digits.
  if (digits.length === 16 && digits.endsWith('0')) return { issue: precisionIssue(field, 'trailing_zero') };
  if (digits.length !== 16) return { issue: lengthIssue(field, digits.length) };
  return { value: digits };
}

function normaliseText(raw: string, field: IdField): Normalised {
  const text = raw.trim().replace(LEADING_APOSTROPHE, '').trim();
  if (text === '') return { issue: emptyIssue(field) };
  if (SCIENTIFIC.test(text)) return { issue: scientificIssue(field, text) };
  const compact = text.replace(SEPARATORS, '');
  if (SIXTEEN_DIGITS.test(compact)) return { value: compact };
  if (/^\d+$/.test(compact)) return { issue: lengthIssue(field, compact.length) };
  const bad = [...new Set([...compact].filter((c) => !/\d/.test(c)))];
  return { issue: badCharsIssue(field, bad) };
}

function normalise(input: unknown, field: IdField): Normalised {
  if (input === null || input === undefined) return { issue: emptyIssue(field) };
  if (typeof input === 'string') return normaliseText(input, field);
  if (typeof input === 'number') return normaliseNumber(input, field);
  if (typeof input === 'bigint') return normaliseText(input.toString(), field);
  return { issue: notTextIssue(field) };
}

// ---------------------------------------------------------------------------
// Shared structural checks

function regionIssues(region: DecodedRegion, areas: AreaCodes, field: IdField): NikIssue[] {
  const w = WORDS[field];
  if (!areas.provinces.has(region.provinceCode)) {
    return [
      issue(`${field}_unknown_province`, field, {
        id: `Kode provinsi ${region.provinceCode} (2 angka pertama ${w.nameId}) tidak ada dalam daftar wilayah Kemendagri. Periksa kembali 2 angka pertama ${w.nameId} pada ${w.cardId}.`,
        en: `Province code ${region.provinceCode} (the first 2 digits of the ${w.nameEn}) is not in the Kemendagri area list. Check the first 2 digits of the ${w.nameEn} on the ${w.cardEn}.`,
      }),
    ];
  }
  if (region.regencyCode.endsWith('.00')) {
    return [
      issue(`${field}_unknown_regency`, field, {
        id: `Kode kabupaten/kota (angka ke-3 dan ke-4 ${w.nameId}) tidak boleh 00. Periksa kembali angka ke-3 dan ke-4 ${w.nameId} pada ${w.cardId}.`,
        en: `The regency/city code (digits 3–4 of the ${w.nameEn}) cannot be 00. Check digits 3–4 of the ${w.nameEn} on the ${w.cardEn}.`,
      }),
    ];
  }
  if (!areas.regencies.has(region.regencyCode)) {
    return [
      issue(`${field}_unknown_regency`, field, {
        id: `Kode kabupaten/kota ${region.regencyCode} (angka ke-3 dan ke-4 ${w.nameId}) tidak ada dalam daftar wilayah Kemendagri. Periksa kembali angka ke-3 dan ke-4 ${w.nameId} pada ${w.cardId}.`,
        en: `Regency/city code ${region.regencyCode} (digits 3–4 of the ${w.nameEn}) is not in the Kemendagri area list. Check digits 3–4 of the ${w.nameEn} on the ${w.cardEn}.`,
      }),
    ];
  }
  return [];
}

function impossibleDateIssue(field: IdField, ddmmyy: string, problems: DateProblem[]): NikIssue {
  const reasons = problems.map((p) => dateProblemText(p, field));
  const reasonId = reasons.map((r) => r.id).join('; ');
  const reasonEn = reasons.map((r) => r.en).join('; ');
  return field === 'nik'
    ? issue('nik_impossible_date', field, {
        id: `Tanggal lahir pada NIK (angka ke-7 sampai ke-12: ${ddmmyy}) tidak mungkin: ${reasonId}. Periksa kembali angka tersebut pada KTP.`,
        en: `The birth date in the NIK (digits 7–12: ${ddmmyy}) is impossible: ${reasonEn}. Check those digits on the KTP (ID card).`,
      })
    : issue('kk_impossible_date', field, {
        id: `Tanggal pencatatan pada nomor KK (angka ke-7 sampai ke-12: ${ddmmyy}) tidak mungkin: ${reasonId}. Periksa kembali angka tersebut pada Kartu Keluarga.`,
        en: `The registration date in the KK number (digits 7–12: ${ddmmyy}) is impossible: ${reasonEn}. Check those digits on the Kartu Keluarga (family card).`,
      });
}

function futureDateIssue(field: IdField, date: Ymd): NikIssue {
  return field === 'nik'
    ? issue('nik_future_birth', field, {
        id: `Tanggal lahir pada NIK (${formatDate(date, 'id')}) masih di masa depan. Periksa kembali angka ke-7 sampai ke-12 NIK pada KTP.`,
        en: `The birth date in the NIK (${formatDate(date, 'en')}) is in the future. Check digits 7–12 of the NIK on the KTP (ID card).`,
      })
    : issue('kk_future_date', field, {
        id: `Tanggal pencatatan pada nomor KK (${formatDate(date, 'id')}) masih di masa depan. Periksa kembali angka ke-7 sampai ke-12 nomor KK pada Kartu Keluarga.`,
        en: `The registration date in the KK number (${formatDate(date, 'en')}) is in the future. Check digits 7–12 of the KK number on the Kartu Keluarga (family card).`,
      });
}

function serialZeroIssue(field: IdField): NikIssue {
  const w = WORDS[field];
  return issue(`${field}_serial_zero`, field, {
    id: `Nomor urut ${w.nameId} (4 angka terakhir) tidak boleh 0000. Periksa kembali 4 angka terakhir pada ${w.cardId}; angka nol di akhir sering muncul bila ${w.nameId} pernah tersimpan sebagai bilangan di Excel.`,
    en: `The serial number of the ${w.nameEn} (last 4 digits) cannot be 0000. Check the last 4 digits on the ${w.cardEn}; trailing zeros often appear when the ${w.nameEn} was once stored as a number in Excel.`,
  });
}

/** Province and regency of a dotted village (or district/regency) code; null if unreadable. */
function domicileRegion(code: string | null | undefined): { province: string; regency: string | null } | null {
  const match = /^(\d{2})(?:\.(\d{2}))?(?:\.|$)/.exec((code ?? '').trim());
  if (!match?.[1]) return null;
  return { province: match[1], regency: match[2] ? `${match[1]}.${match[2]}` : null };
}

function domicileIssues(region: DecodedRegion, villageCode: string | null | undefined, field: IdField): NikIssue[] {
  const home = domicileRegion(villageCode);
  if (!home) return [];
  if (home.province !== region.provinceCode) {
    const message: Message =
      field === 'nik'
        ? {
            id: `NIK ini pertama kali diterbitkan di provinsi ${region.provinceCode}, sedangkan desa peserta berada di provinsi ${home.province}. Hal ini wajar bila peserta pindah dari provinsi lain, karena NIK tidak berubah seumur hidup. NIK tidak perlu diubah; pastikan NIK sama dengan KTP dan peserta memang tinggal di desa ini (lihat KK terbaru).`,
            en: `This NIK was first issued in province ${region.provinceCode}, but the participant's village is in province ${home.province}. This is normal for someone who moved from another province, because an NIK never changes. Do not change the NIK; make sure it matches the KTP and that the participant really lives in this village (see the latest KK).`,
          }
        : {
            id: `Nomor KK ini diterbitkan di provinsi ${region.provinceCode}, sedangkan desa peserta berada di provinsi ${home.province}. Bila keluarga sudah pindah, biasanya diterbitkan KK baru di tempat tujuan. Periksa apakah peserta memiliki KK yang lebih baru.`,
            en: `This KK number was issued in province ${region.provinceCode}, but the participant's village is in province ${home.province}. When a family moves, a new KK is normally issued at the new address. Check whether the participant has a newer KK.`,
          };
    return [issue(`${field}_other_province`, field, message, 'warning')];
  }
  if (home.regency && home.regency !== region.regencyCode) {
    const split = splitNote(region.regencyCode, home.regency);
    const message: Message =
      field === 'nik'
        ? {
            id: `NIK ini pertama kali diterbitkan di kabupaten/kota ${region.regencyCode}, sedangkan desa peserta berada di ${home.regency}. Hal ini wajar bila peserta pindah domisili atau setelah pemekaran wilayah${split.id}, karena NIK tidak berubah seumur hidup. NIK tidak perlu diubah; cukup pastikan NIK sama dengan yang tertulis di KTP.`,
            en: `This NIK was first issued in regency/city ${region.regencyCode}, but the participant's village is in ${home.regency}. This is normal after a move or a regency split (pemekaran${split.en}), because an NIK never changes. Do not change the NIK; just make sure it matches the KTP.`,
          }
        : {
            id: `Nomor KK ini diterbitkan di kabupaten/kota ${region.regencyCode}, sedangkan desa peserta berada di ${home.regency}. Hal ini wajar setelah pemekaran wilayah${split.id}; namun bila keluarga sudah pindah, biasanya diterbitkan KK baru di tempat tujuan. Periksa apakah peserta memiliki KK yang lebih baru.`,
            en: `This KK number was issued in regency/city ${region.regencyCode}, but the participant's village is in ${home.regency}. This is normal after a regency split (pemekaran${split.en}); but when a family moves, a new KK is normally issued at the new address. Check whether the participant has a newer KK.`,
          };
    return [issue(`${field}_other_regency`, field, message, 'warning')];
  }
  return [];
}

// ---------------------------------------------------------------------------
// Public checks

/**
 * Validates an NIK as typed or imported. Errors make `ok` false; warnings
 * (domicile, birth date, sex) only ask the user to double-check.
 */
export function checkNik(input: unknown, ctx: NikCheckContext): NikCheck {
  const today = parseToday(ctx.today);
  const norm = normalise(input, 'nik');
  if (norm.issue) return { ok: false, nik: null, issues: [norm.issue], decoded: null };
  const nik = norm.value;

  const stated = ctx.person?.birthDate ? parseIsoDate(ctx.person.birthDate) : null;
  const { decoded, date } = decodeNikWith(nik, today, stated?.y);
  const issues: NikIssue[] = [];

  const regionErrors = regionIssues(decoded, ctx.areas, 'nik');
  issues.push(...regionErrors);

  let birthInFuture = false;
  if (!date.date) {
    issues.push(impossibleDateIssue('nik', nik.slice(6, 12), date.problems));
  } else if (toIso(date.date) > toIso(today)) {
    birthInFuture = true;
    issues.push(futureDateIssue('nik', date.date));
  }
  if (decoded.serial === '0000') issues.push(serialZeroIssue('nik'));

  if (regionErrors.length === 0) issues.push(...domicileIssues(decoded, ctx.person?.villageCode, 'nik'));

  // Century is taken from the stated birth year when the last two digits agree, so
  // a difference in century alone never reaches this comparison.
  if (stated && date.date && !birthInFuture && toIso(date.date) !== toIso(stated)) {
    issues.push(
      issue(
        'nik_birthdate_mismatch',
        'nik',
        {
          id: `Tanggal lahir pada NIK (${formatDate(date.date, 'id')}) berbeda dengan tanggal lahir yang dicatat (${formatDate(stated, 'id')}). NIK tidak pernah diterbitkan ulang; periksa tanggal lahir di KTP/KK dan perbaiki tanggal lahir yang dicatat bila perlu.`,
          en: `The birth date in the NIK (${formatDate(date.date, 'en')}) differs from the recorded birth date (${formatDate(stated, 'en')}). NIKs are never reissued; check the birth date on the KTP/KK and correct the recorded birth date if needed.`,
        },
        'warning',
      ),
    );
  }

  const statedSex = ctx.person?.sex;
  if (statedSex && date.dayValid && statedSex !== decoded.sex) {
    const female = decoded.sex === 'P';
    issues.push(
      issue(
        'nik_sex_mismatch',
        'nik',
        {
          id: female
            ? 'Menurut NIK, pemegangnya perempuan (angka tanggal lahir pada NIK ditambah 40), sedangkan data mencatat laki-laki. NIK tidak pernah diterbitkan ulang; periksa jenis kelamin di KTP/KK dan perbaiki data bila perlu.'
            : 'Menurut NIK, pemegangnya laki-laki (angka tanggal lahir pada NIK tidak ditambah 40), sedangkan data mencatat perempuan. NIK tidak pernah diterbitkan ulang; periksa jenis kelamin di KTP/KK dan perbaiki data bila perlu.',
          en: female
            ? 'According to the NIK the holder is female (40 is added to the birth day in the NIK), but the record says male. NIKs are never reissued; check the sex on the KTP/KK and correct the record if needed.'
            : 'According to the NIK the holder is male (no 40 is added to the birth day in the NIK), but the record says female. NIKs are never reissued; check the sex on the KTP/KK and correct the record if needed.',
        },
        'warning',
      ),
    );
  }

  return { ok: !issues.some((i) => i.severity === 'error'), nik, issues, decoded };
}

/** Validates a KK number (same layout as an NIK, but the date is a registration date without +40). */
export function checkKk(input: unknown, ctx: KkCheckContext): KkCheck {
  const today = parseToday(ctx.today);
  const norm = normalise(input, 'kk');
  if (norm.issue) return { ok: false, kk: null, issues: [norm.issue], decoded: null };
  const kk = norm.value;

  const { decoded, date } = decodeKkWith(kk, today);
  const issues: NikIssue[] = [];

  const regionErrors = regionIssues(decoded, ctx.areas, 'kk');
  issues.push(...regionErrors);
  if (!date.date) issues.push(impossibleDateIssue('kk', kk.slice(6, 12), date.problems));
  else if (toIso(date.date) > toIso(today)) issues.push(futureDateIssue('kk', date.date));
  if (decoded.serial === '0000') issues.push(serialZeroIssue('kk'));
  if (regionErrors.length === 0) issues.push(...domicileIssues(decoded, ctx.person?.villageCode, 'kk'));

  return { ok: !issues.some((i) => i.severity === 'error'), kk, issues, decoded };
}

export function issueText(issue: NikIssue, lang: Lang): string {
  return issue.message[lang];
}

// ---------------------------------------------------------------------------
// Masking (NIK, KK and account numbers are masked by default on screens and exports)

/** '5301021503850001' -> '5301xxxxxxxx0001'. Strings too short to keep 8 hidden digits are masked entirely. */
export function maskNik(nik: string): string {
  const s = nik.trim();
  if (s.length < 12) return 'x'.repeat(s.length);
  return s.slice(0, 4) + 'x'.repeat(s.length - 8) + s.slice(-4);
}

/** All but the last 4 characters become 'x'; 4 characters or fewer are masked entirely. */
export function maskAccount(account: string): string {
  const s = account.trim();
  if (s.length <= 4) return 'x'.repeat(s.length);
  return 'x'.repeat(s.length - 4) + s.slice(-4);
}
