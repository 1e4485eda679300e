/**
 * A member's heirs (ahli waris) as recorded: relation, proof, bank account. The legal order and
 * who receives are computed from these rows (src/domain/heirs.ts); nothing here decides it.
 *
 * Heirs belong to the person, not to a claim: recorded once (often before anything happens), used
 * by any claim of that person. A claim fixes its payees when it is decided (claim_payee), so
 * editing heirs afterwards does not change what an approved claim pays.
 * Every change is versioned (optimistic: the version the screen showed must still be current) and
 * kept in history by the table's trigger. Row-level security limits heirs to the person's area.
 */
import type { Queryable } from '../../db/types.js';
import { isDate } from '../../domain/billing.js';
import { HEIR_RELATIONS, isHeirRelation, type Heir, type HeirRelation } from '../../domain/heirs.js';
import type { Message } from '../../domain/messages.js';
import { UserError } from '../../domain/user-error.js';

export const EDUCATION_LEVELS = ['tk', 'sd', 'smp', 'sma', 's1'] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

export interface HeirRecord extends Heir {
  personId: number;
  nik: string | null;
  birthDate: string | null;
  proof: string | null;
  bankName: string | null;
  bankAccount: string | null;
  accountHolder: string | null;
  educationLevel: EducationLevel | null;
  deceased: boolean;
  version: number;
}

export interface HeirInput {
  fullName?: string;
  relation?: string;
  nik?: string | null;
  birthDate?: string | null;
  proof?: string | null;
  bankName?: string | null;
  bankAccount?: string | null;
  accountHolder?: string | null;
  educationLevel?: string | null;
  deceased?: boolean;
}

interface HeirRow {
  id: number; person_id: number; full_name: string; relation: HeirRelation; nik: string | null; birth_date: string | null; proof: string | null;
  bank_name: string | null; bank_account: string | null; account_holder: string | null; education_level: EducationLevel | null; deceased: boolean; version: number;
}

const COLUMNS = 'id, person_id, full_name, relation, nik, birth_date, proof, bank_name, bank_account, account_holder, education_level, deceased, version';

function fromRow(r: HeirRow): HeirRecord {
  return {
    id: Number(r.id), personId: Number(r.person_id), fullName: r.full_name, relation: r.relation, nik: r.nik, birthDate: r.birth_date, proof: r.proof,
    bankName: r.bank_name, bankAccount: r.bank_account, accountHolder: r.account_holder, educationLevel: r.education_level, deceased: r.deceased, version: r.version,
  };
}

function invalid(code: string, text: Message): never {
  throw new UserError('invalid', code, text);
}

/** Trimmed text, or null when empty. */
const text = (v: string | null | undefined): string | null => (v === null || v === undefined || v.trim() === '' ? null : v.trim());

interface CleanHeir {
  full_name: string;
  relation: HeirRelation;
  nik: string | null;
  birth_date: string | null;
  proof: string | null;
  bank_name: string | null;
  bank_account: string | null;
  account_holder: string | null;
  education_level: EducationLevel | null;
  deceased: boolean;
}

/** Checks every field; the message names the field and how to write it. */
export function cleanHeir(input: HeirInput, today: string): CleanHeir {
  const fullName = text(input.fullName);
  if (!fullName || fullName.length > 200) {
    invalid('heir_name', { id: 'Nama ahli waris wajib diisi (paling banyak 200 huruf), sesuai KTP atau surat keterangan ahli waris.', en: 'The heir\'s name is required (at most 200 characters), as on the KTP or heir certificate.' });
  }
  if (!isHeirRelation(input.relation)) {
    invalid('heir_relation', {
      id: `Hubungan dengan peserta "${String(input.relation ?? '')}" tidak dikenal. Pilih salah satu: ${HEIR_RELATIONS.join(', ')}.`,
      en: `Relation to the member "${String(input.relation ?? '')}" is not known. Choose one of: ${HEIR_RELATIONS.join(', ')}.`,
    });
  }
  const nik = text(input.nik)?.replace(/\s/g, '') ?? null;
  if (nik !== null && !/^[0-9]{16}$/.test(nik)) {
    invalid('heir_nik', { id: `NIK ahli waris "${nik}" harus 16 angka (lihat KTP atau KK).`, en: `The heir's NIK "${nik}" must be 16 digits (see the KTP or KK).` });
  }
  const birth = text(input.birthDate);
  if (birth !== null && (!isDate(birth) || birth > today)) {
    invalid('heir_birth_date', { id: `Tanggal lahir ahli waris "${birth}" tidak sah. Tulis TTTT-BB-HH, tidak di masa depan.`, en: `The heir's birth date "${birth}" is not valid. Write YYYY-MM-DD, not in the future.` });
  }
  const account = text(input.bankAccount)?.replace(/[\s.-]/g, '') ?? null;
  if (account !== null && !/^[0-9]{6,20}$/.test(account)) {
    invalid('heir_account', { id: 'Nomor rekening hanya angka, 6–20 digit (lihat buku tabungan).', en: 'An account number has only digits, 6–20 of them (see the bank book).' });
  }
  const bankName = text(input.bankName);
  if ((account === null) !== (bankName === null)) {
    invalid('heir_account_pair', { id: 'Isi nama bank dan nomor rekening bersama-sama (atau kosongkan keduanya).', en: 'Fill in the bank name and the account number together (or leave both empty).' });
  }
  const level = text(input.educationLevel);
  if (level !== null && !(EDUCATION_LEVELS as readonly string[]).includes(level)) {
    invalid('heir_education', { id: `Jenjang sekolah "${level}" tidak dikenal. Pilih: ${EDUCATION_LEVELS.join(', ')}.`, en: `School level "${level}" is not known. Choose: ${EDUCATION_LEVELS.join(', ')}.` });
  }
  const proof = text(input.proof);
  if (proof !== null && proof.length > 500) invalid('heir_proof', { id: 'Keterangan bukti paling banyak 500 huruf.', en: 'The proof note is at most 500 characters.' });
  return {
    full_name: fullName,
    relation: input.relation,
    nik,
    birth_date: birth,
    proof,
    bank_name: bankName,
    bank_account: account,
    account_holder: account === null ? null : (text(input.accountHolder) ?? fullName),
    education_level: level as EducationLevel | null,
    deceased: input.deceased === true,
  };
}

export async function listHeirs(tx: Queryable, personId: number): Promise<HeirRecord[]> {
  const rows = await tx.query<HeirRow>(`SELECT ${COLUMNS} FROM heir WHERE person_id = $1 ORDER BY id`, [personId]);
  return rows.map(fromRow);
}

export async function getHeir(tx: Queryable, id: number): Promise<HeirRecord> {
  const [row] = await tx.query<HeirRow>(`SELECT ${COLUMNS} FROM heir WHERE id = $1`, [id]);
  if (!row) throw new UserError('not_found', 'heir_not_found', { id: `Ahli waris #${id} tidak ada (atau di luar wilayah Anda).`, en: `Heir #${id} does not exist (or is outside your area).` });
  return fromRow(row);
}

async function requirePerson(tx: Queryable, personId: number): Promise<{ nik: string }> {
  const [p] = await tx.query<{ nik: string }>('SELECT nik FROM person WHERE id = $1', [personId]);
  if (!p) throw new UserError('not_found', 'person_not_found', { id: `Pekerja #${personId} tidak ada (atau di luar wilayah Anda).`, en: `Worker #${personId} does not exist (or is outside your area).` });
  return p;
}

/** Refuses what the table would accept but is plainly wrong: the member as his own heir, a NIK twice. */
async function checkAgainstOthers(tx: Queryable, personId: number, memberNik: string, h: CleanHeir, exceptId: number | null): Promise<void> {
  if (h.nik !== null && h.nik === memberNik) {
    invalid('heir_is_member', { id: `NIK ${h.nik} adalah NIK peserta sendiri; ahli waris adalah orang lain. Periksa NIK pada KTP ahli waris.`, en: `NIK ${h.nik} is the member's own; an heir is someone else. Check the NIK on the heir's KTP.` });
  }
  if (h.nik !== null) {
    const [dup] = await tx.query<{ full_name: string }>('SELECT full_name FROM heir WHERE person_id = $1 AND nik = $2 AND id IS DISTINCT FROM $3', [personId, h.nik, exceptId]);
    if (dup) {
      throw new UserError('conflict', 'heir_duplicate', { id: `NIK ${h.nik} sudah tercatat sebagai ahli waris (${dup.full_name}). Ubah data itu, jangan dicatat dua kali.`, en: `NIK ${h.nik} is already recorded as an heir (${dup.full_name}). Edit that one instead of recording it twice.` });
    }
  }
}

export async function addHeir(tx: Queryable, personId: number, input: HeirInput, today: string): Promise<HeirRecord> {
  const person = await requirePerson(tx, personId);
  const h = cleanHeir(input, today);
  await checkAgainstOthers(tx, personId, person.nik, h, null);
  const [row] = await tx.query<HeirRow>(
    `INSERT INTO heir (person_id, full_name, relation, nik, birth_date, proof, bank_name, bank_account, account_holder, education_level, deceased)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
    [personId, h.full_name, h.relation, h.nik, h.birth_date, h.proof, h.bank_name, h.bank_account, h.account_holder, h.education_level, h.deceased],
  );
  return fromRow(row!);
}

function stale(id: number): UserError {
  return new UserError('conflict', 'heir_stale', {
    id: `Data ahli waris #${id} baru saja diubah orang lain. Muat ulang halaman, periksa, lalu ubah lagi.`,
    en: `Heir #${id} was just changed by someone else. Reload the page, check, and edit again.`,
  });
}

/**
 * Changes the fields given (a field left out keeps its value: a screen that shows the account
 * masked sends no account unless a new one is typed) if `version` is still current.
 */
export async function updateHeir(tx: Queryable, id: number, version: number, input: HeirInput, today: string): Promise<HeirRecord> {
  const current = await getHeir(tx, id);
  const person = await requirePerson(tx, current.personId);
  const given = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as HeirInput;
  const h = cleanHeir({
    fullName: current.fullName, relation: current.relation, nik: current.nik, birthDate: current.birthDate, proof: current.proof, bankName: current.bankName,
    bankAccount: current.bankAccount, accountHolder: current.accountHolder, educationLevel: current.educationLevel, deceased: current.deceased, ...given,
  }, today);
  await checkAgainstOthers(tx, current.personId, person.nik, h, id);
  const [row] = await tx.query<HeirRow>(
    `UPDATE heir SET full_name = $3, relation = $4, nik = $5, birth_date = $6, proof = $7, bank_name = $8, bank_account = $9, account_holder = $10,
            education_level = $11, deceased = $12, version = version + 1, updated_at = now()
      WHERE id = $1 AND version = $2 RETURNING ${COLUMNS}`,
    [id, version, h.full_name, h.relation, h.nik, h.birth_date, h.proof, h.bank_name, h.bank_account, h.account_holder, h.education_level, h.deceased],
  );
  if (!row) throw stale(id);
  return fromRow(row);
}

/** Removes an heir recorded by mistake (the history keeps it). An heir already fixed as a payee of a claim stays. */
export async function removeHeir(tx: Queryable, id: number, version: number): Promise<HeirRecord> {
  const current = await getHeir(tx, id);
  const [payee] = await tx.query<{ claim_no: string }>('SELECT c.claim_no FROM claim_payee p JOIN claim c ON c.id = p.claim_id WHERE p.heir_id = $1 LIMIT 1', [id]);
  if (payee) {
    throw new UserError('conflict', 'heir_is_payee', {
      id: `${current.fullName} sudah ditetapkan sebagai penerima klaim ${payee.claim_no}, jadi tidak dapat dihapus. Bila ia meninggal, tandai "meninggal dunia".`,
      en: `${current.fullName} is already a payee of claim ${payee.claim_no}, so cannot be removed. If the heir has died, mark "deceased".`,
    });
  }
  const [row] = await tx.query<{ id: number }>('DELETE FROM heir WHERE id = $1 AND version = $2 RETURNING id', [id, version]);
  if (!row) throw stale(id);
  return current;
}
