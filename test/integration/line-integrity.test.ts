/**
 * Bill and invoice lines, and intake staging rows, keep their references (migrations 009 and 011
 * check them per statement instead of by foreign keys): unknown bills, invoices, memberships or
 * batches are refused, a deleted bill (batch) takes its lines (rows), a billed membership cannot be
 * deleted.
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

describe('intake staging rows', () => {
  const stage = (tx: Queryable, batchId: number, rowNo: number) =>
    tx.query(`INSERT INTO intake_row (batch_id, row_no, raw, full_name, status) VALUES ($1, $2, '["x"]', 'Maria Bere', 'eligible')`, [batchId, rowNo]);

  it('refuses a row of a batch that does not exist, and a deleted batch takes its rows and their reviews along', async () => {
    expect(await sqlState((tx) => stage(tx, 999999999, 1))).toBe('23503');
    const batchId = await asSystem(f.db, 'test', async (tx) => {
      const [b] = await tx.query<{ id: number }>(
        `INSERT INTO intake_batch (programme_id, area_code, source, status, created_by_label)
         SELECT id, '53', 'form', 'checked', 'test' FROM programme WHERE code = 'NTT-2026' RETURNING id`,
      );
      await stage(tx, b!.id, 1);
      await stage(tx, b!.id, 2);
      await tx.query(`INSERT INTO duplicate_review (batch_id, row_no, other_row_no, score, evidence) VALUES ($1, 2, 1, 0.9, '[]')`, [b!.id]);
      return b!.id;
    });
    expect(await sqlState((tx) => tx.query('UPDATE intake_row SET batch_id = 999999999 WHERE batch_id = $1', [batchId]))).toBe('23503');
    expect(await sqlState((tx) => tx.query('DELETE FROM intake_batch WHERE id = $1', [batchId]))).toBeNull();
    const [left] = await f.db.query<{ rows: number; reviews: number }>(
      'SELECT (SELECT count(*) FROM intake_row WHERE batch_id = $1)::int AS rows, (SELECT count(*) FROM duplicate_review WHERE batch_id = $1)::int AS reviews',
      [batchId],
    );
    expect(left).toEqual({ rows: 0, reviews: 0 });
  });
});
