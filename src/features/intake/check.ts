/**
 * Checking a batch: the file is read and every row normalised in this process, copied into the
 * staging table in chunks, then matched, judged and ranked with set-based SQL. Nothing here
 * touches the registry: merging happens only when a verifier approves (approve.ts).
 *
 * Restartable: a check always starts by clearing the batch's staging rows, so a check cut off by
 * a crash or a restart simply runs again. Chunks are separate COPY statements so that other
 * requests get the database in between (PGlite serves one transaction at a time).
 */
import { CopyLines, copyField } from '../../db/copy-lines.js';
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
  ].map(copyField).join(',');
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
  // Larger chunks commit less often but do not shorten the reading (normalising in this thread is
  // the slower side), and each 10,000 more rows raised the PGlite process's peak by ~100 MiB.
  const chunkRows = opts.chunkRows ?? 10_000;
  const areaIndex = await areaIndexOf(db);
  let ctx: (RowContext & { headerIndex: number }) | null = null;
  let headerRows: SheetRow[] = [];
  const pending = new CopyLines();
  let rows = 0;

  // The database copies one chunk while this thread normalises the next (PGlite works in its
  // own thread, PostgreSQL in its own process): at most one COPY in flight, so memory stays flat.
  // One COPY is a transaction by itself: no BEGIN and COMMIT round trips to wait for while this
  // thread is busy normalising.
  let inflight: Promise<number> | null = null;
  const flush = async () => {
    if (pending.count === 0) return;
    const data = pending.take();
    if (inflight) await inflight;
    inflight = db.copyFrom(COPY_STAGING, data);
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
    pending.add(stagingLine(batch.id, normaliseRow(ctx, row.rowNo, row.cells)));
    rows++;
    if (pending.count >= chunkRows) await flush();
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
    reviews.push([batchId, l.row_no, l.person_id, null, result.score.toFixed(4), JSON.stringify(evidence)].map(copyField).join(','));
  }
  if (reviews.length === 0) return;
  await tx.copyFrom('COPY duplicate_review (batch_id, row_no, person_id, other_row_no, score, evidence) FROM STDIN (FORMAT csv)', reviews.join('\n') + '\n');
  await tx.query(
    `UPDATE intake_row r SET person_id = NULL, status = CASE WHEN r.status = 'eligible' THEN 'review' ELSE r.status END,
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
      `UPDATE intake_row SET status = CASE WHEN status = 'eligible' THEN 'ineligible' ELSE status END,
              decided_by_rule = coalesce(decided_by_rule, 'active_bpjs'), problems = problems || $2::jsonb
        WHERE batch_id = $1 AND active_bpjs AND status IN ('eligible', 'ineligible')`,
      [batch.id, JSON.stringify([m.activeBpjs])],
    );
  }
  // Never two open programmes at once (the membership index enforces it too), so always checked.
  await tx.query(
    `UPDATE intake_row SET status = CASE WHEN status = 'eligible' THEN 'ineligible' ELSE status END,
            decided_by_rule = coalesce(decided_by_rule, 'other_programme'),
            problems = problems || jsonb_build_array(jsonb_build_object('code', $2::text, 'severity', 'warning',
              'id', replace($3, chr(1), other_programme), 'en', replace($4, chr(1), other_programme)))
      WHERE batch_id = $1 AND other_programme IS NOT NULL AND status IN ('eligible', 'ineligible')`,
    [batch.id, m.otherProgramme.code, m.otherProgramme.id, m.otherProgramme.en],
  );
}

interface PairRow {
  row_no: number;
  /** The row's NIK; for a row whose NIK is an error, the NIK cell as written (for the matcher). */
  r_nik: string | null;
  r_name: string;
  r_birth: string | null;
  r_sex: 'L' | 'P' | null;
  r_village: string | null;
  /** True for a row stopped by its NIK alone: a match becomes a suggestion, not a review. */
  r_error: boolean;
  other_id: number;
  o_nik: string | null;
  o_name: string;
  o_birth: string | null;
  o_sex: 'L' | 'P' | null;
  o_village: string | null;
}

/** Rows per round of fuzzy matching: the candidate pairs of one round are all that is held in memory. */
export const FUZZY_CHUNK_ROWS = 50_000;

/**
 * PostgreSQL's row estimates for the blocking keys are far too high (the NIK range especially), so
 * it would compile each statement to machine code first: half a second, per round.
 */
const NO_JIT = 'SET LOCAL jit = off';
/** pg_trgm similarity below which a birth-date pair outside the row's kecamatan is not scored (see fuzzySql). */
const NAME_SIMILARITY_FLOOR = 0.25;
/** One index probe per row and key: a merge join would walk the whole registry once per round. */
const PROBES = `${NO_JIT}; SET LOCAL enable_mergejoin = off; SET LOCAL enable_hashjoin = off`;

/**
 * A row whose only errors are in the NIK (Excel's E+15, a zeroed 16th digit, an impossible date or
 * area in it, none at all): the rest of the row can still say who it is.
 */
const NIK_ONLY_ERROR = `r.status = 'error' AND r.nik IS NULL
  AND NOT EXISTS (SELECT 1 FROM jsonb_array_elements(r.problems) e WHERE e->>'severity' = 'error' AND e->>'field' IS DISTINCT FROM 'nik')`;

export interface FuzzyContext {
  /** Index of the NIK column in the staged raw cells (for rows whose NIK is an error), or null. */
  nikColumn: number | null;
  /** The NIK column as the problems name it ("B (NIK)"). */
  nikColumnLabel: string | undefined;
}

interface Review {
  rowNo: number;
  kind: 'person' | 'row';
  otherId: number;
  score: number;
  evidence: { rule: string; weight: number; id: string; en: string }[];
}

interface Suggestion {
  rowNo: number;
  personId: number;
  nik: string;
  name: string;
  birthDate: string | null;
  score: number;
}

const matchPerson = (nik: string | null, name: string, birthDate: string | null, sex: 'L' | 'P' | null, villageCode: string | null): MatchPerson => ({ nik, name, birthDate, sex, villageCode });

/**
 * Likely duplicates under another NIK. Candidate pairs come from index-backed blocking keys (same
 * birth date, or day and month swapped, and the first three letters of the name; same NIK except
 * the serial; same name in the same kecamatan), then every pair is scored by the fuzzy matcher.
 * Pairs it calls 'same' or 'likely' go to the review queue: a different NIK is never merged
 * without a person deciding. A row stopped by its NIK alone gets the best registry match as a
 * suggestion in its problems instead: it stays an error until the operator corrects the NIK, and
 * blocks nothing.
 *
 * A row stopped by its NIK that no key paired is looked for once more among the people born that
 * day in its kecamatan (a slip in the first letters of the name defeats the name key).
 *
 * Memory holds one round of pairs at a time: the registry is matched FUZZY_CHUNK_ROWS rows per
 * transaction (the server gets the database between them), and the file's own pairs are fetched
 * through a cursor as many at a time. In both, the next round is asked for before the current one
 * is scored, so the database works while this thread scores.
 */
async function matchFuzzy(db: Db, batch: BatchInfo, ctx: FuzzyContext, opts: CheckOptions, rows: number): Promise<void> {
  const [range] = await db.query<{ lo: number | null; hi: number | null }>('SELECT min(row_no) AS lo, max(row_no) AS hi FROM intake_row WHERE batch_id = $1', [batch.id]);
  if (!range || range.lo === null || range.hi === null) return;
  const sql = fuzzySql();
  const round = (lo: number) => [batch.id, lo, Math.min(lo + FUZZY_CHUNK_ROWS - 1, range.hi!), ctx.nikColumn];
  // Pairs fetched in the previous transaction, scored and written in the next one.
  let fetched: PairRow[] | null = null;
  for (let lo: number | null = range.lo; lo !== null || fetched !== null; ) {
    const params = lo === null ? null : round(lo);
    fetched = await asSystem(db, 'intake', async (tx) => {
      let next: Promise<PairRow[]> | null = null;
      if (params) {
        await tx.exec(PROBES);
        next = tx.query<PairRow>(sql.registry, params);
        // Handled when awaited; this keeps Node from calling a failure unhandled meanwhile.
        next.catch(() => undefined);
      }
      if (fetched) await writeMatches(tx, batch, ctx, await scorePairs(tx, batch, fetched, 'person'));
      return next ? await next : null;
    });
    if (params) opts.onProgress?.('fuzzy', Math.min(rows, Number(params[2]) - range.lo + 1), rows);
    lo = lo === null || lo + FUZZY_CHUNK_ROWS > range.hi ? null : lo + FUZZY_CHUNK_ROWS;
    if (await opts.isCancelled?.()) throw new CheckCancelled();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  await asSystem(db, 'intake', async (tx) => {
    await tx.exec(PROBES);
    const pairs = await tx.query<PairRow>(sql.unsuggested, [batch.id, range.lo, range.hi, ctx.nikColumn]);
    if (pairs.length > 0) await writeMatches(tx, batch, ctx, await scorePairs(tx, batch, pairs, 'person'));
  });
  await asSystem(db, 'intake', async (tx) => {
    await tx.exec(NO_JIT);
    await tx.query(`DECLARE intake_in_file NO SCROLL CURSOR FOR ${sql.inFile}`, [batch.id, range.lo, range.hi, ctx.nikColumn]);
    const fetch = () => {
      const p = tx.query<PairRow>(`FETCH ${FUZZY_CHUNK_ROWS} FROM intake_in_file`);
      p.catch(() => undefined);
      return p;
    };
    let next = fetch();
    for (;;) {
      const pairs = await next;
      if (pairs.length === 0) break;
      next = fetch();
      await writeMatches(tx, batch, ctx, await scorePairs(tx, batch, pairs, 'row'));
    }
    await tx.exec('CLOSE intake_in_file');
  });
  if (await opts.isCancelled?.()) throw new CheckCancelled();
}

/** The candidate statements; $1 batch, $2..$3 the rows to match, $4 the NIK column in `raw`. Exported for the benchmark. */
export function fuzzySql(): { registry: string; unsuggested: string; inFile: string } {
  const rowCols = `r.row_no, coalesce(r.nik, r.raw->>$4::int) AS r_nik, r.full_name AS r_name, r.birth_date AS r_birth, r.sex AS r_sex,
                   r.village_code AS r_village, r.status = 'error' AS r_error`;
  // 'review' here means only "its NIK belongs to someone else" (separateNikOwners): who is it really?
  const open = `r.status IN ('eligible', 'ineligible', 'review')`;
  const rowsOf = (which: string) => `r.batch_id = $1 AND r.row_no BETWEEN $2 AND $3 AND r.person_id IS NULL AND r.full_name IS NOT NULL AND (${which})`;
  const withErrors = rowsOf(`${open} OR (${NIK_ONLY_ERROR})`);
  const personCols = 'p.id AS other_id, p.nik AS o_nik, p.full_name AS o_name, p.birth_date AS o_birth, p.sex AS o_sex, p.village_code AS o_village';
  const day = 'extract(day FROM r.birth_date)';
  // The birth date as written, or with day and month swapped (a date-format slip): one probe of
  // person_birth_name3 for both.
  const swapped = `CASE WHEN ${day} <= 12 AND ${day} <> extract(month FROM r.birth_date)
                   THEN make_date(extract(year FROM r.birth_date)::int, ${day}::int, extract(month FROM r.birth_date)::int) END`;
  // The NIK's digits: as checked, or for a row stopped by its NIK as written (a 16th digit Excel
  // zeroed leaves the first 12 intact; Excel's E+15 leaves too few digits to use here).
  const digits = `coalesce(r.nik, regexp_replace(r.raw->>$4::int, '[^0-9]', '', 'g'))`;
  // The birth date block pairs everyone born that day whose name starts alike: nearly all are
  // strangers the matcher rejects, yet each is shipped to this thread and scored. Outside the row's
  // own kecamatan a pair must also share a quarter of its name trigrams: on the labelled sets
  // (3 seeds, 8,916 duplicates the matcher flags) none falls below 0.24, and the floor halves the
  // block's pairs.
  const nameOrPlace = (otherName: string, otherDistrict: string) =>
    `(${otherDistrict} = left(r.village_code, 8) OR similarity(${otherName}, r.name_norm) >= ${NAME_SIMILARITY_FLOOR})`;
  // The same name in the same kecamatan pairs every namesake there, whatever their age. A slip in
  // a birth date keeps two of its year, month and day (or swaps day and month); of the 8,916
  // labelled duplicates the matcher flags, none has dates further apart.
  const part = (f: string, d: string) => `(extract(${f} FROM ${d}) = extract(${f} FROM r.birth_date))::int`;
  const datesClose = (other: string) =>
    `(r.birth_date IS NULL OR ${other} IS NULL OR ${other} = ${swapped}
      OR ${part('year', other)} + ${part('month', other)} + ${part('day', other)} >= 2)`;
  const registry = `SELECT DISTINCT ON (row_no, other_id) * FROM (
       SELECT ${rowCols}, ${personCols}
         FROM intake_row r JOIN person p ON p.birth_date = ANY (ARRAY[r.birth_date, ${swapped}]) AND left(p.name_norm, 3) = left(r.name_norm, 3)
        WHERE ${withErrors} AND (r.nik IS NULL OR p.nik <> r.nik) AND ${nameOrPlace('p.name_norm', 'p.district_code')}
       UNION ALL
       SELECT ${rowCols}, ${personCols}
         FROM intake_row r JOIN person p ON p.nik BETWEEN left(${digits}, 12) || '0000' AND left(${digits}, 12) || '9999' AND p.nik <> ${digits}
        WHERE ${withErrors} AND length(${digits}) = 16
       UNION ALL
       SELECT ${rowCols}, ${personCols}
         FROM intake_row r JOIN person p ON p.district_code = left(r.village_code, 8) AND p.name_norm = r.name_norm
        WHERE ${withErrors} AND (r.nik IS NULL OR p.nik <> r.nik) AND ${datesClose('p.birth_date')}
     ) c`;
  // Rows stopped by their NIK that no key paired with the right person (a slip in the name's first
  // letters): everyone born that day in the row's kecamatan. Few rows, so the wider probe is affordable.
  const unsuggested = `SELECT ${rowCols}, ${personCols}
       FROM intake_row r JOIN person p ON p.birth_date = ANY (ARRAY[r.birth_date, ${swapped}]) AND p.district_code = left(r.village_code, 8)
      WHERE ${rowsOf(NIK_ONLY_ERROR)} AND NOT r.problems @> '[{"code": "nik_registry_match"}]'`;
  // Within the file: the same person twice under different NIKs. Duplicates
  // inside a file come from one operator's area: the birth date block stays within the regency.
  // The self-joins sort the file's open rows by their keys: on narrow copies of those rows (k), not
  // on the staging rows with their raw cells, then only the pairs fetch their rows (1M-row file on
  // PGlite: 9.8 s of wide sorts before).
  const inFile = `WITH k AS MATERIALIZED (
       SELECT row_no, nik, birth_date, name_norm, village_code, person_id IS NULL AND full_name IS NOT NULL AND row_no BETWEEN $2 AND $3 AS open_row
         FROM intake_row WHERE batch_id = $1 AND status IN ('eligible', 'ineligible', 'review')),
     pairs AS (
       SELECT r.row_no, o.row_no AS other_id
         FROM k r JOIN k o ON o.row_no < r.row_no
              AND o.birth_date = r.birth_date AND left(o.name_norm, 3) = left(r.name_norm, 3) AND left(o.village_code, 5) = left(r.village_code, 5)
              AND o.nik <> r.nik AND ${nameOrPlace('o.name_norm', 'left(o.village_code, 8)')}
        WHERE r.open_row
       UNION
       SELECT r.row_no, o.row_no
         FROM k r JOIN k o ON o.row_no < r.row_no
              AND left(o.village_code, 8) = left(r.village_code, 8) AND o.name_norm = r.name_norm AND o.nik <> r.nik
              AND ${datesClose('o.birth_date')}
        WHERE r.open_row)
     SELECT ${rowCols}, o.row_no AS other_id, o.nik AS o_nik, o.full_name AS o_name, o.birth_date AS o_birth, o.sex AS o_sex, o.village_code AS o_village
       FROM pairs x JOIN intake_row r ON r.batch_id = $1 AND r.row_no = x.row_no
            JOIN intake_row o ON o.batch_id = $1 AND o.row_no = x.other_id`;
  return { registry, unsuggested, inFile };
}

interface Scored {
  reviews: Review[];
  suggestions: Suggestion[];
}

/** Scores candidate pairs: likely duplicates to review, and the best registry match of each row stopped by its NIK. */
async function scorePairs(tx: Queryable, batch: BatchInfo, pairs: PairRow[], kind: 'person' | 'row'): Promise<Scored> {
  const reviews: Review[] = [];
  const suggestions = new Map<number, Suggestion>();
  const heldBack: PairRow[] = [];
  const score = (list: PairRow[], extra?: Map<string, { kk: string | null; phone: string | null }>) => {
    for (const p of list) {
      const a = matchPerson(p.r_nik, p.r_name, p.r_birth, p.r_sex, p.r_village);
      const b = matchPerson(p.o_nik, p.o_name, p.o_birth, p.o_sex, p.o_village);
      if (extra) {
        Object.assign(a, extra.get(`r${p.row_no}`));
        Object.assign(b, extra.get(kind === 'person' ? `p${p.other_id}` : `r${p.other_id}`));
      }
      const result = comparePeople(a, b);
      if (result.decision === 'different') {
        if (result.needsKkOrPhone && !extra) heldBack.push(p);
        continue;
      }
      if (p.r_error) {
        const best = suggestions.get(p.row_no);
        if (!best || result.score > best.score) {
          suggestions.set(p.row_no, { rowNo: p.row_no, personId: Number(p.other_id), nik: p.o_nik!, name: p.o_name, birthDate: p.o_birth, score: result.score });
        }
        continue;
      }
      const evidence = result.evidence.map((e: MatchEvidence) => ({ rule: e.rule, weight: Math.round(e.weight * 100) / 100, id: e.message.id, en: e.message.en }));
      reviews.push({ rowNo: p.row_no, kind, otherId: Number(p.other_id), score: result.score, evidence });
    }
  };
  score(pairs);
  if (heldBack.length > 0) {
    // Namesakes in different kecamatan, asked again with both sides' KK and phone number: a few
    // pairs, so these columns are not shipped with every candidate pair.
    const rowNos = [...new Set(heldBack.flatMap((p) => (kind === 'row' ? [p.row_no, Number(p.other_id)] : [p.row_no])))];
    const personIds = kind === 'person' ? [...new Set(heldBack.map((p) => Number(p.other_id)))] : [];
    const known = await tx.query<{ key: string; kk: string | null; phone: string | null }>(
      `SELECT 'r' || row_no AS key, kk, phone FROM intake_row WHERE batch_id = $1 AND row_no = ANY($2::int[])
       UNION ALL SELECT 'p' || id, kk, phone FROM person WHERE id = ANY($3::bigint[])`,
      [batch.id, rowNos, personIds],
    );
    score(heldBack, new Map(known.map((k) => [k.key, { kk: k.kk, phone: k.phone }])));
  }
  return { reviews, suggestions: [...suggestions.values()] };
}

async function writeMatches(tx: Queryable, batch: BatchInfo, ctx: FuzzyContext, { reviews, suggestions }: Scored): Promise<void> {
  if (reviews.length > 0) {
    await tx.copyFrom(
      'COPY duplicate_review (batch_id, row_no, person_id, other_row_no, score, evidence) FROM STDIN (FORMAT csv)',
      reviews.map((r) => [batch.id, r.rowNo, r.kind === 'person' ? r.otherId : null, r.kind === 'row' ? r.otherId : null, r.score.toFixed(4), JSON.stringify(r.evidence)].map(copyField).join(',')).join('\n') + '\n',
    );
    // A row flagged again (by the registry, then by the file) says so once.
    await tx.query(
      `UPDATE intake_row r SET status = CASE WHEN r.status = 'eligible' THEN 'review' ELSE r.status END,
              warning_count = r.warning_count + 1,
              problems = r.problems || jsonb_build_array(jsonb_build_object('code', 'likely_duplicate', 'severity', 'warning',
                'id', 'Mungkin orang yang sama dengan data lain dengan NIK berbeda; verifikator akan memutuskan.',
                'en', 'Possibly the same person as another record under a different NIK; a verifier will decide.'))
        WHERE r.batch_id = $1 AND r.row_no = ANY($2::int[]) AND NOT r.problems @> '[{"code": "likely_duplicate"}]'`,
      [batch.id, [...new Set(reviews.map((r) => r.rowNo))]],
    );
  }
  if (suggestions.length > 0) {
    const problems = suggestions.map((s) => ({ row_no: s.rowNo, problem: nikSuggestion(s, ctx.nikColumnLabel) }));
    await tx.query(
      `UPDATE intake_row r SET warning_count = r.warning_count + 1, problems = r.problems || jsonb_build_array(x.problem)
         FROM jsonb_to_recordset($2::jsonb) AS x(row_no int, problem jsonb)
        WHERE r.batch_id = $1 AND r.row_no = x.row_no`,
      [batch.id, JSON.stringify(problems)],
    );
  }
}

const dmy = (iso: string | null): string => (iso ? `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}` : '—');

/** The registry person a row with an unusable NIK points to, worded as a correction to check. */
function nikSuggestion(s: Suggestion, column: string | undefined): RowProblem {
  return {
    code: 'nik_registry_match',
    severity: 'warning',
    field: 'nik',
    ...(column === undefined ? {} : { column }),
    id: `Mungkin orang ini di registri: NIK ${s.nik}, ${s.name}, lahir ${dmy(s.birthDate)}. Bila benar, perbaiki NIK pada baris ini menjadi ${s.nik} (cocokkan dengan KTP/KK), lalu unggah ulang baris ini.`,
    en: `Possibly this registry person: NIK ${s.nik}, ${s.name}, born ${dmy(s.birthDate)}. If so, correct the NIK on this row to ${s.nik} (check it against the KTP/KK), then upload the row again.`,
    match: { personId: s.personId, nik: s.nik, name: s.name, birthDate: s.birthDate, score: s.score },
  };
}

/**
 * Ranks the eligible rows (and those waiting for a duplicate decision) per regency by priority,
 * and marks those that fit the places still free in the regency's quota. The ranks go to the
 * narrow intake_rank (rebuilt each time): rewriting the wide staging rows cost most of ranking.
 * intake_rank holds exactly the rows that are eligible or in review (decide.ts keeps it so).
 */
export async function rankBatch(tx: Queryable, batchId: number, programmeId: number): Promise<void> {
  await tx.query('DELETE FROM intake_rank WHERE batch_id = $1', [batchId]);
  await tx.query(
    `WITH ranked AS (
       SELECT row_no, left(village_code, 5) AS regency,
              row_number() OVER (PARTITION BY left(village_code, 5)
                ORDER BY extreme_poor DESC, disability DESC, dtsen_decile ASC NULLS LAST, birth_date ASC NULLS LAST, nik COLLATE "C") AS rk
         FROM intake_row WHERE batch_id = $1 AND status IN ('eligible', 'review')),
     -- Materialised: counted once per regency, not once per ranked row.
     free AS MATERIALIZED (
       SELECT q.regency_code, q.quota - coalesce((SELECT count(*) FROM membership m
                 WHERE m.programme_id = $2 AND m.regency_code = q.regency_code AND m.state IN ('candidate', 'submitted', 'active', 'lapsed')), 0) AS places
         FROM programme_quota q WHERE q.programme_id = $2)
     INSERT INTO intake_rank (batch_id, row_no, rank, within_quota)
     SELECT $1, ranked.row_no, ranked.rk, ranked.rk <= greatest(coalesce(free.places, 0), 0)
       FROM ranked LEFT JOIN free ON free.regency_code = ranked.regency`,
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
            (SELECT count(*) FILTER (WHERE within_quota) FROM intake_rank k WHERE k.batch_id = $1)::int AS "withinQuota",
            (SELECT count(*) FILTER (WHERE NOT within_quota) FROM intake_rank k WHERE k.batch_id = $1)::int AS waiting
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
    await tx.query('DELETE FROM intake_rank WHERE batch_id = $1', [batchId]);
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
    opts.onProgress?.('fuzzy', 0, staged.rows);
    const nikColumn = staged.mapping.mapping.nik ?? null;
    await matchFuzzy(db, batch, {
      nikColumn,
      nikColumnLabel: nikColumn === null ? undefined : `${columnLetter(nikColumn)} (${staged.headers[nikColumn] ?? 'NIK'})`,
    }, opts, staged.rows);
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
