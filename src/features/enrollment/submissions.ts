/**
 * Submission of approved candidates to BPJS Ketenagakerjaan, and BPJS's answer.
 *
 * A submission batch takes every candidate of a programme in an area (a regency, or the whole
 * programme); each membership is in at most one open batch (its state is 'submitted' meanwhile).
 * The answer file is applied all or nothing: a line for someone never submitted, a KPJ given twice,
 * an accepted line without KPJ or effective date, two answers for one person — any of these stops
 * the whole file with every problem listed; nothing is guessed.
 */
import type { Queryable } from '../../db/types.js';
import { UserError } from '../../domain/user-error.js';
import type { Programme } from '../programmes/programmes.js';

export interface SubmissionLayoutColumn {
  header: string;
  field: SubmissionField;
}

export const SUBMISSION_FIELDS = [
  'line_no', 'nik', 'kk', 'full_name', 'birth_place', 'birth_date', 'sex', 'marital_status', 'address', 'village', 'district', 'regency',
  'phone', 'occupation', 'work_location', 'declared_income', 'benefits', 'period_start', 'period_end', 'funder', 'bank_account',
] as const;
export type SubmissionField = (typeof SUBMISSION_FIELDS)[number];

/** The documented default (domain.md §2): what a BPJS collective registration asks for. */
export const DEFAULT_LAYOUT: readonly SubmissionLayoutColumn[] = [
  { header: 'No', field: 'line_no' },
  { header: 'NIK', field: 'nik' },
  { header: 'No. KK', field: 'kk' },
  { header: 'Nama Lengkap (sesuai KTP)', field: 'full_name' },
  { header: 'Tempat Lahir', field: 'birth_place' },
  { header: 'Tanggal Lahir', field: 'birth_date' },
  { header: 'Jenis Kelamin', field: 'sex' },
  { header: 'Status Perkawinan', field: 'marital_status' },
  { header: 'Alamat', field: 'address' },
  { header: 'Desa/Kelurahan', field: 'village' },
  { header: 'Kecamatan', field: 'district' },
  { header: 'Kabupaten/Kota', field: 'regency' },
  { header: 'No. HP', field: 'phone' },
  { header: 'Pekerjaan', field: 'occupation' },
  { header: 'Lokasi Kerja', field: 'work_location' },
  { header: 'Upah Dilaporkan', field: 'declared_income' },
  { header: 'Program', field: 'benefits' },
  { header: 'Periode Awal', field: 'period_start' },
  { header: 'Periode Akhir', field: 'period_end' },
  { header: 'Sumber Dana', field: 'funder' },
];

export function checkLayout(layout: unknown): SubmissionLayoutColumn[] {
  const ok = Array.isArray(layout) && layout.length > 0 && layout.every((c) =>
    c && typeof c === 'object' && typeof (c as SubmissionLayoutColumn).header === 'string' && (SUBMISSION_FIELDS as readonly string[]).includes((c as SubmissionLayoutColumn).field));
  if (!ok || !(layout as SubmissionLayoutColumn[]).some((c) => c.field === 'nik')) {
    throw new UserError('invalid', 'layout_invalid', {
      id: `Tata letak kolom harus daftar {header, field} yang memuat field "nik"; field yang dikenal: ${SUBMISSION_FIELDS.join(', ')}.`,
      en: `The column layout must be a list of {header, field} including the field "nik"; known fields: ${SUBMISSION_FIELDS.join(', ')}.`,
    });
  }
  return layout as SubmissionLayoutColumn[];
}

export async function createSubmission(tx: Queryable, programme: Programme, areaCode: string, label: string): Promise<{ id: number; lines: number }> {
  const [batch] = await tx.query<{ id: number }>(
    'INSERT INTO submission_batch (programme_id, area_code, created_by_label) VALUES ($1, $2, $3) RETURNING id',
    [programme.id, areaCode, label],
  );
  const id = batch!.id;
  const [n] = await tx.query<{ n: number }>(
    `WITH picked AS (
       SELECT m.id, row_number() OVER (ORDER BY m.regency_code, m.id) AS line_no
         FROM membership m
        WHERE m.programme_id = $2 AND m.state = 'candidate' AND (m.village_code = $3 OR starts_with(m.village_code, $3 || '.'))),
     lines AS (INSERT INTO submission_line (batch_id, line_no, membership_id) SELECT $1, line_no, id FROM picked RETURNING membership_id)
     SELECT count(*)::int AS n FROM lines`,
    [id, programme.id, areaCode],
  );
  const lines = n?.n ?? 0;
  if (lines === 0) {
    throw new UserError('invalid', 'nothing_to_submit', {
      id: `Tidak ada calon peserta ${programme.code} di wilayah ${areaCode} yang belum diajukan. Setujui usulan dulu, atau pilih wilayah lain.`,
      en: `There are no candidates of ${programme.code} in area ${areaCode} left to submit. Approve proposals first, or choose another area.`,
    });
  }
  await tx.query(
    `UPDATE membership SET state = 'submitted', submission_batch_id = $1, rejection_reason = NULL, updated_at = now()
      WHERE id IN (SELECT membership_id FROM submission_line WHERE batch_id = $1)`,
    [id],
  );
  await tx.query('UPDATE submission_batch SET lines = $2 WHERE id = $1', [id, lines]);
  return { id, lines };
}

export interface SubmissionRow {
  values: (string | number | null)[];
}

const MARITAL: Record<string, string> = { belum_kawin: 'Belum Kawin', kawin: 'Kawin', cerai_hidup: 'Cerai Hidup', cerai_mati: 'Cerai Mati' };

function ddmmyyyy(d: string | null): string | null {
  return d ? `${d.slice(8, 10)}-${d.slice(5, 7)}-${d.slice(0, 4)}` : null;
}

/** The batch's lines in the chosen layout, plus the control figures of the control sheet. */
export async function submissionRows(tx: Queryable, batchId: number, layout: readonly SubmissionLayoutColumn[] = DEFAULT_LAYOUT) {
  const [b] = await tx.query<{ id: number; code: string; name: string; coverage_start: string; coverage_end: string; benefits: string; declared_income: number; funder_name: string; lines: number; status: string; area_code: string }>(
    `SELECT s.id, p.code, p.name, p.coverage_start, p.coverage_end, p.benefits::text AS benefits, p.declared_income, p.funder_name, s.lines, s.status, s.area_code
       FROM submission_batch s JOIN programme p ON p.id = s.programme_id WHERE s.id = $1`,
    [batchId],
  );
  if (!b) throw new UserError('not_found', 'submission_unknown', { id: `Batch pengajuan #${batchId} tidak ada atau di luar wilayah Anda.`, en: `Submission batch #${batchId} does not exist or is outside your area.` });
  const people = await tx.query<Record<string, string | number | null>>(
    `SELECT l.line_no, p.nik, p.kk, p.full_name, p.birth_place, p.birth_date, p.sex, p.marital_status, p.address,
            v.name AS village, d.name AS district, r.name AS regency, p.phone, p.occupation, v.name AS work_location, p.bank_account,
            m.coverage_start AS own_start
       FROM submission_line l JOIN membership m ON m.id = l.membership_id JOIN person p ON p.id = m.person_id
       JOIN area v ON v.code = p.village_code JOIN area d ON d.code = v.parent_code JOIN area r ON r.code = d.parent_code
      WHERE l.batch_id = $1 ORDER BY l.line_no`,
    [batchId],
  );
  const benefits = b.benefits.replace(/[{}]/g, '').split(',').join(', ');
  const value = (p: Record<string, string | number | null>, f: SubmissionField): string | number | null => {
    switch (f) {
      case 'birth_date': return ddmmyyyy(p.birth_date as string | null);
      case 'marital_status': return p.marital_status ? MARITAL[p.marital_status as string] ?? String(p.marital_status) : null;
      case 'declared_income': return b.declared_income;
      case 'benefits': return benefits;
      // A replacement's cover starts on its own date, not the programme's.
      case 'period_start': return ddmmyyyy((p.own_start as string | null) ?? b.coverage_start);
      case 'period_end': return ddmmyyyy(b.coverage_end);
      case 'funder': return b.funder_name;
      default: return p[f] ?? null;
    }
  };
  return {
    batch: b,
    headers: layout.map((c) => c.header),
    rows: people.map((p) => layout.map((c) => value(p, c.field))),
    control: [
      ['Program', `${b.code} — ${b.name}`],
      ['Batch pengajuan', `#${b.id}`],
      ['Wilayah', b.area_code],
      ['Periode', `${ddmmyyyy(b.coverage_start)} s.d. ${ddmmyyyy(b.coverage_end)}`],
      ['Program jaminan', benefits],
      ['Upah dilaporkan', b.declared_income],
      ['Jumlah peserta', people.length],
      ['Sumber dana', b.funder_name],
    ] as [string, string | number][],
  };
}

export interface ResponseLine {
  /** Line number in the answer file, for messages. */
  fileLine: number;
  nik: string;
  kpj: string | null;
  accepted: boolean;
  effectiveDate: string | null;
  reason: string | null;
}

export interface ResponseResult {
  batch: number;
  accepted: number;
  rejected: number;
  unanswered: number;
}

/**
 * Applies BPJS's answer to a batch, all or nothing. Accepted people become active members from
 * their effective date (covered until the programme's end); rejected ones return to the candidate
 * list with BPJS's reason.
 */
export async function applyResponse(tx: Queryable, batchId: number, lines: readonly ResponseLine[], sha256: string | null): Promise<ResponseResult> {
  const [b] = await tx.query<{ status: string; programme_id: number; coverage_start: string; coverage_end: string }>(
    `SELECT s.status, s.programme_id, p.coverage_start, p.coverage_end FROM submission_batch s JOIN programme p ON p.id = s.programme_id WHERE s.id = $1 FOR UPDATE OF s`,
    [batchId],
  );
  if (!b) throw new UserError('not_found', 'submission_unknown', { id: `Batch pengajuan #${batchId} tidak ada atau di luar wilayah Anda.`, en: `Submission batch #${batchId} does not exist or is outside your area.` });
  if (b.status !== 'open') {
    throw new UserError('conflict', 'response_already_applied', {
      id: `Semua baris batch #${batchId} sudah dijawab BPJS. Orang yang ditolak lalu diperbaiki diajukan lewat batch baru.`,
      en: `Every line of batch #${batchId} has been answered by BPJS. People rejected and then corrected go in a new batch.`,
    });
  }
  const members = await tx.query<{ nik: string; membership_id: number; result: string | null }>(
    `SELECT p.nik, l.membership_id, l.result FROM submission_line l JOIN membership m ON m.id = l.membership_id JOIN person p ON p.id = m.person_id WHERE l.batch_id = $1`,
    [batchId],
  );
  const byNik = new Map(members.map((m) => [m.nik, m.membership_id]));
  const answered = new Set(members.filter((m) => m.result !== null).map((m) => m.nik));
  const problems: string[] = [];
  const seenNik = new Map<string, number>();
  const seenKpj = new Map<string, number>();
  for (const l of lines) {
    if (!byNik.has(l.nik)) problems.push(`line ${l.fileLine}: NIK ${l.nik} was not submitted in batch #${batchId}`);
    else if (answered.has(l.nik)) problems.push(`line ${l.fileLine}: NIK ${l.nik} was already answered by an earlier file`);
    const earlier = seenNik.get(l.nik);
    if (earlier !== undefined) problems.push(`line ${l.fileLine}: NIK ${l.nik} is answered twice (also line ${earlier})`);
    seenNik.set(l.nik, l.fileLine);
    if (l.accepted) {
      if (!l.kpj) problems.push(`line ${l.fileLine}: accepted without a KPJ number`);
      if (!l.effectiveDate) problems.push(`line ${l.fileLine}: accepted without an effective date`);
      else if (l.effectiveDate > b.coverage_end) problems.push(`line ${l.fileLine}: effective date ${l.effectiveDate} is after the programme's end ${b.coverage_end}`);
      if (l.kpj) {
        const k = seenKpj.get(l.kpj);
        if (k !== undefined) problems.push(`line ${l.fileLine}: KPJ ${l.kpj} is given twice (also line ${k})`);
        seenKpj.set(l.kpj, l.fileLine);
      }
    } else if (!l.reason) problems.push(`line ${l.fileLine}: rejected without a reason`);
  }
  // Most NIKs unknown: this is the answer to another batch.
  const unknown = lines.filter((l) => !byNik.has(l.nik)).length;
  if (lines.length > 0 && unknown > lines.length / 2) {
    const [other] = await tx.query<{ batch_id: number }>(
      `SELECT l.batch_id FROM submission_line l JOIN membership m ON m.id = l.membership_id JOIN person p ON p.id = m.person_id
        WHERE p.nik = ANY($1::text[]) AND l.batch_id <> $2 GROUP BY l.batch_id ORDER BY count(*) DESC LIMIT 1`,
      [lines.slice(0, 200).map((l) => l.nik), batchId],
    );
    throw new UserError('invalid', 'response_wrong_batch', {
      id: `Berkas jawaban ini bukan untuk batch #${batchId}: ${unknown} dari ${lines.length} NIK tidak diajukan di batch itu${other ? `; sepertinya jawaban untuk batch #${other.batch_id}` : ''}. Pilih batch yang benar.`,
      en: `This answer file is not for batch #${batchId}: ${unknown} of ${lines.length} NIKs were not submitted in it${other ? `; it looks like the answer to batch #${other.batch_id}` : ''}. Choose the right batch.`,
    }, { otherBatch: other?.batch_id ?? null });
  }
  // A KPJ already held by someone else.
  const kpjs = lines.filter((l) => l.accepted && l.kpj).map((l) => l.kpj!);
  if (kpjs.length) {
    const taken = await tx.query<{ kpj: string; nik: string }>(
      `SELECT m.kpj, p.nik FROM membership m JOIN person p ON p.id = m.person_id WHERE m.kpj = ANY($1::text[])`,
      [kpjs],
    );
    for (const t of taken) {
      const line = lines.find((l) => l.kpj === t.kpj);
      if (line && line.nik !== t.nik) problems.push(`line ${line.fileLine}: KPJ ${t.kpj} already belongs to another person`);
    }
  }
  if (problems.length) {
    throw new UserError('invalid', 'response_invalid', {
      id: `Jawaban BPJS tidak diterapkan (tidak ada yang berubah): ${problems.slice(0, 30).join('; ')}${problems.length > 30 ? `; dan ${problems.length - 30} lagi` : ''}. Minta BPJS memperbaiki berkasnya.`,
      en: `BPJS's answer was not applied (nothing changed): ${problems.slice(0, 30).join('; ')}${problems.length > 30 ? `; and ${problems.length - 30} more` : ''}. Ask BPJS to correct the file.`,
    }, { problems });
  }

  // Arrays, not COPY: this runs in the user's own scope, and COPY (PGlite's is from a file) needs a superuser.
  await tx.exec('CREATE TEMP TABLE response_in (membership_id bigint, result text, kpj text, effective_date date, reason text) ON COMMIT DROP');
  await tx.query(
    `INSERT INTO response_in SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::date[], $5::text[])`,
    [lines.map((l) => byNik.get(l.nik)!), lines.map((l) => (l.accepted ? 'accepted' : 'rejected')), lines.map((l) => l.kpj), lines.map((l) => l.effectiveDate), lines.map((l) => l.reason)],
  );
  await tx.query(
    `UPDATE submission_line l SET result = r.result, kpj = r.kpj, effective_date = r.effective_date, reason = r.reason
       FROM response_in r WHERE l.batch_id = $1 AND l.membership_id = r.membership_id`,
    [batchId],
  );
  await tx.query(
    `UPDATE membership m SET state = 'active', kpj = r.kpj, effective_date = greatest(r.effective_date, coalesce(m.coverage_start, $1::date)), updated_at = now()
       FROM response_in r WHERE r.membership_id = m.id AND r.result = 'accepted'`,
    [b.coverage_start],
  );
  await tx.query(
    `INSERT INTO coverage_period (membership_id, from_date, to_date)
     SELECT r.membership_id, m.effective_date, $1::date FROM response_in r JOIN membership m ON m.id = r.membership_id WHERE r.result = 'accepted'`,
    [b.coverage_end],
  );
  await tx.query(
    `UPDATE membership m SET state = 'candidate', submission_batch_id = NULL, rejection_reason = r.reason, updated_at = now()
       FROM response_in r WHERE r.membership_id = m.id AND r.result = 'rejected'`,
  );
  const accepted = lines.filter((l) => l.accepted).length;
  const rejected = lines.length - accepted;
  // Answers may come in several files; the batch is answered when every line is.
  const unanswered = members.length - answered.size - lines.length;
  await tx.query(
    `UPDATE submission_batch SET status = CASE WHEN $5::int = 0 THEN 'answered' ELSE 'open' END,
            accepted = coalesce(accepted, 0) + $2, rejected = coalesce(rejected, 0) + $3, response_sha256 = $4,
            answered_at = CASE WHEN $5::int = 0 THEN now() END WHERE id = $1`,
    [batchId, accepted, rejected, sha256, unanswered],
  );
  return { batch: batchId, accepted, rejected, unanswered };
}
