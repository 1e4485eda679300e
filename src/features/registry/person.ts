/** One person's record: detail, household, heirs, history, and the few fields a user may edit. */
import type { Queryable } from '../../db/types.js';
import type { Message } from '../../domain/messages.js';
import { MARITAL_STATUSES, OCCUPATIONS } from '../../domain/person-codes.js';

export interface PersonDetail {
  id: number;
  nik: string;
  kk: string | null;
  full_name: string;
  birth_place: string | null;
  birth_date: string;
  sex: 'L' | 'P';
  marital_status: string | null;
  address: string | null;
  village_code: string;
  phone: string | null;
  occupation: string | null;
  declared_income: number | null;
  dtsen_decile: number | null;
  extreme_poor: boolean;
  disability: boolean;
  bank_name: string | null;
  bank_account: string | null;
  synthetic: boolean;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export interface HeirRow {
  id: number;
  full_name: string;
  nik: string | null;
  relation: string;
  birth_date: string | null;
}

export interface HistoryEntry {
  id: number;
  at: Date;
  actor_label: string;
  table_name: string;
  op: 'I' | 'U' | 'D';
  row_key: string;
  changes: { field: string; before: unknown; after: unknown }[];
}

export async function getPerson(tx: Queryable, id: number): Promise<PersonDetail | null> {
  const [row] = await tx.query<PersonDetail>(
    `SELECT id, nik, kk, full_name, birth_place, birth_date, sex, marital_status, address, village_code, phone, occupation,
            declared_income, dtsen_decile, extreme_poor, disability, bank_name, bank_account, synthetic, created_at, updated_at, version
       FROM person WHERE id = $1`,
    [id],
  );
  return row ?? null;
}

export async function getHeirs(tx: Queryable, personId: number): Promise<HeirRow[]> {
  return tx.query<HeirRow>('SELECT id, full_name, nik, relation, birth_date FROM heir WHERE person_id = $1 ORDER BY id', [personId]);
}

/** Other workers on the same family card (KK). */
export async function getHouseholdMembers(tx: Queryable, personId: number) {
  return tx.query<{ id: number; full_name: string; birth_date: string; sex: 'L' | 'P' }>(
    `SELECT o.id, o.full_name, o.birth_date, o.sex FROM person p JOIN person o ON o.kk = p.kk AND o.id <> p.id
      WHERE p.id = $1 ORDER BY o.birth_date`,
    [personId],
  );
}

const HIDDEN_FIELDS = new Set(['name_norm', 'regency_code', 'district_code', 'updated_at', 'version', 'created_at']);

/** Field-by-field differences, so a screen can say "phone: 0812… → 0813…". */
export function diff(before: Record<string, unknown> | null, after: Record<string, unknown> | null) {
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const out: { field: string; before: unknown; after: unknown }[] = [];
  for (const f of fields) {
    if (HIDDEN_FIELDS.has(f)) continue;
    const b = before?.[f] ?? null;
    const a = after?.[f] ?? null;
    if (JSON.stringify(b) !== JSON.stringify(a)) out.push({ field: f, before: b, after: a });
  }
  return out;
}

export async function getHistory(tx: Queryable, personId: number, limit = 200): Promise<HistoryEntry[]> {
  const rows = await tx.query<{
    id: number; at: Date; actor_label: string; table_name: string; op: 'I' | 'U' | 'D'; row_key: string;
    before: Record<string, unknown> | null; after: Record<string, unknown> | null;
  }>(
    // audit_history: both forms of history (001's audit_log and 002's audit_entry), under the same
    // row-level security as the tables behind it.
    `SELECT id, at, actor_label, table_name, op, row_key, before, after FROM audit_history
      WHERE subject = $1 ORDER BY id DESC LIMIT $2`,
    [`person:${personId}`, limit],
  );
  return rows.map((r) => ({ id: r.id, at: r.at, actor_label: r.actor_label, table_name: r.table_name, op: r.op, row_key: r.row_key, changes: diff(r.before, r.after) }));
}


export interface PersonPatch {
  phone?: string | null;
  address?: string | null;
  marital_status?: string | null;
  occupation?: string | null;
  bank_name?: string | null;
  bank_account?: string | null;
}

export class PersonInputError extends Error {
  constructor(readonly field: string, readonly msg: Message) {
    super(msg.en);
  }
}

/** Indonesian mobile numbers as 08…: "+62 812-3456-789" and "0812 3456 789" are the same number. */
export function normalisePhone(input: string): string {
  const digits = input.replace(/[\s().-]/g, '');
  const local = digits.startsWith('+62') ? `0${digits.slice(3)}` : digits.startsWith('62') ? `0${digits.slice(2)}` : digits;
  if (!/^08[0-9]{7,12}$/.test(local))
    throw new PersonInputError('phone', {
      id: `Nomor HP "${input}" tidak valid. Tulis seperti 081234567890 atau +6281234567890.`,
      en: `Phone number "${input}" is not valid. Write it like 081234567890 or +6281234567890.`,
    });
  return local;
}

export function validatePatch(patch: PersonPatch): PersonPatch {
  const out: PersonPatch = {};
  const text = (v: string | null | undefined) => (v === undefined ? undefined : v === null || v.trim() === '' ? null : v.trim());
  if (patch.phone !== undefined) out.phone = text(patch.phone) === null ? null : normalisePhone(patch.phone!);
  if (patch.address !== undefined) out.address = text(patch.address);
  if (patch.marital_status !== undefined) {
    const v = text(patch.marital_status);
    if (v !== null && !(MARITAL_STATUSES as readonly string[]).includes(v!))
      throw new PersonInputError('marital_status', { id: `Status perkawinan harus salah satu dari: ${MARITAL_STATUSES.join(', ')}.`, en: `Marital status must be one of: ${MARITAL_STATUSES.join(', ')}.` });
    out.marital_status = v;
  }
  if (patch.occupation !== undefined) {
    const v = text(patch.occupation);
    if (v !== null && !(OCCUPATIONS as readonly string[]).includes(v!))
      throw new PersonInputError('occupation', { id: `Pekerjaan harus salah satu dari: ${OCCUPATIONS.join(', ')}.`, en: `Occupation must be one of: ${OCCUPATIONS.join(', ')}.` });
    out.occupation = v;
  }
  if (patch.bank_name !== undefined) out.bank_name = text(patch.bank_name);
  if (patch.bank_account !== undefined) {
    const v = text(patch.bank_account)?.replace(/[\s.-]/g, '') ?? null;
    if (v !== null && !/^[0-9]{6,20}$/.test(v))
      throw new PersonInputError('bank_account', { id: 'Nomor rekening hanya angka, 6–20 digit.', en: 'An account number has only digits, 6–20 of them.' });
    out.bank_account = v;
  }
  return out;
}

/** Applies an edit if nobody changed the record since `version` was read; null when the record is not visible. */
export async function updatePerson(tx: Queryable, id: number, version: number, patch: PersonPatch): Promise<'ok' | 'stale' | 'missing'> {
  const clean = validatePatch(patch);
  const fields = Object.keys(clean) as (keyof PersonPatch)[];
  if (fields.length === 0) return 'ok';
  const sets = fields.map((f, i) => `${f} = $${i + 3}`);
  const rows = await tx.query<{ id: number }>(
    `UPDATE person SET ${sets.join(', ')}, version = version + 1, updated_at = now() WHERE id = $1 AND version = $2 RETURNING id`,
    [id, version, ...fields.map((f) => clean[f] ?? null)],
  );
  if (rows[0]) return 'ok';
  const [exists] = await tx.query('SELECT 1 FROM person WHERE id = $1', [id]);
  return exists ? 'stale' : 'missing';
}
