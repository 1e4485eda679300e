/**
 * The demo's claims: what the 2025 programme's members and their families claimed, through the
 * real claim workflow (registration, heirs' accounts, documents, complete file, submission, BPJS's
 * decision by another user, payout batches to Bank NTT and the bank's confirmation).
 *
 * NTT reported 40 claims paid by December 2025, Rp846 million in total. The story: the members
 * of the 2025 story who died in September (within their first 3 months: Rp10,000,000), members
 * who died later in the year (Rp42,000,000), work accidents (a death, medical care, temporary
 * incapacity, a partial disability), one transfer the bank returned and that was sent again, one
 * death after the member moved away (not covered: rejected), and files still open today — some
 * within the 3 working days, some late, two drafts still missing documents. Dates are set to the
 * story's after each step (the workflow stamps the current time); open files are dated back from
 * today, so the SLA picture is the same whenever the demo is loaded.
 *
 * Only for the synthetic demo: nothing happens without the 2025 story's members, or when the demo's
 * claims exist already. Everything is one transaction.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { todayInNtt } from '../../clock.js';
import type { Db, Queryable } from '../../db/types.js';
import { asSystem } from '../../db/scope.js';
import { addDays } from '../../domain/billing.js';
import type { Party } from '../../domain/claim-workflow.js';
import { requiredDocuments } from '../../domain/claim-documents.js';
import type { ClaimType } from '../../domain/entitlement.js';
import { addWorkingDays, isWorkingDay, type Holidays } from '../../domain/working-days.js';
import { importConfirmation } from './bank-confirmation.js';
import { getClaim, registerClaim } from './claims.js';
import { uploadDocument } from './documents.js';
import { listHeirs, updateHeir } from './heirs-store.js';
import { createPayoutBatch, retryPayouts } from './payouts.js';
import { holidaySet } from './sla.js';
import { completeClaim, decideClaim, submitClaim } from './workflow.js';

const OPERATOR: Party = { userId: null, label: 'demo: operator desa' };
const BPJS: Party = { userId: null, label: 'demo: BPJS Ketenagakerjaan Kupang' };
const FINANCE = 'demo: keuangan Disnakertrans NTT';
const BANK = 'demo: Bank NTT';

/** Where a claim stops in the story. */
type Stage = 'draft' | 'documents_complete' | 'submitted' | 'approved' | 'rejected' | 'confirmed';

interface Plan {
  personId: number;
  type: ClaimType;
  eventDate: string;
  stage: Stage;
  /** The day the file was complete (the SLA starts); paid this many working days later. */
  completeOn: string;
  paidAfter: number;
  /** The bank returns the first transfer (closed account), and it is sent again. */
  bounce?: boolean;
  medicalCost?: number;
  incapacityDays?: number;
  disabilityPercent?: number;
  registerUncovered?: boolean;
}

export interface DemoClaims {
  claims: number;
  confirmed: number;
  paidAmount: number;
  open: number;
}

/** A one-page PDF standing for a scanned document (the workflow checks the content's type). */
function scan(kind: string, claimNo: string): Uint8Array {
  return Buffer.from(`%PDF-1.4\n% Lindung demo: ${kind} for ${claimNo} ${randomBytes(6).toString('hex')}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
}

/** Members of the 2025 story, by what happened to them; spread over the regencies. */
async function storyMembers(tx: Queryable): Promise<{ early: number[]; full: { personId: number; membershipId: number }[]; moved: number[] }> {
  const early = await tx.query<{ person_id: number }>(
    `SELECT m.person_id FROM membership m JOIN programme p ON p.id = m.programme_id JOIN person pe ON pe.id = m.person_id
      WHERE p.code = 'NTT-2025' AND m.ended_reason = 'death' AND pe.synthetic ORDER BY m.regency_code, m.id`,
  );
  const moved = await tx.query<{ person_id: number }>(
    `SELECT m.person_id FROM membership m JOIN programme p ON p.id = m.programme_id JOIN person pe ON pe.id = m.person_id
      WHERE p.code = 'NTT-2025' AND m.ended_reason = 'moved_away' AND pe.synthetic ORDER BY m.id LIMIT 1`,
  );
  // Full-period members with a spouse or children, the first few of each regency (round robin).
  const full = await tx.query<{ person_id: number; membership_id: number }>(
    `SELECT person_id, membership_id FROM (
       SELECT m.person_id, m.id AS membership_id,
              row_number() OVER (PARTITION BY m.regency_code ORDER BY m.id) AS k, m.regency_code
         FROM membership m JOIN programme p ON p.id = m.programme_id JOIN person pe ON pe.id = m.person_id
        WHERE p.code = 'NTT-2025' AND m.ended_reason = 'programme_end' AND m.replaces_membership_id IS NULL AND pe.synthetic
          AND EXISTS (SELECT 1 FROM heir h WHERE h.person_id = m.person_id AND h.relation IN ('suami', 'istri', 'anak'))) x
      WHERE k <= 3 ORDER BY k, regency_code`,
  );
  return {
    early: early.map((r) => Number(r.person_id)),
    full: full.map((r) => ({ personId: Number(r.person_id), membershipId: Number(r.membership_id) })),
    moved: moved.map((r) => Number(r.person_id)),
  };
}

/** A member who died (or whose death the story tells) on `day`: the membership ends that day. */
async function diedOn(tx: Queryable, membershipId: number, day: string): Promise<void> {
  await tx.query(`UPDATE membership SET ended_on = $2, ended_reason = 'death', ended_note = 'Meninggal dunia (cerita demo)' WHERE id = $1`, [membershipId, day]);
  await tx.query('UPDATE coverage_period SET to_date = $2 WHERE membership_id = $1 AND (to_date IS NULL OR to_date > $2)', [membershipId, day]);
}

function plans(m: Awaited<ReturnType<typeof storyMembers>>, today: string, holidays: Holidays): Plan[] {
  /** n working days before today. */
  const back = (n: number) => {
    let d = today;
    for (let i = 0; i < n; d = addDays(d, -1)) if (isWorkingDay(addDays(d, -1), holidays)) i++;
    return d;
  };
  const out: Plan[] = [];
  // Deaths of September (the 2025 story's), paid in October.
  for (const [i, personId] of m.early.slice(0, 10).entries()) {
    out.push({ personId, type: 'jkm_death', eventDate: '2025-09-20', stage: 'confirmed', completeOn: `2025-10-${String(6 + (i % 10)).padStart(2, '0')}`, paidAfter: 2 + (i % 2) });
  }
  const full = [...m.full];
  const take = () => full.shift() ?? null;
  // Later deaths, October to December 2025, paid within the SLA (two of them late, one returned by the bank).
  const later: [string, string, number, boolean?][] = [
    ['2025-10-11', '2025-10-27', 2], ['2025-10-18', '2025-11-03', 3], ['2025-10-25', '2025-11-10', 1], ['2025-11-02', '2025-11-17', 3],
    ['2025-11-08', '2025-11-24', 2], ['2025-11-14', '2025-12-01', 5], ['2025-11-21', '2025-12-08', 3, true], ['2025-11-29', '2025-12-15', 2],
    ['2025-12-03', '2025-12-16', 4], ['2025-12-06', '2025-12-18', 3], ['2025-12-10', '2025-12-22', 2], ['2025-12-13', '2026-01-06', 3],
    ['2025-12-17', '2026-01-12', 2], ['2025-12-20', '2026-01-19', 3], ['2025-12-23', '2026-01-26', 1], ['2025-12-27', '2026-02-02', 2],
  ];
  for (const [eventDate, completeOn, paidAfter, bounce] of later) {
    const f = take();
    if (!f) break;
    out.push({ personId: f.personId, type: 'jkm_death', eventDate, stage: 'confirmed', completeOn, paidAfter, bounce });
  }
  // Work accidents: a fisherman lost at sea, and injuries paid to the members themselves.
  const accidents: Omit<Plan, 'personId'>[] = [
    { type: 'jkk_death', eventDate: '2025-11-05', stage: 'confirmed', completeOn: '2025-11-19', paidAfter: 3 },
    { type: 'jkk_medical', eventDate: '2025-08-14', stage: 'confirmed', completeOn: '2025-09-01', paidAfter: 2, medicalCost: 3_450_000 },
    { type: 'jkk_medical', eventDate: '2025-10-02', stage: 'confirmed', completeOn: '2025-10-20', paidAfter: 3, medicalCost: 1_275_000 },
    { type: 'jkk_temporary', eventDate: '2025-09-09', stage: 'confirmed', completeOn: '2025-10-13', paidAfter: 2, incapacityDays: 30 },
    { type: 'jkk_disability_partial', eventDate: '2025-10-21', stage: 'confirmed', completeOn: '2025-12-02', paidAfter: 3, disabilityPercent: 10 },
  ];
  for (const a of accidents) {
    const f = take();
    if (!f) break;
    out.push({ ...a, personId: f.personId });
  }
  // Registered late by the families (there is no deadline), still open today.
  const open: [Stage, number][] = [['approved', 1], ['submitted', 0], ['documents_complete', 2], ['approved', 7], ['submitted', 9], ['draft', 0], ['draft', 0]];
  for (const [i, [stage, ago]] of open.entries()) {
    const f = take();
    if (!f) break;
    out.push({ personId: f.personId, type: 'jkm_death', eventDate: `2025-12-${String(1 + i * 3).padStart(2, '0')}`, stage, completeOn: back(ago), paidAfter: 0 });
  }
  // Died after moving away (cover had ended): the family gets a written answer, a rejection.
  if (m.moved[0]) out.push({ personId: m.moved[0], type: 'jkm_death', eventDate: '2025-11-10', stage: 'rejected', completeOn: '2025-11-24', paidAfter: 0, registerUncovered: true });
  return out;
}

/** Stamps a step with the story's time (09:00–15:00 WITA on that day). */
const at = (day: string, hour: number) => `${day} ${String(hour).padStart(2, '0')}:00+08`;

export async function ensureDemoClaims(db: Db): Promise<DemoClaims> {
  return asSystem(db, 'demo', async (tx) => {
    const none: DemoClaims = { claims: 0, confirmed: 0, paidAmount: 0, open: 0 };
    const [{ n } = { n: 0 }] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM claim WHERE synthetic`);
    if (n > 0) return none;
    const members = await storyMembers(tx);
    if (members.full.length === 0) return none;
    const today = todayInNtt();
    const holidays = await holidaySet(tx, '2025-01-01', addDays(today, 60), null);
    const story = plans(members, today, holidays);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lindung-demo-claims-'));
    try {
      const paidBatches = new Map<string, number[]>();
      const bounced: number[] = [];
      for (const p of story) {
        const [mem] = await tx.query<{ id: number; ended_reason: string }>(
          `SELECT m.id, m.ended_reason FROM membership m JOIN programme g ON g.id = m.programme_id WHERE g.code = 'NTT-2025' AND m.person_id = $1`, [p.personId]);
        if (mem && mem.ended_reason === 'programme_end') await diedOn(tx, mem.id, p.eventDate);
        const [person] = await tx.query<{ nik: string; full_name: string; bank_account: string | null }>('SELECT nik, full_name, bank_account FROM person WHERE id = $1', [p.personId]);
        if (p.type.startsWith('jkk_') && p.type !== 'jkk_death' && !person!.bank_account) {
          await tx.query(`UPDATE person SET bank_name = 'Bank NTT', bank_account = $2 WHERE id = $1`, [p.personId, `0${String(p.personId).padStart(11, '0')}`]);
        }
        const registeredOn = p.stage === 'draft' ? today : addDays(p.completeOn, -7);
        let c = await registerClaim(tx, {
          nik: person!.nik, type: p.type, eventDate: p.eventDate, eventPlace: p.type === 'jkk_death' ? 'Perairan Laut Sawu' : null,
          description: p.type.startsWith('jkk_') ? 'Kecelakaan saat bekerja (cerita demo)' : 'Meninggal dunia karena sakit (cerita demo)',
          medicalCost: p.medicalCost ?? null, incapacityDays: p.incapacityDays ?? null, disabilityPercent: p.disabilityPercent ?? null,
          registerUncovered: p.registerUncovered,
        }, OPERATOR, registeredOn);
        // The receiving heirs' accounts (Bank NTT savings books opened for the claim).
        for (const h of await listHeirs(tx, p.personId)) {
          if (h.bankAccount || !['suami', 'istri', 'anak', 'ayah', 'ibu'].includes(h.relation)) continue;
          await updateHeir(tx, h.id, h.version, {
            fullName: h.fullName, relation: h.relation, nik: h.nik, birthDate: h.birthDate, proof: 'Surat keterangan ahli waris dari kelurahan/desa',
            bankName: 'Bank NTT', bankAccount: `1${String(h.id).padStart(11, '0')}`, accountHolder: h.fullName, educationLevel: h.educationLevel, deceased: h.deceased,
          // Checked against today, not the story's day: the synthetic families include children born since.
          }, today);
        }
        c = await getClaim(tx, c.id);
        const kinds = c.checklist.items.filter((i) => i.required).map((i) => i.kind);
        // Drafts still lack the heir certificate (or, for the living, the bank book).
        const upload = p.stage === 'draft' ? kinds.filter((k) => k !== 'heir_certificate' && k !== 'bank_book') : kinds.length ? kinds : requiredDocuments(p.type);
        for (const kind of upload) {
          const content = scan(kind, c.claimNo);
          await uploadDocument(tx, c.id, { kind, fileName: `${kind}.pdf`, content, sizeBytes: content.length }, OPERATOR.label);
        }
        const stamps: Record<string, string | null> = { created_at: at(registeredOn, 9) };
        if (p.stage !== 'draft') {
          await completeClaim(tx, c.id, OPERATOR);
          stamps.documents_complete_at = at(p.completeOn, 10);
          if (p.stage !== 'documents_complete') {
            await submitClaim(tx, c.id, OPERATOR);
            stamps.submitted_at = at(p.completeOn, 11);
          }
          if (p.stage === 'rejected') {
            await decideClaim(tx, c.id, { decision: 'reject', reason: 'Kepesertaan sudah berakhir (pindah domisili) sebelum tanggal kematian; kejadian tidak dalam masa perlindungan.' }, BPJS);
            stamps.decided_at = at(addWorkingDays(p.completeOn, 1, holidays), 14);
          } else if (p.stage === 'approved' || p.stage === 'confirmed') {
            await decideClaim(tx, c.id, { decision: 'approve' }, BPJS);
            stamps.decided_at = at(p.stage === 'confirmed' ? addWorkingDays(p.completeOn, Math.max(1, p.paidAfter - 1), holidays) : p.completeOn, 14);
          }
        }
        await tx.query(
          `UPDATE claim SET synthetic = true, created_at = coalesce($2::timestamptz, created_at), documents_complete_at = coalesce($3::timestamptz, documents_complete_at),
                  submitted_at = coalesce($4::timestamptz, submitted_at), decided_at = coalesce($5::timestamptz, decided_at)
            WHERE id = $1`,
          [c.id, stamps.created_at ?? null, stamps.documents_complete_at ?? null, stamps.submitted_at ?? null, stamps.decided_at ?? null],
        );
        if (stamps.documents_complete_at) {
          await tx.query('UPDATE claim SET sla_due = $2 WHERE id = $1', [c.id, addWorkingDays(p.completeOn, 3, holidays)]);
        }
        if (p.stage === 'confirmed') {
          const payDay = addWorkingDays(p.completeOn, p.paidAfter, holidays);
          paidBatches.set(payDay, [...(paidBatches.get(payDay) ?? []), c.id]);
          if (p.bounce) bounced.push(c.id);
        }
      }
      // Payouts: one batch per payment day, confirmed by the bank the same day.
      for (const [day, claimIds] of [...paidBatches.entries()].sort()) {
        const batch = await createPayoutBatch(tx, { claimIds }, FINANCE);
        const lines = await tx.query<{ id: number; reference: string; claim_id: number; amount: number }>(
          'SELECT id, reference, claim_id, amount FROM payout_line WHERE batch_id = $1 ORDER BY id', [batch.id]);
        const file = path.join(dir, `konfirmasi-${batch.id}.csv`);
        const bounce = (l: { claim_id: number }) => bounced.includes(Number(l.claim_id));
        fs.writeFileSync(file, ['Referensi;Status;Referensi Bank;Keterangan', ...lines.map((l, i) =>
          `${l.reference};${bounce(l) ? 'GAGAL' : 'BERHASIL'};${bounce(l) ? '' : `NTT${day.replace(/-/g, '')}${String(i + 1).padStart(5, '0')}`};${bounce(l) ? 'Rekening tidak aktif' : ''}`)].join('\n'));
        await importConfirmation(tx, batch.id, file, { fileName: path.basename(file) }, BANK);
        await tx.query(`UPDATE payout_batch SET created_at = $2, confirmed_at = CASE WHEN confirmed_at IS NULL THEN NULL ELSE $3::timestamptz END WHERE id = $1`, [batch.id, at(day, 9), at(day, 15)]);
        await tx.query(`UPDATE claim SET paid_at = $2, confirmed_at = CASE WHEN status = 'confirmed' THEN $3::timestamptz END WHERE id = ANY($1::bigint[])`, [claimIds, at(day, 9), at(day, 15)]);
        // The returned transfer goes again two working days later, to the corrected account.
        const failed = lines.filter(bounce);
        if (failed.length) {
          const again = addWorkingDays(day, 2, holidays);
          const retry = await retryPayouts(tx, failed.map((l) => ({ lineId: Number(l.id), bankAccount: `2${String(l.id).padStart(11, '0')}` })), FINANCE);
          const retryLines = await tx.query<{ reference: string }>('SELECT reference FROM payout_line WHERE batch_id = $1 ORDER BY id', [retry.id]);
          const retryFile = path.join(dir, `konfirmasi-${retry.id}.csv`);
          fs.writeFileSync(retryFile, ['Referensi;Status;Referensi Bank', ...retryLines.map((l, i) => `${l.reference};BERHASIL;NTT${again.replace(/-/g, '')}9${String(i + 1).padStart(4, '0')}`)].join('\n'));
          await importConfirmation(tx, retry.id, retryFile, { fileName: path.basename(retryFile) }, BANK);
          await tx.query(`UPDATE payout_batch SET created_at = $2, confirmed_at = $3 WHERE id = $1`, [retry.id, at(again, 9), at(again, 15)]);
          await tx.query(`UPDATE claim SET paid_at = $2, confirmed_at = $3 WHERE id = ANY($1::bigint[])`, [failed.map((l) => Number(l.claim_id)), at(again, 9), at(again, 15)]);
        }
      }
      const [totals] = await tx.query<{ claims: number; confirmed: number; paid: number; open: number }>(
        `SELECT count(*)::int AS claims, count(*) FILTER (WHERE status = 'confirmed')::int AS confirmed,
                coalesce(sum(approved_amount) FILTER (WHERE status = 'confirmed'), 0)::bigint AS paid,
                count(*) FILTER (WHERE status IN ('draft', 'documents_complete', 'submitted', 'approved'))::int AS open
           FROM claim WHERE synthetic`,
      );
      return { claims: totals!.claims, confirmed: totals!.confirmed, paidAmount: Number(totals!.paid), open: totals!.open };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
