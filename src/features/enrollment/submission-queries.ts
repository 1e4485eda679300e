/**
 * Reading submissions back: the batches of a programme and the candidates BPJS turned away, with
 * BPJS's reason, for the village and regency that proposed them.
 */
import type { Queryable } from '../../db/types.js';

export interface SubmissionSummary {
  id: number;
  areaCode: string;
  areaName: string;
  status: 'open' | 'answered';
  lines: number;
  accepted: number;
  rejected: number;
  createdBy: string;
  createdAt: string;
  answeredAt: string | null;
}

export async function listSubmissions(tx: Queryable, programmeId: number, limit = 200): Promise<SubmissionSummary[]> {
  return tx.query<SubmissionSummary>(
    `SELECT s.id, s.area_code AS "areaCode", a.name AS "areaName", s.status, s.lines, coalesce(s.accepted, 0) AS accepted,
            coalesce(s.rejected, 0) AS rejected, s.created_by_label AS "createdBy", s.created_at AS "createdAt", s.answered_at AS "answeredAt"
       FROM submission_batch s JOIN area a ON a.code = s.area_code
      WHERE s.programme_id = $1 ORDER BY s.id DESC LIMIT $2`,
    [programmeId, limit],
  );
}

export interface RejectedCandidate {
  membershipId: number;
  nik: string;
  fullName: string;
  villageCode: string;
  villageName: string;
  reason: string;
}

/** Candidates back from BPJS with a reason, newest first: what the village must correct. */
export async function rejectedCandidates(tx: Queryable, programmeId: number, limit = 100): Promise<RejectedCandidate[]> {
  return tx.query<RejectedCandidate>(
    `SELECT m.id AS "membershipId", p.nik, p.full_name AS "fullName", m.village_code AS "villageCode", v.name AS "villageName", m.rejection_reason AS reason
       FROM membership m JOIN person p ON p.id = m.person_id JOIN area v ON v.code = m.village_code
      WHERE m.programme_id = $1 AND m.state = 'candidate' AND m.rejection_reason IS NOT NULL
      ORDER BY m.updated_at DESC, m.id LIMIT $2`,
    [programmeId, limit],
  );
}

/** Candidates waiting to be submitted, per regency: what a new batch would take. */
export async function candidatesByRegency(tx: Queryable, programmeId: number): Promise<{ regencyCode: string; regencyName: string; candidates: number }[]> {
  return tx.query(
    `SELECT m.regency_code AS "regencyCode", a.name AS "regencyName", count(*)::int AS candidates
       FROM membership m JOIN area a ON a.code = m.regency_code
      WHERE m.programme_id = $1 AND m.state = 'candidate' GROUP BY m.regency_code, a.name ORDER BY m.regency_code`,
    [programmeId],
  );
}
