import { describe, it, expect } from 'vitest';
import { monthsBetween } from '../../src/domain/billing.js';
import { checkTariffs, DEMO_TARIFFS, tariffFor, type TariffQuery, type TariffResult, type TariffRow } from '../../src/domain/tariff.js';

const NTT = { benefits: ['JKK', 'JKM'], declaredIncome: 1_000_000, funding: 'apbd' } as const;

function row(partial: Partial<TariffRow> & Pick<TariffRow, 'benefit' | 'amount' | 'validFrom'>): TariffRow {
  return { segment: 'BPU', basisIncome: 1_000_000, validTo: null, funding: 'any', legalBasis: 'test', ...partial };
}

function price(result: TariffResult): number {
  if (!result.ok) throw new Error(result.message.en);
  return result.perPersonPerMonth;
}

function failure(result: TariffResult): Extract<TariffResult, { ok: false }> {
  if (result.ok) throw new Error(`expected no tariff, got ${result.perPersonPerMonth}`);
  return result;
}

describe('DEMO_TARIFFS', () => {
  it('is a sound table', () => {
    expect(checkTariffs(DEMO_TARIFFS)).toEqual([]);
  });

  it('NTT (APBD, JKK + JKM, Rp1,000,000) pays 16,800 in every month of 2025 and 2026', () => {
    for (const month of monthsBetween('2025-01', '2026-12')) {
      const r = tariffFor(DEMO_TARIFFS, { ...NTT, month });
      expect(price(r), month).toBe(16_800);
    }
  });

  it('splits 16,800 into JKK 10,000 and JKM 6,800 with their rows', () => {
    const r = tariffFor(DEMO_TARIFFS, { ...NTT, month: '2026-05' });
    if (!r.ok) throw new Error(r.message.en);
    expect(r.parts.map((p) => [p.benefit, p.amount, p.tariff.legalBasis, p.tariff.funding])).toEqual([
      ['JKK', 10_000, 'PP 44/2015 Lampiran II', 'any'],
      ['JKM', 6_800, 'PP 44/2015', 'any'],
    ]);
  });

  it('PP 50/2025 halves JKK + JKM for non-APBD participants from April to December 2026 only', () => {
    const nonApbd = (month: string): number => price(tariffFor(DEMO_TARIFFS, { ...NTT, funding: 'non_apbd', month }));
    expect(nonApbd('2026-03')).toBe(16_800);
    expect(nonApbd('2026-04')).toBe(8_400);
    expect(nonApbd('2026-12')).toBe(8_400);
    expect(nonApbd('2027-01')).toBe(16_800);
    expect(nonApbd('2025-07')).toBe(16_800);
  });

  it('JHT is 20,000 when chosen; all three make 36,800', () => {
    expect(price(tariffFor(DEMO_TARIFFS, { ...NTT, benefits: ['JHT'], month: '2025-07' }))).toBe(20_000);
    expect(price(tariffFor(DEMO_TARIFFS, { ...NTT, benefits: ['JKK', 'JKM', 'JHT'], month: '2026-05' }))).toBe(36_800);
  });

  it('a benefit listed twice is charged once', () => {
    expect(price(tariffFor(DEMO_TARIFFS, { ...NTT, benefits: ['JKK', 'JKK', 'JKM'], month: '2025-07' }))).toBe(16_800);
  });

  it('before PP 44/2015 there is no tariff', () => {
    const r = failure(tariffFor(DEMO_TARIFFS, { ...NTT, month: '2015-06' }));
    expect(r.missing).toEqual(['JKK', 'JKM']);
    expect(price(tariffFor(DEMO_TARIFFS, { ...NTT, month: '2015-07' }))).toBe(16_800);
  });
});

describe('tariffFor: the tariff in force on the first day of the month applies to the whole month', () => {
  const change = (validFrom: string, oldTo: string): TariffRow[] => [
    row({ benefit: 'JKK', amount: 10_000, validFrom: '2015-07-01', validTo: oldTo }),
    row({ benefit: 'JKK', amount: 12_000, validFrom }),
  ];
  const jkk = (rows: TariffRow[], month: string): number => price(tariffFor(rows, { ...NTT, benefits: ['JKK'], month }));

  it('a change dated 1 April applies to April', () => {
    const rows = change('2026-04-01', '2026-03-31');
    expect(checkTariffs(rows)).toEqual([]);
    expect(jkk(rows, '2026-03')).toBe(10_000);
    expect(jkk(rows, '2026-04')).toBe(12_000);
    expect(jkk(rows, '2026-05')).toBe(12_000);
  });

  it('a change dated 15 April applies from May', () => {
    const rows = change('2026-04-15', '2026-04-14');
    expect(checkTariffs(rows)).toEqual([]);
    expect(jkk(rows, '2026-04')).toBe(10_000);
    expect(jkk(rows, '2026-05')).toBe(12_000);
  });

  it('a tariff ending mid-month still covers its last month if it was in force on the 1st', () => {
    const rows = [row({ benefit: 'JKK', amount: 10_000, validFrom: '2015-07-01', validTo: '2026-04-14' })];
    expect(jkk(rows, '2026-04')).toBe(10_000);
    expect(failure(tariffFor(rows, { ...NTT, benefits: ['JKK'], month: '2026-05' })).missing).toEqual(['JKK']);
  });

  it('validTo is inclusive: a row ending on the 1st still applies to that month', () => {
    const rows = [row({ benefit: 'JKK', amount: 10_000, validFrom: '2015-07-01', validTo: '2026-05-01' })];
    expect(jkk(rows, '2026-05')).toBe(10_000);
  });
});

describe('tariffFor: funding', () => {
  const rows = [
    row({ benefit: 'JKK', amount: 10_000, validFrom: '2015-07-01' }),
    row({ benefit: 'JKK', amount: 7_000, validFrom: '2015-07-01', funding: 'apbd' }),
    row({ benefit: 'JKK', amount: 5_000, validFrom: '2015-07-01', funding: 'non_apbd' }),
  ];

  it('the row for the person’s funding wins over the row for any funding', () => {
    expect(price(tariffFor(rows, { ...NTT, benefits: ['JKK'], month: '2025-07', funding: 'apbd' }))).toBe(7_000);
    expect(price(tariffFor(rows, { ...NTT, benefits: ['JKK'], month: '2025-07', funding: 'non_apbd' }))).toBe(5_000);
  });

  it('falls back to "any" when there is no row for the funding', () => {
    const some = rows.filter((r) => r.funding !== 'apbd');
    expect(price(tariffFor(some, { ...NTT, benefits: ['JKK'], month: '2025-07', funding: 'apbd' }))).toBe(10_000);
  });

  it('never uses a row for the other funding', () => {
    const only = rows.filter((r) => r.funding === 'non_apbd');
    const r = failure(tariffFor(only, { ...NTT, benefits: ['JKK'], month: '2025-07', funding: 'apbd' }));
    expect(r.missing).toEqual(['JKK']);
  });
});

describe('tariffFor: declared-income brackets', () => {
  const rows = [
    row({ benefit: 'JKK', basisIncome: 1_000_000, amount: 10_000, validFrom: '2015-07-01' }),
    row({ benefit: 'JKK', basisIncome: 2_000_000, amount: 20_000, validFrom: '2015-07-01' }),
    row({ benefit: 'JKK', basisIncome: 20_700_000, amount: 207_000, validFrom: '2015-07-01' }),
    row({ benefit: 'JKM', basisIncome: 1_000_000, amount: 6_800, validFrom: '2015-07-01' }),
  ];
  const cost = (declaredIncome: number): number => price(tariffFor(rows, { ...NTT, declaredIncome, month: '2025-07' }));

  it('uses the highest basis not above the declared income; JKM stays flat', () => {
    expect(cost(1_000_000)).toBe(16_800);
    expect(cost(1_999_999)).toBe(16_800);
    expect(cost(2_000_000)).toBe(26_800);
    expect(cost(20_699_999)).toBe(26_800);
    expect(cost(20_700_000)).toBe(213_800);
    expect(cost(50_000_000)).toBe(213_800);
  });

  it('a declared income below the lowest basis has no tariff, and the message says the minimum', () => {
    const r = failure(tariffFor(rows, { ...NTT, declaredIncome: 500_000, month: '2025-07' }));
    expect(r.missing).toEqual(['JKK', 'JKM']);
    expect(r.message.id).toContain('Rp1.000.000');
    expect(r.message.en).toContain('declare at least');
  });
});

describe('tariffFor: missing and ambiguous tariffs', () => {
  it('names the missing benefit, the month and what to do', () => {
    const rows = [row({ benefit: 'JKK', amount: 10_000, validFrom: '2015-07-01' })];
    const r = failure(tariffFor(rows, { ...NTT, month: '2026-05' }));
    expect(r.missing).toEqual(['JKM']);
    expect(r.message.id).toContain('JKM');
    expect(r.message.id).toContain('Mei 2026');
    expect(r.message.id).toContain('1 Mei 2026');
    expect(r.message.en).toContain('May 2026');
    expect(r.message.en).toContain('Add or correct the tariff table');
    expect(r.message.en).not.toContain('JKK');
  });

  it('overlapping rows make the benefit missing instead of picking one', () => {
    const rows = [
      row({ id: 7, benefit: 'JKK', amount: 10_000, validFrom: '2015-07-01' }),
      row({ id: 8, benefit: 'JKK', amount: 12_000, validFrom: '2026-01-01' }),
      row({ benefit: 'JKM', amount: 6_800, validFrom: '2015-07-01' }),
    ];
    expect(price(tariffFor(rows, { ...NTT, month: '2025-12' }))).toBe(16_800);
    const r = failure(tariffFor(rows, { ...NTT, month: '2026-01' }));
    expect(r.missing).toEqual(['JKK']);
    expect(r.message.en).toContain('overlapping');
    expect(r.message.en).toContain('row 7');
    expect(r.message.id).toContain('baris 8');
  });

  it('no benefits chosen', () => {
    const r = failure(tariffFor(DEMO_TARIFFS, { ...NTT, benefits: [], month: '2025-07' }));
    expect(r.missing).toEqual([]);
    expect(r.message.en).toContain('Choose');
  });

  it('rows of another segment are ignored', () => {
    const other = { ...row({ benefit: 'JKK', amount: 99, validFrom: '2015-07-01' }), segment: 'PU' } as unknown as TariffRow;
    expect(failure(tariffFor([other], { ...NTT, benefits: ['JKK'], month: '2025-07' })).missing).toEqual(['JKK']);
  });

  it.each<Partial<TariffQuery>>([{ month: '2025-7' }, { month: '2025-07-01' }, { month: '2025-07', declaredIncome: 1_000_000.5 }, { month: '2025-07', declaredIncome: -1 }])(
    'malformed query %j throws',
    (q) => {
      expect(() => tariffFor(DEMO_TARIFFS, { ...NTT, month: '2025-07', ...q })).toThrow(RangeError);
    },
  );

  it('a non-integer amount in the chosen row throws instead of billing a float', () => {
    const rows = [row({ benefit: 'JKK', amount: 10_000.5, validFrom: '2015-07-01' })];
    expect(() => tariffFor(rows, { ...NTT, benefits: ['JKK'], month: '2025-07' })).toThrow(RangeError);
  });
});

describe('checkTariffs', () => {
  it('reports rows of the same benefit, funding and basis in force on one date', () => {
    const rows = [
      row({ id: 1, benefit: 'JKK', amount: 10_000, validFrom: '2015-07-01', validTo: '2026-04-15' }),
      row({ id: 2, benefit: 'JKK', amount: 12_000, validFrom: '2026-04-15' }),
    ];
    const messages = checkTariffs(rows);
    expect(messages).toHaveLength(1);
    expect(messages[0]?.en).toContain('from 15 April 2026');
    expect(messages[0]?.en).toContain('row 1');
    expect(messages[0]?.en).toContain('row 2');
    expect(messages[0]?.en).toContain('End the old tariff the day before');
    expect(messages[0]?.id).toContain('15 April 2026');
  });

  it('an open-ended row overlaps every later row', () => {
    const rows = [
      row({ benefit: 'JKM', amount: 6_800, validFrom: '2015-07-01' }),
      row({ benefit: 'JKM', amount: 3_400, validFrom: '2030-01-01', validTo: '2030-12-31' }),
    ];
    expect(checkTariffs(rows)).toHaveLength(1);
  });

  it('adjacent rows, and rows differing in benefit, funding or basis, do not overlap', () => {
    const rows = [
      row({ benefit: 'JKK', amount: 10_000, validFrom: '2015-07-01', validTo: '2026-04-14' }),
      row({ benefit: 'JKK', amount: 12_000, validFrom: '2026-04-15' }),
      row({ benefit: 'JKM', amount: 6_800, validFrom: '2015-07-01' }),
      row({ benefit: 'JKK', amount: 5_000, validFrom: '2015-07-01', funding: 'non_apbd' }),
      row({ benefit: 'JKK', amount: 20_000, validFrom: '2015-07-01', basisIncome: 2_000_000 }),
    ];
    expect(checkTariffs(rows)).toEqual([]);
  });

  it('three overlapping rows give three messages (each pair)', () => {
    const rows = [1, 2, 3].map((id) => row({ id, benefit: 'JKK', amount: 10_000, validFrom: `201${id}-01-01` }));
    expect(checkTariffs(rows)).toHaveLength(3);
  });

  it('reports malformed rows, one message per problem, and says what to do', () => {
    const messages = checkTariffs([
      row({ id: 9, benefit: 'JKK', amount: 10_000.5, validFrom: '2015-07-01' }),
      row({ benefit: 'JKK', amount: -1, validFrom: '2015-07-01', basisIncome: 0 }),
      row({ benefit: 'JKM', amount: 6_800, validFrom: '2015-7-1' }),
      row({ benefit: 'JKM', amount: 6_800, validFrom: '2026-01-01', validTo: '2025-12-31' }),
      row({ benefit: 'JHT', amount: 20_000, validFrom: '2015-07-01', legalBasis: ' ' }),
    ]);
    expect(messages.map((m) => m.en.replace(/^Tariff .*?: /, ''))).toEqual([
      'amount 10000.5 is not whole rupiah of 0 or more. Correct this tariff row.',
      'amount -1 is not whole rupiah of 0 or more. Correct this tariff row.',
      'basis income 0 is not whole rupiah above 0. Correct this tariff row.',
      'start date "2015-7-1" is not a date (YYYY-MM-DD). Correct this tariff row.',
      'the end date is before the start date. Correct this tariff row.',
      'the legal basis is empty. Correct this tariff row.',
    ]);
    expect(messages[0]?.en).toContain('row 9');
    expect(messages.every((m) => m.id.endsWith('Perbaiki baris tarif ini.'))).toBe(true);
  });
});
