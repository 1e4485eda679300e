/**
 * The demo's programmes: the province's 2025 programme (100,000 workers, July–December 2025,
 * Pergub NTT 18/2025, with the regency quotas reported in the news), its 2026 successor
 * (50,000 workers, 12 months) and one regency co-funded programme (Manggarai Barat), with the
 * reference statistic their quotas are divided by, and the 2026 quota partly filled from the
 * synthetic registry so the screens show quotas filling.
 */
import { asSystem } from '../../db/scope.js';
import type { Db, Queryable } from '../../db/types.js';
import type { EligibilityRules } from '../../domain/eligibility.js';
import { NTT_REGENCIES } from '../demo/generate.js';
import { createProgramme, findProgramme, type ProgrammeInput } from './programmes.js';
import { allocateProgrammeQuota } from './quotas.js';
import { saveStatistics } from './statistics.js';
import { demoHistory2025, type DemoHistory } from './demo-history.js';

export const DEMO_INDICATOR = 'poor_population';
const AS_OF = '2025-03-01';
const SOURCE = 'BPS: penduduk 2024 × persentase penduduk miskin Maret 2025 (indikatif, data demo)';

const RULES: EligibilityRules = {
  maxDecile: 5,
  requireInformalOccupation: true,
  minAge: 18,
  maxAge: 65,
  residencyArea: '53',
  excludeActiveBpjs: true,
  excludeOtherActiveProgramme: true,
  priorityExtremePoor: true,
  priorityDisability: true,
};

/** Quotas of 2025 reported in the news (domain.md §5); the other regencies share the rest. */
const REPORTED_2025: Readonly<Record<string, number>> = {
  '53.08': 9_731, '53.07': 6_041, '53.10': 5_280, '53.15': 4_982, '53.13': 4_487, '53.21': 4_475, '53.11': 3_986, '53.04': 2_069, '53.03': 1_174,
};

export const DEMO_PROGRAMMES: readonly ProgrammeInput[] = [
  {
    code: 'NTT-2025',
    name: 'Perlindungan Jaminan Sosial Ketenagakerjaan Pekerja Rentan Provinsi NTT 2025',
    legalBasis: 'Peraturan Gubernur NTT Nomor 18 Tahun 2025',
    funderType: 'province',
    funderAreaCode: '53',
    funderName: 'Pemerintah Provinsi Nusa Tenggara Timur',
    budgetLine: 'APBD Provinsi NTT TA 2025 — Belanja Iuran Jaminan Sosial Ketenagakerjaan',
    fiscalYear: 2025,
    coverageStart: '2025-07-01',
    coverageEnd: '2025-12-31',
    benefits: ['JKK', 'JKM'],
    declaredIncome: 1_000_000,
    totalQuota: 100_000,
    rules: RULES,
  },
  {
    code: 'NTT-2026',
    name: 'Perlindungan Jaminan Sosial Ketenagakerjaan Pekerja Rentan Provinsi NTT 2026',
    legalBasis: 'Peraturan Gubernur NTT Nomor 18 Tahun 2025',
    funderType: 'province',
    funderAreaCode: '53',
    funderName: 'Pemerintah Provinsi Nusa Tenggara Timur',
    budgetLine: 'APBD Provinsi NTT TA 2026 — Belanja Iuran Jaminan Sosial Ketenagakerjaan',
    fiscalYear: 2026,
    coverageStart: '2026-01-01',
    coverageEnd: '2026-12-31',
    benefits: ['JKK', 'JKM'],
    declaredIncome: 1_000_000,
    totalQuota: 50_000,
    rules: RULES,
  },
  {
    code: 'MABAR-2026',
    name: 'Perlindungan Pekerja Rentan Kabupaten Manggarai Barat 2026 (gotong royong)',
    legalBasis: 'Pakta Perlindungan Pekerja Rentan 2025; Peraturan Bupati Manggarai Barat',
    funderType: 'regency',
    funderAreaCode: '53.15',
    funderName: 'Pemerintah Kabupaten Manggarai Barat',
    budgetLine: 'APBD Kabupaten Manggarai Barat TA 2026',
    fiscalYear: 2026,
    coverageStart: '2026-01-01',
    coverageEnd: '2026-12-31',
    benefits: ['JKK', 'JKM'],
    declaredIncome: 1_000_000,
    totalQuota: 2_829,
    rules: { ...RULES, residencyArea: '53.15' },
  },
];

async function demoStatistics(tx: Queryable): Promise<void> {
  await saveStatistics(tx, NTT_REGENCIES.map((r) => ({
    indicator: DEMO_INDICATOR,
    areaCode: r.code,
    asOf: AS_OF,
    value: Math.round((r.population * r.poorPct) / 100),
    source: SOURCE,
  })));
}

/**
 * Fills part of a programme's quota per regency with the best-ranked eligible synthetic people
 * (the same order as intake ranking), as if earlier batches had been approved.
 */
async function fillDemoCandidates(tx: Queryable, programmeId: number, share: number): Promise<number> {
  const [row] = await tx.query<{ n: number }>(
    `WITH ranked AS (
       SELECT p.id, p.village_code, p.regency_code,
              row_number() OVER (PARTITION BY p.regency_code ORDER BY p.extreme_poor DESC, p.disability DESC, p.dtsen_decile ASC NULLS LAST, p.birth_date, p.nik COLLATE "C") AS rk
         FROM person p
        WHERE p.synthetic AND p.occupation IS NOT NULL AND (p.dtsen_decile <= 5 OR p.extreme_poor OR p.disability)
          AND p.birth_date BETWEEN date '1961-01-02' AND date '2008-01-01'
          AND NOT EXISTS (SELECT 1 FROM membership m WHERE m.person_id = p.id AND m.state IN ('waiting', 'candidate', 'submitted', 'active'))
          AND NOT EXISTS (SELECT 1 FROM bpjs_participant b WHERE b.nik = p.nik AND b.active)),
     ins AS (
       INSERT INTO membership (programme_id, person_id, state, village_code, decided_by)
       SELECT $1, r.id, 'candidate', r.village_code, 'demo'
         FROM ranked r JOIN programme_quota q ON q.programme_id = $1 AND q.regency_code = r.regency_code
        WHERE r.rk <= floor(q.quota * $2::numeric)
       RETURNING 1)
     SELECT count(*)::int AS n FROM ins`,
    [programmeId, share],
  );
  return row?.n ?? 0;
}

/** What each demo programme was given: the APBD line's amount, and next year's plan. */
const ALLOCATION: Readonly<Record<string, number>> = { 'NTT-2025': 10_080_000_000, 'NTT-2026': 10_080_000_000, 'MABAR-2026': 570_326_400 };

export async function ensureDemoProgrammes(db: Db): Promise<{ created: string[]; candidates: number; history2025: DemoHistory | null }> {
  return asSystem(db, 'demo', async (tx) => {
    const created: string[] = [];
    await demoStatistics(tx);
    // About 2% of the synthetic workers are already BPJS TK participants (the eligibility rule shows).
    await tx.query(
      `INSERT INTO bpjs_participant (nik, kpj, segment, active, as_of, source)
       SELECT nik, '2' || lpad((id % 100000000)::text, 10, '0'), 'BPU', true, date '2025-12-31', 'Data demo BPJS Ketenagakerjaan'
         FROM person WHERE synthetic AND id % 50 = 7
       ON CONFLICT (nik) DO NOTHING`,
    );
    let candidates = 0;
    let history2025: DemoHistory | null = null;
    const [{ n: synthetic } = { n: 0 }] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM person WHERE synthetic');
    for (const input of DEMO_PROGRAMMES) {
      const existing = await findProgramme(tx, input.code);
      if (existing) {
        // After `demo --replace` the 2025 story is told again with the new synthetic people.
        const [told] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM bill WHERE programme_id = $1', [existing.id]);
        if (existing.code === 'NTT-2025' && told!.n === 0) history2025 = await demoHistory2025(tx, existing, synthetic);
        continue;
      }
      const p = await createProgramme(tx, input);
      if (p.code === 'NTT-2025') {
        for (const [code, quota] of Object.entries(REPORTED_2025)) {
          await tx.query(
            `INSERT INTO programme_quota (programme_id, regency_code, quota, method, reason) VALUES ($1, $2, $3, 'override', $4)`,
            [p.id, code, quota, 'Kuota 2025 sebagaimana diberitakan (berita Pemprov NTT, Juli 2025)'],
          );
        }
      }
      await allocateProgrammeQuota(tx, p, { indicator: DEMO_INDICATOR, minimum: p.funderType === 'province' ? 300 : undefined });
      await tx.query('UPDATE programme SET budget_allocation = $2 WHERE id = $1', [p.id, ALLOCATION[p.code] ?? null]);
      if (p.code === 'NTT-2025') history2025 = await demoHistory2025(tx, p, synthetic);
      if (p.code === 'NTT-2026') {
        await tx.query(
          `INSERT INTO budget_scenario (programme_id, name, workers, months, per_person, area_code) VALUES
             ($1, 'Rencana 2027: 50.000 pekerja × 12 bulan', 50000, 12, 16800, $2),
             ($1, 'Rencana 2027: 100.000 pekerja × 12 bulan', 100000, 12, 16800, $2)`,
          [p.id, p.funderAreaCode],
        );
      }
      if (p.code === 'NTT-2026') candidates += await fillDemoCandidates(tx, p.id, 0.4);
      // Its coverage period is over: kept for the record, closed to new proposals.
      if (p.coverageEnd < '2026-01-01') await tx.query(`UPDATE programme SET status = 'closed' WHERE id = $1`, [p.id]);
      created.push(p.code);
    }
    return { created, candidates, history2025 };
  });
}
