/**
 * assessClaim on a real database: coverage on the event date through the real enrollment path
 * (submission to BPJS, billing, a lapse and its cure), the benefit rules loaded on first start, a rule
 * change by date, a JKK-only programme, a membership continued into the next programme, and the SLA
 * clock with national and regional holidays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstVillage, insertPerson } from '../helpers/app.js';
import { openTestDb, type TestDb } from '../helpers/db.js';
import { asActor, asSystem } from '../../src/db/scope.js';
import type { Db, Queryable } from '../../src/db/types.js';
import { ensureReferenceData } from '../../src/features/bootstrap.js';
import { getProgramme } from '../../src/features/programmes/programmes.js';
import { applyResponse, createSubmission } from '../../src/features/enrollment/submissions.js';
import { getBill, recordPayment, runBilling } from '../../src/features/enrollment/billing.js';
import { processLapses } from '../../src/features/enrollment/lapse-run.js';
import { assessClaim, type AssessClaimInput } from '../../src/features/claims/entitlement.js';
import { addBenefitRule, addHoliday, listBenefitRules, listHolidays, removeHoliday } from '../../src/features/claims/rules.js';
import { isOverdue, slaDue, slaDueExplained, workingDaysToPayment } from '../../src/features/claims/sla.js';
import { UserError } from '../../src/domain/user-error.js';

const NIK = {
  a: '5301010101700021', // KUPANG-KLAIM from 21 July 2025; lapsed 1–10 October
  b: '5301014101750022', // KUPANG-KLAIM from 10 August 2025
  c: '5301010101700023', // in the registry, in no programme
  d: '5301010101700024', // KUPANG-JKK (JKK only) from 21 July 2025
  e: '5301010101700025', // CHAIN-2025 from 10 November 2025, then CHAIN-2026
} as const;

async function refusal(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

async function programme(db: Db, code: string, start: string, end: string, benefits: string): Promise<void> {
  await asSystem(db, 'test', async (tx) => {
    await tx.query(
      `INSERT INTO programme (code, name, funder_type, funder_area_code, funder_name, fiscal_year, coverage_start, coverage_end, benefits, declared_income, total_quota)
       VALUES ($1, $1, 'regency', '53.01', 'Pemerintah Kabupaten Kupang', 2025, $2, $3, $4, 1000000, 10)`,
      [code, start, end, benefits],
    );
    await tx.query(`INSERT INTO programme_quota (programme_id, regency_code, quota, method) SELECT id, '53.01', 10, 'proportional' FROM programme WHERE code = $1`, [code]);
  });
}

/** Candidates of the programme go to BPJS; BPJS accepts them from the given dates. */
async function enrol(db: Db, code: string, village: string, from: Record<string, string>): Promise<void> {
  await asSystem(db, 'test', async (tx) => {
    for (const nik of Object.keys(from)) {
      await tx.query(`INSERT INTO membership (programme_id, person_id, state, village_code) SELECT g.id, p.id, 'candidate', $3 FROM programme g, person p WHERE g.code = $1 AND p.nik = $2`, [code, nik, village]);
    }
    const batch = await createSubmission(tx, await getProgramme(tx, code), '53.01', 'test');
    await applyResponse(tx, batch.id, Object.entries(from).map(([nik, date], i) => ({ fileLine: i + 2, nik, kpj: `26${nik.slice(-9)}`, accepted: true, effectiveDate: date, reason: null })), null);
  });
}

describe('assessClaim on a real database', () => {
  let t: TestDb;
  let village: string;
  let ende: string;
  const sys = <T>(fn: (tx: Queryable) => Promise<T>) => asSystem(t.db, 'test', fn);
  const assess = (nik: string, type: AssessClaimInput['type'], eventDate: string, extra: Partial<AssessClaimInput> = {}) => sys((tx) => assessClaim(tx, { nik, type, eventDate, ...extra }));

  beforeAll(async () => {
    t = await openTestDb('claim-entitlement');
    await ensureReferenceData(t.db);
    village = await firstVillage(t.db, '53.01');
    ende = await firstVillage(t.db, '53.08');
    await insertPerson(t.db, { nik: NIK.a, name: 'Agustinus Bria', village });
    await insertPerson(t.db, { nik: NIK.b, name: 'Maria Bria', village, sex: 'P' });
    await insertPerson(t.db, { nik: NIK.c, name: 'Kornelis Tefa', village });
    await insertPerson(t.db, { nik: NIK.d, name: 'Dominggus Nenobais', village });
    await insertPerson(t.db, { nik: NIK.e, name: 'Elias Sabu', village });
    await programme(t.db, 'KUPANG-KLAIM', '2025-07-01', '2026-06-30', '{JKK,JKM}');
    await programme(t.db, 'KUPANG-JKK', '2025-07-01', '2026-06-30', '{JKK}');
    await enrol(t.db, 'KUPANG-KLAIM', village, { [NIK.a]: '2025-07-21', [NIK.b]: '2025-08-10' });
    await enrol(t.db, 'KUPANG-JKK', village, { [NIK.d]: '2025-07-21' });

    // July–September billed and unpaid: Agustinus lapses on 1 October; paying the arrears on
    // 10 October reinstates him from the 11th. Maria's run (August–September) is too short.
    await sys(async (tx) => {
      const p = await getProgramme(tx, 'KUPANG-KLAIM');
      for (const m of ['2025-07', '2025-08', '2025-09']) await runBilling(tx, p, m, 'test');
      await processLapses(tx, p, '2025-10-05');
      for (const m of ['2025-07', '2025-08', '2025-09']) {
        const [b] = await tx.query<{ id: number }>('SELECT id FROM bill WHERE programme_id = $1 AND month = $2', [p.id, `${m}-01`]);
        const owed = await getBill(tx, b!.id);
        await recordPayment(tx, b!.id, { sp2d: `SP2D/${m}`, paidOn: '2025-10-10', amount: owed.amount - owed.paid }, 'test');
      }
      await processLapses(tx, p, '2025-10-20');
    });

    // Elias: the second half of 2025 in one programme, continued without a gap by the next year's.
    await programme(t.db, 'CHAIN-2025', '2025-07-01', '2025-12-31', '{JKK,JKM}');
    await programme(t.db, 'CHAIN-2026', '2026-01-01', '2026-12-31', '{JKK,JKM}');
    await sys(async (tx) => {
      await tx.query(
        `WITH m AS (INSERT INTO membership (programme_id, person_id, state, village_code, kpj, effective_date, ended_on, ended_reason)
                    SELECT g.id, p.id, 'ended', $2, '26000000025', '2025-11-10', '2025-12-31', 'programme_end' FROM programme g, person p WHERE g.code = 'CHAIN-2025' AND p.nik = $1 RETURNING id)
         INSERT INTO coverage_period (membership_id, from_date, to_date) SELECT id, '2025-11-10', '2025-12-31' FROM m`,
        [NIK.e, village],
      );
      await tx.query(
        `WITH m AS (INSERT INTO membership (programme_id, person_id, state, village_code, kpj, effective_date)
                    SELECT g.id, p.id, 'active', $2, '26000000025', '2026-01-01' FROM programme g, person p WHERE g.code = 'CHAIN-2026' AND p.nik = $1 RETURNING id)
         INSERT INTO coverage_period (membership_id, from_date, to_date) SELECT id, '2026-01-01', '2026-12-31' FROM m`,
        [NIK.e, village],
      );
    });
  });
  afterAll(async () => t?.cleanup());

  it('death in month 2 of membership: covered, by which programme and funder, Rp10,000,000', async () => {
    const a = await assess(NIK.a, 'jkm_death', '2025-09-10');
    expect(a.person).toMatchObject({ nik: NIK.a, fullName: 'Agustinus Bria', sex: 'L', villageCode: village });
    const [m] = await t.db.query<{ id: number; programme_id: number }>(`SELECT m.id, m.programme_id FROM membership m JOIN person p ON p.id = m.person_id WHERE p.nik = $1`, [NIK.a]);
    expect(a.coverage).toMatchObject({
      covered: true, reason: null, membershipId: m!.id, programmeId: m!.programme_id, programmeCode: 'KUPANG-KLAIM',
      funderName: 'Pemerintah Kabupaten Kupang', coverageStart: '2025-07-21', declaredIncome: 1_000_000,
    });
    expect(a.coverage.answer).toMatchObject({ covered: true, programmeCode: 'KUPANG-KLAIM' });
    expect(a.entitlement).toMatchObject({ entitled: true, total: 10_000_000, membershipMonths: 1, unverified: true });
    expect(a.entitlement.components.map((c) => [c.component, c.amount])).toEqual([['early_death', 10_000_000]]);
    expect(a.entitlement.reasons[0]!.id).toBe('JKM — meninggal dunia (bukan kecelakaan kerja): berhak atas Rp10.000.000.');
  });

  it('death while lapsed: not covered, Rp0, the lapse named', async () => {
    const a = await assess(NIK.a, 'jkm_death', '2025-10-05');
    expect(a.coverage).toMatchObject({ covered: false, membershipId: null, programmeId: null });
    expect(a.coverage.reason!.id).toContain('non-aktif dari 1 Oktober 2025 sampai 10 Oktober 2025');
    expect(a.entitlement).toMatchObject({ entitled: false, total: 0, components: [] });
    expect(a.entitlement.reasons[1]).toEqual(a.coverage.reason);
  });

  it('death in month 5, after a cured lapse: Rp42,000,000 (the lapse does not restart the count)', async () => {
    const a = await assess(NIK.a, 'jkm_death', '2025-11-30');
    expect(a.entitlement).toMatchObject({ entitled: true, total: 42_000_000, membershipMonths: 4, unverified: false });
    expect(a.entitlement.components.map((c) => [c.component, c.amount])).toEqual([['lump_sum', 20_000_000], ['periodic', 12_000_000], ['funeral', 10_000_000]]);
  });

  it('work-accident death: 48 × the programme\'s declared income + periodic + funeral', async () => {
    const a = await assess(NIK.a, 'jkk_death', '2025-11-30');
    expect(a.entitlement.total).toBe(70_000_000);
    expect(a.entitlement.components.find((c) => c.component === 'lump_sum')!.reason.id).toContain('48 × upah Rp1.000.000 = Rp48.000.000');
    expect(a.entitlement.scholarship).toMatchObject({ eligible: true, perChildMax: 87_000_000, maxChildren: 2 });
  });

  it('disability: total 56 × income, partial by percentage; facts missing or wrong are refused', async () => {
    expect((await assess(NIK.b, 'jkk_disability_total', '2025-12-01')).entitlement.total).toBe(56_000_000);
    expect((await assess(NIK.b, 'jkk_disability_partial', '2025-12-01', { disabilityPercent: 10 })).entitlement.total).toBe(8_000_000);
    expect((await assess(NIK.b, 'jkk_disability_partial', '2025-12-01', { disabilityPercent: 12.35 })).entitlement.total).toBe(9_880_000);
    expect((await refusal(assess(NIK.b, 'jkk_disability_partial', '2025-12-01'))).code).toBe('disability_percent_required');
    expect((await refusal(assess(NIK.b, 'jkk_disability_partial', '2025-12-01', { disabilityPercent: 140 }))).code).toBe('disability_percent_invalid');
    expect((await assess(NIK.b, 'jkk_temporary', '2025-12-01', { incapacityDays: 45 })).entitlement.total).toBe(1_500_000);
    expect((await assess(NIK.b, 'jkk_medical', '2025-12-01', { medicalCost: 23_750_000 })).entitlement.total).toBe(23_750_000);
  });

  it('event before membership, a person in no programme, an unknown NIK, a bad type or date', async () => {
    const before = await assess(NIK.a, 'jkm_death', '2025-07-20');
    expect(before.coverage.covered).toBe(false);
    expect(before.coverage.reason!.en).toContain('only starts on 21 July 2025');
    expect(before.entitlement.total).toBe(0);

    const nobody = await assess(NIK.c, 'jkk_death', '2025-09-01');
    expect(nobody.coverage.covered).toBe(false);
    expect(nobody.coverage.reason!.id).toContain('bukan peserta program mana pun');
    expect(nobody.entitlement.total).toBe(0);

    const unknown = await refusal(assess('5301010101709999', 'jkm_death', '2025-09-01'));
    expect(unknown.kind).toBe('not_found');
    expect((await refusal(assess(NIK.a, 'death' as AssessClaimInput['type'], '2025-09-01'))).code).toBe('claim_type_invalid');
    expect((await refusal(assess(NIK.a, 'jkm_death', '10-09-2025'))).code).toBe('event_date_invalid');
  });

  it('a programme paying only JKK: a JKM death is not covered, a work-accident death is', async () => {
    const jkm = await assess(NIK.d, 'jkm_death', '2025-12-01');
    expect(jkm.coverage).toMatchObject({ covered: false, programmeCode: 'KUPANG-JKK' });
    expect(jkm.coverage.reason!.id).toContain('program KUPANG-JKK (dana Pemerintah Kabupaten Kupang) hanya membayar JKK, tidak JKM');
    expect(jkm.entitlement.total).toBe(0);
    expect((await assess(NIK.d, 'jkk_death', '2025-12-01')).entitlement.total).toBe(70_000_000);
  });

  it('a membership continued into the next programme counts from the first start', async () => {
    const jan = await assess(NIK.e, 'jkm_death', '2026-01-20');
    expect(jan.coverage).toMatchObject({ covered: true, programmeCode: 'CHAIN-2026', coverageStart: '2025-11-10' });
    expect(jan.entitlement).toMatchObject({ membershipMonths: 2, total: 10_000_000 });
    expect((await assess(NIK.e, 'jkm_death', '2026-02-10')).entitlement).toMatchObject({ membershipMonths: 3, total: 42_000_000 });
  });

  it('a rule change by date: a new lump sum from 1 January 2026 reaches deaths from that day only; regional accounts may not add rules', async () => {
    const before = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_history WHERE table_name = 'benefit_rule'`);
    const rule = await sys((tx) => addBenefitRule(tx, {
      claimType: 'jkm_death', component: 'lump_sum', labelId: 'Santunan sekaligus', labelEn: 'Lump sum', amount: 25_000_000,
      minMembershipMonths: 3, validFrom: '2026-01-01', legalBasis: 'PP 99/2025 (uji)', verified: true,
    }));
    expect(rule).toMatchObject({ claimType: 'jkm_death', amount: 25_000_000, validFrom: '2026-01-01' });
    const after = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_history WHERE table_name = 'benefit_rule'`);
    expect(after[0]!.n).toBe(before[0]!.n + 1);

    expect((await assess(NIK.b, 'jkm_death', '2025-12-31')).entitlement.total).toBe(42_000_000);
    const jan = await assess(NIK.b, 'jkm_death', '2026-01-02');
    expect(jan.entitlement.total).toBe(47_000_000);
    expect(jan.entitlement.components.find((c) => c.component === 'lump_sum')!.reason.id).toBe('Santunan sekaligus: jumlah tetap = Rp25.000.000 (PP 99/2025 (uji), berlaku sejak 1 Januari 2026).');

    const inForce = await sys((tx) => listBenefitRules(tx, { type: 'jkm_death', on: '2026-01-02' }));
    expect(inForce.filter((r) => r.inForce).map((r) => [r.component, r.amount])).toEqual([['early_death', 10_000_000], ['funeral', 10_000_000], ['lump_sum', 25_000_000], ['periodic', 12_000_000]]);

    const regional = { userId: null, username: 'kupang.admin', role: 'admin' as const, areaCode: '53.01' };
    const refused = await refusal(asActor(t.db, regional, (tx) => addBenefitRule(tx, { claimType: 'funeral', component: 'funeral', labelId: 'x', labelEn: 'x', amount: 1, validFrom: '2026-01-01', legalBasis: 'uji' })));
    expect(refused.kind).toBe('forbidden');
    expect((await refusal(sys((tx) => addBenefitRule(tx, { claimType: 'jkm_death', component: 'lump_sum', labelId: 'x', labelEn: 'x', amount: 1, validFrom: '2026-01-01', legalBasis: 'uji' })))).code).toBe('rule_exists');
    expect((await refusal(sys((tx) => addBenefitRule(tx, { claimType: 'jkk_death', component: 'lump_sum', labelId: 'x', labelEn: 'x', amount: 1, incomeMultiple: 2, validFrom: '2026-01-01', legalBasis: 'uji' })))).code).toBe('amount_or_multiple');
  });

  it('SLA: 3 working days from a complete file, skipping weekends, national and regional holidays', async () => {
    // Wednesday 24 December 2025, 10:00 WITA (02:00 UTC); 25–26 December are holidays, 27–28 a weekend.
    const due = await sys((tx) => slaDueExplained(tx, new Date('2025-12-24T02:00:00Z'), village));
    expect(due).toMatchObject({ completeOn: '2025-12-24', due: '2025-12-31', rule: { workingDays: 3 } });
    expect(due.holidays.map((h) => h.name)).toEqual(['Hari Raya Natal', 'Cuti bersama Natal']);
    // 23 December 17:00 UTC is already the 24th in NTT.
    expect(await sys((tx) => slaDue(tx, '2025-12-23T17:00:00Z', village))).toBe('2025-12-31');

    await sys((tx) => addHoliday(tx, { day: '2025-12-29', name: 'Libur daerah Kabupaten Kupang (uji)', areaCode: '53.01' }));
    expect(await sys((tx) => slaDue(tx, '2025-12-24', village))).toBe('2026-01-02');
    expect(await sys((tx) => slaDue(tx, '2025-12-24', ende))).toBe('2025-12-31');
    expect((await sys((tx) => listHolidays(tx, { year: 2025 }))).filter((h) => h.areaCode)).toEqual([{ day: '2025-12-29', name: 'Libur daerah Kabupaten Kupang (uji)', areaCode: '53.01' }]);
    expect((await refusal(sys((tx) => addHoliday(tx, { day: '2025-12-29', name: 'Libur daerah Kabupaten Kupang (uji)', areaCode: '53.01' })))).code).toBe('holiday_exists');
    const history = await t.db.query<{ op: string }>(`SELECT op FROM audit_history WHERE table_name = 'public_holiday' AND row_key LIKE '%2025-12-29%' ORDER BY id`);
    expect(history.map((h) => h.op)).toEqual(['I']);

    expect(await sys((tx) => workingDaysToPayment(tx, '2025-12-24T02:00:00Z', '2026-01-05T03:00:00Z', village))).toBe(4);
    await sys((tx) => removeHoliday(tx, { day: '2025-12-29', name: 'Libur daerah Kabupaten Kupang (uji)' }));
    expect(await sys((tx) => slaDue(tx, '2025-12-24', village))).toBe('2025-12-31');
    expect((await refusal(sys((tx) => removeHoliday(tx, { day: '2025-12-29', name: 'Libur daerah Kabupaten Kupang (uji)' })))).kind).toBe('not_found');

    expect(isOverdue('submitted', '2025-12-31', '2026-01-01')).toBe(true);
    expect(isOverdue('submitted', '2025-12-31', '2025-12-31')).toBe(false);
    expect(isOverdue('paid', '2025-12-31', '2026-01-05')).toBe(false);
  });
});
