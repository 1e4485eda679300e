/**
 * Claims: registering an event for a member, reading one claim with everything its screen shows,
 * and the list with filters.
 *
 * Registration asks assessClaim (entitlement.ts) at once: was the member covered on the event date,
 * by which programme and funder, and what the rules in force then give. It refuses what cannot be a
 * claim at all — a person who was never covered by any programme, an event in the future, a second
 * death (or a funeral claim beside a death claim) for the same person — and asks for an explicit
 * "register anyway" when the event date was not covered: such a claim can only be rejected, and the
 * family still gets its written answer.
 *
 * Everything runs inside the caller's transaction (row-level security: the member's area).
 */
import type { Param, Queryable } from '../../db/types.js';
import { todayInNtt } from '../../clock.js';
import { formatDate } from '../../domain/billing.js';
import { CLAIM_STATUSES, CLAIM_STATUS_LABEL, isClaimStatus, type ClaimStatus } from '../../domain/claim-dashboard.js';
import { checklist, type Checklist, type DocumentKind } from '../../domain/claim-documents.js';
import { allowedActions, type ClaimAction, type Party } from '../../domain/claim-workflow.js';
import { CLAIM_TYPE_LABEL, CLAIM_TYPES, isClaimType, isDeath, paidToMember, type ClaimType, type Entitlement } from '../../domain/entitlement.js';
import { payeesFor, type PayeePlan } from '../../domain/heirs.js';
import type { Message } from '../../domain/messages.js';
import { UserError } from '../../domain/user-error.js';
import { assessClaim, checkAssessInput, type ClaimAssessment, type ClaimCoverage } from './entitlement.js';
import { listHeirs, type HeirRecord } from './heirs-store.js';
import { isOverdue } from './sla.js';

export interface RegisterInput {
  nik: string;
  type: string;
  eventDate: string;
  eventPlace?: string | null;
  description?: string | null;
  disabilityPercent?: number | null;
  incapacityDays?: number | null;
  medicalCost?: number | null;
  /** Register although the event date was not covered (the claim can then only be rejected). */
  registerUncovered?: boolean;
}

export interface ClaimRow {
  id: number;
  claimNo: string;
  status: ClaimStatus;
  type: ClaimType;
  eventDate: string;
  personId: number;
  fullName: string;
  nik: string;
  villageCode: string;
  villageName: string;
  regencyCode: string;
  regencyName: string;
  covered: boolean;
  entitledAmount: number;
  approvedAmount: number | null;
  slaDue: string | null;
  overdue: boolean;
  createdAt: string;
  registeredBy: string;
}

export interface ClaimDocumentInfo {
  id: number;
  kind: DocumentKind;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: string;
}

export interface ClaimPayeeRow {
  id: number;
  heirId: number | null;
  fullName: string;
  relation: string;
  amount: number;
  bankName: string;
  bankAccount: string;
  accountHolder: string;
}

export interface ClaimTransferRow {
  id: number;
  batchId: number;
  payeeId: number;
  reference: string;
  amount: number;
  status: string;
  bankReference: string | null;
  failureReason: string | null;
  retryOf: number | null;
  updatedAt: string;
}

export interface ClaimHistoryEntry {
  id: number;
  at: string;
  actor: string;
  table: string;
  op: 'I' | 'U' | 'D';
  rowKey: string;
  changes: { field: string; before: unknown; after: unknown }[];
}

export interface ClaimDetail extends ClaimRow {
  eventPlace: string | null;
  description: string | null;
  disabilityPercent: number | null;
  incapacityDays: number | null;
  medicalCost: number | null;
  coverage: ClaimCoverage;
  entitlement: Entitlement;
  member: { sex: 'L' | 'P'; birthDate: string; bankName: string | null; bankAccount: string | null };
  programmeCode: string | null;
  documentsCompleteAt: string | null;
  submittedAt: string | null;
  submittedBy: string | null;
  decidedAt: string | null;
  decidedBy: string | null;
  rejectionReason: string | null;
  decisionNote: string | null;
  paidAt: string | null;
  confirmedAt: string | null;
  withdrawnReason: string | null;
  version: number;
  registeredById: number | null;
  submittedById: number | null;
  documents: ClaimDocumentInfo[];
  checklist: Checklist;
  /** Heirs of the member (death and funeral claims), in the order recorded. */
  heirs: HeirRecord[];
  /** Who would receive what now: heirs in legal order, or the member for benefits to the living. */
  plan: PayeePlan;
  /** Who receives, fixed at approval. */
  payees: ClaimPayeeRow[];
  transfers: ClaimTransferRow[];
  actions: ClaimAction[];
  history: ClaimHistoryEntry[];
}

const today = todayInNtt;

function invalid(code: string, text: Message, extra: Record<string, unknown> = {}): never {
  throw new UserError('invalid', code, text, extra);
}

export function notFound(id: number | string): UserError {
  return new UserError('not_found', 'claim_not_found', { id: `Klaim ${id} tidak ada (atau di luar wilayah Anda).`, en: `Claim ${id} does not exist (or is outside your area).` });
}

/** The facts a type needs, given: the rules cannot be applied without them. */
function checkFacts(input: RegisterInput & { type: ClaimType }): void {
  const need = (ok: boolean, code: string, text: Message) => {
    if (!ok) invalid(code, text);
  };
  if (input.type === 'jkk_disability_partial') {
    need(input.disabilityPercent !== null && input.disabilityPercent !== undefined, 'disability_percent_required', {
      id: 'Cacat sebagian: isi persentase cacat (lebih dari 0 sampai 100) dari surat keterangan dokter.',
      en: 'Partial disability: fill in the disability percentage (above 0 up to 100) from the doctor\'s statement.',
    });
  }
  if (input.type === 'jkk_temporary') {
    need(input.incapacityDays !== null && input.incapacityDays !== undefined, 'incapacity_days_required', {
      id: 'STMB: isi jumlah hari tidak mampu bekerja menurut surat dokter.',
      en: 'Temporary incapacity: fill in the number of days unable to work, from the doctor\'s letter.',
    });
  }
  if (input.type === 'jkk_medical') {
    need(input.medicalCost !== null && input.medicalCost !== undefined, 'medical_cost_required', {
      id: 'Perawatan JKK: isi biaya perawatan (rupiah) menurut kuitansi rumah sakit.',
      en: 'JKK medical care: fill in the medical cost (rupiah) from the hospital receipts.',
    });
  }
  const place = input.eventPlace ?? null;
  if (place !== null && place.length > 200) invalid('event_place_long', { id: 'Tempat kejadian paling banyak 200 huruf.', en: 'The event place is at most 200 characters.' });
  const desc = input.description ?? null;
  if (desc !== null && desc.length > 2000) invalid('description_long', { id: 'Uraian kejadian paling banyak 2000 huruf.', en: 'The description is at most 2000 characters.' });
}

/** Checks the input and assesses it, without storing anything (the registration form's preview, `lindung claims entitlement`). */
export async function previewClaim(tx: Queryable, input: RegisterInput, on = today()): Promise<ClaimAssessment> {
  const type = input.type;
  if (!isClaimType(type)) {
    invalid('claim_type_invalid', {
      id: `Jenis klaim tidak dikenal: "${type}". Pilih salah satu: ${CLAIM_TYPES.join(', ')}.`,
      en: `Unknown claim type: "${type}". Choose one of: ${CLAIM_TYPES.join(', ')}.`,
    });
  }
  const facts = { ...input, type };
  checkAssessInput({ nik: input.nik, type, eventDate: input.eventDate, disabilityPercent: input.disabilityPercent, incapacityDays: input.incapacityDays, medicalCost: input.medicalCost });
  if (input.eventDate > on) {
    invalid('event_in_future', {
      id: `Tanggal kejadian ${formatDate(input.eventDate, 'id')} belum terjadi (hari ini ${formatDate(on, 'id')}). Periksa tanggal pada akta kematian atau laporan kecelakaan.`,
      en: `The event date ${formatDate(input.eventDate, 'en')} is in the future (today is ${formatDate(on, 'en')}). Check the date on the death certificate or accident report.`,
    });
  }
  checkFacts(facts);
  return assessClaim(tx, { nik: input.nik, type, eventDate: input.eventDate, disabilityPercent: input.disabilityPercent ?? null, incapacityDays: input.incapacityDays ?? null, medicalCost: input.medicalCost ?? null });
}

/** A person who never had a covered day in any programme: there is nothing a claim could be paid from. */
async function requireEverCovered(tx: Queryable, a: ClaimAssessment): Promise<void> {
  const [m] = await tx.query<{ covered_ever: boolean; states: string[] | null }>(
    `SELECT EXISTS (SELECT 1 FROM membership m JOIN coverage_period c ON c.membership_id = m.id
                     WHERE m.person_id = $1 AND m.state IN ('active', 'lapsed', 'ended')) AS covered_ever,
            (SELECT array_agg(DISTINCT m.state) FROM membership m WHERE m.person_id = $1) AS states`,
    [a.person.id],
  );
  if (m?.covered_ever) return;
  const pending = (m?.states ?? []).filter((s) => s === 'waiting' || s === 'candidate' || s === 'submitted');
  const why: Message = pending.length
    ? { id: ' Ia baru diusulkan (belum diterima BPJS), jadi belum pernah dilindungi.', en: ' They were only proposed (not yet accepted by BPJS), so never covered.' }
    : { id: '', en: '' };
  throw new UserError('invalid', 'not_a_member', {
    id: `${a.person.fullName} (NIK ${a.person.nik}) tidak pernah menjadi peserta program mana pun: tidak ada masa perlindungan yang tercatat.${why.id} Klaim tidak dapat didaftarkan. Bila ia sebenarnya peserta, periksa NIK pada kartu KPJ.`,
    en: `${a.person.fullName} (NIK ${a.person.nik}) was never a member of any programme: no covered period is recorded.${why.en} A claim cannot be registered. If they are in fact a member, check the NIK on the KPJ card.`,
  }, { assessment: a });
}

/** One death per person; a funeral claim beside a death claim would pay the funeral twice. */
async function requireNoDuplicate(tx: Queryable, personId: number, type: ClaimType): Promise<void> {
  if (!isDeath(type) && type !== 'funeral') return;
  const [other] = await tx.query<{ claim_no: string; type: ClaimType; status: ClaimStatus; event_date: string }>(
    `SELECT claim_no, type, status, event_date FROM claim
      WHERE person_id = $1 AND type IN ('jkm_death', 'jkk_death', 'funeral') AND status NOT IN ('rejected', 'withdrawn')
      ORDER BY id LIMIT 1`,
    [personId],
  );
  if (!other) return;
  const what = CLAIM_TYPE_LABEL[other.type];
  const st = CLAIM_STATUS_LABEL[other.status];
  const funeralNote: Message = type === 'funeral' || other.type === 'funeral'
    ? { id: ' Biaya pemakaman sudah termasuk dalam santunan kematian.', en: ' Funeral costs are part of the death benefit.' }
    : { id: '', en: '' };
  throw new UserError('conflict', 'death_already_claimed', {
    id: `Kematian orang ini sudah diklaim: ${other.claim_no} (${what.id}, kejadian ${formatDate(other.event_date, 'id')}, status ${st.id}). Satu kematian hanya satu klaim.${funeralNote.id} Bila klaim itu keliru, batalkan atau tolak dulu.`,
    en: `This person's death is already claimed: ${other.claim_no} (${what.en}, event ${formatDate(other.event_date, 'en')}, ${st.en}). One death, one claim.${funeralNote.en} If that claim is wrong, withdraw or reject it first.`,
  }, { claimNo: other.claim_no });
}

/** Registers the event for the member: stored as a draft with the coverage answer and the entitlement. */
export async function registerClaim(tx: Queryable, input: RegisterInput, by: Party, on = today()): Promise<ClaimDetail> {
  const a = await previewClaim(tx, input, on);
  await requireEverCovered(tx, a);
  await requireNoDuplicate(tx, a.person.id, a.entitlement.type);
  if (!a.coverage.covered && !input.registerUncovered) {
    const reason = a.coverage.reason ?? { id: 'tidak dilindungi', en: 'not covered' };
    throw new UserError('invalid', 'not_covered', {
      id: `${a.person.fullName} tidak dilindungi pada tanggal kejadian ${formatDate(input.eventDate, 'id')}: ${reason.id} Klaim seperti ini hanya dapat ditolak (tidak ada yang dibayar). Bila keluarga tetap ingin mendapat jawaban tertulis, daftarkan dengan pilihan "daftarkan walaupun tidak dilindungi".`,
      en: `${a.person.fullName} was not covered on the event date ${formatDate(input.eventDate, 'en')}: ${reason.en} Such a claim can only be rejected (nothing is paid). If the family still wants a written answer, register it with "register although not covered".`,
    }, { assessment: a });
  }
  const type = a.entitlement.type;
  let rows: { id: number }[];
  try {
    rows = await tx.query<{ id: number }>(
      `INSERT INTO claim (claim_no, person_id, membership_id, programme_id, type, event_date, event_place, description,
                          disability_percent, incapacity_days, medical_cost, covered, coverage, entitlement, entitled_amount,
                          registered_by_id, registered_by_label, village_code)
       VALUES ('KLM-' || to_char($17::date, 'YYYY') || '-' || lpad(nextval('claim_number')::text, 5, '0'),
               $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $18)
       RETURNING id`,
      [
        a.person.id, a.coverage.membershipId, a.coverage.programmeId, type, input.eventDate, input.eventPlace?.trim() || null, input.description?.trim() || null,
        input.disabilityPercent ?? null, input.incapacityDays ?? null, input.medicalCost ?? null, a.coverage.covered, JSON.stringify(a.coverage),
        JSON.stringify(a.entitlement), a.entitlement.total, by.userId, by.label, on, a.person.villageCode,
      ],
    );
  } catch (e) {
    // Two registrations of the same death at the same moment: the unique index decides (the
    // transaction is spoilt by then, so the message cannot name the other claim).
    if ((e as { code?: string }).code === '23505' && String((e as { message?: string }).message).includes('claim_one_death')) {
      throw new UserError('conflict', 'death_already_claimed', {
        id: 'Kematian orang ini baru saja didaftarkan oleh pengguna lain. Satu kematian hanya satu klaim: cari klaimnya di daftar klaim.',
        en: 'This person\'s death was just registered by another user. One death, one claim: find that claim in the claims list.',
      });
    }
    throw e;
  }
  return getClaim(tx, rows[0]!.id);
}

interface ClaimDbRow {
  id: number; claim_no: string; status: ClaimStatus; type: ClaimType; event_date: string; person_id: number; full_name: string; nik: string;
  village_code: string; village_name: string; regency_code: string; regency_name: string; covered: boolean; entitled_amount: number;
  approved_amount: number | null; sla_due: string | null; created_at: Date | string; registered_by_label: string;
}

const LIST_SELECT = `SELECT c.id, c.claim_no, c.status, c.type, c.event_date, c.person_id, p.full_name, p.nik, c.village_code, v.name AS village_name,
       c.regency_code, r.name AS regency_name, c.covered, c.entitled_amount, c.approved_amount, c.sla_due, c.created_at, c.registered_by_label
  FROM claim c JOIN person p ON p.id = c.person_id
  LEFT JOIN area v ON v.code = c.village_code LEFT JOIN area r ON r.code = c.regency_code`;

const iso = (v: Date | string | null): string | null => (v === null ? null : v instanceof Date ? v.toISOString() : new Date(v).toISOString());

function rowOut(r: ClaimDbRow, on: string): ClaimRow {
  return {
    id: Number(r.id), claimNo: r.claim_no, status: r.status, type: r.type, eventDate: r.event_date, personId: Number(r.person_id), fullName: r.full_name, nik: r.nik,
    villageCode: r.village_code, villageName: r.village_name ?? r.village_code, regencyCode: r.regency_code, regencyName: r.regency_name ?? r.regency_code,
    covered: r.covered, entitledAmount: Number(r.entitled_amount), approvedAmount: r.approved_amount === null ? null : Number(r.approved_amount),
    slaDue: r.sla_due, overdue: isOverdue(r.status, r.sla_due, on), createdAt: iso(r.created_at)!, registeredBy: r.registered_by_label,
  };
}

export interface ClaimFilter {
  status?: string | null;
  type?: string | null;
  /** An area code (regency, district, village) inside the caller's own. */
  area?: string | null;
  /** Claim number, exact NIK, or the start of the member's name. */
  q?: string | null;
  overdue?: boolean;
  limit?: number;
  offset?: number;
}

export interface ClaimList {
  items: ClaimRow[];
  total: number;
  limit: number;
  offset: number;
}

/** Claims of the caller's area, newest first. */
export async function listClaims(tx: Queryable, f: ClaimFilter, on = today()): Promise<ClaimList> {
  const where: string[] = [];
  const args: Param[] = [];
  const arg = (v: Param) => {
    args.push(v);
    return `$${args.length}`;
  };
  if (f.status) {
    if (!isClaimStatus(f.status)) invalid('status_invalid', { id: `Status "${f.status}" tidak dikenal. Pilih: ${CLAIM_STATUSES.join(', ')}.`, en: `Status "${f.status}" is not known. Choose: ${CLAIM_STATUSES.join(', ')}.` });
    where.push(`c.status = ${arg(f.status)}`);
  }
  if (f.type) {
    if (!isClaimType(f.type)) invalid('claim_type_invalid', { id: `Jenis klaim "${f.type}" tidak dikenal. Pilih: ${CLAIM_TYPES.join(', ')}.`, en: `Claim type "${f.type}" is not known. Choose: ${CLAIM_TYPES.join(', ')}.` });
    where.push(`c.type = ${arg(f.type)}`);
  }
  if (f.area) {
    if (!/^[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?$/.test(f.area)) invalid('area_invalid', { id: `Kode wilayah "${f.area}" tidak sah (contoh: 53.01).`, en: `Area code "${f.area}" is not valid (e.g. 53.01).` });
    where.push(`(c.village_code = ${arg(f.area)} OR c.village_code LIKE ${arg(`${f.area}.%`)})`);
  }
  const q = f.q?.trim();
  if (q) {
    const digits = q.replace(/\s/g, '');
    if (/^[0-9]{16}$/.test(digits)) where.push(`p.nik = ${arg(digits)}`);
    else if (/^KLM-/i.test(q)) where.push(`c.claim_no = ${arg(q.toUpperCase())}`);
    else where.push(`p.name_norm LIKE lindung_norm_name(${arg(q)}) || '%'`);
  }
  if (f.overdue) where.push(`c.status IN ('documents_complete', 'submitted', 'approved') AND c.sla_due < ${arg(on)}::date`);
  const limit = Math.min(Math.max(f.limit ?? 50, 1), 500);
  const offset = Math.max(f.offset ?? 0, 0);
  const cond = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const [count] = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM claim c JOIN person p ON p.id = c.person_id ${cond}`, args);
  const rows = await tx.query<ClaimDbRow>(`${LIST_SELECT} ${cond} ORDER BY c.id DESC LIMIT ${limit} OFFSET ${offset}`, args);
  return { items: rows.map((r) => rowOut(r, on)), total: count?.n ?? 0, limit, offset };
}

/** The claim id from an id or a claim number (KLM-2026-00001). */
export async function resolveClaimId(tx: Queryable, ref: string | number): Promise<number> {
  if (typeof ref === 'number' || /^[0-9]+$/.test(ref)) return Number(ref);
  const [c] = await tx.query<{ id: number }>('SELECT id FROM claim WHERE claim_no = $1', [ref.trim().toUpperCase()]);
  if (!c) throw notFound(ref);
  return Number(c.id);
}

const HIDDEN_HISTORY = new Set(['content', 'updated_at', 'created_at', 'version', 'regency_code', 'coverage', 'entitlement']);

async function claimHistory(tx: Queryable, claimId: number, personId: number): Promise<ClaimHistoryEntry[]> {
  const rows = await tx.query<{ id: number; at: Date | string; actor_label: string; table_name: string; op: 'I' | 'U' | 'D'; row_key: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }>(
    // Two index reads by subject merged, not one OR: with an OR the planner walks the whole history
    // backwards by id (2 s per claim at a million members).
    `SELECT * FROM (
       (SELECT id, at, actor_label, table_name, op, row_key, before, after FROM audit_history
         WHERE subject = $1 ORDER BY id DESC LIMIT 200)
       UNION ALL
       (SELECT id, at, actor_label, table_name, op, row_key, before, after FROM audit_history
         WHERE subject = $2 AND table_name = 'claim' AND row_key = $3 ORDER BY id DESC LIMIT 200)) h
      ORDER BY id DESC LIMIT 200`,
    [`claim:${claimId}`, `person:${personId}`, String(claimId)],
  );
  return rows.map((r) => {
    const fields = new Set([...Object.keys(r.before ?? {}), ...Object.keys(r.after ?? {})]);
    const changes: ClaimHistoryEntry['changes'] = [];
    for (const field of fields) {
      if (HIDDEN_HISTORY.has(field)) continue;
      const b = r.before?.[field] ?? null;
      const a = r.after?.[field] ?? null;
      if (JSON.stringify(b) !== JSON.stringify(a)) changes.push({ field, before: b, after: a });
    }
    return { id: Number(r.id), at: iso(r.at)!, actor: r.actor_label, table: r.table_name, op: r.op, rowKey: r.row_key, changes };
  });
}

/** The member himself as the payee of a benefit to the living. */
export function memberPlan(c: { fullName: string; member: { bankName: string | null; bankAccount: string | null } }): PayeePlan {
  if (!c.member.bankName || !c.member.bankAccount) {
    const message = {
      id: `Santunan dibayar kepada peserta sendiri (${c.fullName}), tetapi rekening banknya belum tercatat. Catat nama bank dan nomor rekening di data pekerja (registri).`,
      en: `The benefit is paid to the member (${c.fullName}), whose bank account is not recorded. Record the bank name and account number on the worker's record (registry).`,
    };
    return { rank: null, payees: [], problems: [{ code: 'heir_no_account', heirId: null, blocking: true, message }], ok: false, reasons: [message] };
  }
  return {
    rank: null,
    payees: [],
    problems: [],
    ok: true,
    reasons: [{ id: `Santunan dibayar kepada peserta sendiri, ${c.fullName}, ke rekening ${c.member.bankName} ${c.member.bankAccount}.`, en: `The benefit is paid to the member, ${c.fullName}, to account ${c.member.bankName} ${c.member.bankAccount}.` }],
  };
}

/** Who would receive `amount` now. */
export function planFor(c: Pick<ClaimDetail, 'type' | 'fullName' | 'nik' | 'member' | 'heirs'>, amount: number): PayeePlan {
  if (paidToMember(c.type)) return memberPlan(c);
  return payeesFor(c.heirs, amount, { sex: c.member.sex, fullName: c.fullName, nik: c.nik });
}

export async function getClaim(tx: Queryable, id: number, on = today()): Promise<ClaimDetail> {
  const [r] = await tx.query<ClaimDbRow & {
    event_place: string | null; description: string | null; disability_percent: string | null; incapacity_days: number | null; medical_cost: number | null;
    coverage: ClaimCoverage; entitlement: Entitlement; sex: 'L' | 'P'; birth_date: string; bank_name: string | null; bank_account: string | null; programme_code: string | null;
    documents_complete_at: Date | null; submitted_at: Date | null; submitted_by_label: string | null; decided_at: Date | null; decided_by_label: string | null;
    rejection_reason: string | null; decision_note: string | null; paid_at: Date | null; confirmed_at: Date | null; withdrawn_reason: string | null; version: number;
    registered_by_id: number | null; submitted_by_id: number | null;
  }>(
    `SELECT c.id, c.claim_no, c.status, c.type, c.event_date, c.person_id, p.full_name, p.nik, c.village_code, v.name AS village_name,
            c.regency_code, r.name AS regency_name, c.covered, c.entitled_amount, c.approved_amount, c.sla_due, c.created_at, c.registered_by_label,
            c.event_place, c.description, c.disability_percent::text, c.incapacity_days, c.medical_cost, c.coverage, c.entitlement,
            p.sex, p.birth_date, p.bank_name, p.bank_account, g.code AS programme_code,
            c.documents_complete_at, c.submitted_at, c.submitted_by_label, c.decided_at, c.decided_by_label, c.rejection_reason, c.decision_note,
            c.paid_at, c.confirmed_at, c.withdrawn_reason, c.version, c.registered_by_id, c.submitted_by_id
       FROM claim c JOIN person p ON p.id = c.person_id
       LEFT JOIN area v ON v.code = c.village_code LEFT JOIN area r ON r.code = c.regency_code
       LEFT JOIN programme g ON g.id = c.programme_id
      WHERE c.id = $1`,
    [id],
  );
  if (!r) throw notFound(id);
  const documents = (await tx.query<{ id: number; kind: DocumentKind; file_name: string; media_type: string; size_bytes: number; sha256: string; uploaded_by_label: string; uploaded_at: Date | string }>(
    'SELECT id, kind, file_name, media_type, size_bytes, sha256, uploaded_by_label, uploaded_at FROM claim_document WHERE claim_id = $1 ORDER BY id',
    [id],
  )).map((d) => ({ id: Number(d.id), kind: d.kind, fileName: d.file_name, mediaType: d.media_type, sizeBytes: d.size_bytes, sha256: d.sha256, uploadedBy: d.uploaded_by_label, uploadedAt: iso(d.uploaded_at)! }));
  const heirs = paidToMember(r.type) ? [] : await listHeirs(tx, Number(r.person_id));
  const payees = (await tx.query<{ id: number; heir_id: number | null; full_name: string; relation: string; amount: number; bank_name: string; bank_account: string; account_holder: string }>(
    'SELECT id, heir_id, full_name, relation, amount, bank_name, bank_account, account_holder FROM claim_payee WHERE claim_id = $1 ORDER BY id',
    [id],
  )).map((p) => ({ id: Number(p.id), heirId: p.heir_id === null ? null : Number(p.heir_id), fullName: p.full_name, relation: p.relation, amount: Number(p.amount), bankName: p.bank_name, bankAccount: p.bank_account, accountHolder: p.account_holder }));
  const transfers = (await tx.query<{ id: number; batch_id: number; payee_id: number; reference: string; amount: number; status: string; bank_reference: string | null; failure_reason: string | null; retry_of: number | null; updated_at: Date | string }>(
    'SELECT id, batch_id, payee_id, reference, amount, status, bank_reference, failure_reason, retry_of, updated_at FROM payout_line WHERE claim_id = $1 ORDER BY id',
    [id],
  )).map((t) => ({ id: Number(t.id), batchId: Number(t.batch_id), payeeId: Number(t.payee_id), reference: t.reference, amount: Number(t.amount), status: t.status, bankReference: t.bank_reference, failureReason: t.failure_reason, retryOf: t.retry_of === null ? null : Number(t.retry_of), updatedAt: iso(t.updated_at)! }));
  const base = rowOut(r, on);
  const member = { sex: r.sex, birthDate: r.birth_date, bankName: r.bank_name, bankAccount: r.bank_account };
  const amount = r.approved_amount === null ? Number(r.entitled_amount) : Number(r.approved_amount);
  const plan = planFor({ type: r.type, fullName: r.full_name, nik: r.nik, member, heirs }, amount);
  const spouseReceives = !paidToMember(r.type) && heirs.some((h) => !h.deceased && (h.relation === 'suami' || h.relation === 'istri'));
  return {
    ...base,
    eventPlace: r.event_place,
    description: r.description,
    disabilityPercent: r.disability_percent === null ? null : Number(r.disability_percent),
    incapacityDays: r.incapacity_days,
    medicalCost: r.medical_cost === null ? null : Number(r.medical_cost),
    coverage: r.coverage,
    entitlement: r.entitlement,
    member,
    programmeCode: r.programme_code,
    documentsCompleteAt: iso(r.documents_complete_at),
    submittedAt: iso(r.submitted_at),
    submittedBy: r.submitted_by_label,
    decidedAt: iso(r.decided_at),
    decidedBy: r.decided_by_label,
    rejectionReason: r.rejection_reason,
    decisionNote: r.decision_note,
    paidAt: iso(r.paid_at),
    confirmedAt: iso(r.confirmed_at),
    withdrawnReason: r.withdrawn_reason,
    version: r.version,
    registeredById: r.registered_by_id === null ? null : Number(r.registered_by_id),
    submittedById: r.submitted_by_id === null ? null : Number(r.submitted_by_id),
    documents,
    checklist: checklist(r.type, documents.map((d) => d.kind), { spouseReceives }),
    heirs,
    plan,
    payees,
    transfers,
    actions: allowedActions(r.status, r.covered),
    history: await claimHistory(tx, id, Number(r.person_id)),
  };
}

/** The claim's date words for messages: "KLM-2026-00001 (JKM — …, 14 Agustus 2026)". */
export function claimTitle(c: Pick<ClaimRow, 'claimNo' | 'type' | 'eventDate'>): Message {
  const t = CLAIM_TYPE_LABEL[c.type];
  return { id: `${c.claimNo} (${t.id}, ${formatDate(c.eventDate, 'id')})`, en: `${c.claimNo} (${t.en}, ${formatDate(c.eventDate, 'en')})` };
}
