/**
 * Payouts to Bank NTT: approved claims' payees go into a batch (one transfer line each, with a
 * reference the bank echoes back), the batch becomes a file in the configured layout, and the
 * claim becomes `paid`. A transfer that failed or was reversed is retried as a new line in a new
 * batch (`retry_of` the old one), after the account is corrected if that was the problem.
 *
 * No payment twice: a payee gets a line only when none of its lines is `sent` or `success` (the
 * partial unique index payout_line_once is the last word, even for two finance officers pressing
 * the button at the same moment), a claim must be `approved` and its payees must add up to the
 * approved amount. Everything happens in the caller's one transaction and is in the history.
 */
import type { Queryable } from '../../db/types.js';
import { DbError } from '../../db/types.js';
import { inScope } from '../../db/scope.js';
import type { Message } from '../../domain/messages.js';
import { formatRupiah } from '../../domain/money.js';
import {
  ACCOUNT_RE,
  claimPayoutState,
  checkLayout,
  DEFAULT_PAYOUT_LAYOUT,
  layoutOrDefault,
  normaliseAccount,
  type ClaimPayoutState,
  type LayoutColumn,
  type PayoutLineStatus,
} from '../../domain/payout.js';
import { UserError } from '../../domain/user-error.js';

export interface PayoutLine {
  id: number;
  batchId: number;
  claimId: number;
  claimNo: string;
  claimType: string;
  claimStatus: string;
  memberName: string;
  payeeId: number;
  payeeName: string;
  relation: string;
  bankName: string;
  accountHolder: string;
  reference: string;
  amount: number;
  /** The account this attempt went to (a retry may go to a corrected one). */
  bankAccount: string;
  status: PayoutLineStatus;
  bankReference: string | null;
  failureReason: string | null;
  retryOf: number | null;
  /** The line that retried this one, if any. */
  retriedBy: number | null;
  villageCode: string;
  updatedAt: string;
}

export type StatusCounts = Record<PayoutLineStatus, { lines: number; amount: number }>;

export interface PayoutBatchSummary {
  id: number;
  status: 'open' | 'confirmed';
  lines: number;
  amount: number;
  areaCode: string;
  areaName: string | null;
  createdBy: string;
  createdAt: string;
  confirmedAt: string | null;
  confirmedBy: string | null;
  confirmationSha256: string | null;
  /** Lines that retry an earlier failed or reversed transfer. */
  retries: number;
  counts: StatusCounts;
}

export interface PayoutBatch extends PayoutBatchSummary {
  items: PayoutLine[];
}

/** An approved claim with payees not yet in any batch. */
export interface ReadyClaim {
  claimId: number;
  claimNo: string;
  type: string;
  memberName: string;
  villageCode: string;
  regencyCode: string;
  approvedAmount: number;
  decidedAt: string | null;
  payees: number;
  /** Payees with no transfer line yet, and their amount. */
  unsent: number;
  unsentAmount: number;
  /** Why the claim cannot go into a batch (empty: ready). */
  problems: Message[];
}

export interface ClaimChange {
  claimId: number;
  claimNo: string;
  from: string;
  to: ClaimPayoutState;
}

export interface BatchResult extends PayoutBatch {
  claims: ClaimChange[];
  /** Ready-looking claims left out of an "all ready" batch, with the reason. */
  skipped: { claimId: number; claimNo: string; problems: Message[] }[];
}

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : String(v));

function emptyCounts(): StatusCounts {
  return { sent: { lines: 0, amount: 0 }, success: { lines: 0, amount: 0 }, failed: { lines: 0, amount: 0 }, reversed: { lines: 0, amount: 0 }, cancelled: { lines: 0, amount: 0 } };
}

// ---------------------------------------------------------------------------
// Reading

const LINE_SELECT = `SELECT l.id, l.batch_id AS "batchId", l.claim_id AS "claimId", c.claim_no AS "claimNo", c.type AS "claimType", c.status AS "claimStatus",
    coalesce(p.full_name, '—') AS "memberName", l.payee_id AS "payeeId", y.full_name AS "payeeName", y.relation, y.bank_name AS "bankName",
    y.account_holder AS "accountHolder", l.reference, l.amount, l.bank_account AS "bankAccount", l.status, l.bank_reference AS "bankReference",
    l.failure_reason AS "failureReason", l.retry_of AS "retryOf", (SELECT min(r.id) FROM payout_line r WHERE r.retry_of = l.id) AS "retriedBy",
    l.village_code AS "villageCode", l.updated_at AS "updatedAt"
  FROM payout_line l JOIN claim c ON c.id = l.claim_id JOIN claim_payee y ON y.id = l.payee_id LEFT JOIN person p ON p.id = c.person_id`;

type LineRow = Omit<PayoutLine, 'updatedAt'> & { updatedAt: Date | string };
const lineOf = (r: LineRow): PayoutLine => ({ ...r, updatedAt: iso(r.updatedAt)! });

const BATCH_SELECT = `SELECT b.id, b.status, b.lines, b.amount, b.area_code AS "areaCode", a.name AS "areaName", b.created_by_label AS "createdBy",
    b.created_at AS "createdAt", b.confirmed_at AS "confirmedAt", b.confirmed_by_label AS "confirmedBy", b.confirmation_sha256 AS "confirmationSha256",
    (SELECT count(*)::int FROM payout_line r WHERE r.batch_id = b.id AND r.retry_of IS NOT NULL) AS retries
  FROM payout_batch b LEFT JOIN area a ON a.code = b.area_code`;

type BatchRow = Omit<PayoutBatchSummary, 'counts' | 'createdAt' | 'confirmedAt'> & { createdAt: Date | string; confirmedAt: Date | string | null };

async function countsOf(tx: Queryable, ids: number[]): Promise<Map<number, StatusCounts>> {
  const out = new Map<number, StatusCounts>(ids.map((id) => [id, emptyCounts()]));
  if (!ids.length) return out;
  const rows = await tx.query<{ batch_id: number; status: PayoutLineStatus; lines: number; amount: number }>(
    `SELECT batch_id, status, count(*)::int AS lines, sum(amount)::bigint AS amount FROM payout_line WHERE batch_id = ANY($1::bigint[]) GROUP BY 1, 2`,
    [ids],
  );
  for (const r of rows) out.get(r.batch_id)![r.status] = { lines: r.lines, amount: r.amount };
  return out;
}

function batchNotFound(id: number): UserError {
  return new UserError('not_found', 'payout_batch_unknown', { id: `Batch pembayaran #${id} tidak ada (atau di luar wilayah Anda).`, en: `There is no payout batch #${id} (or it is outside your area).` });
}

export async function getPayoutBatchSummary(tx: Queryable, id: number): Promise<PayoutBatchSummary> {
  const [r] = await tx.query<BatchRow>(`${BATCH_SELECT} WHERE b.id = $1`, [id]);
  if (!r) throw batchNotFound(id);
  const counts = await countsOf(tx, [id]);
  return { ...r, createdAt: iso(r.createdAt)!, confirmedAt: iso(r.confirmedAt), counts: counts.get(id)! };
}

export async function getPayoutBatch(tx: Queryable, id: number): Promise<PayoutBatch> {
  const summary = await getPayoutBatchSummary(tx, id);
  const items = await tx.query<LineRow>(`${LINE_SELECT} WHERE l.batch_id = $1 ORDER BY l.id`, [id]);
  return { ...summary, items: items.map(lineOf) };
}

export async function listPayoutBatches(tx: Queryable, opts: { status?: 'open' | 'confirmed'; limit?: number } = {}): Promise<PayoutBatchSummary[]> {
  const rows = await tx.query<BatchRow>(
    `${BATCH_SELECT} WHERE ($1::text IS NULL OR b.status = $1) ORDER BY b.id DESC LIMIT $2`,
    [opts.status ?? null, Math.min(Math.max(opts.limit ?? 100, 1), 1000)],
  );
  const counts = await countsOf(tx, rows.map((r) => r.id));
  return rows.map((r) => ({ ...r, createdAt: iso(r.createdAt)!, confirmedAt: iso(r.confirmedAt), counts: counts.get(r.id)! }));
}

/**
 * Failed or reversed transfers nobody has retried yet: the payee still waits for the money.
 * The newest line of each payee, when it failed or was reversed.
 */
export async function retryQueue(tx: Queryable, area: string | null = null): Promise<PayoutLine[]> {
  const rows = await tx.query<LineRow>(
    `${LINE_SELECT}
      WHERE l.status IN ('failed', 'reversed')
        AND NOT EXISTS (SELECT 1 FROM payout_line n WHERE n.payee_id = l.payee_id AND n.id > l.id)
        AND ($1::text IS NULL OR l.village_code = $1 OR starts_with(l.village_code, $1 || '.'))
      ORDER BY l.id`,
    [area],
  );
  return rows.map(lineOf);
}

/** READY_SELECT's row: the ready claim before its amount and date are settled and its problems derived. */
interface ReadyRow extends Omit<ReadyClaim, 'approvedAmount' | 'decidedAt' | 'problems'> {
  approvedAmount: number | null;
  decidedAt: Date | string | null;
  payeeTotal: number;
  badAccounts: string[] | null;
  status: string;
}

const READY_SELECT = `SELECT c.id AS "claimId", c.claim_no AS "claimNo", c.type, coalesce(p.full_name, '—') AS "memberName", c.village_code AS "villageCode",
    c.regency_code AS "regencyCode", c.approved_amount AS "approvedAmount", c.decided_at AS "decidedAt", c.status,
    count(y.id)::int AS payees, coalesce(sum(y.amount), 0)::bigint AS "payeeTotal",
    count(y.id) FILTER (WHERE NOT EXISTS (SELECT 1 FROM payout_line l WHERE l.payee_id = y.id))::int AS unsent,
    coalesce(sum(y.amount) FILTER (WHERE NOT EXISTS (SELECT 1 FROM payout_line l WHERE l.payee_id = y.id)), 0)::bigint AS "unsentAmount",
    array_agg(y.full_name ORDER BY y.id) FILTER (WHERE y.bank_account !~ '^[0-9]{6,20}$' OR btrim(y.account_holder) = '') AS "badAccounts"
  FROM claim c LEFT JOIN person p ON p.id = c.person_id LEFT JOIN claim_payee y ON y.claim_id = c.id`;

function readyProblems(r: ReadyRow): Message[] {
  const out: Message[] = [];
  if (r.status !== 'approved') {
    out.push({ id: `klaim berstatus "${r.status}", hanya klaim yang disetujui yang dibayar`, en: `the claim is "${r.status}"; only approved claims are paid` });
    return out;
  }
  if (r.payees === 0) {
    out.push({ id: 'belum ada penerima (ahli waris atau peserta) yang ditetapkan pada keputusan klaim', en: 'no payee (heir or member) was fixed by the claim\'s decision' });
    return out;
  }
  if (r.approvedAmount === null || r.payeeTotal !== r.approvedAmount) {
    out.push({
      id: `bagian para penerima berjumlah ${formatRupiah(r.payeeTotal, 'id')}, tidak sama dengan nilai yang disetujui ${r.approvedAmount === null ? '(kosong)' : formatRupiah(r.approvedAmount, 'id')}`,
      en: `the payees' shares add up to ${formatRupiah(r.payeeTotal, 'en')}, not the approved ${r.approvedAmount === null ? '(none)' : formatRupiah(r.approvedAmount, 'en')}`,
    });
  }
  if (r.badAccounts?.length) {
    out.push({
      id: `rekening ${r.badAccounts.join(', ')} tidak lengkap (nomor 6–20 angka dan nama pemilik wajib)`,
      en: `the account of ${r.badAccounts.join(', ')} is incomplete (a 6–20 digit number and the holder's name are required)`,
    });
  }
  if (r.unsent === 0) {
    out.push({ id: 'semua penerimanya sudah ada di batch pembayaran', en: 'all its payees are already in a payout batch' });
  }
  return out;
}

function readyOf(r: ReadyRow): ReadyClaim {
  return {
    claimId: r.claimId, claimNo: r.claimNo, type: r.type, memberName: r.memberName, villageCode: r.villageCode, regencyCode: r.regencyCode,
    approvedAmount: r.approvedAmount ?? 0, decidedAt: iso(r.decidedAt), payees: r.payees, unsent: r.unsent, unsentAmount: r.unsentAmount,
    problems: readyProblems(r),
  };
}

/**
 * Approved claims with at least one payee not yet in any batch (or with no payee at all, which is
 * a problem to show), oldest decision first.
 */
export async function readyClaims(tx: Queryable, area: string | null = null): Promise<ReadyClaim[]> {
  const rows = await tx.query<ReadyRow>(
    `${READY_SELECT}
      WHERE c.status = 'approved' AND ($1::text IS NULL OR c.village_code = $1 OR starts_with(c.village_code, $1 || '.'))
      GROUP BY c.id, p.full_name
     HAVING count(y.id) = 0 OR count(y.id) FILTER (WHERE NOT EXISTS (SELECT 1 FROM payout_line l WHERE l.payee_id = y.id)) > 0
      ORDER BY c.decided_at NULLS LAST, c.id`,
    [area],
  );
  return rows.map(readyOf);
}

// ---------------------------------------------------------------------------
// Making batches

/** The smallest regency or province holding every village: the batch's area (who sees it). */
function commonArea(villages: readonly string[]): string | null {
  const regencies = new Set(villages.map((v) => v.slice(0, 5)));
  if (regencies.size === 1) return [...regencies][0]!;
  const provinces = new Set(villages.map((v) => v.slice(0, 2)));
  return provinces.size === 1 ? [...provinces][0]! : null;
}

const within = (code: string, area: string) => code === area || code.startsWith(`${area}.`);

async function batchArea(tx: Queryable, villages: readonly string[], given: string | null | undefined): Promise<string> {
  if (given) {
    const [a] = await tx.query<{ code: string }>('SELECT code FROM area WHERE code = $1', [given]);
    if (!a) throw new UserError('invalid', 'area_unknown', { id: `Wilayah "${given}" tidak dikenal.`, en: `Area "${given}" is unknown.` });
    if (!(await inScope(tx, given))) {
      throw new UserError('forbidden', 'area_out_of_scope', { id: `Wilayah ${given} di luar wilayah kerja Anda.`, en: `Area ${given} is outside your area.` });
    }
    const outside = villages.filter((v) => !within(v, given));
    if (outside.length) {
      throw new UserError('invalid', 'payout_outside_area', {
        id: `Ada klaim di luar wilayah ${given} (desa ${[...new Set(outside)].slice(0, 5).join(', ')}); satu batch hanya memuat klaim dari wilayahnya.`,
        en: `Some claims lie outside area ${given} (villages ${[...new Set(outside)].slice(0, 5).join(', ')}); a batch holds only claims of its area.`,
      });
    }
    return given;
  }
  const area = commonArea(villages);
  if (!area) {
    throw new UserError('invalid', 'payout_many_provinces', {
      id: 'Klaim-klaim ini berasal dari lebih dari satu provinsi; buat satu batch per provinsi (sebutkan wilayahnya).',
      en: 'These claims come from more than one province; make one batch per province (give the area).',
    });
  }
  return area;
}

interface Entry {
  claimId: number;
  payeeId: number;
  amount: number;
  bankAccount: string;
  villageCode: string;
  retryOf: number | null;
}

function twice(e: unknown): never {
  // Another batch took the same payee between our check and our insert: the index decided.
  if (e instanceof DbError && e.code === '23505' && e.constraint === 'payout_line_once') {
    throw new UserError('conflict', 'payout_twice', {
      id: 'Salah satu penerima baru saja dimasukkan ke batch lain (oleh pengguna lain). Tidak ada yang disimpan; muat ulang daftar dan coba lagi.',
      en: 'One of the payees was just put into another batch (by another user). Nothing was saved; reload the list and try again.',
    });
  }
  throw e;
}

async function insertBatch(tx: Queryable, area: string, entries: readonly Entry[], label: string): Promise<number> {
  const total = entries.reduce((s, e) => s + e.amount, 0);
  const [b] = await tx.query<{ id: number }>(
    'INSERT INTO payout_batch (lines, amount, area_code, created_by_label) VALUES ($1, $2, $3, $4) RETURNING id',
    [entries.length, total, area, label],
  );
  try {
    // The reference is made from the line's own id, so it is unique and names exactly one line.
    await tx.query(
      `INSERT INTO payout_line (id, batch_id, claim_id, payee_id, reference, amount, bank_account, retry_of, village_code)
       SELECT n, $1, claim_id, payee_id, 'LDG' || lpad(n::text, 9, '0'), amount, bank_account, retry_of, village_code
         FROM (SELECT nextval('payout_line_id_seq') AS n, u.*
                 FROM (SELECT * FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[], $7::text[])
                         WITH ORDINALITY AS x(claim_id, payee_id, amount, bank_account, retry_of, village_code, ord) ORDER BY ord) u) s`,
      [b!.id, entries.map((e) => e.claimId), entries.map((e) => e.payeeId), entries.map((e) => e.amount), entries.map((e) => e.bankAccount), entries.map((e) => e.retryOf), entries.map((e) => e.villageCode)],
    );
  } catch (e) {
    twice(e);
  }
  return b!.id;
}

/**
 * Sets each claim's status from its payees' transfers (approved / paid / confirmed), with paid_at
 * and confirmed_at; returns the claims that changed.
 */
export async function settleClaims(tx: Queryable, claimIds: readonly number[]): Promise<ClaimChange[]> {
  if (!claimIds.length) return [];
  const rows = await tx.query<{ id: number; claim_no: string; status: string; payee_id: number | null; active: PayoutLineStatus | null }>(
    `SELECT c.id, c.claim_no, c.status, y.id AS payee_id,
            (SELECT l.status FROM payout_line l WHERE l.payee_id = y.id AND l.status IN ('sent', 'success') ORDER BY l.id DESC LIMIT 1) AS active
       FROM claim c LEFT JOIN claim_payee y ON y.claim_id = c.id
      WHERE c.id = ANY($1::bigint[]) AND c.status IN ('approved', 'paid', 'confirmed')
      ORDER BY c.id, y.id`,
    [[...new Set(claimIds)]],
  );
  const byClaim = new Map<number, { claimNo: string; status: string; payees: { sentOrSuccess: PayoutLineStatus | null }[] }>();
  for (const r of rows) {
    const c = byClaim.get(r.id) ?? { claimNo: r.claim_no, status: r.status, payees: [] };
    if (r.payee_id !== null) c.payees.push({ sentOrSuccess: r.active });
    byClaim.set(r.id, c);
  }
  const changes: ClaimChange[] = [];
  for (const [id, c] of byClaim) {
    const to = claimPayoutState(c.payees);
    if (to !== c.status) changes.push({ claimId: id, claimNo: c.claimNo, from: c.status, to });
  }
  if (changes.length) {
    await tx.query(
      `UPDATE claim c SET status = x.next,
              paid_at = CASE WHEN x.next = 'approved' THEN NULL WHEN c.status = 'approved' THEN now() ELSE c.paid_at END,
              confirmed_at = CASE WHEN x.next = 'confirmed' THEN now() ELSE NULL END,
              updated_at = now(), version = c.version + 1
         FROM unnest($1::bigint[], $2::text[]) AS x(id, next)
        WHERE c.id = x.id`,
      [changes.map((c) => c.claimId), changes.map((c) => c.to)],
    );
  }
  return changes;
}

export interface CreateBatchOptions {
  /** These claims (all must be ready); none: every ready claim of the area. */
  claimIds?: readonly number[] | null;
  /** The batch's area (inside the user's); default: the smallest regency or province holding the claims. */
  area?: string | null;
}

/**
 * A batch of every payee not yet sent of the chosen approved claims (or of all ready claims in
 * the area); the claims become `paid`. Explicitly chosen claims must all be ready, else nothing is
 * made; "all ready" leaves out the ones with a problem and says why.
 */
export async function createPayoutBatch(tx: Queryable, opts: CreateBatchOptions, label: string): Promise<BatchResult> {
  const explicit = opts.claimIds && opts.claimIds.length > 0 ? [...new Set(opts.claimIds)] : null;
  if (opts.area && !(await inScope(tx, opts.area))) {
    throw new UserError('forbidden', 'area_out_of_scope', { id: `Wilayah ${opts.area} di luar wilayah kerja Anda.`, en: `Area ${opts.area} is outside your area.` });
  }
  // Lock the claims first: a second batch made at the same moment waits here, then sees our lines.
  const locked = await tx.query<{ id: number }>(
    explicit
      ? 'SELECT id FROM claim WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE'
      : `SELECT id FROM claim WHERE status = 'approved' AND ($1::text IS NULL OR village_code = $1 OR starts_with(village_code, $1 || '.')) ORDER BY id FOR UPDATE`,
    [explicit ?? opts.area ?? null],
  );
  const ids = locked.map((r) => r.id);
  if (explicit) {
    const missing = explicit.filter((id) => !ids.includes(id));
    if (missing.length) {
      throw new UserError('not_found', 'claim_unknown', {
        id: `Klaim #${missing.join(', #')} tidak ada (atau di luar wilayah Anda).`,
        en: `There is no claim #${missing.join(', #')} (or it is outside your area).`,
      });
    }
  }
  const rows = ids.length
    ? await tx.query<ReadyRow>(`${READY_SELECT} WHERE c.id = ANY($1::bigint[]) GROUP BY c.id, p.full_name ORDER BY c.decided_at NULLS LAST, c.id`, [ids])
    : [];
  const claims = rows.map(readyOf);
  const bad = claims.filter((c) => c.problems.length > 0);
  if (explicit && bad.length) {
    throw new UserError('invalid', 'payout_claims_not_ready', {
      id: `Batch tidak dibuat (tidak ada yang berubah): ${bad.map((c) => `${c.claimNo}: ${c.problems.map((p) => p.id).join('; ')}`).join(' — ')}.`,
      en: `No batch was made (nothing changed): ${bad.map((c) => `${c.claimNo}: ${c.problems.map((p) => p.en).join('; ')}`).join(' — ')}.`,
    }, { claims: bad.map((c) => ({ claimId: c.claimId, claimNo: c.claimNo, problems: c.problems.map((p) => p.en) })) });
  }
  const good = claims.filter((c) => c.problems.length === 0);
  // "All ready": an approved claim whose payees are all in a batch already is not news, only the others are.
  const skipped = bad.filter((c) => c.unsent > 0 || c.payees === 0).map((c) => ({ claimId: c.claimId, claimNo: c.claimNo, problems: c.problems }));
  if (good.length === 0) {
    throw new UserError('invalid', 'payout_nothing_ready', {
      id: `Tidak ada klaim yang siap dibayar${skipped.length ? `: ${skipped.map((c) => `${c.claimNo}: ${c.problems.map((p) => p.id).join('; ')}`).join(' — ')}` : ' (tidak ada klaim disetujui yang penerimanya belum dikirim)'}.`,
      en: `No claim is ready to be paid${skipped.length ? `: ${skipped.map((c) => `${c.claimNo}: ${c.problems.map((p) => p.en).join('; ')}`).join(' — ')}` : ' (no approved claim has payees not yet sent)'}.`,
    }, { skipped: skipped.map((c) => ({ claimId: c.claimId, claimNo: c.claimNo, problems: c.problems.map((p) => p.en) })) });
  }
  const payees = await tx.query<{ id: number; claim_id: number; amount: number; bank_account: string; village_code: string }>(
    `SELECT y.id, y.claim_id, y.amount, y.bank_account, y.village_code FROM claim_payee y
      WHERE y.claim_id = ANY($1::bigint[]) AND NOT EXISTS (SELECT 1 FROM payout_line l WHERE l.payee_id = y.id)
      ORDER BY array_position($1::bigint[], y.claim_id), y.id`,
    [good.map((c) => c.claimId)],
  );
  const area = await batchArea(tx, good.map((c) => c.villageCode), opts.area);
  const batchId = await insertBatch(tx, area, payees.map((y) => ({ claimId: y.claim_id, payeeId: y.id, amount: y.amount, bankAccount: y.bank_account, villageCode: y.village_code, retryOf: null })), label);
  const changes = await settleClaims(tx, good.map((c) => c.claimId));
  return { ...(await getPayoutBatch(tx, batchId)), claims: changes, skipped };
}

export interface RetryRequest {
  lineId: number;
  /** A corrected account for the payee (the old one is kept on the failed line and in history). */
  bankAccount?: string | null;
  bankName?: string | null;
  accountHolder?: string | null;
}

function lineNotRetryable(lineId: number, why: Message): Message {
  return { id: `baris #${lineId}: ${why.id}`, en: `line #${lineId}: ${why.en}` };
}

/**
 * A new batch retrying failed or reversed transfers, each as a new line pointing at the old one;
 * the account is corrected first where one is given. Only the newest line of a payee can be
 * retried, and only when the payee has nothing sent or paid — so a retry never pays twice.
 */
export async function retryPayouts(tx: Queryable, requests: readonly RetryRequest[], label: string, opts: { area?: string | null } = {}): Promise<BatchResult> {
  if (!requests.length) {
    throw new UserError('invalid', 'retry_nothing', { id: 'Pilih transfer gagal atau dibatalkan yang akan dikirim ulang.', en: 'Choose the failed or reversed transfers to send again.' });
  }
  const ids = requests.map((r) => r.lineId);
  const dup = ids.filter((id, i) => ids.indexOf(id) !== i);
  if (dup.length) throw new UserError('invalid', 'retry_duplicate', { id: `Baris #${dup.join(', #')} disebut dua kali.`, en: `Line #${dup.join(', #')} is named twice.` });
  const lines = await tx.query<{ id: number; claim_id: number; claim_no: string; claim_status: string; payee_id: number; status: PayoutLineStatus; newer: number | null; active: number | null }>(
    `SELECT l.id, l.claim_id, c.claim_no, c.status AS claim_status, l.payee_id, l.status,
            (SELECT max(n.id) FROM payout_line n WHERE n.payee_id = l.payee_id AND n.id > l.id) AS newer,
            (SELECT max(n.id) FROM payout_line n WHERE n.payee_id = l.payee_id AND n.status IN ('sent', 'success')) AS active
       FROM payout_line l JOIN claim c ON c.id = l.claim_id
      WHERE l.id = ANY($1::bigint[])
      ORDER BY l.id
        FOR UPDATE OF l, c`,
    [ids],
  );
  const problems: Message[] = [];
  for (const id of ids.filter((x) => !lines.some((l) => l.id === x))) {
    problems.push(lineNotRetryable(id, { id: 'tidak ada (atau di luar wilayah Anda)', en: 'does not exist (or is outside your area)' }));
  }
  for (const l of lines) {
    if (l.status !== 'failed' && l.status !== 'reversed') {
      problems.push(lineNotRetryable(l.id, { id: `berstatus "${l.status}"; hanya transfer yang gagal atau dibatalkan yang dikirim ulang`, en: `is "${l.status}"; only failed or reversed transfers are sent again` }));
    } else if (l.active !== null) {
      problems.push(lineNotRetryable(l.id, { id: `penerimanya sudah punya transfer #${l.active} yang dikirim atau berhasil`, en: `its payee already has transfer #${l.active} sent or paid` }));
    } else if (l.newer !== null) {
      problems.push(lineNotRetryable(l.id, { id: `sudah dikirim ulang sebagai baris #${l.newer}; kirim ulang baris terbaru itu bila perlu`, en: `was already retried as line #${l.newer}; retry that newest line if needed` }));
    } else if (l.claim_status !== 'approved') {
      problems.push(lineNotRetryable(l.id, { id: `klaim ${l.claim_no} berstatus "${l.claim_status}"`, en: `claim ${l.claim_no} is "${l.claim_status}"` }));
    }
  }
  const corrections = new Map<number, { bankAccount: string | null; bankName: string | null; accountHolder: string | null }>();
  for (const r of requests) {
    const acc = r.bankAccount?.trim() ? normaliseAccount(r.bankAccount) : null;
    const bank = r.bankName?.trim() || null;
    const holder = r.accountHolder?.trim().replace(/\s+/g, ' ') || null;
    if (acc !== null && !ACCOUNT_RE.test(acc)) {
      problems.push(lineNotRetryable(r.lineId, { id: `nomor rekening baru "${r.bankAccount}" harus 6–20 angka`, en: `the new account number "${r.bankAccount}" must be 6–20 digits` }));
    }
    if ((bank?.length ?? 0) > 100 || (holder?.length ?? 0) > 200) {
      problems.push(lineNotRetryable(r.lineId, { id: 'nama bank paling panjang 100 huruf, nama pemilik 200', en: 'the bank name is at most 100 characters, the holder 200' }));
    }
    if (acc !== null || bank !== null || holder !== null) corrections.set(r.lineId, { bankAccount: acc, bankName: bank, accountHolder: holder });
  }
  if (problems.length) {
    throw new UserError('invalid', 'retry_refused', {
      id: `Tidak ada yang dikirim ulang (tidak ada yang berubah): ${problems.map((p) => p.id).join('; ')}.`,
      en: `Nothing was sent again (nothing changed): ${problems.map((p) => p.en).join('; ')}.`,
    }, { problems: problems.map((p) => p.en) });
  }
  for (const l of lines) {
    const c = corrections.get(l.id);
    if (!c) continue;
    await tx.query(
      `UPDATE claim_payee SET bank_account = coalesce($2, bank_account), bank_name = coalesce($3, bank_name), account_holder = coalesce($4, account_holder)
        WHERE id = $1 AND (bank_account, bank_name, account_holder) IS DISTINCT FROM (coalesce($2, bank_account), coalesce($3, bank_name), coalesce($4, account_holder))`,
      [l.payee_id, c.bankAccount, c.bankName, c.accountHolder],
    );
  }
  const payees = await tx.query<{ line_id: number; id: number; claim_id: number; amount: number; bank_account: string; village_code: string }>(
    `SELECT l.id AS line_id, y.id, y.claim_id, l.amount, y.bank_account, y.village_code
       FROM payout_line l JOIN claim_payee y ON y.id = l.payee_id WHERE l.id = ANY($1::bigint[]) ORDER BY l.id`,
    [ids],
  );
  const area = await batchArea(tx, payees.map((p) => p.village_code), opts.area);
  const batchId = await insertBatch(tx, area, payees.map((y) => ({ claimId: y.claim_id, payeeId: y.id, amount: y.amount, bankAccount: y.bank_account, villageCode: y.village_code, retryOf: y.line_id })), label);
  const changes = await settleClaims(tx, payees.map((p) => p.claim_id));
  return { ...(await getPayoutBatch(tx, batchId)), claims: changes, skipped: [] };
}

// ---------------------------------------------------------------------------
// The layout

export interface PayoutLayout {
  columns: LayoutColumn[];
  /** False: nobody has set one, the default is used. */
  configured: boolean;
  updatedBy: string | null;
  updatedAt: string | null;
}

export async function getPayoutLayout(tx: Queryable): Promise<PayoutLayout> {
  const [r] = await tx.query<{ columns: unknown; updated_by_label: string; updated_at: Date | string }>(
    `SELECT columns, updated_by_label, updated_at FROM file_layout WHERE kind = 'bank_payout'`,
  );
  if (!r) return { columns: [...DEFAULT_PAYOUT_LAYOUT], configured: false, updatedBy: null, updatedAt: null };
  return { columns: layoutOrDefault(r.columns), configured: true, updatedBy: r.updated_by_label, updatedAt: iso(r.updated_at) };
}

/** Sets the bank file layout (province-wide: only a national account may). */
export async function setPayoutLayout(tx: Queryable, columns: unknown, label: string): Promise<PayoutLayout> {
  const [n] = await tx.query<{ national: boolean }>('SELECT lindung_scope_is_national() AS national');
  if (!n?.national) {
    throw new UserError('forbidden', 'layout_national_only', {
      id: 'Tata letak berkas bank berlaku untuk semua wilayah; hanya akun tingkat nasional yang dapat mengubahnya.',
      en: 'The bank file layout applies to every area; only a national account may change it.',
    });
  }
  const c = checkLayout(columns);
  if (!c.ok) {
    throw new UserError('invalid', 'layout_invalid', {
      id: `Tata letak tidak disimpan: ${c.problems.map((p) => p.id).join(' ')}`,
      en: `The layout was not saved: ${c.problems.map((p) => p.en).join(' ')}`,
    }, { problems: c.problems.map((p) => p.en) });
  }
  await tx.query(
    `INSERT INTO file_layout (kind, columns, updated_by_label) VALUES ('bank_payout', $1, $2)
     ON CONFLICT (kind) DO UPDATE SET columns = EXCLUDED.columns, updated_by_label = EXCLUDED.updated_by_label, updated_at = now()`,
    [JSON.stringify(c.columns), label],
  );
  return getPayoutLayout(tx);
}
