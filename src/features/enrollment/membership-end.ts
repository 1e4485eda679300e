/**
 * Ending a membership (death, moved away, became a wage earner, age limit, duplicate, withdrawn)
 * and, for an administrator correcting a mistake, reopening it.
 *
 * An end closes the cover on the end date itself (a death on that day is still covered) and frees
 * the place in the regency's quota for the waiting list (replacement.ts). A reopen restores the
 * state the membership ended from; a covered membership gets its cover back from its first day and
 * its lapses are worked out again from the bills and payments (lapse-run.ts), so the result is
 * the same as if it had never ended. Both are changes of the membership row, so its history shows
 * who did it, when, and the reason given.
 */
import type { Queryable } from '../../db/types.js';
import { formatDate, isDate } from '../../domain/billing.js';
import type { MembershipState } from '../../domain/coverage.js';
import { ENDED_REASON_LABEL, ENDED_REASONS, endedReasonLabel, isEndedReason, STATE_LABEL, type EndedReason } from '../../domain/membership-state.js';
import { UserError } from '../../domain/user-error.js';
import { getProgrammeById } from '../programmes/programmes.js';
import { processLapses } from './lapse-run.js';

/** Which membership: by NIK (and the programme, when the person has several) or by id. */
export interface MemberRef {
  nik?: string;
  membershipId?: number;
  programme?: string;
}

interface Row {
  id: number;
  programme_id: number;
  code: string;
  state: MembershipState;
  person_id: number;
  nik: string;
  full_name: string;
  effective_date: string | null;
  ended_on: string | null;
  ended_reason: string | null;
  ended_from_state: MembershipState | null;
  regency_code: string;
  first_from: string | null;
}

async function membershipsOf(tx: Queryable, ref: MemberRef): Promise<Row[]> {
  const nik = ref.nik?.replace(/\s/g, '') ?? null;
  if (nik === null && ref.membershipId === undefined) {
    throw new UserError('invalid', 'member_missing', { id: 'Sebutkan NIK peserta.', en: 'Give the member\'s NIK.' });
  }
  const rows = await tx.query<Row>(
    `SELECT m.id, m.programme_id, p.code, m.state, m.person_id, pe.nik, pe.full_name, m.effective_date, m.ended_on, m.ended_reason,
            m.ended_from_state, m.regency_code,
            (SELECT min(c.from_date) FROM coverage_period c WHERE c.membership_id = m.id) AS first_from
       FROM membership m JOIN programme p ON p.id = m.programme_id JOIN person pe ON pe.id = m.person_id
      WHERE ${nik !== null ? 'pe.nik = $1' : 'm.id = $1'} AND ($2::text IS NULL OR p.code = $2)
      ORDER BY p.coverage_start DESC, m.id DESC`,
    [nik ?? ref.membershipId!, ref.programme ? ref.programme.trim().toUpperCase() : null],
  );
  if (rows.length === 0) {
    const who = nik !== null ? `NIK ${nik}` : `#${ref.membershipId}`;
    if (nik !== null) {
      const [person] = await tx.query('SELECT 1 FROM person WHERE nik = $1', [nik]);
      if (!person) {
        throw new UserError('not_found', 'person_unknown', {
          id: `NIK ${nik} tidak ada di registri (atau di luar wilayah Anda). Periksa angkanya.`,
          en: `NIK ${nik} is not in the registry (or is outside your area). Check the number.`,
        });
      }
    }
    throw new UserError('not_found', 'membership_unknown', {
      id: `${who} bukan peserta${ref.programme ? ` program ${ref.programme}` : ' program mana pun'} (atau di luar wilayah Anda).`,
      en: `${who} is not a member of ${ref.programme ? `programme ${ref.programme}` : 'any programme'} (or is outside your area).`,
    });
  }
  return rows;
}

function only(rows: Row[], what: { id: string; en: string }): Row {
  if (rows.length > 1) {
    const codes = rows.map((r) => r.code).join(', ');
    throw new UserError('conflict', 'membership_ambiguous', {
      id: `${rows[0]!.full_name} punya lebih dari satu keanggotaan yang dapat ${what.id} (${codes}). Sebutkan programnya.`,
      en: `${rows[0]!.full_name} has more than one membership that can be ${what.en} (${codes}). Name the programme.`,
    }, { programmes: rows.map((r) => r.code) });
  }
  return rows[0]!;
}

export interface EndInput {
  reason: string;
  /** YYYY-MM-DD: the day of death, of moving, … — the last covered day. */
  on: string;
  note?: string | null;
}

export interface EndResult {
  membershipId: number;
  programme: string;
  personId: number;
  nik: string;
  fullName: string;
  previousState: MembershipState;
  endedOn: string;
  reason: EndedReason;
  /** The last day covered, or null when the membership never covered a day. */
  lastCoveredDay: string | null;
}

const ENDABLE: readonly MembershipState[] = ['waiting', 'candidate', 'active', 'lapsed'];

export async function endMembership(tx: Queryable, ref: MemberRef, input: EndInput, today: string): Promise<EndResult> {
  if (!isEndedReason(input.reason)) {
    const list = (lang: 'id' | 'en') => ENDED_REASONS.map((r) => `${r} (${ENDED_REASON_LABEL[r][lang]})`).join(', ');
    throw new UserError('invalid', 'end_reason_invalid', {
      id: `Alasan berhenti "${input.reason}" tidak dikenal. Pilih salah satu: ${list('id')}.`,
      en: `"${input.reason}" is not a known reason to end a membership. Choose one of: ${list('en')}.`,
    });
  }
  if (!isDate(input.on)) {
    throw new UserError('invalid', 'date_invalid', { id: `Tanggal berhenti "${input.on}" harus ditulis YYYY-MM-DD.`, en: `End date "${input.on}" must be written YYYY-MM-DD.` });
  }
  if (input.on > today) {
    throw new UserError('invalid', 'end_date_future', {
      id: `Tanggal berhenti ${formatDate(input.on, 'id')} belum lewat. Catat berhentinya pada atau setelah hari itu.`,
      en: `The end date ${formatDate(input.on, 'en')} has not come yet. Record the end on or after that day.`,
    });
  }
  const rows = await membershipsOf(tx, ref);
  const endable = rows.filter((r) => ENDABLE.includes(r.state));
  if (endable.length === 0) {
    const r = rows[0]!;
    if (r.state === 'ended') {
      const why = endedReasonLabel(r.ended_reason);
      throw new UserError('conflict', 'already_ended', {
        id: `Keanggotaan ${r.full_name} di ${r.code} sudah berhenti pada ${formatDate(r.ended_on!, 'id')}${why ? ` (${why.id})` : ''}. Bila itu keliru, administrator dapat membukanya kembali.`,
        en: `${r.full_name}'s membership of ${r.code} already ended on ${formatDate(r.ended_on!, 'en')}${why ? ` (${why.en})` : ''}. If that was a mistake, an administrator can reopen it.`,
      });
    }
    throw new UserError('conflict', 'membership_submitted', {
      id: `Keanggotaan ${r.full_name} di ${r.code} sedang diajukan ke BPJS. Tunggu jawaban BPJS, lalu catat berhentinya.`,
      en: `${r.full_name}'s membership of ${r.code} is with BPJS in a submission. Wait for BPJS's answer, then record the end.`,
    });
  }
  const m = only(endable, { id: 'dihentikan', en: 'ended' });
  const start = m.first_from ?? m.effective_date;
  if ((m.state === 'active' || m.state === 'lapsed') && start && input.on < start) {
    throw new UserError('invalid', 'end_before_start', {
      id: `Tanggal berhenti ${formatDate(input.on, 'id')} sebelum perlindungan ${m.full_name} di ${m.code} mulai (${formatDate(start, 'id')}). Tanggal berhenti adalah hari terakhir perlindungan: isi tanggal pada atau setelah ${formatDate(start, 'id')}.`,
      en: `The end date ${formatDate(input.on, 'en')} is before ${m.full_name}'s cover under ${m.code} began (${formatDate(start, 'en')}). The end date is the last covered day: give a date on or after ${formatDate(start, 'en')}.`,
    });
  }
  await tx.query(
    `UPDATE membership SET state = 'ended', ended_on = $2, ended_reason = $3, ended_note = $4, ended_from_state = state, reopen_reason = NULL, updated_at = now()
      WHERE id = $1`,
    [m.id, input.on, input.reason, input.note?.trim() || null],
  );
  // Cover ends with the end date: later periods (a reinstatement after it) go, the open one closes.
  await tx.query('DELETE FROM coverage_period WHERE membership_id = $1 AND from_date > $2', [m.id, input.on]);
  await tx.query('UPDATE coverage_period SET to_date = $2 WHERE membership_id = $1 AND (to_date IS NULL OR to_date > $2)', [m.id, input.on]);
  const [last] = await tx.query<{ d: string | null }>('SELECT max(to_date) AS d FROM coverage_period WHERE membership_id = $1', [m.id]);
  return {
    membershipId: m.id,
    programme: m.code,
    personId: m.person_id,
    nik: m.nik,
    fullName: m.full_name,
    previousState: m.state,
    endedOn: input.on,
    reason: input.reason,
    lastCoveredDay: last?.d ?? null,
  };
}

export interface ReopenResult {
  membershipId: number;
  programme: string;
  personId: number;
  nik: string;
  fullName: string;
  state: MembershipState;
  /** Whoever took the freed place meanwhile: the regency is now over its quota by one. */
  replacedBy: { membershipId: number; fullName: string; state: MembershipState } | null;
}

export async function reopenMembership(tx: Queryable, ref: MemberRef, reason: string, today: string): Promise<ReopenResult> {
  const why = reason.trim();
  if (!why) {
    throw new UserError('invalid', 'reopen_reason_missing', {
      id: 'Tulis alasan membuka kembali keanggotaan (misalnya: laporan kematian keliru, surat desa nomor …).',
      en: 'Give the reason for reopening the membership (for example: the death was reported in error, village letter no. …).',
    });
  }
  const rows = await membershipsOf(tx, ref);
  const ended = rows.filter((r) => r.state === 'ended');
  if (ended.length === 0) {
    const r = rows[0]!;
    throw new UserError('conflict', 'not_ended', {
      id: `Keanggotaan ${r.full_name} di ${r.code} tidak berhenti (status: ${STATE_LABEL[r.state].id}); tidak ada yang perlu dibuka kembali.`,
      en: `${r.full_name}'s membership of ${r.code} has not ended (state: ${STATE_LABEL[r.state].en}); there is nothing to reopen.`,
    });
  }
  const m = only(ended, { id: 'dibuka kembali', en: 'reopened' });
  const restored: MembershipState = m.ended_from_state ?? (m.effective_date ? 'active' : 'candidate');
  const covered = restored === 'active' || restored === 'lapsed';
  const target: MembershipState = covered ? 'active' : restored;

  // The person must not hold another place meanwhile (one programme at a time; once per programme).
  const [other] = await tx.query<{ code: string; state: MembershipState }>(
    `SELECT p.code, o.state FROM membership o JOIN programme p ON p.id = o.programme_id
      WHERE o.person_id = $1 AND o.id <> $2
        AND (o.state IN ('candidate', 'submitted', 'active') AND $3::text <> 'waiting'
             OR o.programme_id = $4 AND o.state IN ('waiting', 'candidate', 'submitted', 'active'))
      LIMIT 1`,
    [m.person_id, m.id, target, m.programme_id],
  );
  if (other) {
    throw new UserError('conflict', 'reopen_conflict', {
      id: `${m.full_name} kini ${STATE_LABEL[other.state].id} di ${other.code}. Seseorang hanya boleh punya satu keanggotaan yang berjalan; akhiri yang itu dulu bila keanggotaan ${m.code} yang benar.`,
      en: `${m.full_name} is now ${STATE_LABEL[other.state].en} in ${other.code}. A person may hold only one running membership; end that one first if the ${m.code} membership is the right one.`,
    });
  }
  await tx.query(
    `UPDATE membership SET state = $2, ended_on = NULL, ended_reason = NULL, ended_note = NULL, ended_from_state = NULL, lapsed_on = NULL,
            reopen_reason = $3, updated_at = now()
      WHERE id = $1`,
    [m.id, target, why],
  );
  if (covered) {
    const start = m.first_from ?? m.effective_date;
    const p = await getProgrammeById(tx, m.programme_id);
    await tx.query('DELETE FROM coverage_period WHERE membership_id = $1', [m.id]);
    if (start) await tx.query('INSERT INTO coverage_period (membership_id, from_date, to_date) VALUES ($1, $2, $3)', [m.id, start, p.coverageEnd]);
    // Its lapses, worked out again from the bills and payments as of today.
    await processLapses(tx, p, today, [m.id]);
  }
  const [after] = await tx.query<{ state: MembershipState }>('SELECT state FROM membership WHERE id = $1', [m.id]);
  const [successor] = await tx.query<{ id: number; full_name: string; state: MembershipState }>(
    `SELECT r.id, pe.full_name, r.state FROM membership r JOIN person pe ON pe.id = r.person_id WHERE r.replaces_membership_id = $1 ORDER BY r.id LIMIT 1`,
    [m.id],
  );
  return {
    membershipId: m.id,
    programme: m.code,
    personId: m.person_id,
    nik: m.nik,
    fullName: m.full_name,
    state: after!.state,
    replacedBy: successor ? { membershipId: successor.id, fullName: successor.full_name, state: successor.state } : null,
  };
}
