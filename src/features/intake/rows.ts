/**
 * What a batch's pages, API and report show: its rows with their problems (paged, filtered by
 * result), its likely duplicates with the evidence side by side, and the rows for the report.
 */
import type { Queryable } from '../../db/types.js';
import type { Lang } from '../../domain/messages.js';
import type { Role } from '../../domain/roles.js';
import { masker } from '../registry/mask.js';
import { UserError } from '../../domain/user-error.js';
import type { RowProblem } from './normalise-row.js';

export const ROW_FILTERS = ['all', 'problems', 'error', 'duplicate', 'review', 'ineligible', 'eligible', 'waiting'] as const;
export type RowFilter = (typeof ROW_FILTERS)[number];

export interface BatchRow {
  rowNo: number;
  status: string;
  nik: string | null;
  fullName: string | null;
  birthDate: string | null;
  sex: string | null;
  villageCode: string | null;
  villageName: string | null;
  rank: number | null;
  withinQuota: boolean | null;
  decidedByRule: string | null;
  personId: number | null;
  problems: RowProblem[];
}

function filterSql(filter: RowFilter): string {
  switch (filter) {
    case 'all': return 'true';
    case 'problems': return "(r.status IN ('error', 'duplicate', 'ineligible') OR r.warning_count > 0)";
    // intake_rank holds the eligible rows and those in review (check.ts rankBatch).
    case 'waiting': return 'k.within_quota = false';
    default: return `r.status = '${filter}'`;
  }
}

export async function listRows(tx: Queryable, batchId: number, role: Role, opts: { filter?: RowFilter; page?: number; pageSize?: number } = {}): Promise<{ rows: BatchRow[]; more: boolean }> {
  const pageSize = Math.min(opts.pageSize ?? 50, 500);
  const page = Math.max(opts.page ?? 1, 1);
  const rows = await tx.query<BatchRow>(
    `SELECT r.row_no AS "rowNo", r.status, r.nik, r.full_name AS "fullName", r.birth_date AS "birthDate", r.sex, r.village_code AS "villageCode",
            a.name AS "villageName", k.rank, k.within_quota AS "withinQuota", r.decided_by_rule AS "decidedByRule", r.person_id AS "personId", r.problems
       FROM intake_row r LEFT JOIN intake_rank k ON k.batch_id = r.batch_id AND k.row_no = r.row_no LEFT JOIN area a ON a.code = r.village_code
      WHERE r.batch_id = $1 AND ${filterSql(opts.filter ?? 'all')}
      ORDER BY r.row_no LIMIT $2 OFFSET $3`,
    [batchId, pageSize + 1, (page - 1) * pageSize],
  );
  const mask = masker(role);
  return { rows: rows.slice(0, pageSize).map((r) => ({ ...r, nik: mask.nik(r.nik) })), more: rows.length > pageSize };
}

export interface ReviewSide {
  nik: string | null;
  fullName: string | null;
  birthDate: string | null;
  sex: string | null;
  village: string | null;
  source: string;
}

export interface ReviewItem {
  id: number;
  rowNo: number;
  score: number;
  decision: 'same' | 'different' | null;
  decidedByLabel: string | null;
  row: ReviewSide;
  other: ReviewSide;
  evidence: { rule: string; weight: number; id: string; en: string }[];
}

export async function listReviews(tx: Queryable, batchId: number, role: Role, opts: { open?: boolean; limit?: number } = {}): Promise<ReviewItem[]> {
  const rows = await tx.query<{
    id: number; row_no: number; score: number; decision: 'same' | 'different' | null; decided_by_label: string | null; evidence: ReviewItem['evidence'];
    r_nik: string | null; r_name: string | null; r_birth: string | null; r_sex: string | null; r_village: string | null;
    o_nik: string | null; o_name: string | null; o_birth: string | null; o_sex: string | null; o_village: string | null; o_row: number | null; o_person: number | null;
  }>(
    `SELECT d.id, d.row_no, d.score, d.decision, d.decided_by_label, d.evidence,
            r.nik AS r_nik, r.full_name AS r_name, r.birth_date AS r_birth, r.sex AS r_sex, ra.name AS r_village,
            coalesce(p.nik, o.nik) AS o_nik, coalesce(p.full_name, o.full_name) AS o_name, coalesce(p.birth_date, o.birth_date) AS o_birth,
            coalesce(p.sex, o.sex) AS o_sex, oa.name AS o_village, d.other_row_no AS o_row, d.person_id AS o_person
       FROM duplicate_review d
       JOIN intake_row r ON r.batch_id = d.batch_id AND r.row_no = d.row_no
       LEFT JOIN area ra ON ra.code = r.village_code
       LEFT JOIN person p ON p.id = d.person_id
       LEFT JOIN intake_row o ON o.batch_id = d.batch_id AND o.row_no = d.other_row_no
       LEFT JOIN area oa ON oa.code = coalesce(p.village_code, o.village_code)
      WHERE d.batch_id = $1 AND ($2::boolean IS NULL OR (d.decision IS NULL) = $2)
      ORDER BY d.row_no, d.score DESC LIMIT $3`,
    [batchId, opts.open ?? null, opts.limit ?? 100],
  );
  const mask = masker(role);
  return rows.map((r) => ({
    id: r.id,
    rowNo: r.row_no,
    score: Math.round(r.score * 1000) / 1000,
    decision: r.decision,
    decidedByLabel: r.decided_by_label,
    evidence: r.evidence,
    row: { nik: mask.nik(r.r_nik), fullName: r.r_name, birthDate: r.r_birth, sex: r.r_sex, village: r.r_village, source: `row ${r.row_no}` },
    other: {
      nik: mask.nik(r.o_nik), fullName: r.o_name, birthDate: r.o_birth, sex: r.o_sex, village: r.o_village,
      source: r.o_person !== null ? `registry #${r.o_person}` : `row ${r.o_row}`,
    },
  }));
}

const STATUS_LABEL: Record<string, { id: string; en: string }> = {
  error: { id: 'Ditolak: data salah', en: 'Rejected: data error' },
  duplicate: { id: 'Ditolak: duplikat', en: 'Rejected: duplicate' },
  review: { id: 'Menunggu keputusan duplikat', en: 'Awaiting duplicate decision' },
  ineligible: { id: 'Tidak memenuhi syarat', en: 'Not eligible' },
  eligible: { id: 'Memenuhi syarat', en: 'Eligible' },
};

/** The report's rows in file order, streamed from the database page by page. */
export async function* reportRows(tx: Queryable, batchId: number, lang: Lang): AsyncIterable<{ rowNo: number; cells: (string | number | boolean | null)[]; status: string; reasons: string }> {
  let after = 0;
  for (;;) {
    const page = await tx.query<{ row_no: number; raw: (string | number | boolean | null)[]; status: string; within_quota: boolean | null; rank: number | null; problems: RowProblem[] }>(
      `SELECT r.row_no, r.raw, r.status, k.within_quota, k.rank, r.problems
         FROM intake_row r LEFT JOIN intake_rank k ON k.batch_id = r.batch_id AND k.row_no = r.row_no
        WHERE r.batch_id = $1 AND r.row_no > $2 ORDER BY r.row_no LIMIT 5000`,
      [batchId, after],
    );
    if (page.length === 0) return;
    for (const r of page) {
      let status = STATUS_LABEL[r.status]?.[lang] ?? r.status;
      if ((r.status === 'eligible' || r.status === 'review') && r.within_quota === false) {
        status = lang === 'id' ? `Daftar tunggu (peringkat ${r.rank})` : `Waiting list (rank ${r.rank})`;
      }
      const reasons = r.problems.map((p) => `${p.column ? `${p.column}: ` : ''}${p[lang]}`).join(' | ');
      yield { rowNo: r.row_no, cells: r.raw, status, reasons };
    }
    after = page[page.length - 1]!.row_no;
  }
}

/** The header row the batch's file had, for the report; an error while the batch is not checked. */
export async function batchHeaders(tx: Queryable, batchId: number): Promise<string[]> {
  const [row] = await tx.query<{ columns: { headers: string[] } | null }>('SELECT columns FROM intake_batch WHERE id = $1', [batchId]);
  if (!row?.columns) {
    throw new UserError('conflict', 'batch_not_checked', { id: `Batch #${batchId} belum selesai diperiksa; laporan belum ada.`, en: `Batch #${batchId} has not been checked yet; there is no report.` });
  }
  return row.columns.headers;
}
