/**
 * The demo's 2025 programme as it happened: batches per regency answered with KPJ numbers, a few
 * rejections and deaths replaced from the waiting list with their own start, six months billed and
 * paid, cards printed — checked against the rows themselves, on the engine under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSystem } from '../../src/db/scope.js';
import { ensureReferenceData } from '../../src/features/bootstrap.js';
import { loadDemo } from '../../src/features/demo/load.js';
import { ensureDemoProgrammes } from '../../src/features/programmes/demo-programmes.js';
import type { DemoHistory } from '../../src/features/programmes/demo-history.js';
import { memberStatus } from '../../src/features/enrollment/status.js';
import { openTestDb, type TestDb } from '../helpers/db.js';

let t: TestDb;
let told: DemoHistory;

beforeAll(async () => {
  t = await openTestDb('demo-history');
  await ensureReferenceData(t.db);
  await loadDemo(t.db, { size: 6000, today: '2025-06-01' });
  told = (await ensureDemoProgrammes(t.db)).history2025!;
});
afterAll(async () => t?.cleanup());

const q = <R>(sql: string, params: (string | number)[] = []) => t.db.query<R>(sql, params);

describe('the 2025 programme in the demo', () => {
  it('has one answered batch per regency, and every accepted member a KPJ, a card and six months of cover', async () => {
    expect(told.members).toBeGreaterThan(0);
    const batches = await q<{ area_code: string; lines: number; accepted: number; rejected: number; n: number }>(
      `SELECT s.area_code, s.lines, s.accepted, s.rejected, (SELECT count(*)::int FROM submission_line l WHERE l.batch_id = s.id) AS n
         FROM submission_batch s JOIN programme p ON p.id = s.programme_id WHERE p.code = 'NTT-2025' AND s.status = 'answered' ORDER BY s.id`,
    );
    const regencies = batches.filter((b) => b.area_code !== '53');
    expect(new Set(regencies.map((b) => b.area_code)).size).toBe(regencies.length);
    expect(regencies.length).toBeGreaterThanOrEqual(20);
    for (const b of batches) expect(b.n).toBe(b.lines);
    expect(batches.reduce((s, b) => s + b.rejected, 0)).toBe(told.rejected);
    const [bad] = await q<{ n: number }>(
      `SELECT count(*)::int AS n FROM membership m JOIN programme p ON p.id = m.programme_id
        WHERE p.code = 'NTT-2025' AND m.kpj IS NOT NULL AND (m.card_token IS NULL OR NOT EXISTS (SELECT 1 FROM coverage_period c WHERE c.membership_id = m.id))`,
    );
    expect(bad!.n).toBe(0);
    const [printed] = await q<{ n: number }>(`SELECT coalesce(sum(cards), 0)::int AS n FROM card_print c JOIN programme p ON p.id = c.programme_id WHERE p.code = 'NTT-2025'`);
    expect(printed!.n).toBe(told.members);
  });

  it('replaces the dead, the moved away and the rejected from the regency\'s waiting list, each with its own start', async () => {
    const rows = await q<{ reason: string; regency_same: boolean; start: string; ended_on: string }>(
      `SELECT o.ended_reason AS reason, o.regency_code = r.regency_code AS regency_same, r.coverage_start AS start, o.ended_on
         FROM membership r JOIN membership o ON o.id = r.replaces_membership_id JOIN programme p ON p.id = r.programme_id WHERE p.code = 'NTT-2025'`,
    );
    expect(rows.length).toBe(told.replaced);
    expect(new Set(rows.map((r) => r.reason))).toEqual(new Set(['withdrawn', 'death', 'moved_away']));
    for (const r of rows) {
      expect(r.regency_same).toBe(true);
      expect(r.start).toBe(r.reason === 'withdrawn' ? '2025-07-01' : '2025-10-01');
      if (r.reason !== 'withdrawn') expect(r.ended_on < r.start).toBe(true);
    }
  });

  it('bills every month at Rp16,800 for those covered in it, all paid by SP2D, the same places each month', async () => {
    const bills = await q<{ month: string; persons: number; amount: number; per_person: number; lines: number; paid: number; covered: number }>(
      `SELECT b.month, b.persons, b.amount, b.per_person, (SELECT count(*)::int FROM bill_line l WHERE l.bill_id = b.id) AS lines,
              (SELECT coalesce(sum(amount), 0)::bigint FROM payment y WHERE y.bill_id = b.id AND y.reversed_at IS NULL) AS paid,
              (SELECT count(DISTINCT c.membership_id)::int FROM coverage_period c JOIN membership m ON m.id = c.membership_id
                WHERE m.programme_id = b.programme_id AND c.from_date <= (b.month + interval '1 month' - interval '1 day')::date AND c.to_date >= b.month) AS covered
         FROM bill b JOIN programme p ON p.id = b.programme_id WHERE p.code = 'NTT-2025' ORDER BY b.month`,
    );
    expect(bills.map((b) => b.month)).toEqual(['2025-07-01', '2025-08-01', '2025-09-01', '2025-10-01', '2025-11-01', '2025-12-01']);
    for (const b of bills) {
      expect(b.per_person).toBe(16_800);
      expect(b.lines).toBe(b.covered);
      expect(b.amount).toBe(b.persons * 16_800);
      expect(Number(b.paid)).toBe(b.amount);
    }
    // Replacements keep the places filled: July (rejections refilled) and October (deaths refilled) bill the same people count.
    expect(bills[0]!.persons).toBe(bills[3]!.persons);
    expect(told.billed).toBe(bills.reduce((s, b) => s + b.amount, 0));
    expect(told.paid).toBe(told.billed);
  });

  it('answers "covered on D?" for a member who died in September: yes in August, no in October', async () => {
    const [dead] = await q<{ nik: string }>(
      `SELECT p.nik FROM membership m JOIN person p ON p.id = m.person_id JOIN programme g ON g.id = m.programme_id WHERE g.code = 'NTT-2025' AND m.ended_reason = 'death' LIMIT 1`,
    );
    const august = await asSystem(t.db, 'test', (tx) => memberStatus(tx, dead!.nik, '2025-08-15'));
    const october = await asSystem(t.db, 'test', (tx) => memberStatus(tx, dead!.nik, '2025-10-15'));
    expect(august.answer.covered).toBe(true);
    expect(october.answer.covered).toBe(false);
  });
});
