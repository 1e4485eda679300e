/**
 * "Was this person covered on date D, by which programme and funder?" — one answer, from the
 * person's memberships and their covered periods.
 */
import type { Queryable } from '../../db/types.js';
import { coveredOn, type MembershipTimeline } from '../../domain/coverage.js';
import type { Message } from '../../domain/messages.js';
import { endedReasonLabel, STATE_LABEL } from '../../domain/membership-state.js';
import { UserError } from '../../domain/user-error.js';

export interface MemberStatus {
  nik: string;
  personId: number;
  fullName: string;
  on: string;
  answer: ReturnType<typeof coveredOn>;
  memberships: (MembershipTimeline & {
    kpj: string | null;
    effectiveDate: string | null;
    /** The state in words ("non-aktif (menunggak)"), the same everywhere. */
    stateLabel: Message;
    /** First non-active day of the current lapse; null unless lapsed. */
    lapsedOn: string | null;
    endedOn: string | null;
    endedReasonCode: string | null;
    /** The start of cover a replacement was given (its own, not the original member's). */
    coverageStartOfMember: string | null;
    replacesMembershipId: number | null;
  })[];
}

export async function memberStatus(tx: Queryable, nik: string, on: string): Promise<MemberStatus> {
  const clean = nik.replace(/\s/g, '');
  const [person] = await tx.query<{ id: number; full_name: string }>('SELECT id, full_name FROM person WHERE nik = $1', [clean]);
  if (!person) {
    throw new UserError('not_found', 'person_unknown', {
      id: `NIK ${clean} tidak ada di registri (atau di luar wilayah Anda).`,
      en: `NIK ${clean} is not in the registry (or is outside your area).`,
    });
  }
  const rows = await tx.query<{
    code: string; funder_name: string; state: MembershipTimeline['state']; coverage_start: string; coverage_end: string; ended_reason: string | null;
    kpj: string | null; effective_date: string | null; periods: { from: string; to: string | null }[] | null;
    lapsed_on: string | null; ended_on: string | null; member_start: string | null; replaces_membership_id: number | null;
  }>(
    `SELECT p.code, p.funder_name, m.state, p.coverage_start, p.coverage_end, m.ended_reason, m.kpj, m.effective_date,
            m.lapsed_on, m.ended_on, m.coverage_start AS member_start, m.replaces_membership_id,
            (SELECT json_agg(json_build_object('from', c.from_date, 'to', c.to_date) ORDER BY c.from_date) FROM coverage_period c WHERE c.membership_id = m.id) AS periods
       FROM membership m JOIN programme p ON p.id = m.programme_id
      WHERE m.person_id = $1 ORDER BY p.coverage_start, m.id`,
    [person.id],
  );
  const memberships = rows.map((r) => ({
    programmeCode: r.code,
    funderName: r.funder_name,
    state: r.state,
    periods: r.periods ?? [],
    coverageStart: r.coverage_start,
    coverageEnd: r.coverage_end,
    endedReason: endedReasonLabel(r.ended_reason),
    endedOn: r.ended_on,
    kpj: r.kpj,
    effectiveDate: r.effective_date,
    stateLabel: STATE_LABEL[r.state],
    lapsedOn: r.lapsed_on,
    endedReasonCode: r.ended_reason,
    coverageStartOfMember: r.member_start,
    replacesMembershipId: r.replaces_membership_id,
  }));
  return { nik: clean, personId: person.id, fullName: person.full_name, on, answer: coveredOn(memberships, on), memberships };
}
