/**
 * Replacement: places freed in a regency's quota go to the best-ranked people on its waiting list.
 *
 * Free places = quota − memberships holding a place (candidate, submitted, active and lapsed: a
 * lapsed member keeps the place until the membership is ended, see domain/membership-state.ts).
 * The waiting list is ranked as intake ranks it (extreme poor, disability, lower DTSEN decile,
 * older, NIK), so nobody's turn depends on when their village's file was uploaded. Each person
 * taken becomes a candidate (and so goes to BPJS in the next submission batch) with their own
 * coverage start, and, while there are any, points at the ended membership whose place they took
 * (oldest end first); a place that was never filled has nobody to point at.
 */
import type { Queryable } from '../../db/types.js';
import { formatDate, isDate } from '../../domain/billing.js';
import { PLACE_HOLDING_STATES } from '../../domain/membership-state.js';
import { UserError } from '../../domain/user-error.js';
import type { Programme } from '../programmes/programmes.js';
import { lockProgrammeMembers } from './lapse-run.js';

export interface Replacement {
  membershipId: number;
  personId: number;
  fullName: string;
  nik: string;
  regencyCode: string;
  coverageStart: string;
  /** The ended membership whose place this is; null when the place had never been taken. */
  replaces: { membershipId: number; personId: number; fullName: string; nik: string; endedOn: string | null; reason: string | null } | null;
}

export interface ReplacementResult {
  programme: string;
  startOn: string;
  regencies: { regencyCode: string; regencyName: string; quota: number; held: number; free: number; waiting: number; filled: number }[];
  replacements: Replacement[];
}

const HOLDING = PLACE_HOLDING_STATES.map((s) => `'${s}'`).join(', ');

/** The default start of a replacement's cover: today, but not before the programme starts. */
export function defaultStart(programme: Programme, today: string): string {
  return today < programme.coverageStart ? programme.coverageStart : today;
}

export async function replaceFreedPlaces(tx: Queryable, programme: Programme, regency: string | null, startOn: string, label: string): Promise<ReplacementResult> {
  if (programme.status === 'closed') {
    throw new UserError('conflict', 'programme_closed', {
      id: `Program ${programme.code} sudah ditutup; tempat yang kosong tidak diisi lagi.`,
      en: `Programme ${programme.code} is closed; freed places are no longer filled.`,
    });
  }
  if (!isDate(startOn)) {
    throw new UserError('invalid', 'date_invalid', { id: `Tanggal mulai "${startOn}" harus ditulis YYYY-MM-DD.`, en: `Start date "${startOn}" must be written YYYY-MM-DD.` });
  }
  if (startOn < programme.coverageStart || startOn > programme.coverageEnd) {
    throw new UserError('invalid', 'start_outside_programme', {
      id: `Tanggal mulai pengganti ${formatDate(startOn, 'id')} di luar masa program ${programme.code} (${formatDate(programme.coverageStart, 'id')} s.d. ${formatDate(programme.coverageEnd, 'id')}).`,
      en: `The replacements' start ${formatDate(startOn, 'en')} is outside programme ${programme.code}'s coverage (${formatDate(programme.coverageStart, 'en')} to ${formatDate(programme.coverageEnd, 'en')}).`,
    });
  }
  if (regency !== null) {
    const [q] = await tx.query('SELECT 1 FROM programme_quota WHERE programme_id = $1 AND regency_code = $2', [programme.id, regency]);
    if (!q) {
      throw new UserError('not_found', 'regency_not_in_programme', {
        id: `Program ${programme.code} tidak punya kuota untuk wilayah ${regency}. Pilih kabupaten/kota yang punya kuota.`,
        en: `Programme ${programme.code} has no quota for area ${regency}. Choose a regency that has one.`,
      });
    }
  }

  await lockProgrammeMembers(tx, programme.id);
  const rows = await tx.query<{
    id: number; person_id: number; full_name: string; nik: string; regency_code: string;
    r_id: number | null; r_person_id: number | null; r_full_name: string | null; r_nik: string | null; r_ended_on: string | null; r_reason: string | null;
  }>(
    `WITH quota AS (SELECT q.regency_code, q.quota FROM programme_quota q WHERE q.programme_id = $1 AND ($2::text IS NULL OR q.regency_code = $2)),
          held AS (SELECT m.regency_code, count(*) AS n FROM membership m
                    WHERE m.programme_id = $1 AND m.state IN (${HOLDING}) AND m.regency_code IN (SELECT regency_code FROM quota) GROUP BY m.regency_code),
          free AS MATERIALIZED (
            SELECT quota.regency_code, quota.quota - coalesce(held.n, 0) AS places FROM quota LEFT JOIN held ON held.regency_code = quota.regency_code),
          queue AS (
            SELECT m.id, m.regency_code,
                   row_number() OVER (PARTITION BY m.regency_code
                     ORDER BY pe.extreme_poor DESC, pe.disability DESC, pe.dtsen_decile ASC NULLS LAST, pe.birth_date ASC NULLS LAST, pe.nik COLLATE "C") AS rk
              FROM membership m JOIN person pe ON pe.id = m.person_id
             WHERE m.programme_id = $1 AND m.state = 'waiting' AND m.regency_code IN (SELECT regency_code FROM free WHERE places > 0)
               -- Someone who joined another programme meanwhile keeps that one.
               AND NOT EXISTS (SELECT 1 FROM membership o WHERE o.person_id = m.person_id AND o.state IN ('candidate', 'submitted', 'active'))),
          freed AS (
            SELECT m.id, m.regency_code, row_number() OVER (PARTITION BY m.regency_code ORDER BY m.ended_on, m.id) AS rk
              FROM membership m
             WHERE m.programme_id = $1 AND m.state = 'ended' AND m.regency_code IN (SELECT regency_code FROM free WHERE places > 0)
               AND coalesce(m.ended_from_state, 'active') <> 'waiting' AND m.ended_reason IS DISTINCT FROM 'programme_end'
               AND NOT EXISTS (SELECT 1 FROM membership r WHERE r.replaces_membership_id = m.id)),
          picked AS (
            SELECT q.id, f.id AS replaces FROM queue q JOIN free ON free.regency_code = q.regency_code AND q.rk <= free.places
              LEFT JOIN freed f ON f.regency_code = q.regency_code AND f.rk = q.rk),
          upd AS (
            UPDATE membership m SET state = 'candidate', replaces_membership_id = picked.replaces, coverage_start = $3::date,
                   decided_by = $4, rejection_reason = NULL, updated_at = now()
              FROM picked WHERE m.id = picked.id
            RETURNING m.id, m.person_id, m.regency_code, m.replaces_membership_id)
     SELECT upd.id, upd.person_id, pe.full_name, pe.nik, upd.regency_code,
            r.id AS r_id, r.person_id AS r_person_id, rp.full_name AS r_full_name, rp.nik AS r_nik, r.ended_on AS r_ended_on, r.ended_reason AS r_reason
       FROM upd JOIN person pe ON pe.id = upd.person_id
       LEFT JOIN membership r ON r.id = upd.replaces_membership_id LEFT JOIN person rp ON rp.id = r.person_id
      ORDER BY upd.regency_code, upd.id`,
    [programme.id, regency, startOn, label],
  );

  const regencies = await tx.query<{ regencyCode: string; regencyName: string; quota: number; held: number; waiting: number }>(
    `SELECT q.regency_code AS "regencyCode", a.name AS "regencyName", q.quota,
            coalesce(sum(t.n) FILTER (WHERE t.state IN (${HOLDING})), 0)::int AS held,
            coalesce(sum(t.n) FILTER (WHERE t.state = 'waiting'), 0)::int AS waiting
       FROM programme_quota q JOIN area a ON a.code = q.regency_code
       -- The tally kept by triggers on membership (migration 006), not a count of every membership.
       LEFT JOIN membership_tally t ON t.programme_id = q.programme_id AND t.regency_code = q.regency_code
      WHERE q.programme_id = $1 AND ($2::text IS NULL OR q.regency_code = $2)
      GROUP BY q.regency_code, a.name, q.quota ORDER BY q.regency_code`,
    [programme.id, regency],
  );
  const filled = new Map<string, number>();
  for (const r of rows) filled.set(r.regency_code, (filled.get(r.regency_code) ?? 0) + 1);
  return {
    programme: programme.code,
    startOn,
    regencies: regencies
      .map((r) => ({ ...r, free: Math.max(r.quota - r.held, 0), filled: filled.get(r.regencyCode) ?? 0 }))
      .filter((r) => regency !== null || r.filled > 0 || r.free > 0),
    replacements: rows.map((r) => ({
      membershipId: r.id,
      personId: r.person_id,
      fullName: r.full_name,
      nik: r.nik,
      regencyCode: r.regency_code,
      coverageStart: startOn,
      replaces: r.r_id === null ? null : { membershipId: r.r_id, personId: r.r_person_id!, fullName: r.r_full_name!, nik: r.r_nik!, endedOn: r.r_ended_on, reason: r.r_reason },
    })),
  };
}
