import type { Db } from '../db/types.js';
import { areasLoaded, DEFAULT_PROVINCE, loadProvince } from './areas/load.js';
import { asSystem } from '../db/scope.js';
import { DEMO_TARIFFS } from '../domain/tariff.js';

/**
 * The BPU tariffs of PP 44/2015 (and PP 50/2025's discount, which excludes APBD-paid people) on an
 * empty tariff table; changed later as dated rows, never edited in code.
 */
async function ensureTariffs(db: Db, log: (msg: string) => void): Promise<void> {
  const [any] = await db.query('SELECT 1 FROM tariff LIMIT 1');
  if (any) return;
  await asSystem(db, 'system', async (tx) => {
    for (const t of DEMO_TARIFFS) {
      await tx.query(
        'INSERT INTO tariff (benefit, segment, basis_income, amount, valid_from, valid_to, funding, legal_basis) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
        [t.benefit, t.segment, t.basisIncome, t.amount, t.validFrom, t.validTo, t.funding, t.legalBasis],
      );
    }
  });
  log(`Loaded ${DEMO_TARIFFS.length} contribution tariffs (PP 44/2015, PP 50/2025)`);
}

/** What every start needs: the reference areas of NTT and the contribution tariffs in law (first start only). */
export async function ensureReferenceData(db: Db, log: (msg: string) => void = () => undefined): Promise<void> {
  await ensureTariffs(db, log);
  if (await areasLoaded(db, DEFAULT_PROVINCE)) return;
  const c = await loadProvince(db, DEFAULT_PROVINCE);
  log(`Loaded Kemendagri areas of province ${c.province}: ${c.regencies} regencies, ${c.districts} districts, ${c.villages} villages`);
}
