/**
 * Mapping a spreadsheet's header row to our fields.
 *
 * Pure: no I/O. Village files name their columns in many ways ("NIK", "No. NIK", "Nomor Induk
 * Kependudukan", "NIK KTP"…), in any case, with stray punctuation, line breaks, "(wajib)" notes or
 * asterisks. A header is recognised in four steps, the first that succeeds wins:
 *   1. exact, after lower-casing and turning punctuation into spaces ("No. NIK" → "no nik");
 *   2. the same without bracketed notes and filler words ("Tanggal Lahir (dd/mm/yyyy)*", "Penghasilan (Rp)");
 *   3. the same with all spaces removed ("TglLahir", "NoKK");
 *   4. a small spelling slip (Levenshtein distance 1, or 2 for long headers) — with a warning.
 * Columns we do not know are kept and reported as a warning; a field found twice is an error
 * (we cannot know which column is right); missing required fields are errors.
 */
import { distance } from 'fastest-levenshtein';
import type { Message } from '../../domain/messages.js';
import type { Problem } from './values.js';

export const FIELDS = [
  'row_no',
  'nik',
  'kk',
  'full_name',
  'birth_place',
  'birth_date',
  'birth_place_date',
  'sex',
  'marital_status',
  'address',
  'village',
  'district',
  'regency',
  'province',
  'area_code',
  'phone',
  'occupation',
  'declared_income',
  'dtsen_decile',
  'extreme_poor',
  'disability',
  'mother_name',
  'bank_name',
  'bank_account',
  'note',
] as const;
export type Field = (typeof FIELDS)[number];

/** Column titles used in the template and in messages (Indonesian first). */
export const FIELD_LABELS: Readonly<Record<Field, Message>> = {
  row_no: { id: 'No', en: 'Row number' },
  nik: { id: 'NIK', en: 'NIK (national ID number)' },
  kk: { id: 'No. KK', en: 'Family card (KK) number' },
  full_name: { id: 'Nama Lengkap', en: 'Full name' },
  birth_place: { id: 'Tempat Lahir', en: 'Place of birth' },
  birth_date: { id: 'Tanggal Lahir', en: 'Date of birth' },
  birth_place_date: { id: 'Tempat, Tanggal Lahir', en: 'Place and date of birth' },
  sex: { id: 'Jenis Kelamin', en: 'Sex' },
  marital_status: { id: 'Status Perkawinan', en: 'Marital status' },
  address: { id: 'Alamat', en: 'Address' },
  village: { id: 'Desa/Kelurahan', en: 'Village' },
  district: { id: 'Kecamatan', en: 'District (kecamatan)' },
  regency: { id: 'Kabupaten/Kota', en: 'Regency/city' },
  province: { id: 'Provinsi', en: 'Province' },
  area_code: { id: 'Kode Wilayah', en: 'Area code (Kemendagri)' },
  phone: { id: 'No. HP', en: 'Mobile number' },
  occupation: { id: 'Pekerjaan', en: 'Occupation' },
  declared_income: { id: 'Penghasilan', en: 'Income' },
  dtsen_decile: { id: 'Desil DTSEN', en: 'DTSEN decile' },
  extreme_poor: { id: 'Miskin Ekstrem (P3KE)', en: 'Extreme poor (P3KE)' },
  disability: { id: 'Disabilitas', en: 'Disability' },
  mother_name: { id: 'Nama Ibu Kandung', en: 'Mother’s maiden name' },
  bank_name: { id: 'Bank', en: 'Bank' },
  bank_account: { id: 'No. Rekening', en: 'Bank account number' },
  note: { id: 'Keterangan', en: 'Remarks' },
};

/** Fields every row needs. The area is required too: see `AREA_BY_NAMES`. */
export const REQUIRED_FIELDS: readonly Field[] = ['nik', 'full_name', 'birth_date', 'sex'];
/** An area is a Kemendagri village code column, or all three of these name columns. */
export const AREA_BY_NAMES: readonly Field[] = ['village', 'district', 'regency'];

/** Known header texts per field, already in key form (lower case, single spaces, no punctuation). */
const ALIASES: Readonly<Record<Field, readonly string[]>> = {
  row_no: ['no', 'no urut', 'nomor urut', 'nomor', 'urut', 'nmr', 'nr', 'number', 'row', 'row no', 'seq'],
  nik: [
    'nik', 'no nik', 'nomor nik', 'nik ktp', 'no ktp', 'nomor ktp', 'nomor induk kependudukan', 'no induk kependudukan',
    'nik peserta', 'nik pekerja', 'nik e ktp', 'nik ektp', 'ktp', 'nik nomor induk kependudukan', 'national id', 'national id number',
    'id number', 'nin',
  ],
  kk: [
    'kk', 'no kk', 'nomor kk', 'nomor kartu keluarga', 'no kartu keluarga', 'kartu keluarga', 'nkk', 'no kk peserta',
    'family card', 'family card number', 'kk number',
  ],
  full_name: [
    'nama', 'nama lengkap', 'nama sesuai ktp', 'nama lengkap sesuai ktp', 'nama peserta', 'nama pekerja', 'nama tenaga kerja',
    'nama penerima', 'nama calon peserta', 'name', 'full name', 'nama ktp',
  ],
  birth_place: ['tempat lahir', 'tmp lahir', 'tmpt lahir', 'tpt lahir', 'kota lahir', 'place of birth', 'birth place', 'birthplace', 'pob'],
  birth_date: [
    'tanggal lahir', 'tgl lahir', 'tgl lhr', 'tanggal lhr', 'tgllahir', 'lahir', 'tanggal kelahiran',
    'date of birth', 'birth date', 'birthdate', 'dob', 'born',
  ],
  birth_place_date: [
    'ttl', 'tempat tanggal lahir', 'tempat tgl lahir', 'tempat dan tanggal lahir', 'tmp tgl lahir', 'tempat tgl lhr', 'tmpt tgl lahir',
    'place and date of birth', 'place date of birth',
  ],
  sex: ['jenis kelamin', 'jk', 'l p', 'kelamin', 'jns kelamin', 'jenis kel', 'gender', 'sex', 'p l', 'jenis kelamin l p'],
  marital_status: ['status perkawinan', 'status kawin', 'status pernikahan', 'perkawinan', 'marital status', 'status perkawinan k bk'],
  address: ['alamat', 'alamat lengkap', 'alamat rumah', 'alamat domisili', 'alamat sesuai ktp', 'domisili', 'address', 'alamat rt rw'],
  village: ['desa', 'desa kelurahan', 'kelurahan', 'kelurahan desa', 'nama desa', 'nama kelurahan', 'kel desa', 'desa kel', 'village', 'desa kelurahan domisili'],
  district: ['kecamatan', 'kec', 'nama kecamatan', 'district', 'sub district', 'subdistrict', 'distrik'],
  regency: [
    'kabupaten', 'kab kota', 'kabupaten kota', 'kota kabupaten', 'kab', 'kota', 'nama kabupaten', 'kabupaten kota domisili',
    'regency', 'regency city', 'city', 'kabupaten kota asal',
  ],
  province: ['provinsi', 'prov', 'propinsi', 'province'],
  area_code: [
    'kode wilayah', 'kode desa', 'kode kelurahan', 'kode desa kelurahan', 'kode wilayah desa', 'kode kemendagri', 'kode wilayah kemendagri',
    'area code', 'village code', 'kode wil',
  ],
  phone: [
    'no hp', 'nomor hp', 'no telp', 'no telepon', 'nomor telepon', 'telepon', 'telp', 'hp', 'no hp wa', 'nomor hp wa', 'no wa', 'nomor wa',
    'whatsapp', 'no whatsapp', 'handphone', 'no handphone', 'nomor handphone', 'no telp hp', 'kontak', 'phone', 'phone number', 'mobile',
    'mobile number', 'nomor ponsel', 'no ponsel',
  ],
  occupation: ['pekerjaan', 'jenis pekerjaan', 'pekerjaan utama', 'profesi', 'mata pencaharian', 'occupation', 'job', 'pekerjaan sesuai ktp'],
  declared_income: [
    'penghasilan', 'pendapatan', 'penghasilan per bulan', 'pendapatan per bulan', 'penghasilan bulanan', 'upah', 'upah yang dilaporkan',
    'penghasilan yang dilaporkan', 'income', 'monthly income', 'declared income', 'gaji',
  ],
  dtsen_decile: ['desil', 'desil dtsen', 'dtsen', 'desil kesejahteraan', 'peringkat desil', 'decile', 'dtsen decile', 'desil dtks'],
  extreme_poor: [
    'miskin ekstrem', 'miskin ekstrim', 'p3ke', 'kemiskinan ekstrem', 'kemiskinan ekstrim', 'status p3ke', 'miskin ekstrem p3ke',
    'extreme poor', 'extreme poverty',
  ],
  disability: ['disabilitas', 'penyandang disabilitas', 'difabel', 'jenis disabilitas', 'cacat', 'disability', 'disabled'],
  mother_name: ['nama ibu kandung', 'ibu kandung', 'nama ibu', 'nama gadis ibu kandung', 'mother name', 'mothers name', 'mother s maiden name', 'mothers maiden name', 'mother maiden name'],
  bank_name: ['bank', 'nama bank', 'bank penerima', 'bank name'],
  bank_account: [
    'no rekening', 'nomor rekening', 'rekening', 'no rek', 'norek', 'nomor rekening bank', 'no rekening bank', 'rekening bank', 'no rek bank',
    'account number', 'bank account', 'account no', 'rekening bank ntt', 'no rekening bank ntt',
  ],
  note: ['keterangan', 'ket', 'catatan', 'note', 'notes', 'remarks', 'remark'],
};

/** Words that add nothing to a header: "NIK (wajib)", "Penghasilan (Rp)", "Tanggal Lahir dd/mm/yyyy". */
const FILLER = new Set(['wajib', 'opsional', 'optional', 'required', 'harus', 'diisi', 'isi', 'rp', 'idr', 'dd', 'mm', 'yy', 'yyyy', 'hh', 'bb', 'tttt', 'format', 'angka', 'digit', 'x']);

export function headerKey(header: string): string {
  return header
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function strippedKey(header: string): string {
  const noBrackets = header.replace(/\([^)]*\)|\[[^\]]*\]|\{[^}]*\}/g, ' ');
  return headerKey(noBrackets)
    .split(' ')
    .filter((w) => w && !FILLER.has(w) && !/^\d+$/.test(w))
    .join(' ');
}

const BY_KEY = new Map<string, Field>();
const BY_COMPACT = new Map<string, Field>();
for (const field of FIELDS) {
  for (const alias of ALIASES[field]) {
    BY_KEY.set(alias, field);
    BY_COMPACT.set(alias.replace(/ /g, ''), field);
  }
}
const COMPACT_LIST = [...BY_COMPACT.entries()];

export type HeaderMatch = { field: Field; how: 'exact' | 'fuzzy'; matched: string } | null;

/** Recognises one header; null when it is not one of ours. */
export function matchHeader(header: string): HeaderMatch {
  const key = headerKey(header);
  if (key === '') return null;
  const direct = BY_KEY.get(key);
  if (direct) return { field: direct, how: 'exact', matched: key };
  const stripped = strippedKey(header);
  const viaStripped = stripped ? BY_KEY.get(stripped) : undefined;
  if (viaStripped) return { field: viaStripped, how: 'exact', matched: stripped };
  for (const k of [key, stripped]) {
    const compact = k.replace(/ /g, '');
    const viaCompact = compact ? BY_COMPACT.get(compact) : undefined;
    if (viaCompact) return { field: viaCompact, how: 'exact', matched: compact };
  }
  // Spelling slips only on headers long enough for a slip to be told from another word.
  const compact = (stripped || key).replace(/ /g, '');
  if (compact.length < 5) return null;
  const limit = compact.length >= 10 ? 2 : 1;
  let best: { field: Field; alias: string; d: number } | null = null;
  let tie = false;
  for (const [alias, field] of COMPACT_LIST) {
    if (alias.length < 4 || Math.abs(alias.length - compact.length) > limit) continue;
    const d = distance(compact, alias);
    if (d > limit) continue;
    if (!best || d < best.d) {
      best = { field, alias, d };
      tie = false;
    } else if (d === best.d && field !== best.field) {
      tie = true;
    }
  }
  if (!best || tie) return null;
  return { field: best.field, how: 'fuzzy', matched: best.alias };
}

/** Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}

export interface UnknownColumn {
  index: number;
  header: string;
}

export interface DuplicateField {
  field: Field;
  /** Every column that maps to the field, in file order. */
  columns: number[];
  headers: string[];
}

export interface FuzzyHeader {
  index: number;
  header: string;
  field: Field;
}

export interface HeaderProblem extends Problem {
  /** Column index, when the problem is about one column. */
  column?: number;
  field?: Field;
}

export interface HeaderMapping {
  /** Field → column index (0-based). For a duplicated field, the first column. */
  mapping: Partial<Record<Field, number>>;
  /** Extra columns we do not use: kept in the batch, reported as a warning. */
  unknown: string[];
  unknownColumns: UnknownColumn[];
  /** Required fields absent from the header row. */
  missing: Field[];
  duplicates: DuplicateField[];
  /** Headers recognised despite a spelling slip (warned). */
  fuzzy: FuzzyHeader[];
  /** Columns with an empty header (ignored, no message). */
  empty: number[];
  /** Every error and warning about the header row. */
  problems: HeaderProblem[];
  /** True when no problem is an error: rows can be read. */
  ok: boolean;
  /** How the area will be read: 'code', 'names', or null when neither is possible. */
  area: 'code' | 'names' | null;
}

function cellText(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'string') return cell.replace(/^\ufeff/, '').replace(/\s+/g, ' ').trim();
  if (typeof cell === 'number' || typeof cell === 'boolean' || typeof cell === 'bigint') return String(cell);
  return '';
}

function col(index: number, header: string): string {
  return `${columnLetter(index)} ('${header}')`;
}

/**
 * Maps a header row. Cells may be anything a parser returns; only strings and numbers are read.
 */
export function mapHeaders(row: readonly unknown[]): HeaderMapping {
  const mapping: Partial<Record<Field, number>> = {};
  const seen = new Map<Field, number[]>();
  const unknownColumns: UnknownColumn[] = [];
  const fuzzy: FuzzyHeader[] = [];
  const empty: number[] = [];
  const headers = row.map(cellText);

  headers.forEach((header, index) => {
    if (header === '') {
      empty.push(index);
      return;
    }
    const match = matchHeader(header);
    if (!match) {
      unknownColumns.push({ index, header });
      return;
    }
    if (match.how === 'fuzzy') fuzzy.push({ index, header, field: match.field });
    const list = seen.get(match.field) ?? [];
    list.push(index);
    seen.set(match.field, list);
  });

  const duplicates: DuplicateField[] = [];
  for (const [field, columns] of seen) {
    mapping[field] = columns[0];
    if (columns.length > 1) duplicates.push({ field, columns, headers: columns.map((c) => headers[c] ?? '') });
  }

  const has = (f: Field) => mapping[f] !== undefined;
  const missing: Field[] = [];
  for (const f of REQUIRED_FIELDS) {
    if (f === 'birth_date' && has('birth_place_date')) continue;
    if (!has(f)) missing.push(f);
  }
  let area: HeaderMapping['area'] = null;
  if (has('area_code')) area = 'code';
  else if (AREA_BY_NAMES.every(has)) area = 'names';
  else missing.push(...AREA_BY_NAMES.filter((f) => !has(f)));

  const problems: HeaderProblem[] = [];
  for (const f of missing) {
    if ((AREA_BY_NAMES as readonly string[]).includes(f)) continue;
    const label = FIELD_LABELS[f];
    problems.push({
      code: 'header_missing',
      severity: 'error',
      field: f,
      id:
        `Kolom ${label.id} tidak ditemukan. Tambahkan kolom berjudul '${label.id}' dan isi untuk setiap baris` +
        (f === 'birth_date' ? " (atau satu kolom 'Tempat, Tanggal Lahir' seperti 'Kupang, 21-07-1980')." : '.') +
        ' Bila kolomnya ada dengan judul lain, ganti judulnya atau gunakan templat unduhan.',
      en:
        `No ${label.en} column was found. Add a column titled '${label.id}' and fill it in for every row` +
        (f === 'birth_date' ? " (or one 'Tempat, Tanggal Lahir' column like 'Kupang, 21-07-1980')." : '.') +
        ' If the column is there under another title, rename it or use the downloadable template.',
    });
  }
  if (area === null) {
    const absent = AREA_BY_NAMES.filter((f) => !has(f));
    problems.push({
      code: 'header_area_missing',
      severity: 'error',
      id:
        `Wilayah tidak dapat dibaca: tidak ada kolom Kode Wilayah (kode desa Kemendagri, misalnya 53.01.08.2006), dan kolom nama wilayah belum lengkap (belum ada: ${absent.map((f) => FIELD_LABELS[f].id).join(', ')}). ` +
        'Tambahkan kolom Kode Wilayah, atau kolom Desa/Kelurahan, Kecamatan dan Kabupaten/Kota.',
      en:
        `The area cannot be read: there is no Kode Wilayah column (Kemendagri village code, for example 53.01.08.2006), and the area name columns are incomplete (missing: ${absent.map((f) => FIELD_LABELS[f].en).join(', ')}). ` +
        'Add a Kode Wilayah column, or Desa/Kelurahan, Kecamatan and Kabupaten/Kota columns.',
    });
  }
  for (const d of duplicates) {
    const label = FIELD_LABELS[d.field];
    const where = d.columns.map((c, i) => col(c, d.headers[i] ?? '')).join(', ');
    problems.push({
      code: 'header_duplicate',
      severity: 'error',
      field: d.field,
      column: d.columns[1],
      id: `Kolom ${label.id} muncul lebih dari sekali: ${where}. Hapus kolom yang tidak dipakai atau ganti judulnya, agar jelas kolom mana yang benar.`,
      en: `The ${label.en} column appears more than once: ${where}. Remove the column that is not used or rename it, so it is clear which one is right.`,
    });
  }
  for (const f of fuzzy) {
    const label = FIELD_LABELS[f.field];
    problems.push({
      code: 'header_fuzzy',
      severity: 'warning',
      field: f.field,
      column: f.index,
      id: `Judul kolom ${col(f.index, f.header)} dibaca sebagai '${label.id}'. Bila benar, perbaiki ejaan judulnya; bila salah, ganti judulnya.`,
      en: `Column title ${col(f.index, f.header)} was read as '${label.id}' (${label.en}). If that is right, fix the spelling of the title; if not, rename it.`,
    });
  }
  for (const u of unknownColumns) {
    problems.push({
      code: 'header_unknown',
      severity: 'warning',
      column: u.index,
      id: `Kolom ${col(u.index, u.header)} tidak dikenal; isinya disimpan tetapi tidak diperiksa atau dipakai. Bila kolom ini seharusnya salah satu data peserta, ganti judulnya sesuai templat (misalnya 'NIK', 'Nama Lengkap', 'Tanggal Lahir').`,
      en: `Column ${col(u.index, u.header)} is not recognised; its content is kept but not checked or used. If it should hold participant data, rename it as in the template (for example 'NIK', 'Nama Lengkap', 'Tanggal Lahir').`,
    });
  }

  return {
    mapping,
    unknown: unknownColumns.map((u) => u.header),
    unknownColumns,
    missing,
    duplicates,
    fuzzy,
    empty,
    problems,
    ok: !problems.some((p) => p.severity === 'error'),
    area,
  };
}

/**
 * Finds the header row among the first rows of a sheet: village files often start with a title
 * ("DAFTAR USULAN PESERTA … DESA …") and blank lines. The header row is the first one with the
 * most recognised columns; null when no row has at least `minFields` (default 3).
 */
export function findHeaderRow(rows: readonly (readonly unknown[])[], opts: { maxScan?: number; minFields?: number } = {}): number | null {
  const maxScan = opts.maxScan ?? 20;
  const minFields = opts.minFields ?? 3;
  let best: { index: number; count: number } | null = null;
  for (let i = 0; i < Math.min(rows.length, maxScan); i++) {
    const row = rows[i] ?? [];
    const fields = new Set<Field>();
    for (const cell of row) {
      const text = cellText(cell);
      if (text === '' || text.length > 60) continue;
      const match = matchHeader(text);
      if (match && match.field !== 'row_no') fields.add(match.field);
    }
    if (fields.size >= minFields && (!best || fields.size > best.count)) best = { index: i, count: fields.size };
  }
  return best?.index ?? null;
}
