/**
 * Checking a batch: the file is read and every row normalised in this process, copied into the
 * staging table in chunks, then matched, judged and ranked with set-based SQL. Nothing here
 * touches the registry: merging happens only when a verifier approves (approve.ts).
 *
 * Restartable: a check always starts by clearing the batch's staging rows, so a check cut off by
 * a crash or a restart simply runs again. Chunks are separate transactions so that other
 * requests get the database in between (PGlite serves one transaction at a time).
 */
import { asSystem } from '../../db/scope.js';
import { todayInNtt } from '../../clock.js';
import type { Db, Queryable } from '../../db/types.js';
import { evaluateEligibility, type EligibilityRules } from '../../domain/eligibility.js';
import { comparePeople, type MatchEvidence, type MatchPerson } from '../../domain/fuzzy-match.js';
import { nationalAreaCodes } from '../areas/load.js';
import { areaIndexOf } from './area-index.js';
import { columnLetter, findHeaderRow, mapHeaders, type HeaderMapping } from './headers.js';
import { eligibilityProblem, normaliseRow, type RowContext, type RowProblem, type StagingRecord } from './normalise-row.js';
import { IntakeFileError, openIntakeFile, type Cell, type SheetRow } from './read-file.js';

export interface BatchCounts {
  rows: number;
  valid: number;
  invalid: number;
  warnings: number;
  exactDuplicates: number;
  fuzzyDuplicates: number;
  inRegistry: number;
  eligible: number;
  ineligible: number;
  withinQuota: number;
  waiting: number;
}

export type CheckPhase = 'reading' | 'matching' | 'fuzzy' | 'ranking' | 'done';

export interface CheckOptions {
  /** YYYY-MM-DD in NTT; default today. */
  today?: string;
  onProgress?: (phase: CheckPhase, done: number, total: number | null) => void;
  /** Asked between chunks; true stops the check (the batch becomes 'cancelled'). */
  isCancelled?: () => boolean | Promise<boolean>;
  /** Rows per staging transaction. */
  chunkRows?: number;
}

export class CheckCancelled extends Error {
  constructor() {
    super('The check was cancelled.');
    this.name = 'CheckCancelled';
  }
}

/** A problem with the file as a whole (no usable header, unreadable): the batch fails with it. */
export class BatchFileProblem extends Error {
  constructor(readonly problems: RowProblem[]) {
    super(problems.map((p) => p.en).join(' '));
    this.name = 'BatchFileProblem';
  }
}

export { todayInNtt } from '../../clock.js';

const STAGING_COLUMNS = [
  'batch_id', 'row_no', 'raw', 'nik', 'kk', 'full_name', 'birth_place', 'birth_date', 'sex', 'marital_status', 'address',
  'village_code', 'phone', 'occupation', 'declared_income', 'dtsen_decile', 'extreme_poor', 'disability', 'mother_name',
  'bank_name', 'bank_account', 'status', 'problems', 'error_count', 'warning_count', 'decided_by_rule',
] as const;
const COPY_STAGING = `COPY intake_row (${STAGING_COLUMNS.join(', ')}) FROM STDIN (FORMAT csv)`;

function csvField(v: string | number | boolean | null): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  return `"${v.replace(/"/g, '""')}"`;
}

/** Cells as the operator wrote them, for the report: numbers and dates kept readable. */
function rawCell(c: Cell | undefined): string | number | boolean | null {
  if (c === undefined || c === null) return null;
  if (c instanceof Date) return Number.isNaN(c.getTime()) ? null : c.toISOString().slice(0, 10);
  return c;
}

function stagingLine(batchId: number, r: StagingRecord): string {
  const raw = JSON.stringify(r.raw.map((c) => rawCell(c as Cell)));
  return [
    batchId, r.rowNo, raw, r.nik, r.kk, r.fullName, r.birthPlace, r.birthDate, r.sex, r.maritalStatus, r.address, r.villageCode,
    r.phone, r.occupation, r.declaredIncome, r.dtsenDecile, r.extremePoor, r.disability, r.motherName, r.bankName, r.bankAccount,
    r.status, JSON.stringify(r.problems), r.errors, r.warnings, r.decidedBy,
  ].map(csvField).join(',');
}

function isBlank(cells: readonly Cell[]): boolean {
  return cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));
}

interface BatchInfo {
  id: number;
  programme_id: number;
  programme_code: string;
  area_code: string;
  area_name: string;
  rules: EligibilityRules;
  coverage_start: string;
}

async function batchInfo(db: Queryable, batchId: number): Promise<BatchInfo> {
  const [b] = await db.query<BatchInfo>(
    `SELECT b.id, b.programme_id, p.code AS programme_code, b.area_code, a.name AS area_name, p.rules, p.coverage_start
       FROM intake_batch b JOIN programme p ON p.id = b.programme_id JOIN area a ON a.code = b.area_code
      WHERE b.id = $1`,
    [batchId],
  );
  if (!b) throw new Error(`Batch ${batchId} does not exist.`);
  return b;
}

/** Header problems that stop the whole file, in the row-problem shape. */
function headerFailure(mapping: HeaderMapping | null): BatchFileProblem {
  if (!mapping) {
    return new BatchFileProblem([{
      code: 'header_not_found',
      severity: 'error',
      id: 'Baris judul kolom tidak ditemukan di 20 baris pertama. Gunakan templat Lindung, atau pastikan ada baris judul seperti NIK, Nama Lengkap, Tanggal Lahir, Jenis Kelamin, Desa/Kelurahan.',
      en: 'No header row found in the first 20 rows. Use the Lindung template, or make sure there is a header row such as NIK, Nama Lengkap, Tanggal Lahir, Jenis Kelamin, Desa/Kelurahan.',
    }]);
  }
  return new BatchFileProblem(mapping.problems.filter((p) => p.severity === 'error').map(headerProblem));
}

function headerProblem(p: HeaderMapping['problems'][number]): RowProblem {
  const { column, ...rest } = p;
  return { ...rest, ...(column === undefined ? {} : { column: columnLetter(column) }) };
}

/**
 * Reads the file into staging. Returns the header mapping and the number of data rows.
 */
async function stageFile(db: Db, batch: BatchInfo, filePath: string, opts: CheckOptions, today: string): Promise<{ rows: number; mapping: HeaderMapping; headers: readonly string[]; fileWarnings: RowProblem[]; sheet: string | null; format: string }> {
  const file = await openIntakeFile(filePath);
  const chunkRows = opts.chunkRows ?? 10_000;
  const areaIndex = await areaIndexOf(db);
  let ctx: (RowContext & { headerIndex: number }) | null = null;
  let headerRows: SheetRow[] = [];
  let pending: string[] = [];
  let rows = 0;

  // The database copies one chunk while this thread normalises the next (PGlite works in its
  // own thread, PostgreSQL in its own process): at most one COPY in flight, so memory stays flat.
  let inflight: Promise<number> | null = null;
  const flush = async () => {
    if (pending.length === 0) return;
    const lines = pending;
    pending = [];
    if (inflight) await inflight;
    inflight = db.transaction((tx) => tx.copyFrom(COPY_STAGING, lines.join('\n') + '\n'));
    // Handled when awaited (next chunk or the end); this keeps Node from calling it unhandled meanwhile.
    inflight.catch(() => undefined);
    opts.onProgress?.('reading', rows, null);
    if (await opts.isCancelled?.()) {
      await inflight;
      throw new CheckCancelled();
    }
  };
  const take = async (row: SheetRow) => {
    if (!ctx || isBlank(row.cells)) return;
    pending.push(stagingLine(batch.id, normaliseRow(ctx, row.rowNo, row.cells)));
    rows++;
    if (pending.length >= chunkRows) await flush();
  };

  for await (const chunk of file.rows()) {
    if (!ctx) {
      // The header is looked for in the first rows, which may span chunks.
      headerRows = headerRows.concat(chunk);
      if (headerRows.length < 20) continue;
      ctx = makeContext(headerRows, batch, areaIndex, today);
      for (const row of headerRows.slice(ctx.headerIndex + 1)) await take(row);
      continue;
    }
    for (const row of chunk) await take(row);
    // Let waiting requests run between chunks.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  if (!ctx) {
    if (headerRows.length === 0) {
      throw new BatchFileProblem([{ code: 'file_empty', severity: 'error', id: 'Berkas tidak berisi baris data. Isi templat lalu unggah lagi.', en: 'The file has no data rows. Fill in the template and upload it again.' }]);
    }
    ctx = makeContext(headerRows, batch, areaIndex, today);
    for (const row of headerRows.slice(ctx.headerIndex + 1)) await take(row);
  }
  await flush();
  if (inflight) await inflight;
  if (rows === 0) {
    throw new BatchFileProblem([{ code: 'file_no_rows', severity: 'error', id: 'Berkas hanya berisi baris judul, tanpa data peserta. Isi data di bawah baris judul lalu unggah lagi.', en: 'The file has only the header row and no people. Fill in rows below the header and upload again.' }]);
  }
  const fileWarnings: RowProblem[] = [...file.warnings, ...ctx.mapping.problems.filter((p) => p.severity === 'warning').map(headerProblem)];
  return { rows, mapping: ctx.mapping, headers: ctx.headers, fileWarnings, sheet: file.sheet ?? null, format: file.format };

  function makeContext(first: SheetRow[], b: BatchInfo, index: RowContext['areaIndex'], day: string): RowContext & { headerIndex: number } {
    const headerIndex = findHeaderRow(first.map((r) => r.cells));
    const mapping = headerIndex === null ? null : mapHeaders(first[headerIndex]!.cells);
    if (headerIndex === null || !mapping || !mapping.ok) throw headerFailure(mapping);
    return {
      headerIndex,
      mapping,
      headers: first[headerIndex]!.cells.map((c: Cell) => (c === null ? '' : String(c))),
      areaIndex: index,
      areaCodes: nationalAreaCodes(),
      batchArea: b.area_code,
      batchAreaLabel: b.area_name,
      rules: b.rules,
      coverageStart: b.coverage_start,
      today: day,
    };
  }
}

/** Exact duplicates and the rules the database decides: within the file, registry, programmes, BPJS. */
async function matchExact(tx: Queryable, batch: BatchInfo): Promise<void> {
  const id = batch.id;
  // The same NIK earlier in this file: later rows are duplicates of the first.
  await tx.query(
    `UPDATE intake_row r SET status = 'duplicate', dup_of_row = f.first_row,
            problems = r.problems || jsonb_build_array(jsonb_build_object('code', 'duplicate_in_file', 'severity', 'error', 'field', 'nik',
              'id', 'NIK ini sudah ada di baris ' || f.first_row || ' berkas ini. Hapus salah satu baris, atau perbaiki NIK bila keduanya orang berbeda.',
              'en', 'This NIK is already on row ' || f.first_row || ' of this file. Delete one of the rows, or correct the NIK if they are different people.')),
            error_count = r.error_count + 1
       FROM (SELECT row_no, min(row_no) OVER (PARTITION BY nik) AS first_row FROM intake_row WHERE batch_id = $1 AND nik IS NOT NULL) f
      WHERE r.batch_id = $1 AND r.row_no = f.row_no AND f.first_row <> f.row_no`,
    [id],
  );
  // Already in the registry: linked to that person (their registry data stays as it is).
  await tx.query(
    `UPDATE intake_row r SET person_id = p.id
       FROM person p WHERE r.batch_id = $1 AND r.nik IS NOT NULL AND p.nik = r.nik`,
    [id],
  );
  await separateNikOwners(tx, id);
  // Already in this programme, or in another open programme.
  await tx.query(
    `UPDATE intake_row r SET other_programme = x.code,
            status = CASE WHEN r.status = 'error' OR r.status = 'duplicate' THEN r.status WHEN x.same THEN 'duplicate' ELSE r.status END,
            error_count = r.error_count + CASE WHEN x.same AND r.status NOT IN ('error', 'duplicate') THEN 1 ELSE 0 END,
            problems = CASE WHEN x.same AND r.status NOT IN ('error', 'duplicate') THEN r.problems || jsonb_build_array(jsonb_build_object(
              'code', 'already_in_programme', 'severity', 'error', 'field', 'nik',
              'id', 'Orang ini sudah terdaftar di program ' || x.code || ' (' || x.state_id || '). Tidak perlu diusulkan lagi; hapus baris ini.',
              'en', 'This person is already in programme ' || x.code || ' (' || x.state || '). No need to propose them again; delete this row.'))
              ELSE r.problems END
       FROM (SELECT m.person_id, p.code, m.programme_id = $2 AS same, m.state,
                    CASE m.state WHEN 'waiting' THEN 'daftar tunggu' WHEN 'candidate' THEN 'calon peserta' WHEN 'submitted' THEN 'diajukan ke BPJS' ELSE 'peserta aktif' END AS state_id
               FROM membership m JOIN programme p ON p.id = m.programme_id
              WHERE m.state IN ('waiting', 'candidate', 'submitted', 'active')) x
      WHERE r.batch_id = $1 AND r.person_id = x.person_id`,
    [id, batch.programme_id],
  );
  await tx.query(
    `UPDATE intake_row r SET active_bpjs = true
       FROM bpjs_participant b WHERE r.batch_id = $1 AND b.nik = r.nik AND b.active`,
    [id],
  );
}

interface NikLinkRow {
  row_no: number;
  r_name: string | null;
  r_birth: string | null;
  r_sex: 'L' | 'P' | null;
  r_village: string | null;
  person_id: number;
  o_name: string;
  o_birth: string;
  o_sex: 'L' | 'P';
  o_village: string;
}

/**
 * A row whose NIK is already in the registry is that person only if the rest agrees: a mistyped
 * NIK can equal somebody else's. Rows whose name and birth date, compared without the NIK, say
 * "different person" are unlinked and go to a verifier with that registry person beside them;
 * the fuzzy matcher then also looks for who the row really is. Only rows whose name or birth
 * date differ from the registry's are compared at all.
 */
async function separateNikOwners(tx: Queryable, batchId: number): Promise<void> {
  const linked = await tx.query<NikLinkRow>(
    `SELECT r.row_no, r.full_name AS r_name, r.birth_date AS r_birth, r.sex AS r_sex, r.village_code AS r_village,
            p.id AS person_id, p.full_name AS o_name, p.birth_date AS o_birth, p.sex AS o_sex, p.village_code AS o_village
       FROM intake_row r JOIN person p ON p.id = r.person_id
      WHERE r.batch_id = $1 AND r.full_name IS NOT NULL
        AND (r.name_norm IS DISTINCT FROM p.name_norm OR r.birth_date IS DISTINCT FROM p.birth_date OR r.sex IS DISTINCT FROM p.sex)`,
    [batchId],
  );
  const reviews: string[] = [];
  for (const l of linked) {
    const result = comparePeople(
      { nik: null, name: l.r_name ?? '', birthDate: l.r_birth, sex: l.r_sex, villageCode: l.r_village },
      { nik: null, name: l.o_name, birthDate: l.o_birth, sex: l.o_sex, villageCode: l.o_village },
    );
    if (result.decision !== 'different') continue;
    const evidence = [
      { rule: 'nik_taken', weight: 0, id: 'NIK sama persis dengan orang ini di registri, tetapi nama/tanggal lahirnya berbeda.', en: 'The NIK equals this registry person\'s, but the name/birth date differ.' },
      ...result.evidence.map((e: MatchEvidence) => ({ rule: e.rule, weight: Math.round(e.weight * 100) / 100, id: e.message.id, en: e.message.en })),
    ];
    reviews.push([batchId, l.row_no, l.person_id, null, result.score.toFixed(4), JSON.stringify(evidence)].map(csvField).join(','));
  }
  if (reviews.length === 0) return;
  await tx.copyFrom('COPY duplicate_review (batch_id, row_no, person_id, other_row_no, score, evidence) FROM STDIN (FORMAT csv)', reviews.join('\n') + '\n');
  await tx.query(
    `UPDATE intake_row r SET person_id = NULL, status = CASE WHEN r.status = 'pending' THEN 'review' ELSE r.status END,
            warning_count = r.warning_count + 1,
            problems = r.problems || jsonb_build_array(jsonb_build_object('code', 'nik_other_person', 'severity', 'warning', 'field', 'nik',
              'id', 'NIK ini sudah terdaftar atas nama orang lain (nama/tanggal lahir berbeda). Periksa NIK pada KTP/KK; verifikator akan memutuskan apakah orang yang sama.',
              'en', 'This NIK is already registered to someone else (different name/birth date). Check the NIK on the KTP/KK; a verifier will decide whether it is the same person.'))
      WHERE r.batch_id = $1 AND r.row_no IN (SELECT row_no FROM duplicate_review WHERE batch_id = $1 AND evidence->0->>'rule' = 'nik_taken')`,
    [batchId],
  );
}

/** Messages for the rules decided in SQL, taken from the one place that words them. */
function databaseRuleMessages(): { activeBpjs: RowProblem; otherProgramme: RowProblem } {
  const base = { birthDate: '1980-01-01', villageCode: '', occupation: null, dtsenDecile: null, extremePoor: false, disability: false };
  const bpjs = evaluateEligibility({ excludeActiveBpjs: true }, { ...base, activeBpjs: true, otherActiveProgramme: null }, { coverageStart: '2025-07-01' });
  const other = evaluateEligibility({ excludeOtherActiveProgramme: true }, { ...base, activeBpjs: false, otherActiveProgramme: '\u0001' }, { coverageStart: '2025-07-01' });
  return {
    activeBpjs: eligibilityProblem('active_bpjs', bpjs.failures[0]!.message),
    otherProgramme: eligibilityProblem('other_programme', other.failures[0]!.message),
  };
}

async function applyDatabaseRules(tx: Queryable, batch: BatchInfo): Promise<void> {
  const m = databaseRuleMessages();
  if (batch.rules.excludeActiveBpjs) {
    await tx.query(
      `UPDATE intake_row SET status = CASE WHEN status = 'pending' THEN 'ineligible' ELSE status END,
              decided_by_rule = coalesce(decided_by_rule, 'active_bpjs'), problems = problems || $2::jsonb
        WHERE batch_id = $1 AND active_bpjs AND status IN ('pending', 'ineligible')`,
      [batch.id, JSON.stringify([m.activeBpjs])],
    );
  }
  // Never two open programmes at once (the membership index enforces it too), so always checked.
  await tx.query(
    `UPDATE intake_row SET status = CASE WHEN status = 'pending' THEN 'ineligible' ELSE status END,
            decided_by_rule = coalesce(decided_by_rule, 'other_programme'),
            problems = problems || jsonb_build_array(jsonb_build_object('code', $2::text, 'severity', 'warning',
              'id', replace($3, chr(1), other_programme), 'en', replace($4, chr(1), other_programme)))
      WHERE batch_id = $1 AND other_programme IS NOT NULL AND status IN ('pending', 'ineligible')`,
    [batch.id, m.otherProgramme.code, m.otherProgramme.id, m.otherProgramme.en],
  );
}

interface PairRow {
  row_no: number;
  r_nik: string | null;
  r_name: string;
  r_birth: string | null;
  r_sex: 'L' | 'P' | null;
  r_village: string | null;
  other_id: number;
  o_nik: string | null;
  o_name: string;
  o_birth: string | null;
  o_sex: 'L' | 'P' | null;
  o_village: string | null;
}

/**
 * Likely duplicates under another NIK. Candidate pairs come from index-backed blocking keys
 * (same birth date and first three letters of the name; same NIK except the serial; same name
 * in the same kecamatan), then every pair is scored by the fuzzy matcher. Pairs it calls 'same'
 * or 'likely' go to the review queue: a different NIK is never merged without a person deciding.
 */
async function matchFuzzy(tx: Queryable, batch: BatchInfo): Promise<number> {
  const rowCols = 'r.row_no, r.nik AS r_nik, r.full_name AS r_name, r.birth_date AS r_birth, r.sex AS r_sex, r.village_code AS r_village';
  // 'review' here means only "its NIK belongs to someone else" (separateNikOwners): who is it really?
  const eligibleRows = `r.batch_id = $1 AND r.status IN ('pending', 'ineligible', 'review') AND r.person_id IS NULL AND r.full_name IS NOT NULL`;
  const registry = await tx.query<PairRow>(
    `SELECT DISTINCT ON (row_no, other_id) * FROM (
       SELECT ${rowCols}, p.id AS other_id, p.nik AS o_nik, p.full_name AS o_name, p.birth_date AS o_birth, p.sex AS o_sex, p.village_code AS o_village
         FROM intake_row r JOIN person p ON p.birth_date = r.birth_date AND left(p.name_norm, 3) = left(r.name_norm, 3) AND p.nik <> r.nik
        WHERE ${eligibleRows}
       UNION ALL
       SELECT ${rowCols}, p.id, p.nik, p.full_name, p.birth_date, p.sex, p.village_code
         FROM intake_row r JOIN person p ON p.nik BETWEEN left(r.nik, 12) || '0000' AND left(r.nik, 12) || '9999' AND p.nik <> r.nik
        WHERE ${eligibleRows}
       UNION ALL
       SELECT ${rowCols}, p.id, p.nik, p.full_name, p.birth_date, p.sex, p.village_code
         FROM intake_row r JOIN person p ON p.district_code = left(r.village_code, 8) AND p.name_norm = r.name_norm AND p.nik <> r.nik
        WHERE ${eligibleRows}
     ) c`,
    [batch.id],
  );
  // Within the file: the same person twice under different NIKs (hash joins on the batch).
  const inFile = await tx.query<PairRow>(
    `SELECT DISTINCT ON (row_no, other_id) * FROM (
       SELECT ${rowCols}, o.row_no AS other_id, o.nik AS o_nik, o.full_name AS o_name, o.birth_date AS o_birth, o.sex AS o_sex, o.village_code AS o_village
         FROM intake_row r JOIN intake_row o ON o.batch_id = r.batch_id AND o.row_no < r.row_no
              AND o.birth_date = r.birth_date AND left(o.name_norm, 3) = left(r.name_norm, 3) AND o.nik <> r.nik
        WHERE ${eligibleRows} AND o.status IN ('pending', 'ineligible', 'review')
       UNION ALL
       SELECT ${rowCols}, o.row_no, o.nik, o.full_name, o.birth_date, o.sex, o.village_code
         FROM intake_row r JOIN intake_row o ON o.batch_id = r.batch_id AND o.row_no < r.row_no
              AND left(o.village_code, 8) = left(r.village_code, 8) AND o.name_norm = r.name_norm AND o.nik <> r.nik
        WHERE ${eligibleRows} AND o.status IN ('pending', 'ineligible', 'review')
     ) c`,
    [batch.id],
  );
  const reviews: string[] = [];
  const rows = new Set<number>();
  const score = (pairs: PairRow[], kind: 'person' | 'row') => {
    for (const p of pairs) {
      const a: MatchPerson = { nik: p.r_nik, name: p.r_name, birthDate: p.r_birth, sex: p.r_sex, villageCode: p.r_village };
      const b: MatchPerson = { nik: p.o_nik, name: p.o_name, birthDate: p.o_birth, sex: p.o_sex, villageCode: p.o_village };
      const result = comparePeople(a, b);
      if (result.decision === 'different') continue;
      const evidence = result.evidence.map((e: MatchEvidence) => ({ rule: e.rule, weight: Math.round(e.weight * 100) / 100, id: e.message.id, en: e.message.en }));
      reviews.push([batch.id, p.row_no, kind === 'person' ? p.other_id : null, kind === 'row' ? p.other_id : null, result.score.toFixed(4), JSON.stringify(evidence)].map(csvField).join(','));
      rows.add(p.row_no);
    }
  };
  score(registry, 'person');
  score(inFile, 'row');
  if (reviews.length === 0) return 0;
  await tx.copyFrom('COPY duplicate_review (batch_id, row_no, person_id, other_row_no, score, evidence) FROM STDIN (FORMAT csv)', reviews.join('\n') + '\n');
  const [n] = await tx.query<{ n: number }>(
    `WITH u AS (
       UPDATE intake_row r SET status = CASE WHEN r.status = 'pending' THEN 'review' ELSE r.status END,
              warning_count = r.warning_count + 1,
              problems = r.problems || jsonb_build_array(jsonb_build_object('code', 'likely_duplicate', 'severity', 'warning',
                'id', 'Mungkin orang yang sama dengan data lain dengan NIK berbeda; verifikator akan memutuskan.',
                'en', 'Possibly the same person as another record under a different NIK; a verifier will decide.'))
        WHERE r.batch_id = $1 AND r.row_no = ANY($2::int[])
        RETURNING 1)
     SELECT count(*)::int AS n FROM u`,
    [batch.id, [...rows]],
  );
  return n?.n ?? 0;
}

/**
 * Ranks the eligible rows (and those waiting for a duplicate decision) per regency by priority,
 * and marks those that fit the places still free in the regency's quota.
 */
export async function rankBatch(tx: Queryable, batchId: number, programmeId: number): Promise<void> {
  // One pass: pending rows become eligible and every ranked row gets its rank (each UPDATE rewrites
  // whole staging rows, so two passes would cost twice).
  await tx.query(
    `WITH ranked AS (
       SELECT row_no, left(village_code, 5) AS regency,
              row_number() OVER (PARTITION BY left(village_code, 5)
                ORDER BY extreme_poor DESC, disability DESC, dtsen_decile ASC NULLS LAST, birth_date ASC NULLS LAST, nik COLLATE "C") AS rk
         FROM intake_row WHERE batch_id = $1 AND status IN ('pending', 'eligible', 'review')),
     -- Materialised: counted once per regency, not once per ranked row.
     free AS MATERIALIZED (
       SELECT q.regency_code, q.quota - coalesce((SELECT count(*) FROM membership m
                 WHERE m.programme_id = $2 AND m.regency_code = q.regency_code AND m.state IN ('candidate', 'submitted', 'active')), 0) AS places
         FROM programme_quota q WHERE q.programme_id = $2)
     UPDATE intake_row r SET status = CASE WHEN r.status = 'pending' THEN 'eligible' ELSE r.status END,
            rank = ranked.rk, within_quota = ranked.rk <= greatest(coalesce(free.places, 0), 0)
       FROM ranked LEFT JOIN free ON free.regency_code = ranked.regency
      WHERE r.batch_id = $1 AND r.row_no = ranked.row_no`,
    [batchId, programmeId],
  );
}

export async function batchCounts(tx: Queryable, batchId: number): Promise<BatchCounts> {
  const [c] = await tx.query<BatchCounts>(
    `SELECT count(*)::int AS rows,
            count(*) FILTER (WHERE status <> 'error')::int AS valid,
            count(*) FILTER (WHERE status = 'error')::int AS invalid,
            count(*) FILTER (WHERE warning_count > 0)::int AS warnings,
            count(*) FILTER (WHERE status = 'duplicate')::int AS "exactDuplicates",
            (SELECT count(DISTINCT row_no) FROM duplicate_review d WHERE d.batch_id = $1)::int AS "fuzzyDuplicates",
            count(*) FILTER (WHERE person_id IS NOT NULL AND status <> 'error')::int AS "inRegistry",
            count(*) FILTER (WHERE status IN ('eligible', 'review'))::int AS eligible,
            count(*) FILTER (WHERE status = 'ineligible')::int AS ineligible,
            count(*) FILTER (WHERE status IN ('eligible', 'review') AND within_quota)::int AS "withinQuota",
            count(*) FILTER (WHERE status IN ('eligible', 'review') AND NOT within_quota)::int AS waiting
       FROM intake_row WHERE batch_id = $1`,
    [batchId],
  );
  return c!;
}

/**
 * Checks a batch from its stored file. On success the batch is 'checked' with its counts; a
 * problem with the file as a whole makes it 'failed' with the reason; cancellation makes it
 * 'cancelled'. Other errors propagate (the job runner records them).
 */
export async function checkBatch(db: Db, batchId: number, filePath: string, opts: CheckOptions = {}): Promise<BatchCounts> {
  const today = opts.today ?? todayInNtt();
  const batch = await batchInfo(db, batchId);
  await asSystem(db, 'intake', async (tx) => {
    await tx.query('DELETE FROM duplicate_review WHERE batch_id = $1', [batchId]);
    await tx.query('DELETE FROM intake_row WHERE batch_id = $1', [batchId]);
    await tx.query(`UPDATE intake_batch SET status = 'checking', error = NULL, counts = NULL, updated_at = now() WHERE id = $1`, [batchId]);
  });
  try {
    opts.onProgress?.('reading', 0, null);
    const staged = await stageFile(db, batch, filePath, opts, today);
    opts.onProgress?.('matching', staged.rows, staged.rows);
    await db.query('ANALYZE intake_row');
    await asSystem(db, 'intake', (tx) => matchExact(tx, batch));
    if (await opts.isCancelled?.()) throw new CheckCancelled();
    opts.onProgress?.('fuzzy', staged.rows, staged.rows);
    await asSystem(db, 'intake', (tx) => matchFuzzy(tx, batch));
    if (await opts.isCancelled?.()) throw new CheckCancelled();
    opts.onProgress?.('ranking', staged.rows, staged.rows);
    return await asSystem(db, 'intake', async (tx) => {
      await applyDatabaseRules(tx, batch);
      await rankBatch(tx, batchId, batch.programme_id);
      const counts = await batchCounts(tx, batchId);
      await tx.query(
        `UPDATE intake_batch SET status = 'checked', counts = $2, columns = $3, file_problems = $4, sheet = $5, format = $6,
                finished_at = now(), updated_at = now() WHERE id = $1`,
        [batchId, JSON.stringify(counts), JSON.stringify({ headers: staged.headers, mapping: staged.mapping.mapping }), JSON.stringify(staged.fileWarnings), staged.sheet, staged.format],
      );
      opts.onProgress?.('done', staged.rows, staged.rows);
      return counts;
    });
  } catch (e) {
    if (e instanceof CheckCancelled) {
      await asSystem(db, 'intake', async (tx) => {
        await tx.query('DELETE FROM intake_row WHERE batch_id = $1', [batchId]);
        await tx.query(`UPDATE intake_batch SET status = 'cancelled', finished_at = now(), updated_at = now() WHERE id = $1`, [batchId]);
      });
    } else if (e instanceof BatchFileProblem || isFileError(e)) {
      const problems = e instanceof BatchFileProblem ? e.problems : [fileErrorProblem(e)];
      await asSystem(db, 'intake', async (tx) => {
        await tx.query('DELETE FROM intake_row WHERE batch_id = $1', [batchId]);
        await tx.query(`UPDATE intake_batch SET status = 'failed', error = $2, finished_at = now(), updated_at = now() WHERE id = $1`, [batchId, JSON.stringify(problems)]);
      });
    }
    throw e;
  }
}

function isFileError(e: unknown): e is IntakeFileError {
  return e instanceof IntakeFileError;
}

function fileErrorProblem(e: IntakeFileError): RowProblem {
  return { code: e.code, severity: 'error', id: e.id, en: e.en };
}
