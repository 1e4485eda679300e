import { describe, it, expect } from 'vitest';
import { computeEntitlement, rulesInForce, wholeMonths, type BenefitRule, type EntitlementInput, type ScholarshipRule } from '../../src/domain/entitlement.js';
import { UserError } from '../../src/domain/user-error.js';

// The rules migration 008 seeds (domain.md §4), as the database returns them.
let nextId = 1;
function rule(r: Omit<BenefitRule, 'id' | 'label' | 'scale' | 'laterDaysFactor' | 'minMembershipMonths' | 'maxMembershipMonths' | 'validFrom' | 'validTo' | 'legalBasis' | 'verified' | 'areaCode' | 'amount' | 'incomeMultiple'> & Partial<BenefitRule>): BenefitRule {
  return {
    id: nextId++,
    label: { id: r.component, en: r.component },
    amount: null,
    incomeMultiple: null,
    scale: 'none',
    laterDaysFactor: null,
    minMembershipMonths: 0,
    maxMembershipMonths: null,
    validFrom: '2019-12-02',
    validTo: null,
    legalBasis: 'PP 82/2019',
    verified: true,
    areaCode: null,
    ...r,
  };
}

const RULES: BenefitRule[] = [
  rule({ claimType: 'jkm_death', component: 'lump_sum', amount: 20_000_000, minMembershipMonths: 3 }),
  rule({ claimType: 'jkm_death', component: 'periodic', amount: 12_000_000, minMembershipMonths: 3 }),
  rule({ claimType: 'jkm_death', component: 'funeral', amount: 10_000_000, minMembershipMonths: 3 }),
  rule({ claimType: 'jkm_death', component: 'early_death', amount: 10_000_000, maxMembershipMonths: 2, legalBasis: 'Permenaker 5/2021 (BPU)', verified: false }),
  rule({ claimType: 'jkk_death', component: 'lump_sum', incomeMultiple: 48 }),
  rule({ claimType: 'jkk_death', component: 'periodic', amount: 12_000_000, verified: false }),
  rule({ claimType: 'jkk_death', component: 'funeral', amount: 10_000_000, verified: false }),
  rule({ claimType: 'jkk_medical', component: 'medical', scale: 'medical_cost' }),
  rule({ claimType: 'jkk_temporary', component: 'stmb', incomeMultiple: 1, scale: 'incapacity_days', laterDaysFactor: 0.5, verified: false }),
  rule({ claimType: 'jkk_disability_total', component: 'lump_sum', incomeMultiple: 56 }),
  rule({ claimType: 'jkk_disability_partial', component: 'lump_sum', incomeMultiple: 80, scale: 'disability_percent', verified: false }),
  rule({ claimType: 'funeral', component: 'funeral', amount: 10_000_000, verified: false }),
];

const SCHOLARSHIP: ScholarshipRule[] = (
  [['tk', 1_500_000, 2], ['sd', 1_500_000, 6], ['smp', 2_000_000, 3], ['sma', 3_000_000, 3], ['s1', 12_000_000, 5]] as const
).map(([level, amountPerYear, years], i) => ({
  id: 100 + i, level, amountPerYear, years, maxChildren: 2, maxAge: 23, jkmMinContributionMonths: 36,
  validFrom: '2021-01-01', validTo: null, legalBasis: 'PP 82/2019 jo. Permenaker 5/2021', verified: false,
}));

function input(extra: Partial<EntitlementInput> & Pick<EntitlementInput, 'type' | 'eventDate'>): EntitlementInput {
  return { covered: true, coverageStart: '2025-07-21', declaredIncome: 1_000_000, rules: RULES, scholarshipRules: SCHOLARSHIP, villageCode: '53.01.01.2001', ...extra };
}

function amounts(e: ReturnType<typeof computeEntitlement>): Record<string, number> {
  return Object.fromEntries(e.components.map((c) => [c.component, c.amount]));
}

describe('wholeMonths', () => {
  it('counts complete calendar months', () => {
    expect(wholeMonths('2025-07-21', '2025-07-21')).toBe(0);
    expect(wholeMonths('2025-07-21', '2025-08-20')).toBe(0);
    expect(wholeMonths('2025-07-21', '2025-08-21')).toBe(1);
    expect(wholeMonths('2025-07-21', '2025-10-20')).toBe(2);
    expect(wholeMonths('2025-07-21', '2025-10-21')).toBe(3);
    expect(wholeMonths('2025-07-21', '2028-07-21')).toBe(36);
  });
  it('a month ending on its last day is complete; backwards is negative', () => {
    expect(wholeMonths('2025-01-31', '2025-02-28')).toBe(1);
    expect(wholeMonths('2024-01-31', '2024-02-28')).toBe(0);
    expect(wholeMonths('2024-01-31', '2024-02-29')).toBe(1);
    expect(wholeMonths('2025-08-21', '2025-07-21')).toBe(-1);
  });
});

describe('JKM death by membership length', () => {
  it('death in month 2 of membership: Rp10,000,000 (first 3 months), the full benefit skipped with why', () => {
    const e = computeEntitlement(input({ type: 'jkm_death', eventDate: '2025-09-10' }));
    expect(e.membershipMonths).toBe(1);
    expect(e.entitled).toBe(true);
    expect(e.total).toBe(10_000_000);
    expect(amounts(e)).toEqual({ early_death: 10_000_000 });
    expect(e.skipped.map((s) => s.component).sort()).toEqual(['funeral', 'lump_sum', 'periodic']);
    expect(e.unverified).toBe(true);
    expect(e.reasons[0]?.id).toBe('JKM — meninggal dunia (bukan kecelakaan kerja): berhak atas Rp10.000.000.');
    expect(e.reasons.map((r) => r.id).join('\n')).toContain('minimal 3 bulan kepesertaan; peserta 1 bulan');
    expect(e.reasons.map((r) => r.id).join('\n')).toContain('Permenaker 5/2021 (BPU)');
  });

  it('the last day of month 3 is still early; the first day of month 4 is the full benefit', () => {
    expect(computeEntitlement(input({ type: 'jkm_death', eventDate: '2025-10-20' })).total).toBe(10_000_000);
    const e = computeEntitlement(input({ type: 'jkm_death', eventDate: '2025-10-21' }));
    expect(e.membershipMonths).toBe(3);
    expect(e.total).toBe(42_000_000);
  });

  it('death in month 4: Rp42,000,000 = 20m lump sum + 12m periodic + 10m funeral', () => {
    const e = computeEntitlement(input({ type: 'jkm_death', eventDate: '2025-11-30' }));
    expect(e.membershipMonths).toBe(4);
    expect(e.total).toBe(42_000_000);
    expect(amounts(e)).toEqual({ lump_sum: 20_000_000, periodic: 12_000_000, funeral: 10_000_000 });
    expect(e.unverified).toBe(false);
    expect(e.reasons[0]).toEqual({ id: 'JKM — meninggal dunia (bukan kecelakaan kerja): berhak atas Rp42.000.000.', en: 'JKM — death (not a work accident): entitled to Rp42,000,000.' });
    expect(e.reasons[1]?.id).toBe('Dilindungi pada tanggal kejadian 30 November 2025; perlindungan sejak 21 Juli 2025, masa kepesertaan 4 bulan penuh.');
    expect(e.components.find((c) => c.component === 'lump_sum')?.reason.id).toBe('lump_sum: jumlah tetap = Rp20.000.000 (PP 82/2019, berlaku sejak 2 Desember 2019).');
  });

  it('death while lapsed: not covered, Rp0, the coverage reason given', () => {
    const why = { id: 'Tidak dilindungi pada 12 Desember 2025: keanggotaan non-aktif sejak 1 November 2025 (menunggak).', en: 'Not covered on 12 December 2025: lapsed since 1 November 2025.' };
    const e = computeEntitlement(input({ type: 'jkm_death', eventDate: '2025-12-12', covered: false, notCoveredReason: why, coverageStart: null }));
    expect(e.entitled).toBe(false);
    expect(e.total).toBe(0);
    expect(e.components).toEqual([]);
    expect(e.reasons).toEqual([{ id: 'JKM — meninggal dunia (bukan kecelakaan kerja): tidak ada hak santunan, Rp0.', en: 'JKM — death (not a work accident): no entitlement, Rp0.' }, why]);
    expect(e.scholarship?.eligible).toBe(false);
  });

  it('scholarship: JKM needs 36 contribution months, so a one-year cohort never qualifies', () => {
    const year1 = computeEntitlement(input({ type: 'jkm_death', eventDate: '2026-07-20' }));
    expect(year1.scholarship?.eligible).toBe(false);
    expect(year1.scholarship?.conditions.id).toContain('masa iur 11 bulan, kurang dari syarat minimal 36 bulan');
    const year3 = computeEntitlement(input({ type: 'jkm_death', eventDate: '2028-07-21' }));
    expect(year3.scholarship?.eligible).toBe(true);
    expect(year3.scholarship?.perChildMax).toBe(87_000_000);
    expect(year3.scholarship?.conditions.id).toContain('Rp174.000.000 untuk 2 anak');
    // Not part of the benefit total.
    expect(year3.total).toBe(42_000_000);
  });
});

describe('JKK', () => {
  it('work-accident death: 48 × income + funeral + periodic, no waiting period', () => {
    const e = computeEntitlement(input({ type: 'jkk_death', eventDate: '2025-08-01' }));
    expect(e.membershipMonths).toBe(0);
    expect(amounts(e)).toEqual({ lump_sum: 48_000_000, periodic: 12_000_000, funeral: 10_000_000 });
    expect(e.total).toBe(70_000_000);
    expect(e.components[0]?.reason.id).toBe('lump_sum: 48 × upah Rp1.000.000 = Rp48.000.000 (PP 82/2019, berlaku sejak 2 Desember 2019).');
    expect(e.scholarship?.eligible).toBe(true);
    expect(e.scholarship?.minContributionMonths).toBe(0);
  });

  it('work-accident death at a higher declared income', () => {
    expect(computeEntitlement(input({ type: 'jkk_death', eventDate: '2025-08-01', declaredIncome: 2_750_000 })).total).toBe(132_000_000 + 22_000_000);
  });

  it('total permanent disability: 56 × income', () => {
    const e = computeEntitlement(input({ type: 'jkk_disability_total', eventDate: '2025-09-01' }));
    expect(e.total).toBe(56_000_000);
  });

  it('partial disability: % × 80 × income, exact and rounded half up once', () => {
    expect(computeEntitlement(input({ type: 'jkk_disability_partial', eventDate: '2025-09-01', disabilityPercent: 10 })).total).toBe(8_000_000);
    expect(computeEntitlement(input({ type: 'jkk_disability_partial', eventDate: '2025-09-01', disabilityPercent: 2.5 })).total).toBe(2_000_000);
    // 12.35% × 80 × 1,234,567 = 12,197,521.96 → 12,197,522
    expect(computeEntitlement(input({ type: 'jkk_disability_partial', eventDate: '2025-09-01', disabilityPercent: 12.35, declaredIncome: 1_234_567 })).total).toBe(12_197_522);
  });

  it('partial disability without a percentage is a user error', () => {
    expect(() => computeEntitlement(input({ type: 'jkk_disability_partial', eventDate: '2025-09-01' }))).toThrow(UserError);
  });

  it('temporary incapacity: income × days/30, days beyond 365 at 50%', () => {
    expect(computeEntitlement(input({ type: 'jkk_temporary', eventDate: '2025-09-01', incapacityDays: 45 })).total).toBe(1_500_000);
    // 1,000,000 × 10/30 = 333,333.33 → 333,333
    expect(computeEntitlement(input({ type: 'jkk_temporary', eventDate: '2025-09-01', incapacityDays: 10 })).total).toBe(333_333);
    // 365 days: 12,166,666.67 → 12,166,667; 35 days at 50%: 583,333.33 → 583,333
    const long = computeEntitlement(input({ type: 'jkk_temporary', eventDate: '2025-09-01', incapacityDays: 400 }));
    expect(long.total).toBe(12_166_667 + 583_333);
    expect(long.components[0]?.reason.id).toContain('50% × 1 × upah Rp1.000.000 × 35/30 hari berikutnya');
  });

  it('medical care: the bill as presented, no ceiling', () => {
    const e = computeEntitlement(input({ type: 'jkk_medical', eventDate: '2025-09-01', medicalCost: 187_450_000 }));
    expect(e.total).toBe(187_450_000);
    expect(e.components[0]?.reason.id).toContain('sesuai tagihan perawatan, tanpa plafon');
    expect(() => computeEntitlement(input({ type: 'jkk_medical', eventDate: '2025-09-01' }))).toThrow(/medical cost/);
  });

  it('an income multiple needs a declared income', () => {
    expect(() => computeEntitlement(input({ type: 'jkk_death', eventDate: '2025-09-01', declaredIncome: null }))).toThrow(/declared income/);
  });

  it('funeral alone', () => {
    expect(computeEntitlement(input({ type: 'funeral', eventDate: '2025-09-01' })).total).toBe(10_000_000);
  });
});

describe('rules by date and area', () => {
  const changed: BenefitRule[] = [
    ...RULES.map((r) => (r.claimType === 'jkm_death' && r.component === 'lump_sum' ? { ...r, validTo: '2026-06-30' } : r)),
    rule({ claimType: 'jkm_death', component: 'lump_sum', amount: 25_000_000, minMembershipMonths: 3, validFrom: '2026-07-01', legalBasis: 'PP 99/2026 (contoh)' }),
  ];

  it('the rule in force on the event date applies: a change dated 1 July 2026 does not reach a death on 30 June', () => {
    expect(computeEntitlement(input({ type: 'jkm_death', eventDate: '2026-06-30', rules: changed })).total).toBe(42_000_000);
    const after = computeEntitlement(input({ type: 'jkm_death', eventDate: '2026-07-01', rules: changed }));
    expect(after.total).toBe(47_000_000);
    expect(after.components.find((c) => c.component === 'lump_sum')?.reason.id).toContain('PP 99/2026 (contoh), berlaku sejak 1 Juli 2026');
  });

  it('before any rule: nothing in force, Rp0 with the reason', () => {
    const e = computeEntitlement(input({ type: 'jkm_death', eventDate: '2019-12-01', coverageStart: '2019-01-01' }));
    expect(e.entitled).toBe(false);
    expect(e.total).toBe(0);
    expect(e.reasons[0]?.en).toContain('no benefit rule in force on 1 December 2019');
  });

  it('a regional rule wins over the national one inside its area only', () => {
    const withArea = [...RULES, rule({ claimType: 'funeral', component: 'funeral', amount: 12_500_000, areaCode: '53.08', validFrom: '2025-01-01' })];
    expect(computeEntitlement(input({ type: 'funeral', eventDate: '2025-09-01', rules: withArea, villageCode: '53.08.01.2001' })).total).toBe(12_500_000);
    expect(computeEntitlement(input({ type: 'funeral', eventDate: '2025-09-01', rules: withArea, villageCode: '53.01.01.2001' })).total).toBe(10_000_000);
    expect(rulesInForce(withArea, 'funeral', '2024-12-31', '53.08.01.2001')[0]?.amount).toBe(10_000_000);
  });
});
