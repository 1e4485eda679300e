/**
 * The 2025 programme as it happened, for the demo: proposals approved up to each regency's quota,
 * one submission batch per regency answered by BPJS (KPJ numbers, a few rejections), cards printed
 * for the regency ceremonies, members who died or moved away replaced from the waiting list with
 * their own start, six months billed at Rp16,800 and paid by SP2D, and the programme's end.
 *
 * Scale: the registry of a demo of N synthetic workers holds about N/10 of NTT's informal workers,
 * so a demo of 1,000,000 fills the 100,000 places (Rp16,800 × 100,000 × 6 = Rp10,080,000,000) and
 * the default 100,000 fills a tenth of each regency's quota. The memberships are written in
 * their final state in one statement each (one history entry per membership): the demo must load
 * 1,000,000 workers within its time budget. Bills and payments go through the real billing code.
 */
import type { Queryable } from '../../db/types.js';
import { recordPayment, runBilling } from '../enrollment/billing.js';
import type { Programme } from './programmes.js';

const MONTHS = ['2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12'] as const;
/** Of 1,000 submitted, BPJS turned away 4 (the NIK unknown to Dukcapil) in this story. */
const REJECTED_PER_MILLE = 4;
/** Of 1,000 members, 3 died or moved away in September and were replaced from October. */
const ENDED_PER_MILLE = 3;

export interface DemoHistory {
  members: number;
  rejected: number;
  replaced: number;
  billed: number;
  paid: number;
}

export async function demoHistory2025(tx: Queryable, p: Programme, syntheticWorkers: number): Promise<DemoHistory> {
  const none: DemoHistory = { members: 0, rejected: 0, replaced: 0, billed: 0, paid: 0 };
  // Without synthetic workers (a real registry, or the tests' own people) there is no story to tell.
  if (syntheticWorkers === 0) return none;
  const share = Math.min(1, syntheticWorkers / 1_000_000);
  // Ranked as intake ranks them; the places (and a replacement reserve) per regency.
  await tx.query(
    `CREATE TEMP TABLE demo_2025 ON COMMIT DROP AS
     WITH ranked AS (
       SELECT p.id, p.village_code, p.regency_code,
              row_number() OVER (PARTITION BY p.regency_code ORDER BY p.extreme_poor DESC, p.disability DESC, p.dtsen_decile ASC NULLS LAST, p.birth_date, p.nik COLLATE "C") AS rk
         FROM person p
        WHERE p.synthetic AND p.occupation IS NOT NULL AND (p.dtsen_decile <= 5 OR p.extreme_poor OR p.disability)
          AND p.birth_date BETWEEN date '1960-07-02' AND date '2007-07-01'
          AND NOT EXISTS (SELECT 1 FROM bpjs_participant b WHERE b.nik = p.nik AND b.active))
     SELECT r.id AS person_id, r.village_code, r.regency_code, r.rk, floor(q.quota * $2::numeric)::int AS places
       FROM ranked r JOIN programme_quota q ON q.programme_id = $1 AND q.regency_code = r.regency_code
      WHERE r.rk <= floor(q.quota * $2::numeric) + greatest(10, floor(q.quota * $2::numeric * 0.01))`,
    [p.id, share],
  );
  await tx.query(
    `INSERT INTO submission_batch (programme_id, area_code, status, lines, accepted, rejected, created_by_label, created_at, answered_at)
     SELECT $1, regency_code, 'answered', count(*), count(*) FILTER (WHERE rk % 1000 >= $2), count(*) FILTER (WHERE rk % 1000 < $2),
            'demo', timestamptz '2025-06-20 09:00+08', timestamptz '2025-06-27 15:00+08'
       FROM demo_2025 WHERE rk <= places GROUP BY regency_code ORDER BY regency_code`,
    [p.id, REJECTED_PER_MILLE],
  );
  // The members, as the year left them. KPJ numbers are synthetic (11 digits, never real ones).
  const [members] = await tx.query<{ members: number; rejected: number }>(
    `WITH ins AS (
       INSERT INTO membership (programme_id, person_id, state, village_code, decided_by, kpj, submission_batch_id, effective_date, coverage_start,
                               ended_on, ended_reason, rejection_reason, card_token)
       SELECT $1, d.person_id, 'ended', d.village_code, 'demo',
              CASE WHEN d.rk % 1000 >= $2 THEN '25' || lpad(d.person_id::text, 9, '0') END,
              s.id,
              CASE WHEN d.rk % 1000 >= $2 THEN date '2025-07-01' END,
              CASE WHEN d.rk % 1000 >= $2 THEN date '2025-07-01' END,
              CASE WHEN d.rk % 1000 < $2 THEN date '2025-06-27' WHEN d.rk % 1000 BETWEEN $2 AND $2 + $3 - 1 THEN date '2025-09-20' ELSE date '2025-12-31' END,
              CASE WHEN d.rk % 1000 < $2 THEN 'withdrawn' WHEN d.rk % 1000 BETWEEN $2 AND $2 + $3 - 1 THEN (CASE WHEN d.rk % 2 = 0 THEN 'death' ELSE 'moved_away' END) ELSE 'programme_end' END,
              CASE WHEN d.rk % 1000 < $2 THEN 'NIK tidak ditemukan pada data Dukcapil' END,
              CASE WHEN d.rk % 1000 >= $2 THEN replace(gen_random_uuid()::text, '-', '') END
         FROM demo_2025 d JOIN submission_batch s ON s.programme_id = $1 AND s.area_code = d.regency_code
        WHERE d.rk <= d.places
       RETURNING state, kpj)
     SELECT count(*) FILTER (WHERE kpj IS NOT NULL)::int AS members, count(*) FILTER (WHERE kpj IS NULL)::int AS rejected FROM ins`,
    [p.id, REJECTED_PER_MILLE, ENDED_PER_MILLE],
  );
  await tx.query(
    `INSERT INTO submission_line (batch_id, line_no, membership_id, result, kpj, effective_date, reason)
     SELECT m.submission_batch_id, row_number() OVER (PARTITION BY m.submission_batch_id ORDER BY m.id), m.id,
            CASE WHEN m.kpj IS NULL THEN 'rejected' ELSE 'accepted' END, m.kpj, m.effective_date, m.rejection_reason
       FROM membership m WHERE m.programme_id = $1`,
    [p.id],
  );
  // Each freed place goes to the next on the regency's waiting list, with its own start: places of
  // people BPJS turned away from July (a second batch in June), places of the dead and the moved
  // away from October (a batch in September).
  const [replaced] = await tx.query<{ n: number }>(
    `WITH freed AS (
       SELECT m.id, m.regency_code, m.kpj IS NULL AS rejected, row_number() OVER (PARTITION BY m.regency_code ORDER BY m.kpj IS NOT NULL, m.id) AS k
         FROM membership m WHERE m.programme_id = $1 AND m.ended_reason IN ('withdrawn', 'death', 'moved_away')),
     reserve AS (
       SELECT d.*, row_number() OVER (PARTITION BY d.regency_code ORDER BY d.rk) AS k FROM demo_2025 d WHERE d.rk > d.places),
     batches AS (
       INSERT INTO submission_batch (programme_id, area_code, status, lines, accepted, rejected, created_by_label, created_at, answered_at)
       SELECT $1, '53', 'answered', count(*), count(*), 0, 'demo', t.made, t.made + interval '5 days'
         FROM freed f JOIN reserve r ON r.regency_code = f.regency_code AND r.k = f.k
         CROSS JOIN LATERAL (SELECT CASE WHEN f.rejected THEN timestamptz '2025-06-28 09:00+08' ELSE timestamptz '2025-09-24 09:00+08' END AS made) t
        GROUP BY t.made RETURNING id, created_at),
     ins AS (
       INSERT INTO membership (programme_id, person_id, state, village_code, decided_by, kpj, submission_batch_id, effective_date, coverage_start,
                               ended_on, ended_reason, replaces_membership_id, card_token)
       SELECT $1, r.person_id, 'ended', r.village_code, 'demo', '25' || lpad(r.person_id::text, 9, '0'),
              (SELECT b.id FROM batches b WHERE (b.created_at < timestamptz '2025-07-01') = f.rejected),
              x.start, x.start, date '2025-12-31', 'programme_end', f.id, replace(gen_random_uuid()::text, '-', '')
         FROM freed f JOIN reserve r ON r.regency_code = f.regency_code AND r.k = f.k
         CROSS JOIN LATERAL (SELECT CASE WHEN f.rejected THEN date '2025-07-01' ELSE date '2025-10-01' END AS start) x
       RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [p.id],
  );
  await tx.query(
    `INSERT INTO submission_line (batch_id, line_no, membership_id, result, kpj, effective_date)
     SELECT m.submission_batch_id, row_number() OVER (PARTITION BY m.submission_batch_id ORDER BY m.id), m.id, 'accepted', m.kpj, m.effective_date
       FROM membership m WHERE m.programme_id = $1 AND m.replaces_membership_id IS NOT NULL`,
    [p.id],
  );
  await tx.query(
    `INSERT INTO coverage_period (membership_id, from_date, to_date)
     SELECT id, effective_date, ended_on FROM membership WHERE programme_id = $1 AND kpj IS NOT NULL`,
    [p.id],
  );
  await tx.query(
    `INSERT INTO card_print (programme_id, area_code, cards, created_by_label, created_at)
     SELECT $1, regency_code, count(*), 'demo', timestamptz '2025-07-14 10:00+08' FROM membership
      WHERE programme_id = $1 AND card_token IS NOT NULL AND replaces_membership_id IS NULL GROUP BY regency_code ORDER BY regency_code`,
    [p.id],
  );
  let billed = 0;
  let paid = 0;
  for (const [i, month] of MONTHS.entries()) {
    const bill = await runBilling(tx, p, month, 'demo');
    // Paid by SP2D around the 10th, before the due date on the 15th.
    const done = await recordPayment(tx, bill.id, { sp2d: `SP2D-${month.replace('-', '')}-${String(i + 1).padStart(4, '0')}/BKAD-NTT`, paidOn: `${month}-10`, amount: bill.amount }, 'demo');
    billed += bill.amount;
    paid += done.paid;
  }
  return { members: members?.members ?? 0, rejected: members?.rejected ?? 0, replaced: replaced?.n ?? 0, billed, paid };
}
