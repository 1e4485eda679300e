/**
 * The demo's claims, told through the real workflow on top of the 2025 story: amounts by the
 * benefit rules, payouts confirmed by the bank (one returned and sent again), a rejection of a
 * death outside cover, and open files within and past the SLA — checked against the rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { todayInNtt } from '../../src/clock.js';
import { ensureReferenceData } from '../../src/features/bootstrap.js';
import { ensureDemoClaims, type DemoClaims } from '../../src/features/claims/demo-claims.js';
import { loadDemo } from '../../src/features/demo/load.js';
import { ensureDemoProgrammes } from '../../src/features/programmes/demo-programmes.js';
import { openTestDb, type TestDb } from '../helpers/db.js';

let t: TestDb;
let told: DemoClaims;

beforeAll(async () => {
  t = await openTestDb('demo-claims');
  await ensureReferenceData(t.db);
  await loadDemo(t.db, { size: 6000, today: '2025-06-01' });
  await ensureDemoProgrammes(t.db);
  told = await ensureDemoClaims(t.db);
}, 240_000);
afterAll(async () => t?.cleanup());

const q = <R>(sql: string, params: (string | number)[] = []) => t.db.query<R>(sql, params);

describe('the demo claims', () => {
  it('pays each confirmed claim exactly its approved amount, once per payee, into the bank', async () => {
    expect(told.claims).toBeGreaterThanOrEqual(20);
    expect(told.confirmed).toBeGreaterThanOrEqual(15);
    const rows = await q<{ claim_no: string; approved: number; paid: number; payees: number; payees_paid: number }>(
      `SELECT c.claim_no, c.approved_amount::bigint AS approved,
              (SELECT coalesce(sum(l.amount), 0)::bigint FROM payout_line l WHERE l.claim_id = c.id AND l.status = 'success') AS paid,
              (SELECT count(*)::int FROM claim_payee p WHERE p.claim_id = c.id) AS payees,
              (SELECT count(DISTINCT l.payee_id)::int FROM payout_line l WHERE l.claim_id = c.id AND l.status = 'success') AS payees_paid
         FROM claim c WHERE c.synthetic AND c.status = 'confirmed'`,
    );
    expect(rows.length).toBe(told.confirmed);
    for (const r of rows) {
      expect(Number(r.paid), r.claim_no).toBe(Number(r.approved));
      expect(r.payees_paid, r.claim_no).toBe(r.payees);
    }
    expect(rows.reduce((s, r) => s + Number(r.paid), 0)).toBe(told.paidAmount);
    const [twice] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT payee_id FROM payout_line WHERE status = 'success' GROUP BY payee_id HAVING count(*) > 1) x`);
    expect(twice!.n).toBe(0);
  });

  it('sent a returned transfer again, to a corrected account, and the claim ended confirmed', async () => {
    const rows = await q<{ failed_status: string; failed_account: string; retry_status: string; retry_account: string; claim_status: string }>(
      `SELECT f.status AS failed_status, f.bank_account AS failed_account, r.status AS retry_status, r.bank_account AS retry_account, c.status AS claim_status
         FROM payout_line r JOIN payout_line f ON f.id = r.retry_of JOIN claim c ON c.id = r.claim_id WHERE c.synthetic`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(1);
    for (const r of rows) {
      expect(r.failed_status).toBe('failed');
      expect(r.retry_status).toBe('success');
      expect(r.retry_account).not.toBe(r.failed_account);
      expect(r.claim_status).toBe('confirmed');
    }
  });

  it('computes JKM by membership length: Rp10,000,000 in the first 3 months, Rp42,000,000 after', async () => {
    const rows = await q<{ event_date: string; start: string; amount: number }>(
      `SELECT c.event_date::text, m.coverage_start::text AS start, c.entitled_amount::bigint AS amount
         FROM claim c JOIN membership m ON m.id = c.membership_id WHERE c.synthetic AND c.type = 'jkm_death' AND c.covered`,
    );
    expect(rows.some((r) => Number(r.amount) === 10_000_000)).toBe(true);
    expect(rows.some((r) => Number(r.amount) === 42_000_000)).toBe(true);
    for (const r of rows) {
      const months = (Number(r.event_date.slice(0, 4)) - Number(r.start.slice(0, 4))) * 12 + Number(r.event_date.slice(5, 7)) - Number(r.start.slice(5, 7));
      expect(Number(r.amount), `${r.start} → ${r.event_date}`).toBe(months < 3 ? 10_000_000 : 42_000_000);
    }
  });

  it('refuses the death after cover ended, and leaves open files within and past the SLA', async () => {
    const [rejected] = await q<{ n: number }>(`SELECT count(*)::int AS n FROM claim WHERE synthetic AND status = 'rejected' AND NOT covered AND rejection_reason IS NOT NULL`);
    expect(rejected!.n).toBe(1);
    const today = todayInNtt();
    const open = await q<{ status: string; sla_due: string | null }>(
      `SELECT status, sla_due::text FROM claim WHERE synthetic AND status IN ('draft', 'documents_complete', 'submitted', 'approved')`,
    );
    expect(open.length).toBe(told.open);
    expect(open.filter((c) => c.status === 'draft' && c.sla_due === null).length).toBe(2);
    expect(open.some((c) => c.sla_due !== null && c.sla_due < today)).toBe(true);
    expect(open.some((c) => c.sla_due !== null && c.sla_due >= today)).toBe(true);
  });

  it('is told once: a second run adds nothing', async () => {
    const again = await ensureDemoClaims(t.db);
    expect(again.claims).toBe(0);
    const [n] = await q<{ n: number }>('SELECT count(*)::int AS n FROM claim WHERE synthetic');
    expect(n!.n).toBe(told.claims);
  });
});
