/**
 * What the members screen shows: memberships by state per regency (from the tally the membership
 * triggers keep, so a million members cost a few hundred rows) and the latest lapses, ends and
 * replacements.
 */
import type { Queryable } from '../../db/types.js';
import type { MembershipState } from '../../domain/coverage.js';
import { MEMBERSHIP_STATES, PLACE_HOLDING_STATES } from '../../domain/membership-state.js';
import type { Programme } from '../programmes/programmes.js';

export interface RegencyStates {
  regencyCode: string;
  regencyName: string;
  quota: number;
  counts: Record<MembershipState, number>;
  /** quota − places held (never below 0). */
  free: number;
}

export async function statesByRegency(tx: Queryable, programme: Programme): Promise<RegencyStates[]> {
  const quotas = await tx.query<{ regency_code: string; name: string; quota: number }>(
    `SELECT q.regency_code, a.name, q.quota FROM programme_quota q JOIN area a ON a.code = q.regency_code WHERE q.programme_id = $1 ORDER BY q.regency_code`,
    [programme.id],
  );
  const tally = await tx.query<{ regency_code: string; state: MembershipState; n: number }>(
    'SELECT regency_code, state, n::int AS n FROM membership_tally WHERE programme_id = $1 AND n <> 0',
    [programme.id],
  );
  const rows = new Map<string, RegencyStates>();
  const empty = () => Object.fromEntries(MEMBERSHIP_STATES.map((s) => [s, 0])) as Record<MembershipState, number>;
  for (const q of quotas) rows.set(q.regency_code, { regencyCode: q.regency_code, regencyName: q.name, quota: q.quota, counts: empty(), free: 0 });
  for (const t of tally) {
    let row = rows.get(t.regency_code);
    if (!row) {
      row = { regencyCode: t.regency_code, regencyName: t.regency_code, quota: 0, counts: empty(), free: 0 };
      rows.set(t.regency_code, row);
    }
    if (t.state in row.counts) row.counts[t.state] += t.n;
  }
  for (const r of rows.values()) r.free = Math.max(r.quota - PLACE_HOLDING_STATES.reduce((s, st) => s + r.counts[st], 0), 0);
  return [...rows.values()].sort((a, b) => (a.regencyCode < b.regencyCode ? -1 : 1));
}

export interface MemberEvent {
  kind: 'lapsed' | 'ended' | 'replacement';
  membershipId: number;
  personId: number;
  fullName: string;
  nik: string;
  regencyCode: string;
  /** Lapsed from, ended on, or the replacement's coverage start. */
  day: string | null;
  reason: string | null;
  note: string | null;
  /** For a replacement: whose place it took. */
  replaces: { membershipId: number; fullName: string; nik: string } | null;
}

/** The latest lapses, ends and replacements of the programme (in the caller's area), newest first. */
export async function recentMemberEvents(tx: Queryable, programme: Programme, limit = 20): Promise<MemberEvent[]> {
  const rows = await tx.query<{
    kind: MemberEvent['kind']; id: number; person_id: number; full_name: string; nik: string; regency_code: string; day: string | null;
    reason: string | null; note: string | null; r_id: number | null; r_name: string | null; r_nik: string | null;
  }>(
    `SELECT x.*, pe.full_name, pe.nik, rp.full_name AS r_name, rp.nik AS r_nik FROM (
       (SELECT 'lapsed' AS kind, m.id, m.person_id, m.regency_code, m.lapsed_on AS day, NULL::text AS reason, NULL::text AS note, NULL::bigint AS r_id
          FROM membership m WHERE m.programme_id = $1 AND m.state = 'lapsed' ORDER BY m.lapsed_on DESC NULLS LAST, m.id DESC LIMIT $2)
       UNION ALL
       (SELECT 'ended', m.id, m.person_id, m.regency_code, m.ended_on, m.ended_reason, m.ended_note, NULL
          FROM membership m WHERE m.programme_id = $1 AND m.state = 'ended' ORDER BY m.ended_on DESC NULLS LAST, m.id DESC LIMIT $2)
       UNION ALL
       (SELECT 'replacement', m.id, m.person_id, m.regency_code, m.coverage_start, NULL, NULL, m.replaces_membership_id
          FROM membership m WHERE m.programme_id = $1 AND m.replaces_membership_id IS NOT NULL ORDER BY m.id DESC LIMIT $2)) x
     JOIN person pe ON pe.id = x.person_id
     LEFT JOIN membership r ON r.id = x.r_id LEFT JOIN person rp ON rp.id = r.person_id
     ORDER BY x.day DESC NULLS LAST, x.id DESC`,
    [programme.id, limit],
  );
  return rows.map((r) => ({
    kind: r.kind,
    membershipId: r.id,
    personId: r.person_id,
    fullName: r.full_name,
    nik: r.nik,
    regencyCode: r.regency_code,
    day: r.day,
    reason: r.reason,
    note: r.note,
    replaces: r.r_id === null || r.r_name === null ? null : { membershipId: r.r_id, fullName: r.r_name, nik: r.r_nik ?? '' },
  }));
}
