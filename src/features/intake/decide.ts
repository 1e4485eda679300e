/**
 * Maker-checker: the maker submits a checked batch; a different user (verifier) decides the
 * likely duplicates, then approves — the valid, eligible rows are merged into the registry as
 * candidates of the programme (or its waiting list when the regency's quota is full) — or sends
 * the batch back with a note. Approval is one transaction: all rows or none.
 */
import type { Queryable } from '../../db/types.js';
import { UserError } from '../../domain/user-error.js';
import { batchCounts, rankBatch, type BatchCounts } from './check.js';
import { getBatch, type BatchStatus } from './batches.js';

export interface Decider {
  userId: number | null;
  label: string;
}

function wrongStatus(id: number, status: BatchStatus, wanted: string): UserError {
  const labels: Record<BatchStatus, string> = {
    queued: 'antre', checking: 'sedang diperiksa', checked: 'sudah diperiksa', failed: 'gagal', cancelled: 'dibatalkan',
    submitted: 'diajukan', returned: 'dikembalikan', approved: 'disetujui',
  };
  return new UserError('conflict', 'batch_wrong_status', {
    id: `Batch #${id} berstatus "${labels[status]}"; langkah ini hanya untuk batch yang ${wanted}. Muat ulang halaman untuk melihat status terbaru.`,
    en: `Batch #${id} is "${status}"; this step is only for batches that are ${wanted}. Reload the page to see the latest status.`,
  });
}

export async function submitBatch(tx: Queryable, id: number, maker: Decider): Promise<void> {
  const b = await getBatch(tx, id);
  if (b.status !== 'checked') throw wrongStatus(id, b.status, 'sudah diperiksa (checked)');
  if (!b.counts || b.counts.eligible === 0) {
    throw new UserError('invalid', 'batch_nothing_to_submit', {
      id: `Batch #${id} tidak berisi baris yang memenuhi syarat. Perbaiki baris yang ditolak (unduh laporan) lalu unggah ulang.`,
      en: `Batch #${id} has no eligible rows. Fix the rejected rows (download the report) and upload again.`,
    });
  }
  await tx.query(`UPDATE intake_batch SET status = 'submitted', submitted_by = $2, submitted_at = now(), updated_at = now() WHERE id = $1`, [id, maker.userId]);
}

function sameUser(id: number): UserError {
  return new UserError('forbidden', 'maker_checker', {
    id: `Batch #${id} diunggah atau diajukan oleh Anda sendiri. Keputusan harus diambil oleh pengguna lain (verifikator).`,
    en: `You uploaded or submitted batch #${id} yourself. Another user (a verifier) must decide it.`,
  });
}

async function assertChecker(tx: Queryable, id: number, checker: Decider): Promise<void> {
  const [b] = await tx.query<{ created_by: number | null; submitted_by: number | null; created_by_label: string }>(
    'SELECT created_by, submitted_by, created_by_label FROM intake_batch WHERE id = $1',
    [id],
  );
  if (!b) return;
  const mine = checker.userId !== null ? b.created_by === checker.userId || b.submitted_by === checker.userId : b.created_by === null && b.created_by_label === checker.label;
  if (mine) throw sameUser(id);
}

export async function returnBatch(tx: Queryable, id: number, checker: Decider, note: string): Promise<void> {
  const b = await getBatch(tx, id);
  if (b.status !== 'submitted') throw wrongStatus(id, b.status, 'diajukan (submitted)');
  await assertChecker(tx, id, checker);
  if (!note.trim()) {
    throw new UserError('invalid', 'return_needs_note', {
      id: 'Tulis alasan pengembalian agar pengusul tahu apa yang harus diperbaiki.',
      en: 'Write why the batch goes back, so the maker knows what to fix.',
    });
  }
  await tx.query(
    `UPDATE intake_batch SET status = 'returned', decided_by = $2, decided_by_label = $3, decided_at = now(), decision_note = $4, updated_at = now() WHERE id = $1`,
    [id, checker.userId, checker.label, note.trim()],
  );
}

export interface ReviewDecision {
  reviewId: number;
  decision: 'same' | 'different';
}

/**
 * A verifier's decision on a likely duplicate. "Same" with a registry person links the row to
 * that person (their registry record stays; the row's NIK is not used); "same" with another row
 * of the file makes this row a duplicate of it. "Different" lets the row go on as a new person.
 */
export async function decideReview(tx: Queryable, batchId: number, d: ReviewDecision, checker: Decider): Promise<void> {
  const b = await getBatch(tx, batchId);
  if (b.status !== 'checked' && b.status !== 'submitted') throw wrongStatus(batchId, b.status, 'sudah diperiksa atau diajukan');
  await assertChecker(tx, batchId, checker);
  const [r] = await tx.query<{ row_no: number }>(
    `UPDATE duplicate_review SET decision = $3, decided_by = $4, decided_by_label = $5, decided_at = now()
      WHERE id = $1 AND batch_id = $2 RETURNING row_no`,
    [d.reviewId, batchId, d.decision, checker.userId, checker.label],
  );
  if (!r) {
    throw new UserError('not_found', 'review_unknown', { id: `Pemeriksaan duplikat #${d.reviewId} tidak ada di batch #${batchId}.`, en: `Duplicate review #${d.reviewId} is not in batch #${batchId}.` });
  }
  await settleRow(tx, batchId, r.row_no);
}

/** Puts a row back in line once every likely duplicate of it is decided. */
async function settleRow(tx: Queryable, batchId: number, rowNo: number): Promise<void> {
  const [open] = await tx.query<{ open: number; same_person: number | null; same_row: number | null }>(
    `SELECT count(*) FILTER (WHERE decision IS NULL)::int AS open,
            min(person_id) FILTER (WHERE decision = 'same') AS same_person,
            min(other_row_no) FILTER (WHERE decision = 'same') AS same_row
       FROM duplicate_review WHERE batch_id = $1 AND row_no = $2`,
    [batchId, rowNo],
  );
  if (!open || open.open > 0) return;
  await settle(tx, batchId, rowNo, open);
  // A row that is no longer eligible or in review leaves the ranking (batch counts read it).
  await tx.query(
    `DELETE FROM intake_rank k WHERE k.batch_id = $1 AND k.row_no = $2
        AND NOT EXISTS (SELECT 1 FROM intake_row r WHERE r.batch_id = $1 AND r.row_no = $2 AND r.status IN ('eligible', 'review'))`,
    [batchId, rowNo],
  );
}

async function settle(tx: Queryable, batchId: number, rowNo: number, open: { same_person: number | null; same_row: number | null }): Promise<void> {
  if (open.same_row !== null) {
    await tx.query(
      `UPDATE intake_row SET status = 'duplicate', dup_of_row = $3, error_count = error_count + 1,
              problems = problems || jsonb_build_array(jsonb_build_object('code', 'same_person_in_file', 'severity', 'error',
                'id', 'Verifikator memutuskan baris ini orang yang sama dengan baris ' || $3 || '. Hapus salah satu baris.',
                'en', 'A verifier decided this row is the same person as row ' || $3 || '. Delete one of the rows.'))
        WHERE batch_id = $1 AND row_no = $2 AND status IN ('review', 'ineligible')`,
      [batchId, rowNo, open.same_row],
    );
  } else if (open.same_person !== null) {
    await tx.query('UPDATE intake_row SET person_id = $3 WHERE batch_id = $1 AND row_no = $2', [batchId, rowNo, open.same_person]);
    await tx.query(`UPDATE intake_row SET status = 'eligible' WHERE batch_id = $1 AND row_no = $2 AND status = 'review'`, [batchId, rowNo]);
  } else {
    // Not the person whose NIK it carries: the NIK must be corrected, never merged into theirs.
    await tx.query(
      `UPDATE intake_row r SET status = CASE WHEN EXISTS (SELECT 1 FROM person p WHERE p.nik = r.nik) THEN 'error' ELSE 'eligible' END,
              error_count = r.error_count + CASE WHEN EXISTS (SELECT 1 FROM person p WHERE p.nik = r.nik) THEN 1 ELSE 0 END,
              problems = CASE WHEN EXISTS (SELECT 1 FROM person p WHERE p.nik = r.nik) THEN r.problems || jsonb_build_array(jsonb_build_object(
                'code', 'nik_taken', 'severity', 'error', 'field', 'nik',
                'id', 'Verifikator memutuskan orang ini bukan pemilik NIK tersebut di registri. Perbaiki NIK sesuai KTP/KK, lalu usulkan lagi baris ini.',
                'en', 'A verifier decided this person is not the owner of that NIK in the registry. Correct the NIK from the KTP/KK, then propose this row again.'))
              ELSE r.problems END
        WHERE r.batch_id = $1 AND r.row_no = $2 AND r.status = 'review'`,
      [batchId, rowNo],
    );
  }
}

export interface ApproveResult extends BatchCounts {
  newPeople: number;
  candidates: number;
  waitingList: number;
  skipped: number;
}

export async function approveBatch(tx: Queryable, id: number, checker: Decider, note: string | null = null): Promise<ApproveResult> {
  const b = await getBatch(tx, id);
  if (b.status !== 'submitted') throw wrongStatus(id, b.status, 'diajukan (submitted)');
  await assertChecker(tx, id, checker);
  if (b.openReviews > 0) {
    throw new UserError('conflict', 'reviews_open', {
      id: `Masih ada ${b.openReviews} kemungkinan duplikat yang belum diputuskan di batch #${id}. Putuskan dulu (orang sama / orang berbeda), lalu setujui.`,
      en: `Batch #${id} still has ${b.openReviews} likely duplicates to decide. Decide them (same person / different people) first, then approve.`,
    }, { openReviews: b.openReviews });
  }
  const [prog] = await tx.query<{ programme_id: number }>('SELECT programme_id FROM intake_batch WHERE id = $1 FOR UPDATE', [id]);
  const programmeId = prog!.programme_id;
  // Places may have been taken since the check (another batch approved): rank again now.
  await rankBatch(tx, id, programmeId);

  const [households] = await tx.query<{ n: number }>(
    `WITH ins AS (
       INSERT INTO household (kk, village_code, address)
       SELECT DISTINCT ON (kk) kk, village_code, address FROM intake_row
        WHERE batch_id = $1 AND status = 'eligible' AND person_id IS NULL AND kk IS NOT NULL ORDER BY kk, row_no
       ON CONFLICT (kk) DO NOTHING RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [id],
  );
  void households;
  const [people] = await tx.query<{ n: number }>(
    `WITH ins AS (
       INSERT INTO person (nik, kk, full_name, birth_place, birth_date, sex, marital_status, address, village_code, phone, occupation,
                           declared_income, dtsen_decile, extreme_poor, disability, bank_name, bank_account)
       SELECT nik, kk, full_name, birth_place, birth_date, sex, marital_status, address, village_code, phone, occupation,
              declared_income, dtsen_decile, extreme_poor, disability, bank_name, bank_account
         FROM intake_row WHERE batch_id = $1 AND status = 'eligible' AND person_id IS NULL ORDER BY row_no
       ON CONFLICT (nik) DO NOTHING RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [id],
  );
  await tx.query(
    `UPDATE intake_row r SET person_id = p.id FROM person p
      WHERE r.batch_id = $1 AND r.status = 'eligible' AND r.person_id IS NULL AND p.nik = r.nik`,
    [id],
  );
  const [members] = await tx.query<{ candidates: number; waiting: number }>(
    `WITH ins AS (
       INSERT INTO membership (programme_id, person_id, state, village_code, batch_id, decided_by)
       SELECT $2, r.person_id, CASE WHEN k.within_quota THEN 'candidate' ELSE 'waiting' END, r.village_code, $1, $3
         FROM intake_row r JOIN intake_rank k ON k.batch_id = r.batch_id AND k.row_no = r.row_no
        WHERE r.batch_id = $1 AND r.status = 'eligible' AND r.person_id IS NOT NULL ORDER BY k.rank
       ON CONFLICT DO NOTHING RETURNING state)
     SELECT count(*) FILTER (WHERE state = 'candidate')::int AS candidates, count(*) FILTER (WHERE state = 'waiting')::int AS waiting FROM ins`,
    [id, programmeId, checker.label],
  );
  // Rows that could not become members (the person joined another programme meanwhile, or the
  // NIK belongs to someone outside the verifier's area) say so in the report.
  const skipped = await tx.query<{ row_no: number }>(
    `UPDATE intake_row r SET status = 'duplicate', error_count = error_count + 1,
            problems = problems || jsonb_build_array(jsonb_build_object('code', 'not_merged', 'severity', 'error',
              'id', 'Tidak dapat dimasukkan: NIK ini sudah terdaftar di program lain atau di wilayah lain sejak pemeriksaan. Hubungi petugas provinsi.',
              'en', 'Could not be added: this NIK joined another programme or is registered in another area since the check. Contact the province office.'))
      WHERE r.batch_id = $1 AND r.status = 'eligible'
        -- NOT IN over one scan of the batch's memberships (a hashed subplan), not a probe per row.
        AND (r.person_id IS NULL OR r.person_id NOT IN (SELECT m.person_id FROM membership m WHERE m.batch_id = $1))
      RETURNING row_no`,
    [id],
  );
  if (skipped.length > 0) {
    await tx.query('DELETE FROM intake_rank WHERE batch_id = $1 AND row_no = ANY($2::int[])', [id, skipped.map((s) => s.row_no)]);
  }
  await tx.query(
    `UPDATE intake_batch SET status = 'approved', decided_by = $2, decided_by_label = $3, decided_at = now(), decision_note = $4, updated_at = now() WHERE id = $1`,
    [id, checker.userId, checker.label, note],
  );
  const counts = await batchCounts(tx, id);
  await tx.query('UPDATE intake_batch SET counts = $2 WHERE id = $1', [id, JSON.stringify(counts)]);
  return { ...counts, newPeople: people?.n ?? 0, candidates: members?.candidates ?? 0, waitingList: members?.waiting ?? 0, skipped: skipped.length };
}
