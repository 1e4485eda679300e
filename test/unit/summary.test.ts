import { describe, expect, it } from 'vitest';
import { moneyByRegency, shareProRata, totalRow, type SummaryRow } from '../../src/domain/summary.js';
import { budgetForecast, forecastMonths } from '../../src/domain/budget.js';

const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

describe('shareProRata', () => {
  it('shares exactly when the parts divide evenly', () => {
    const m = shareProRata(84_000, [{ key: 'a', amount: 50_400 }, { key: 'b', amount: 33_600 }]);
    expect([...m]).toEqual([['a', 50_400], ['b', 33_600]]);
    expect(shareProRata(42_000, [{ key: 'a', amount: 50_400 }, { key: 'b', amount: 33_600 }]).get('a')).toBe(25_200);
  });

  it('gives the leftover rupiah to the largest remainders, ties to the first, and always adds up', () => {
    const m = shareProRata(100, [{ key: 'a', amount: 1 }, { key: 'b', amount: 1 }, { key: 'c', amount: 1 }]);
    expect([...m]).toEqual([['a', 34], ['b', 33], ['c', 33]]);
    const n = shareProRata(10, [{ key: 'x', amount: 3 }, { key: 'y', amount: 6 }]);
    // 3.33… and 6.66…: y has the larger remainder.
    expect([...n]).toEqual([['x', 3], ['y', 7]]);
    for (let t = 0; t < 200; t += 7) expect(sum(shareProRata(t, [{ key: 'p', amount: 16_800 * 3 }, { key: 'q', amount: 16_800 * 7 }, { key: 'r', amount: 16_800 }]))).toBe(t);
  });

  it('is exact beyond 2^53 products (ten billion rupiah shared by billions)', () => {
    const m = shareProRata(10_080_000_000, [{ key: 'a', amount: 6_720_000_000 }, { key: 'b', amount: 3_360_000_001 }]);
    expect(sum(m)).toBe(10_080_000_000);
    expect(m.get('a')).toBe(6_719_999_999);
  });

  it('shares nothing over nothing, and refuses fractions and negatives', () => {
    expect([...shareProRata(500, [{ key: 'a', amount: 0 }])]).toEqual([['a', 0]]);
    expect(() => shareProRata(1.5, [])).toThrow(RangeError);
    expect(() => shareProRata(1, [{ key: 'a', amount: -1 }])).toThrow(RangeError);
  });
});

describe('moneyByRegency and the total row', () => {
  it('adds billed and shared payments per regency; a bill without a breakdown stays unallocated', () => {
    const { byRegency, unallocated } = moneyByRegency([
      { billId: 1, amount: 84_000, paid: 84_000, regencies: [{ key: '53.01', amount: 50_400 }, { key: '53.08', amount: 33_600 }] },
      { billId: 2, amount: 84_000, paid: 42_000, regencies: [{ key: '53.01', amount: 50_400 }, { key: '53.08', amount: 33_600 }] },
      { billId: 3, amount: 16_800, paid: 16_800, regencies: [] },
    ]);
    expect(byRegency.get('53.01')).toEqual({ billed: 100_800, paid: 75_600, outstanding: 25_200 });
    expect(byRegency.get('53.08')).toEqual({ billed: 67_200, paid: 50_400, outstanding: 16_800 });
    expect(unallocated).toEqual({ billed: 16_800, paid: 16_800, outstanding: 0 });
    const row = (code: string, quota: number, active: number): SummaryRow => ({
      regencyCode: code, regencyName: code, quota, waiting: 1, candidates: 2, submitted: 3, active, lapsed: 4, ended: 5,
      ...byRegency.get(code)!,
    });
    const total = totalRow([row('53.01', 100, 10), row('53.08', 50, 5)], unallocated);
    expect(total).toEqual({ quota: 150, waiting: 2, candidates: 4, submitted: 6, active: 15, lapsed: 8, ended: 10, billed: 184_800, paid: 142_800, outstanding: 42_000 });
    expect(totalRow([{ ...row('53.01', 1, 1), billed: null, paid: null, outstanding: null }], null).billed).toBeNull();
  });
});

describe('budget forecast', () => {
  it('charges each remaining month at its own tariff', () => {
    const f = forecastMonths(5, [{ month: '2026-06', perPersonPerMonth: 16_800 }, { month: '2026-07', perPersonPerMonth: 17_200 }]);
    expect(f.total).toBe(5 * 16_800 + 5 * 17_200);
    expect(f.months.map((m) => m.amount)).toEqual([84_000, 86_000]);
  });

  it('rest of the year, year end against the allocation, and next year from scenarios (50.000 × 12 × Rp16.800)', () => {
    const scenario = { id: 1, name: 'Usulan 2027', workers: 50_000, months: 12, perPersonPerMonth: 16_800, total: 10_080_000_000 };
    const f = budgetForecast({
      fiscalYear: 2026, activeMembers: 40_000, billed: 2_016_000_000, allocation: 10_080_000_000, nextYearPerPersonPerMonth: 16_800, scenarios: [scenario],
      months: ['2026-10', '2026-11', '2026-12'].map((month) => ({ month, perPersonPerMonth: 16_800 })),
    });
    expect(f.restOfYear).toMatchObject({ fiscalYear: 2026, from: '2026-10', to: '2026-12', months: 3, activeMembers: 40_000, total: 2_016_000_000 });
    expect(f.yearEnd).toBe(4_032_000_000);
    expect(f.yearEndRemaining).toBe(6_048_000_000);
    expect(f.nextYear).toEqual({ fiscalYear: 2027, perPersonPerMonth: 16_800, scenarios: [scenario] });
    const none = budgetForecast({ fiscalYear: 2025, activeMembers: 9, billed: 0, allocation: null, nextYearPerPersonPerMonth: null, scenarios: [], months: [] });
    expect(none.restOfYear).toMatchObject({ from: null, to: null, months: 0, total: 0 });
    expect(none.yearEndRemaining).toBeNull();
  });
});
