/**
 * A claim's steps and who may take them (the lifecycle of tmp/claims-brief.md, issue 5 §5).
 *
 *   draft ──complete──▶ documents_complete ──submit──▶ submitted ──approve──▶ approved ─▶ paid ─▶ confirmed
 *     │                        │                           └──reject──▶ rejected
 *     └──withdraw──────────────┴──▶ withdrawn
 *
 * Pure. The maker (village/regency operator, province officer) registers, completes, submits and
 * withdraws; the checker (verifier, province officer, BPJS liaison) decides, and must not be the
 * person who registered or submitted the claim. A claim whose event date was not covered can only
 * be rejected — from any open step, so a family gets its written answer without gathering papers
 * for a benefit that cannot be paid. Payment and confirmation belong to the payouts (payouts.ts).
 */
import { CLAIM_STATUS_LABEL, type ClaimStatus } from './claim-dashboard.js';
import type { Message } from './messages.js';
import type { Permission } from './roles.js';

export const CLAIM_ACTIONS = ['complete', 'submit', 'approve', 'reject', 'withdraw'] as const;
export type ClaimAction = (typeof CLAIM_ACTIONS)[number];

export const ACTION_LABEL: Record<ClaimAction, Message> = {
  complete: { id: 'Nyatakan berkas lengkap', en: 'Mark the file complete' },
  submit: { id: 'Ajukan ke BPJS', en: 'Submit to BPJS' },
  approve: { id: 'Setujui', en: 'Approve' },
  reject: { id: 'Tolak', en: 'Reject' },
  withdraw: { id: 'Batalkan klaim', en: 'Withdraw the claim' },
};

export const ACTION_PERMISSION: Record<ClaimAction, Permission> = {
  complete: 'claims.register',
  submit: 'claims.register',
  withdraw: 'claims.register',
  approve: 'claims.decide',
  reject: 'claims.decide',
};

const FROM: Record<ClaimAction, readonly ClaimStatus[]> = {
  complete: ['draft'],
  submit: ['documents_complete'],
  approve: ['submitted'],
  reject: ['submitted'],
  withdraw: ['draft', 'documents_complete'],
};

/** Open steps from which a claim that was not covered may be rejected at once. */
const UNCOVERED_REJECT_FROM: readonly ClaimStatus[] = ['draft', 'documents_complete', 'submitted'];

export const ACTION_TO: Record<ClaimAction, ClaimStatus> = {
  complete: 'documents_complete',
  submit: 'submitted',
  approve: 'approved',
  reject: 'rejected',
  withdraw: 'withdrawn',
};

/** The statuses a step may start from, for this claim. */
export function actionFrom(action: ClaimAction, covered: boolean): readonly ClaimStatus[] {
  return action === 'reject' && !covered ? UNCOVERED_REJECT_FROM : FROM[action];
}

/** Why the step cannot be taken now; null when it can (people and papers are checked elsewhere). */
export function transitionProblem(action: ClaimAction, status: ClaimStatus, covered: boolean): Message | null {
  if (action === 'approve' && !covered) {
    return {
      id: 'Klaim ini tidak dapat disetujui: peserta tidak dilindungi pada tanggal kejadian. Klaim hanya dapat ditolak, dengan alasan itu.',
      en: 'This claim cannot be approved: the member was not covered on the event date. It can only be rejected, for that reason.',
    };
  }
  const from = actionFrom(action, covered);
  if (from.includes(status)) return null;
  const now = CLAIM_STATUS_LABEL[status];
  const need = { id: from.map((s) => CLAIM_STATUS_LABEL[s].id).join(' atau '), en: from.map((s) => CLAIM_STATUS_LABEL[s].en).join(' or ') };
  return {
    id: `Langkah "${ACTION_LABEL[action].id}" hanya untuk klaim berstatus ${need.id}; klaim ini berstatus ${now.id}.`,
    en: `"${ACTION_LABEL[action].en}" is only for a claim that is ${need.en}; this claim is ${now.en}.`,
  };
}

/** The steps open for a claim in this status (before looking at who asks). */
export function allowedActions(status: ClaimStatus, covered: boolean): ClaimAction[] {
  return CLAIM_ACTIONS.filter((a) => transitionProblem(a, status, covered) === null);
}

export interface Party {
  userId: number | null;
  label: string;
}

function same(a: Party, b: Party | null): boolean {
  if (!b) return false;
  // Accounts compare by id; the command line (no account) by its label.
  if (a.userId !== null || b.userId !== null) return a.userId === b.userId;
  return a.label === b.label;
}

/** Maker-checker: the one who decides is neither the one who registered nor the one who submitted. */
export function makerCheckerProblem(decider: Party, registeredBy: Party, submittedBy: Party | null): Message | null {
  if (same(decider, submittedBy)) {
    return {
      id: `${decider.label} mengajukan klaim ini, jadi tidak boleh memutuskannya sendiri. Keputusan diambil oleh pengguna lain (verifikator, petugas provinsi, atau penghubung BPJS).`,
      en: `${decider.label} submitted this claim, so may not decide it too. Another user (verifier, province officer or BPJS liaison) decides.`,
    };
  }
  if (same(decider, registeredBy)) {
    return {
      id: `${decider.label} mendaftarkan klaim ini, jadi tidak boleh memutuskannya sendiri. Keputusan diambil oleh pengguna lain (verifikator, petugas provinsi, atau penghubung BPJS).`,
      en: `${decider.label} registered this claim, so may not decide it too. Another user (verifier, province officer or BPJS liaison) decides.`,
    };
  }
  return null;
}
