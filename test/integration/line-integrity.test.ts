/**
 * Bill and invoice lines keep their references (migration 009 checks them per statement instead
 * of by foreign keys): unknown bills, invoices or memberships are refused, a deleted bill takes its
 * lines, a billed membership cannot be deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSystem } from '../../src/db/scope.js';
import type { Queryable } from '../../src/db/types.js';
import { startFixture, type Fixture } from '../helpers/app.js';

let f: Fixture;
let membershipId: number;
let billId: number;

async function sqlState(fn: (tx: Queryable) => Promise<unknown>): Promise<string | null> {
  try {
    await asSystem(f.db, 'test', fn);
    return null;
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
}

beforeAll(async () => {
  f = await startFixture('line-integrity');
  await asSystem(f.db, 'test', async (tx) => {
    const [m] = await tx.query<{ id: number }>(
      `INSERT INTO membership (programme_id, person_id, state, village_code)
       SELECT id, $1, 'active', $2 FROM programme WHERE code = 'NTT-2026' RETURNING id`,
      [f.homePersonId, f.homeVillage],
    );
    membershipId = m!.id;
    const [b] = await tx.query<{ id: number }>(
      `INSERT INTO bill (programme_id, month, persons, per_person, amount, due_date, area_code, created_by_label)
       SELECT id, '2026-03-01', 1, 16800, 16800, '2026-03-15', '53', 'test' FROM programme WHERE code = 'NTT-2026' RETURNING id`,
    );
    billId = b!.id;
    await tx.query('INSERT INTO bill_line (bill_id, membership_id, amount) VALUES ($1, $2, 16800)', [billId, membershipId]);
  });
}, 120_000);

afterAll(async () => {
  await f?.cleanup();
});

describe('bill and invoice lines', () => {
  it('refuses a line for a membership or bill that does not exist, and a changed reference', async () => {
    expect(await sqlState((tx) => tx.query('INSERT INTO bill_line (bill_id, membership_id, amount) VALUES ($1, 999999999, 1)', [billId]))).toBe('23503');
    expect(await sqlState((tx) => tx.query('INSERT INTO bill_line (bill_id, membership_id, amount) VALUES (999999999, $1, 1)', [membershipId]))).toBe('23503');
    expect(await sqlState((tx) => tx.query('UPDATE bill_line SET membership_id = 999999999 WHERE bill_id = $1', [billId]))).toBe('23503');
    expect(await sqlState((tx) => tx.query(
      `INSERT INTO invoice_line (invoice_id, line_no, membership_id, finding) VALUES (999999999, 1, NULL, 'unknown')`,
    ))).toBe('23503');
  });

  it('keeps a billed membership, and a deleted bill takes its lines along', async () => {
    expect(await sqlState((tx) => tx.query('DELETE FROM membership WHERE id = $1', [membershipId]))).toBe('23503');
    expect(await sqlState((tx) => tx.query('DELETE FROM bill WHERE id = $1', [billId]))).toBeNull();
    const left = await f.db.query<{ n: number }>('SELECT count(*)::int AS n FROM bill_line WHERE membership_id = $1', [membershipId]);
    expect(left[0]!.n).toBe(0);
    expect(await sqlState((tx) => tx.query('DELETE FROM membership WHERE id = $1', [membershipId]))).toBeNull();
  });
});
