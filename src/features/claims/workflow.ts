/**
 * A claim's steps: complete the file, submit it to BPJS, decide (approve with payees, or reject),
 * withdraw. Each step is one transaction on a locked claim row, refused with what to do when the
 * claim is not ready; the table's trigger keeps who did what and when.
 *
 * - complete: every document on the checklist is there, and — for a covered claim — the payees
 *   can be named (heirs in the legal order with accounts, or the member's own account). The
 *   entitlement is worked out again (a rule or a coverage record corrected since registration
 *   counts), and the SLA clock starts: due N working days later (sla.ts).
 * - submit: the maker sends the complete file to BPJS.
 * - decide: a different user (maker-checker). Approve fixes the payees (claim_payee) for the
 *   approved amount — at most the entitlement; less needs a note saying why. Reject needs a reason.
 * - withdraw: the maker, before submission, with a reason.
 */
import type { Queryable } from '../../db/types.js';
import type { ClaimStatus } from '../../domain/claim-dashboard.js';
import { DOCUMENT_LABEL } from '../../domain/claim-documents.js';
import { makerCheckerProblem, transitionProblem, type ClaimAction, type Party } from '../../domain/claim-workflow.js';
import { paidToMember } from '../../domain/entitlement.js';
import type { Message } from '../../domain/messages.js';
import { formatRupiah } from '../../domain/money.js';
import { UserError } from '../../domain/user-error.js';
import { getClaim, notFound, planFor, type ClaimDetail } from './claims.js';
import { assessClaim } from './entitlement.js';
import { slaDue } from './sla.js';

export type Decision =
  | { decision: 'approve'; amount?: number | null; note?: string | null }
  | { decision: 'reject'; reason: string };

/** Locks the claim for the step, checks the version the screen showed, and reads it whole. */
async function lockFor(tx: Queryable, id: number, action: ClaimAction, version?: number | null): Promise<ClaimDetail> {
  const [row] = await tx.query<{ version: number; status: ClaimStatus; covered: boolean }>('SELECT version, status, covered FROM claim WHERE id = $1 FOR UPDATE', [id]);
  if (!row) throw notFound(id);
  if (version !== undefined && version !== null && version !== row.version) {
    throw new UserError('conflict', 'claim_stale', {
      id: 'Klaim ini baru saja diubah orang lain. Muat ulang halaman, periksa, lalu ulangi.',
      en: 'This claim was just changed by someone else. Reload the page, check, and try again.',
    });
  }
  const problem = transitionProblem(action, row.status, row.covered);
  if (problem) throw new UserError('conflict', 'claim_step', problem, { status: row.status });
  return getClaim(tx, id);
}

function list(items: Message[]): Message {
  return { id: items.map((m) => `• ${m.id}`).join('\n'), en: items.map((m) => `• ${m.en}`).join('\n') };
}

function text(v: string | null | undefined): string | null {
  return v === null || v === undefined || v.trim() === '' ? null : v.trim();
}

export async function completeClaim(tx: Queryable, id: number, _by: Party, version?: number | null): Promise<ClaimDetail> {
  let c = await lockFor(tx, id, 'complete', version);
  if (!c.checklist.complete) {
    const missing = c.checklist.items.filter((i) => c.checklist.missing.includes(i.kind)).map((i) => (i.because ? { id: `${DOCUMENT_LABEL[i.kind].id} (${i.because.id})`, en: `${DOCUMENT_LABEL[i.kind].en} (${i.because.en})` } : DOCUMENT_LABEL[i.kind]));
    const l = list(missing);
    throw new UserError('invalid', 'documents_missing', {
      id: `Berkas belum lengkap; masih kurang ${missing.length} dokumen:\n${l.id}\nUnggah dokumen itu, lalu nyatakan lengkap lagi.`,
      en: `The file is not complete; ${missing.length} document(s) still missing:\n${l.en}\nUpload them, then mark the file complete again.`,
    }, { missing: c.checklist.missing });
  }

  // Worked out again on the stored facts: a corrected rule or coverage record counts from here.
  const a = await assessClaim(tx, { nik: c.nik, type: c.type, eventDate: c.eventDate, disabilityPercent: c.disabilityPercent, incapacityDays: c.incapacityDays, medicalCost: c.medicalCost });
  if (a.coverage.covered) {
    const plan = planFor(c, a.entitlement.total);
    if (!plan.ok) {
      const blocking = plan.problems.filter((p) => p.blocking).map((p) => p.message);
      const l = list(blocking);
      throw new UserError('invalid', 'payees_unclear', {
        id: `Penerima santunan belum dapat ditetapkan:\n${l.id}\nPerbaiki data ${paidToMember(c.type) ? 'rekening peserta' : 'ahli waris'}, lalu nyatakan lengkap lagi.`,
        en: `Who receives the benefit cannot be settled yet:\n${l.en}\nCorrect the ${paidToMember(c.type) ? 'member\'s account' : 'heirs'}, then mark the file complete again.`,
      }, { problems: plan.problems });
    }
  }
  const [now] = await tx.query<{ at: Date | string }>('SELECT now() AS at');
  const due = await slaDue(tx, now!.at, c.villageCode);
  await tx.query(
    `UPDATE claim SET status = 'documents_complete', documents_complete_at = now(), sla_due = $2,
            membership_id = $3, programme_id = $4, covered = $5, coverage = $6, entitlement = $7, entitled_amount = $8,
            updated_at = now(), version = version + 1
      WHERE id = $1`,
    [id, due, a.coverage.membershipId, a.coverage.programmeId, a.coverage.covered, JSON.stringify(a.coverage), JSON.stringify(a.entitlement), a.entitlement.total],
  );
  c = await getClaim(tx, id);
  return c;
}

export async function submitClaim(tx: Queryable, id: number, by: Party, version?: number | null): Promise<ClaimDetail> {
  await lockFor(tx, id, 'submit', version);
  await tx.query(
    `UPDATE claim SET status = 'submitted', submitted_at = now(), submitted_by_id = $2, submitted_by_label = $3, updated_at = now(), version = version + 1 WHERE id = $1`,
    [id, by.userId, by.label],
  );
  return getClaim(tx, id);
}

export async function withdrawClaim(tx: Queryable, id: number, reason: string, _by: Party, version?: number | null): Promise<ClaimDetail> {
  const why = text(reason);
  if (!why || why.length < 5) {
    throw new UserError('invalid', 'withdraw_reason', { id: 'Tulis alasan pembatalan (paling sedikit 5 huruf), misalnya "keluarga tidak melanjutkan".', en: 'Write why the claim is withdrawn (at least 5 characters), e.g. "the family does not go on".' });
  }
  await lockFor(tx, id, 'withdraw', version);
  await tx.query(`UPDATE claim SET status = 'withdrawn', withdrawn_reason = $2, updated_at = now(), version = version + 1 WHERE id = $1`, [id, why.slice(0, 1000)]);
  return getClaim(tx, id);
}

export async function decideClaim(tx: Queryable, id: number, d: Decision, by: Party, version?: number | null): Promise<ClaimDetail> {
  const c = await lockFor(tx, id, d.decision, version);
  const conflict = makerCheckerProblem(by, { userId: c.registeredById, label: c.registeredBy }, c.submittedBy === null ? null : { userId: c.submittedById, label: c.submittedBy });
  if (conflict) throw new UserError('forbidden', 'maker_checker', conflict);

  if (d.decision === 'reject') {
    const why = text(d.reason);
    if (!why || why.length < 5) {
      throw new UserError('invalid', 'reject_reason', {
        id: 'Tulis alasan penolakan (paling sedikit 5 huruf): alasan itu dikutip dalam surat keputusan kepada keluarga.',
        en: 'Write the reason for the rejection (at least 5 characters): the decision letter to the family quotes it.',
      });
    }
    await tx.query(
      `UPDATE claim SET status = 'rejected', rejection_reason = $2, decided_at = now(), decided_by_id = $3, decided_by_label = $4,
              updated_at = now(), version = version + 1 WHERE id = $1`,
      [id, why.slice(0, 2000), by.userId, by.label],
    );
    return getClaim(tx, id);
  }

  const entitled = c.entitledAmount;
  const amount = d.amount ?? entitled;
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new UserError('invalid', 'approved_amount', {
      id: `Jumlah yang disetujui harus rupiah bulat lebih dari 0, bukan ${String(d.amount)}. Bila BPJS tidak membayar apa pun, tolak klaim dengan alasannya.`,
      en: `The approved amount must be whole rupiah above 0, not ${String(d.amount)}. If BPJS pays nothing, reject the claim with the reason.`,
    });
  }
  if (amount > entitled) {
    throw new UserError('invalid', 'approved_over_entitlement', {
      id: `Jumlah yang disetujui ${formatRupiah(amount, 'id')} melebihi hak menurut aturan, ${formatRupiah(entitled, 'id')}. Bila data klaim (upah, persentase cacat, hari, biaya) keliru, batalkan dan daftarkan ulang dengan data yang benar.`,
      en: `The approved amount ${formatRupiah(amount, 'en')} is more than the rules give, ${formatRupiah(entitled, 'en')}. If the claim's facts (income, disability percentage, days, cost) are wrong, withdraw it and register it again with the right ones.`,
    });
  }
  const note = text(d.note ?? null);
  if (amount < entitled && (!note || note.length < 5)) {
    throw new UserError('invalid', 'approved_below_note', {
      id: `Jumlah yang disetujui ${formatRupiah(amount, 'id')} kurang dari hak menurut aturan, ${formatRupiah(entitled, 'id')}. Tulis alasannya (catatan keputusan): surat keputusan mengutipnya.`,
      en: `The approved amount ${formatRupiah(amount, 'en')} is less than the rules give, ${formatRupiah(entitled, 'en')}. Write why (decision note): the decision letter quotes it.`,
    });
  }

  const plan = planFor(c, amount);
  if (!plan.ok) {
    const l = list(plan.problems.filter((p) => p.blocking).map((p) => p.message));
    throw new UserError('invalid', 'payees_unclear', {
      id: `Klaim belum dapat disetujui karena penerima belum dapat ditetapkan:\n${l.id}`,
      en: `The claim cannot be approved yet because who receives cannot be settled:\n${l.en}`,
    }, { problems: plan.problems });
  }
  if (paidToMember(c.type)) {
    await tx.query(
      `INSERT INTO claim_payee (claim_id, heir_id, full_name, relation, amount, bank_name, bank_account, account_holder, village_code)
       VALUES ($1, NULL, $2, 'peserta', $3, $4, $5, $2, $6)`,
      [id, c.fullName, amount, c.member.bankName, c.member.bankAccount, c.villageCode],
    );
  } else {
    for (const p of plan.payees) {
      await tx.query(
        `INSERT INTO claim_payee (claim_id, heir_id, full_name, relation, amount, bank_name, bank_account, account_holder, village_code)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [id, p.heirId, p.fullName, p.relation, p.amount, p.bankName, p.bankAccount, p.accountHolder, c.villageCode],
      );
    }
  }
  await tx.query(
    `UPDATE claim SET status = 'approved', approved_amount = $2, decision_note = $3, decided_at = now(), decided_by_id = $4, decided_by_label = $5,
            updated_at = now(), version = version + 1 WHERE id = $1`,
    [id, amount, note, by.userId, by.label],
  );
  return getClaim(tx, id);
}

/** One step by name (the API and the screens route every button here). */
export async function claimStep(
  tx: Queryable,
  id: number,
  step: { action: ClaimAction; version?: number | null; amount?: number | null; note?: string | null; reason?: string | null },
  by: Party,
): Promise<ClaimDetail> {
  switch (step.action) {
    case 'complete':
      return completeClaim(tx, id, by, step.version);
    case 'submit':
      return submitClaim(tx, id, by, step.version);
    case 'withdraw':
      return withdrawClaim(tx, id, step.reason ?? '', by, step.version);
    case 'approve':
      return decideClaim(tx, id, { decision: 'approve', amount: step.amount, note: step.note }, by, step.version);
    case 'reject':
      return decideClaim(tx, id, { decision: 'reject', reason: step.reason ?? '' }, by, step.version);
  }
}
