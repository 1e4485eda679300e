import { describe, it, expect } from 'vitest';
import { budgetStatus, scenarioTotal } from '../../src/domain/budget.js';

describe('scenarioTotal', () => {
  it('2026: 50,000 workers × 12 months × 16,800 = 10,080,000,000', () => {
    expect(scenarioTotal({ workers: 50_000, months: 12, perPersonPerMonth: 16_800 })).toBe(10_080_000_000);
  });

  it('2025: 100,000 workers × 6 months × 16,800 = 10,080,000,000', () => {
    expect(scenarioTotal({ workers: 100_000, months: 6, perPersonPerMonth: 16_800 })).toBe(10_080_000_000);
  });

  it('Ende’s 2025 quota for six months', () => {
    expect(scenarioTotal({ workers: 9_731, months: 6, perPersonPerMonth: 16_800 })).toBe(980_884_800);
  });

  it.each([
    { workers: 1.5, months: 12, perPersonPerMonth: 16_800 },
    { workers: 50_000, months: -1, perPersonPerMonth: 16_800 },
    { workers: 50_000, months: 12, perPersonPerMonth: 16_800.5 },
    { workers: Number.MAX_SAFE_INTEGER, months: 12, perPersonPerMonth: 16_800 },
  ])('refuses %j', (s) => {
    expect(() => scenarioTotal(s)).toThrow(RangeError);
  });
});

describe('budgetStatus', () => {
  it('mid-2026: six months billed, six to come for 50,000 workers', () => {
    const billed = 5_040_000_000; // 50,000 × 16,800 × 6
    expect(
      budgetStatus({ allocation: 10_080_000_000, billed, paid: 3_360_000_000, committedPersons: 50_000, remainingMonths: 6, perPersonPerMonth: 16_800 }),
    ).toEqual({
      allocation: 10_080_000_000,
      billed,
      paid: 3_360_000_000,
      outstanding: 1_680_000_000,
      committed: 10_080_000_000,
      remaining: 0,
      shortfall: 0,
    });
  });

  it('more persons committed than the allocation allows: a shortfall and a negative remainder', () => {
    const s = budgetStatus({ allocation: 10_080_000_000, billed: 5_040_000_000, paid: 5_040_000_000, committedPersons: 55_000, remainingMonths: 6, perPersonPerMonth: 16_800 });
    expect(s.committed).toBe(10_584_000_000);
    expect(s.remaining).toBe(-504_000_000);
    expect(s.shortfall).toBe(504_000_000);
    expect(s.outstanding).toBe(0);
  });

  it('headroom: remaining is positive and there is no shortfall', () => {
    const s = budgetStatus({ allocation: 10_080_000_000, billed: 0, paid: 0, committedPersons: 40_000, remainingMonths: 12, perPersonPerMonth: 16_800 });
    expect(s.committed).toBe(8_064_000_000);
    expect(s.remaining).toBe(2_016_000_000);
    expect(s.shortfall).toBe(0);
  });

  it('overpayment shows as a negative outstanding amount', () => {
    const s = budgetStatus({ allocation: 100, billed: 50, paid: 60, committedPersons: 0, remainingMonths: 0, perPersonPerMonth: 16_800 });
    expect(s.outstanding).toBe(-10);
    expect(s.committed).toBe(50);
  });

  it.each([
    { allocation: -1 },
    { allocation: 1.5 },
    { billed: Number.NaN },
    { paid: -5 },
    { committedPersons: 0.5 },
    { remainingMonths: -1 },
    { perPersonPerMonth: 16_800.01 },
    { billed: Number.MAX_SAFE_INTEGER, committedPersons: 1 },
  ])('refuses %j', (patch) => {
    const base = { allocation: 10_080_000_000, billed: 0, paid: 0, committedPersons: 50_000, remainingMonths: 12, perPersonPerMonth: 16_800 };
    expect(() => budgetStatus({ ...base, ...patch })).toThrow(RangeError);
  });
});
