/**
 * A membership's state and why it ended, in words: the same wording on every screen, in the CLI
 * and in the API, so "non-aktif (menunggak)" means one thing everywhere.
 *
 * Pure: no I/O.
 */
import type { Message } from './messages.js';
import type { MembershipState } from './coverage.js';

export const MEMBERSHIP_STATES: readonly MembershipState[] = ['waiting', 'candidate', 'submitted', 'active', 'lapsed', 'ended'];

export const STATE_LABEL: Record<MembershipState, Message> = {
  waiting: { id: 'daftar tunggu', en: 'waiting list' },
  candidate: { id: 'calon peserta', en: 'candidate' },
  submitted: { id: 'diajukan ke BPJS', en: 'submitted to BPJS' },
  active: { id: 'aktif', en: 'active' },
  lapsed: { id: 'non-aktif (menunggak)', en: 'lapsed (contributions unpaid)' },
  ended: { id: 'berhenti', en: 'ended' },
};

/** Why a person leaves a programme (what an operator may record); `programme_end` is the system's. */
export const ENDED_REASONS = ['death', 'moved_away', 'wage_earner', 'age_limit', 'duplicate', 'withdrawn'] as const;
export type EndedReason = (typeof ENDED_REASONS)[number];

export const ENDED_REASON_LABEL: Record<EndedReason | 'programme_end', Message> = {
  death: { id: 'meninggal dunia', en: 'died' },
  moved_away: { id: 'pindah domisili', en: 'moved away' },
  wage_earner: { id: 'menjadi pekerja penerima upah', en: 'became a wage earner' },
  age_limit: { id: 'melewati batas usia', en: 'reached the age limit' },
  duplicate: { id: 'data ganda', en: 'duplicate record' },
  withdrawn: { id: 'mengundurkan diri', en: 'withdrew' },
  programme_end: { id: 'program berakhir', en: 'programme ended' },
};

export function isEndedReason(value: unknown): value is EndedReason {
  return typeof value === 'string' && (ENDED_REASONS as readonly string[]).includes(value);
}

export function isMembershipState(value: unknown): value is MembershipState {
  return typeof value === 'string' && (MEMBERSHIP_STATES as readonly string[]).includes(value);
}

/** The reason's words; an unknown code (from older data) is shown as it is rather than hidden. */
export function endedReasonLabel(reason: string | null | undefined): Message | null {
  if (!reason) return null;
  return (ENDED_REASON_LABEL as Record<string, Message>)[reason] ?? { id: reason, en: reason };
}

/**
 * A state is one of those that hold a place in the regency's quota. A lapsed membership still
 * holds its place: in this programme the government is the payer, so a lapse is the funder's
 * arrears, not the worker's choice, and paying the arrears brings the person back (domain.md §3).
 * Only an end frees the place for someone on the waiting list.
 */
export const PLACE_HOLDING_STATES: readonly MembershipState[] = ['candidate', 'submitted', 'active', 'lapsed'];
