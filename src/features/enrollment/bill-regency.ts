/**
 * What a bill charged per regency, written once when the bill is made, so that the programme
 * summary never joins a million bill lines to their memberships to answer "billed in Ende".
 * Whoever writes a bill's lines calls this once afterwards (runBilling does).
 */
import type { Queryable } from '../../db/types.js';

export async function recordBillRegencies(tx: Queryable, billId: number): Promise<void> {
  await tx.query(
    `INSERT INTO bill_regency (bill_id, regency_code, persons, amount, area_code)
     SELECT l.bill_id, m.regency_code, count(*)::int, sum(l.amount)::bigint, b.area_code
       FROM bill_line l JOIN membership m ON m.id = l.membership_id JOIN bill b ON b.id = l.bill_id
      WHERE l.bill_id = $1
      GROUP BY l.bill_id, m.regency_code, b.area_code
     ON CONFLICT (bill_id, regency_code) DO NOTHING`,
    [billId],
  );
}
