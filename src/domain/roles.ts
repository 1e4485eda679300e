/**
 * Who may do what. Area (which records) is decided by row-level security in the database;
 * this table decides which kinds of work a role may do at all, and which personal fields it
 * needs to see unmasked (UU 27/2022: only where the job needs them).
 */
import type { Message } from './messages.js';

export const ROLES = [
  'admin',
  'province_officer',
  'regency_operator',
  'village_operator',
  'verifier',
  'finance_officer',
  'bpjs_liaison',
  'bank_liaison',
  'assessor',
  'viewer',
] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'registry.read',
  'registry.write',
  'registry.see_nik',
  'registry.see_account',
  'users.manage',
  'audit.read',
  'access_log.read',
  'areas.manage',
  /** Create programmes, allocate and override quotas, import reference statistics. */
  'programmes.manage',
  /** See intake batches and their rows (personal data of the people proposed). */
  'intake.read',
  /** Upload proposals (the maker). */
  'intake.submit',
  /** Decide likely duplicates and approve or return batches (the checker). */
  'intake.approve',
  /** Run monthly bills and record payments (SP2D). */
  'billing.manage',
  /** See submissions to BPJS and the candidates BPJS turned away, with the reason. */
  'enrollment.read',
  /** Download submission files for BPJS and load BPJS's answers (KPJ numbers, rejections). */
  'enrollment.exchange',
  /** Print member cards (names and KPJ numbers) for the hand-over ceremonies. */
  'cards.print',
  /** Record and import the regents' co-funding pledges (Pakta); limited to the area by RLS. */
  'pledges.manage',
  /** See claims of the area: the event, the member, heirs, documents, amounts (personal data). */
  'claims.read',
  /** Register a death or accident, record heirs, upload documents, submit the file (the maker). */
  'claims.register',
  /** Record BPJS's decision on a submitted claim: approved amount or rejection (the checker). */
  'claims.decide',
  /** Make payout batches for Bank NTT from approved claims and download their files. */
  'claims.payout',
  /** Load Bank NTT's confirmation of a payout batch (transfers done, failed or reversed). */
  'claims.confirm',
  /** Benefit tables, public holidays and the bank file layout. */
  'claims.rules',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const MATRIX: Record<Role, readonly Permission[]> = {
  admin: ['registry.read', 'users.manage', 'audit.read', 'access_log.read', 'areas.manage', 'programmes.manage', 'pledges.manage', 'claims.rules'],
  province_officer: ['registry.read', 'registry.write', 'registry.see_nik', 'audit.read', 'programmes.manage', 'intake.read', 'intake.submit', 'intake.approve', 'billing.manage', 'enrollment.read', 'enrollment.exchange', 'cards.print', 'pledges.manage', 'claims.read', 'claims.register', 'claims.decide'],
  regency_operator: ['registry.read', 'registry.write', 'registry.see_nik', 'audit.read', 'intake.read', 'intake.submit', 'enrollment.read', 'cards.print', 'pledges.manage', 'claims.read', 'claims.register'],
  village_operator: ['registry.read', 'registry.write', 'registry.see_nik', 'intake.read', 'intake.submit', 'enrollment.read', 'claims.read', 'claims.register'],
  verifier: ['registry.read', 'registry.see_nik', 'audit.read', 'intake.read', 'intake.approve', 'enrollment.read', 'claims.read', 'claims.decide'],
  finance_officer: ['registry.read', 'registry.see_account', 'billing.manage', 'pledges.manage', 'claims.read', 'claims.payout', 'claims.confirm'],
  // Liaisons see only what is sent to them (submission batches, payment files): not the registry.
  bpjs_liaison: ['enrollment.read', 'enrollment.exchange', 'claims.read', 'claims.decide'],
  bank_liaison: ['claims.confirm'],
  assessor: [],
  viewer: ['registry.read', 'claims.read'],
};

export function can(role: Role, permission: Permission): boolean {
  return MATRIX[role].includes(permission);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export const ROLE_LABEL: Record<Role, Message> = {
  admin: { id: 'Administrator', en: 'Administrator' },
  province_officer: { id: 'Petugas Provinsi', en: 'Province officer' },
  regency_operator: { id: 'Operator Kabupaten/Kota', en: 'Regency operator' },
  village_operator: { id: 'Operator Desa/Kelurahan', en: 'Village operator' },
  verifier: { id: 'Verifikator', en: 'Verifier (checker)' },
  finance_officer: { id: 'Petugas Keuangan', en: 'Finance officer' },
  bpjs_liaison: { id: 'Penghubung BPJS Ketenagakerjaan', en: 'BPJS liaison' },
  bank_liaison: { id: 'Penghubung Bank NTT', en: 'Bank NTT liaison' },
  assessor: { id: 'Penilai Paritrana Award', en: 'Award assessor' },
  viewer: { id: 'Pemantau', en: 'Viewer' },
};
