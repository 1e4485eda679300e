/**
 * The regents' co-funding pledges (Pakta Perlindungan Pekerja Rentan): per regency and fiscal
 * year, how many workers (places) and how much money the regency commits to protect from its own
 * budget — imported from a CSV/XLSX or entered one by one, and reported against what the
 * regency's own programme (funder = that regency, same fiscal year) has enrolled and paid.
 *
 * An import is all or nothing: every row is checked first, and one bad row (named by row and
 * column) saves nothing. A regency and year already pledged is updated (the history keeps the
 * old values). Row-level security limits writes to the writer's area: a regency records its own
 * pledge, the province any regency's.
 */
import { areaKey } from '../intake/area-resolver.js';
import { columnLetter } from '../intake/headers.js';
import ExcelJS from 'exceljs';
import { IntakeFileError, openIntakeFile, type Cell, type OpenedFile } from '../intake/read-file.js';
import { normaliseDate, normaliseRupiah } from '../intake/values.js';
import type { Queryable } from '../../db/types.js';
import type { Message } from '../../domain/messages.js';
import { UserError } from '../../domain/user-error.js';

export type PledgeField = 'regency' | 'year' | 'places' | 'amount' | 'signed' | 'document' | 'programme';

export const PLEDGE_FIELDS: Readonly<Record<PledgeField, { label: Message; headers: readonly string[]; required: boolean }>> = {
  regency: {
    label: { id: 'Kabupaten/Kota', en: 'Regency' },
    headers: ['kabupaten kota', 'kabupaten', 'kota', 'kab kota', 'kabupaten atau kota', 'nama kabupaten', 'nama kabupaten kota', 'kode wilayah', 'kode kabupaten', 'kode kabupaten kota', 'wilayah', 'pemerintah daerah', 'pemda', 'regency'],
    required: true,
  },
  year: { label: { id: 'Tahun Anggaran', en: 'Fiscal year' }, headers: ['tahun anggaran', 'tahun', 'ta', 'fiscal year', 'year'], required: true },
  places: {
    label: { id: 'Jumlah Pekerja', en: 'Places' },
    headers: ['jumlah pekerja', 'jumlah peserta', 'pekerja', 'peserta', 'kuota', 'target peserta', 'target pekerja', 'jumlah tenaga kerja', 'places', 'workers'],
    required: true,
  },
  amount: {
    label: { id: 'Nilai (Rp)', en: 'Amount (Rp)' },
    headers: ['nilai', 'nilai rp', 'anggaran', 'anggaran rp', 'nilai anggaran', 'jumlah anggaran', 'nilai komitmen', 'komitmen anggaran', 'dana', 'jumlah dana', 'pagu', 'amount', 'rupiah'],
    required: true,
  },
  signed: {
    label: { id: 'Tanggal Tanda Tangan', en: 'Signed on' },
    headers: ['tanggal tanda tangan', 'tanggal ditandatangani', 'tanggal penandatanganan', 'tgl tanda tangan', 'tanggal pakta', 'tanggal', 'tgl', 'signed', 'signed on'],
    required: false,
  },
  document: {
    label: { id: 'Nomor Dokumen', en: 'Document' },
    headers: ['nomor dokumen', 'no dokumen', 'dokumen', 'nomor pakta', 'no pakta', 'nomor surat', 'nomor', 'referensi', 'document', 'reference'],
    required: false,
  },
  programme: { label: { id: 'Kode Program', en: 'Programme' }, headers: ['kode program', 'program', 'programme'], required: false },
};

const FIELDS = Object.keys(PLEDGE_FIELDS) as PledgeField[];
const headerKey = (c: Cell) => (c === null || c instanceof Date ? '' : String(c)).toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

export interface PledgeProblem {
  /** The row in the file (as Excel numbers it); null for a single pledge sent by form or API. */
  row: number | null;
  field: PledgeField;
  /** The column as titled in the file, with its letter: `Nilai (Rp) (D)`. */
  column: string;
  id: string;
  en: string;
}

/** A pledge as written: cells or form values, not yet checked. */
export type RawPledge = Partial<Record<PledgeField, Cell>>;

export interface Pledge {
  regencyCode: string;
  regencyName: string;
  fiscalYear: number;
  places: number;
  amount: number;
  signedOn: string | null;
  document: string | null;
  programmeCode: string | null;
}

// ---------------------------------------------------------------------------
// Reading the file

export interface PledgeFile {
  rows: { rowNo: number; values: RawPledge }[];
  /** Column title (with letter) per field found. */
  columns: Partial<Record<PledgeField, string>>;
  sha256: string;
}

const MAX_BYTES = 5 * 1024 * 1024;

async function open(path: string, fileName: string | undefined, sheet?: string): Promise<OpenedFile> {
  try {
    return await openIntakeFile(path, { fileName, maxBytes: MAX_BYTES, sheet });
  } catch (e) {
    if (e instanceof IntakeFileError) throw new UserError('invalid', 'pledge_file_unreadable', { id: e.id, en: e.en });
    throw e;
  }
}

interface Scan {
  rows: PledgeFile['rows'];
  columns: Partial<Record<PledgeField, string>>;
  /** The first non-empty row, for the message when no header row is found. */
  seen: string[];
  found: boolean;
}

async function scan(file: OpenedFile): Promise<Scan> {
  let map: Partial<Record<PledgeField, number>> | null = null;
  const columns: Partial<Record<PledgeField, string>> = {};
  let seen: string[] = [];
  const rows: PledgeFile['rows'] = [];
  for await (const chunk of file.rows()) {
    for (const row of chunk) {
      if (!map) {
        const found: Partial<Record<PledgeField, number>> = {};
        row.cells.forEach((c, i) => {
          const k = headerKey(c);
          const f = FIELDS.find((x) => PLEDGE_FIELDS[x].headers.includes(k));
          if (f && found[f] === undefined) found[f] = i;
        });
        if (FIELDS.filter((f) => PLEDGE_FIELDS[f].required).every((f) => found[f] !== undefined)) {
          map = found;
          for (const f of FIELDS) if (found[f] !== undefined) columns[f] = `${String(row.cells[found[f]!])} (${columnLetter(found[f]!)})`;
        } else if (seen.length === 0 && row.cells.some((c) => c !== null && String(c).trim() !== '')) {
          seen = row.cells.map((c) => String(c ?? '').trim()).filter(Boolean);
        }
        continue;
      }
      const values: RawPledge = {};
      for (const f of FIELDS) if (map[f] !== undefined) values[f] = row.cells[map[f]!] ?? null;
      if (Object.values(values).every((v) => v === null || String(v).trim() === '')) continue;
      rows.push({ rowNo: row.rowNo, values });
    }
  }
  return { rows, columns, seen, found: map !== null };
}

/** Sheet names of a (small) workbook, for the sheets the intake reader did not pick. */
async function sheetNames(path: string): Promise<string[]> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(path);
  return wb.worksheets.map((w) => w.name);
}

/**
 * Reads a CSV or XLSX of pledges: the first row naming the required columns is the header. In a
 * workbook, the first sheet that has such a row is read.
 */
export async function readPledgeFile(path: string, fileName?: string): Promise<PledgeFile> {
  let first: OpenedFile | null = null;
  try {
    first = await openIntakeFile(path, { fileName, maxBytes: MAX_BYTES });
  } catch (e) {
    // The intake reader looks for participant columns (NIK…); a pledge sheet has none.
    if (!(e instanceof IntakeFileError && e.code === 'xlsx_no_data_sheet')) {
      if (e instanceof IntakeFileError) throw new UserError('invalid', 'pledge_file_unreadable', { id: e.id, en: e.en });
      throw e;
    }
  }
  let result: Scan | null = first ? await scan(first) : null;
  let sha256 = first?.sha256 ?? '';
  if (!result?.found && (first === null || first.format === 'xlsx')) {
    const names = first?.sheets ?? (await sheetNames(path));
    for (const name of names) {
      if (first && name === first.sheet) continue;
      const file = await open(path, fileName, name);
      const r = await scan(file);
      sha256 = file.sha256;
      result ??= r;
      if (r.found) {
        result = r;
        break;
      }
    }
  }
  if (!result?.found) {
    const seen = result?.seen ?? [];
    const need = FIELDS.filter((f) => PLEDGE_FIELDS[f].required).map((f) => PLEDGE_FIELDS[f].label);
    throw new UserError('invalid', 'pledge_columns', {
      id: `Berkas pakta harus punya kolom ${need.map((l) => l.id).join(', ')} (serta boleh Tanggal Tanda Tangan dan Nomor Dokumen)${seen.length ? `; baris judul yang ditemukan: ${seen.join(', ')}` : ''}. Perbaiki judul kolomnya lalu unggah lagi.`,
      en: `A pledge file needs the columns ${need.map((l) => l.en).join(', ')} (Signed on and Document are optional)${seen.length ? `; the first row found: ${seen.join(', ')}` : ''}. Fix the column titles and upload again.`,
    });
  }
  if (result.rows.length === 0) {
    throw new UserError('invalid', 'pledge_file_empty', { id: 'Berkas pakta tidak berisi baris data di bawah judul kolom.', en: 'The pledge file has no data rows under its column titles.' });
  }
  return { rows: result.rows, columns: result.columns, sha256 };
}

// ---------------------------------------------------------------------------
// Checking

interface RegencyIndex {
  byCode: Map<string, { code: string; name: string }>;
  byKey: Map<string, { code: string; name: string; kind: string | null }[]>;
}

async function regencyIndex(tx: Queryable): Promise<RegencyIndex> {
  const rows = await tx.query<{ code: string; name: string }>('SELECT code, name FROM area WHERE level = 2 ORDER BY code');
  const byCode = new Map(rows.map((r) => [r.code, r]));
  const byKey = new Map<string, { code: string; name: string; kind: string | null }[]>();
  for (const r of rows) {
    const k = areaKey(r.name, 2);
    byKey.set(k.key, [...(byKey.get(k.key) ?? []), { ...r, kind: k.kind }]);
  }
  return { byCode, byKey };
}

const text = (c: Cell | undefined): string => (c === null || c === undefined ? '' : c instanceof Date ? c.toISOString().slice(0, 10) : String(c)).trim();

function resolveRegency(idx: RegencyIndex, cell: Cell | undefined): { ok: true; code: string; name: string } | { ok: false; msg: Message } {
  const raw = text(cell);
  if (!raw) return { ok: false, msg: { id: 'kosong: isi nama kabupaten/kota atau kodenya (mis. Ende atau 53.08)', en: 'empty: give the regency\'s name or code (e.g. Ende or 53.08)' } };
  const digits = raw.replace(/^'/, '');
  if (/^\d{2}[.\s-]?\d{2}$/.test(digits)) {
    const code = `${digits.slice(0, 2)}.${digits.slice(-2)}`;
    const hit = idx.byCode.get(code);
    if (hit) return { ok: true, ...hit };
    return { ok: false, msg: { id: `kode "${raw}" bukan kode kabupaten/kota Kemendagri yang dikenal`, en: `"${raw}" is not a known Kemendagri regency code` } };
  }
  const k = areaKey(raw, 2);
  const hits = (idx.byKey.get(k.key) ?? []).filter((h) => k.kind === null || h.kind === k.kind);
  if (hits.length === 1) return { ok: true, code: hits[0]!.code, name: hits[0]!.name };
  if (hits.length > 1) {
    const list = hits.map((h) => `${h.name} (${h.code})`).join(' / ');
    return { ok: false, msg: { id: `"${raw}" bisa berarti ${list}: tulis "Kabupaten …" atau "Kota …", atau kodenya`, en: `"${raw}" could be ${list}: write "Kabupaten …" or "Kota …", or the code` } };
  }
  const close = [...idx.byKey.entries()].filter(([key]) => editDistance(key, k.key) <= Math.max(1, Math.floor(k.key.length / 4))).flatMap(([, v]) => v);
  const hint = close.length ? { id: ` Mungkin maksudnya ${close.map((h) => `${h.name} (${h.code})`).join(' atau ')}?`, en: ` Did you mean ${close.map((h) => `${h.name} (${h.code})`).join(' or ')}?` } : { id: '', en: '' };
  return { ok: false, msg: { id: `kabupaten/kota "${raw}" tidak dikenal.${hint.id} Tulis nama atau kode Kemendagri (mis. 53.08)`, en: `regency "${raw}" is not known.${hint.en} Give its name or Kemendagri code (e.g. 53.08)` } };
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return d[a.length]![b.length]!;
}

function readYear(cell: Cell | undefined): { ok: true; value: number } | { ok: false; msg: Message } {
  const raw = text(cell);
  const m = /^(?:ta\.?\s*)?(\d{4})$/i.exec(raw);
  const y = m ? Number(m[1]) : NaN;
  if (!raw) return { ok: false, msg: { id: 'kosong: isi tahun anggaran, mis. 2026', en: 'empty: give the fiscal year, e.g. 2026' } };
  if (!(y >= 2000 && y <= 2100)) return { ok: false, msg: { id: `"${raw}" bukan tahun anggaran (tulis empat angka, mis. 2026)`, en: `"${raw}" is not a fiscal year (write four digits, e.g. 2026)` } };
  return { ok: true, value: y };
}

function readPlaces(cell: Cell | undefined): { ok: true; value: number } | { ok: false; msg: Message } {
  const raw = text(cell);
  if (!raw) return { ok: false, msg: { id: 'kosong: isi jumlah pekerja yang dijanjikan, mis. 2.829', en: 'empty: give the number of workers pledged, e.g. 2,829' } };
  if (typeof cell === 'number') {
    if (Number.isSafeInteger(cell) && cell >= 0) return { ok: true, value: cell };
  } else {
    const s = raw.replace(/\s+/g, '').replace(/(orang|org|pekerja)$/i, '');
    if (/^\d{1,3}([.,]\d{3})+$/.test(s) || /^\d+$/.test(s)) {
      const n = Number(s.replace(/[.,]/g, ''));
      if (Number.isSafeInteger(n) && n <= 10_000_000) return { ok: true, value: n };
    }
  }
  return { ok: false, msg: { id: `"${raw}" bukan jumlah orang (bilangan bulat, mis. 2.829)`, en: `"${raw}" is not a number of people (a whole number, e.g. 2,829)` } };
}

interface CheckContext {
  idx: RegencyIndex;
  programmes: Map<string, number>;
  today: string;
}

/** Checks one pledge; returns the pledge or its problems (without row numbers). */
function checkPledge(v: RawPledge, ctx: CheckContext): { pledge: Pledge | null; problems: { field: PledgeField; msg: Message }[] } {
  const problems: { field: PledgeField; msg: Message }[] = [];
  const regency = resolveRegency(ctx.idx, v.regency);
  if (!regency.ok) problems.push({ field: 'regency', msg: regency.msg });
  const year = readYear(v.year);
  if (!year.ok) problems.push({ field: 'year', msg: year.msg });
  const places = readPlaces(v.places);
  if (!places.ok) problems.push({ field: 'places', msg: places.msg });
  const amount = normaliseRupiah(v.amount ?? null);
  if (!amount.ok) problems.push({ field: 'amount', msg: amount.error });
  else if (amount.value === null) problems.push({ field: 'amount', msg: { id: 'kosong: isi nilai rupiah yang dijanjikan, mis. Rp4.752.720.000', en: 'empty: give the amount pledged in rupiah, e.g. Rp4,752,720,000' } });
  let signed: string | null = null;
  if (v.signed !== undefined && text(v.signed) !== '') {
    const d = normaliseDate(v.signed, { today: ctx.today, kind: 'any' });
    if (!d.ok) problems.push({ field: 'signed', msg: d.error });
    else signed = d.value;
  }
  const document = text(v.document) || null;
  if (document && document.length > 200) problems.push({ field: 'document', msg: { id: 'nomor dokumen terlalu panjang (paling banyak 200 huruf)', en: 'the document reference is too long (at most 200 characters)' } });
  const programmeCode = text(v.programme).toUpperCase() || null;
  if (programmeCode && !ctx.programmes.has(programmeCode)) problems.push({ field: 'programme', msg: { id: `program "${programmeCode}" tidak ada`, en: `there is no programme "${programmeCode}"` } });
  if (problems.length || !regency.ok || !year.ok || !places.ok || !amount.ok || amount.value === null) return { pledge: null, problems };
  return {
    pledge: { regencyCode: regency.code, regencyName: regency.name, fiscalYear: year.value, places: places.value, amount: amount.value, signedOn: signed, document, programmeCode },
    problems,
  };
}

// ---------------------------------------------------------------------------
// Saving

export interface SaveResult {
  created: number;
  updated: number;
  unchanged: number;
  pledges: Pledge[];
}

/**
 * Checks every pledge, then saves them all in one statement — or nothing, with every problem
 * named by row and column. `columns` gives the file's column titles for the messages.
 */
export async function savePledges(
  tx: Queryable,
  rows: readonly { rowNo: number | null; values: RawPledge }[],
  opts: { today: string; columns?: Partial<Record<PledgeField, string>> },
): Promise<SaveResult> {
  const ctx: CheckContext = {
    idx: await regencyIndex(tx),
    programmes: new Map((await tx.query<{ code: string; id: number }>('SELECT code, id FROM programme')).map((p) => [p.code, p.id])),
    today: opts.today,
  };
  const problems: PledgeProblem[] = [];
  const column = (f: PledgeField) => opts.columns?.[f] ?? PLEDGE_FIELDS[f].label.id;
  const add = (row: number | null, field: PledgeField, msg: Message) => {
    const where = row === null ? { id: `Kolom "${column(field)}"`, en: `Field "${column(field)}"` } : { id: `Baris ${row}, kolom "${column(field)}"`, en: `Row ${row}, column "${column(field)}"` };
    problems.push({ row, field, column: column(field), id: `${where.id}: ${msg.id}.`, en: `${where.en}: ${msg.en}.` });
  };
  const pledges: Pledge[] = [];
  const firstRow = new Map<string, number | null>();
  for (const r of rows) {
    const c = checkPledge(r.values, ctx);
    for (const p of c.problems) add(r.rowNo, p.field, p.msg);
    if (!c.pledge) continue;
    const key = `${c.pledge.regencyCode}|${c.pledge.fiscalYear}`;
    if (firstRow.has(key)) {
      add(r.rowNo, 'regency', {
        id: `${c.pledge.regencyName} tahun ${c.pledge.fiscalYear} sudah ada di baris ${firstRow.get(key)}; satu kabupaten/kota satu pakta per tahun`,
        en: `${c.pledge.regencyName} ${c.pledge.fiscalYear} is already on row ${firstRow.get(key)}; one pledge per regency and year`,
      });
      continue;
    }
    firstRow.set(key, r.rowNo);
    pledges.push(c.pledge);
  }
  if (pledges.length) {
    // Row-level security would refuse the whole statement: name the rows instead.
    const scope = await tx.query<{ code: string; ok: boolean }>('SELECT code, lindung_in_area(code) AS ok FROM unnest($1::text[]) AS code', [[...new Set(pledges.map((p) => p.regencyCode))]]);
    const outside = new Set(scope.filter((s) => !s.ok).map((s) => s.code));
    for (const p of pledges) {
      if (!outside.has(p.regencyCode)) continue;
      add(firstRow.get(`${p.regencyCode}|${p.fiscalYear}`) ?? null, 'regency', {
        id: `${p.regencyName} (${p.regencyCode}) di luar wilayah kerja akun Anda: pakta dicatat oleh kabupaten/kota itu sendiri atau oleh provinsi`,
        en: `${p.regencyName} (${p.regencyCode}) is outside your account's area: a pledge is recorded by the regency itself or by the province`,
      });
    }
  }
  if (problems.length) {
    problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    const shown = problems.slice(0, 20);
    const more = problems.length - shown.length;
    throw new UserError('invalid', 'pledges_invalid', {
      id: `Tidak ada pakta yang disimpan: ${shown.map((p) => p.id).join(' ')}${more ? ` (dan ${more} masalah lain)` : ''} Perbaiki lalu kirim lagi.`,
      en: `No pledge was saved: ${shown.map((p) => p.en).join(' ')}${more ? ` (and ${more} more problems)` : ''} Fix them and send again.`,
    }, { problems });
  }
  const returned = await tx.query<{ inserted: boolean }>(
    `INSERT INTO pledge AS pl (regency_code, fiscal_year, places, amount, signed_on, document, programme_id)
     SELECT u.code, u.year, u.places, u.amount, nullif(u.signed, '')::date, nullif(u.doc, ''),
            coalesce((SELECT id FROM programme WHERE code = nullif(u.prog, '')),
                     (SELECT CASE WHEN count(*) = 1 THEN min(id) END FROM programme
                       WHERE funder_type = 'regency' AND funder_area_code = u.code AND fiscal_year = u.year))
       FROM unnest($1::text[], $2::int[], $3::int[], $4::bigint[], $5::text[], $6::text[], $7::text[]) AS u(code, year, places, amount, signed, doc, prog)
     ON CONFLICT (regency_code, fiscal_year) DO UPDATE
       SET places = EXCLUDED.places, amount = EXCLUDED.amount, signed_on = coalesce(EXCLUDED.signed_on, pl.signed_on),
           document = coalesce(EXCLUDED.document, pl.document), programme_id = coalesce(EXCLUDED.programme_id, pl.programme_id)
     WHERE (pl.places, pl.amount, pl.signed_on, pl.document, pl.programme_id)
           IS DISTINCT FROM (EXCLUDED.places, EXCLUDED.amount, coalesce(EXCLUDED.signed_on, pl.signed_on), coalesce(EXCLUDED.document, pl.document), coalesce(EXCLUDED.programme_id, pl.programme_id))
     RETURNING (xmax = 0) AS inserted`,
    [
      pledges.map((p) => p.regencyCode), pledges.map((p) => p.fiscalYear), pledges.map((p) => p.places), pledges.map((p) => p.amount),
      pledges.map((p) => p.signedOn ?? ''), pledges.map((p) => p.document ?? ''), pledges.map((p) => p.programmeCode ?? ''),
    ],
  );
  const created = returned.filter((r) => r.inserted).length;
  return { created, updated: returned.length - created, unchanged: pledges.length - returned.length, pledges };
}

/** Imports a pledge file (CSV or XLSX): all rows or none. */
export async function importPledgeFile(tx: Queryable, file: PledgeFile, today: string): Promise<SaveResult> {
  return savePledges(tx, file.rows, { today, columns: file.columns });
}

// ---------------------------------------------------------------------------
// Report

export interface PledgeReportRow {
  id: number;
  regencyCode: string;
  regencyName: string;
  fiscalYear: number;
  places: number;
  amount: number;
  signedOn: string | null;
  document: string | null;
  /** The regency's own programme(s) of that year: linked, or found by funder and year. */
  programmes: string[];
  /** Active + submitted members of those programmes; null outside the reader's area. */
  enrolled: number | null;
  billed: number | null;
  paid: number | null;
}

export interface PledgeReport {
  fiscalYear: number;
  /** Years that have pledges, newest first. */
  years: number[];
  items: PledgeReportRow[];
  total: { places: number; amount: number; enrolled: number | null; billed: number | null; paid: number | null };
}

export async function pledgeReport(tx: Queryable, opts: { year?: number; today: string }): Promise<PledgeReport> {
  const years = (await tx.query<{ y: number }>('SELECT DISTINCT fiscal_year AS y FROM pledge ORDER BY 1 DESC')).map((r) => r.y);
  const fiscalYear = opts.year ?? years[0] ?? Number(opts.today.slice(0, 4));
  const rows = await tx.query<{
    id: number; regency_code: string; regency_name: string; fiscal_year: number; places: number; amount: number; signed_on: string | null;
    document: string | null; visible: boolean; programmes: string | null; enrolled: number; billed: number; paid: number;
  }>(
    `WITH pl AS (
       SELECT pl.*, a.name AS regency_name, lindung_in_area(pl.regency_code) AS visible
         FROM pledge pl JOIN area a ON a.code = pl.regency_code WHERE pl.fiscal_year = $1),
     progs AS (
       SELECT pl.id AS pledge_id, pr.id AS programme_id, pr.code
         FROM pl JOIN programme pr
           ON (pl.programme_id IS NOT NULL AND pr.id = pl.programme_id)
           OR (pl.programme_id IS NULL AND pr.funder_type = 'regency' AND pr.funder_area_code = pl.regency_code AND pr.fiscal_year = pl.fiscal_year))
     SELECT pl.id, pl.regency_code, pl.regency_name, pl.fiscal_year, pl.places, pl.amount, pl.signed_on, pl.document, pl.visible,
            (SELECT string_agg(g.code, ',' ORDER BY g.code) FROM progs g WHERE g.pledge_id = pl.id) AS programmes,
            (SELECT coalesce(sum(t.n), 0) FROM membership_tally t JOIN progs g ON g.programme_id = t.programme_id
              WHERE g.pledge_id = pl.id AND t.state IN ('active', 'submitted'))::bigint AS enrolled,
            (SELECT coalesce(sum(b.amount), 0) FROM bill b JOIN progs g ON g.programme_id = b.programme_id
              WHERE g.pledge_id = pl.id AND b.status <> 'cancelled')::bigint AS billed,
            (SELECT coalesce(sum(y.amount), 0) FROM payment y JOIN bill b ON b.id = y.bill_id JOIN progs g ON g.programme_id = b.programme_id
              WHERE g.pledge_id = pl.id AND y.reversed_at IS NULL AND b.status <> 'cancelled')::bigint AS paid
       FROM pl ORDER BY pl.regency_code`,
    [fiscalYear],
  );
  const items: PledgeReportRow[] = rows.map((r) => ({
    id: r.id,
    regencyCode: r.regency_code,
    regencyName: r.regency_name,
    fiscalYear: r.fiscal_year,
    places: r.places,
    amount: r.amount,
    signedOn: r.signed_on,
    document: r.document,
    programmes: r.programmes ? r.programmes.split(',') : [],
    enrolled: r.visible ? r.enrolled : null,
    billed: r.visible ? r.billed : null,
    paid: r.visible ? r.paid : null,
  }));
  const sumOf = (k: 'enrolled' | 'billed' | 'paid') => (items.some((i) => i[k] !== null) ? items.reduce((s, i) => s + (i[k] ?? 0), 0) : null);
  return {
    fiscalYear,
    years,
    items,
    total: { places: items.reduce((s, i) => s + i.places, 0), amount: items.reduce((s, i) => s + i.amount, 0), enrolled: sumOf('enrolled'), billed: sumOf('billed'), paid: sumOf('paid') },
  };
}
