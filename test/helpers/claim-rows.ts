/**
 * Claims written straight into the tables (schema 008), for tests of what reads them — the
 * dashboard and the letters — without going through registration, decision and payout. Times
 * are given as NTT days (WITA, noon) so the dashboard's day arithmetic is what the test says.
 */
import { asSystem } from '../../src/db/scope.js';
import type { Db } from '../../src/db/types.js';
import type { Entitlement } from '../../src/domain/entitlement.js';
import type { ClaimStatus, ClaimType } from '../../src/domain/claim-dashboard.js';

export interface ClaimRow {
  claimNo: string;
  personId: number;
  villageCode: string;
  type: ClaimType;
  status: ClaimStatus;
  eventDate: string;
  entitled: number;
  approved?: number | null;
  covered?: boolean;
  completeOn?: string | null;
  slaDue?: string | null;
  submittedOn?: string | null;
  decidedOn?: string | null;
  paidOn?: string | null;
  confirmedOn?: string | null;
  rejectionReason?: string | null;
  membershipId?: number | null;
  programmeCode?: string | null;
  eventPlace?: string | null;
  entitlement?: Partial<Entitlement>;
  coverage?: Record<string, unknown>;
}

const noon = (d: string | null | undefined) => (d ? `${d} 12:00:00+08` : null);

export async function insertClaim(db: Db, c: ClaimRow): Promise<number> {
  return asSystem(db, 'test', async (tx) => {
    const [row] = await tx.query<{ id: number }>(
      `INSERT INTO claim (claim_no, person_id, membership_id, programme_id, type, event_date, event_place, covered, coverage, entitlement, entitled_amount,
                          status, approved_amount, rejection_reason, documents_complete_at, sla_due, submitted_at, decided_at, paid_at, confirmed_at,
                          registered_by_label, submitted_by_label, decided_by_label, village_code)
       VALUES ($1, $2, $3, (SELECT id FROM programme WHERE code = $4), $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
               'test.maker', CASE WHEN $17::timestamptz IS NULL THEN NULL ELSE 'test.maker' END, CASE WHEN $18::timestamptz IS NULL THEN NULL ELSE 'test.checker' END, $21)
       RETURNING id`,
      [
        c.claimNo, c.personId, c.membershipId ?? null, c.programmeCode ?? null, c.type, c.eventDate, c.eventPlace ?? null, c.covered ?? true,
        JSON.stringify(c.coverage ?? {}), JSON.stringify(c.entitlement ?? {}), c.entitled, c.status, c.approved ?? null, c.rejectionReason ?? null,
        noon(c.completeOn), c.slaDue ?? null, noon(c.submittedOn), noon(c.decidedOn), noon(c.paidOn), noon(c.confirmedOn), c.villageCode,
      ],
    );
    return row!.id;
  });
}

export interface PayeeRow {
  fullName: string;
  relation: string;
  amount: number;
  bankAccount: string;
  bankName?: string;
  /** Transfer attempts, oldest first; a later one retries the one before it. */
  transfers?: { reference: string; status: 'sent' | 'success' | 'failed' | 'reversed' | 'cancelled'; sentOn: string; bankReference?: string | null; failureReason?: string | null }[];
}

/** Payees of a claim and their transfer lines (one batch per attempt, in the claim's regency). */
export async function insertPayees(db: Db, claimId: number, villageCode: string, payees: PayeeRow[]): Promise<void> {
  await asSystem(db, 'test', async (tx) => {
    for (const p of payees) {
      const [payee] = await tx.query<{ id: number }>(
        `INSERT INTO claim_payee (claim_id, full_name, relation, amount, bank_name, bank_account, account_holder, village_code)
         VALUES ($1, $2, $3, $4, $5, $6, $2, $7) RETURNING id`,
        [claimId, p.fullName, p.relation, p.amount, p.bankName ?? 'Bank NTT', p.bankAccount, villageCode],
      );
      let previous: number | null = null;
      for (const t of p.transfers ?? []) {
        const [b] = await tx.query<{ id: number }>(
          `INSERT INTO payout_batch (lines, amount, area_code, created_by_label, created_at, status, confirmed_at)
           VALUES (1, $1, left($2, 5), 'test.finance', $3::timestamptz, $4, CASE WHEN $4 = 'confirmed' THEN $3::timestamptz + interval '1 day' END) RETURNING id`,
          [p.amount, villageCode, noon(t.sentOn), t.status === 'sent' ? 'open' : 'confirmed'],
        );
        const [line]: { id: number }[] = await tx.query<{ id: number }>(
          `INSERT INTO payout_line (batch_id, claim_id, payee_id, reference, amount, bank_account, status, bank_reference, failure_reason, retry_of, village_code)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
          [b!.id, claimId, payee!.id, t.reference, p.amount, p.bankAccount, t.status, t.bankReference ?? null, t.failureReason ?? null, previous, villageCode],
        );
        previous = line!.id;
      }
    }
  });
}

/** A JKM death's entitlement after 3 months of membership, in the shape of domain/entitlement.ts. */
export function jkmEntitlement(eventDate: string, membershipMonths: number): Partial<Entitlement> {
  const c = (ruleId: number, component: string, id: string, en: string, amount: number) => ({
    ruleId, component, label: { id, en }, amount, legalBasis: 'PP 82/2019', validFrom: '2019-12-02', verified: true,
    reason: { id: `${id} menurut aturan yang berlaku sejak 2 Desember 2019: Rp${amount.toLocaleString('id-ID')}`, en: `${en} under the rule in force since 2 December 2019` },
  });
  return {
    type: 'jkm_death', eventDate, entitled: true, total: 42_000_000, membershipMonths, unverified: false, skipped: [], scholarship: null,
    components: [
      c(1, 'lump_sum', 'Santunan sekaligus', 'Lump sum', 20_000_000),
      c(2, 'periodic', 'Santunan berkala 24 bulan (dibayar sekaligus)', 'Periodic benefit', 12_000_000),
      c(3, 'funeral', 'Biaya pemakaman', 'Funeral costs', 10_000_000),
    ],
    reasons: [{ id: `Peserta terlindungi pada tanggal kejadian dengan masa kepesertaan ${membershipMonths} bulan (paling sedikit 3 bulan).`, en: `Covered on the event date, ${membershipMonths} months of membership (at least 3).` }],
  };
}
