import type { Db } from '../db/types.js';
import { areasLoaded, DEFAULT_PROVINCE, loadProvince } from './areas/load.js';
import { asSystem } from '../db/scope.js';
import { DEMO_TARIFFS } from '../domain/tariff.js';
import { LAPSE_RULES_IN_LAW } from '../domain/lapse-run.js';
import { ensureClaimRulesInLaw } from './claims/rules-in-law.js';

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

/** The lapse rule (3 unpaid months, cured by paying the arrears) on an empty lapse_rule table. */
async function ensureLapseRules(db: Db, log: (msg: string) => void): Promise<void> {
  const [any] = await db.query('SELECT 1 FROM lapse_rule LIMIT 1');
  if (any) return;
  await asSystem(db, 'system', async (tx) => {
    for (const r of LAPSE_RULES_IN_LAW) {
      await tx.query(
        'INSERT INTO lapse_rule (unpaid_months, reinstatement, valid_from, legal_basis) VALUES ($1, $2, $3, $4) ON CONFLICT (valid_from) DO NOTHING',
        [r.unpaidMonths, r.reinstatement, r.validFrom, r.legalBasis],
      );
    }
  });
  log(`Loaded the lapse rule (${LAPSE_RULES_IN_LAW[0]!.unpaidMonths} unpaid months)`);
}

/**
 * What every start needs: the reference areas of NTT, the contribution tariffs, lapse and claim rules in
 * law and the holidays (first start only).
 */
export async function ensureReferenceData(db: Db, log: (msg: string) => void = () => undefined): Promise<void> {
  await ensureTariffs(db, log);
  await ensureLapseRules(db, log);
  const claims = await ensureClaimRulesInLaw(db);
  if (claims.length > 0) log(`Loaded the claim rules in law (${claims.join(', ')})`);
  if (await areasLoaded(db, DEFAULT_PROVINCE)) return;
  const c = await loadProvince(db, DEFAULT_PROVINCE);
  log(`Loaded Kemendagri areas of province ${c.province}: ${c.regencies} regencies, ${c.districts} districts, ${c.villages} villages`);
}
