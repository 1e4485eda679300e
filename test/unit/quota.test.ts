import { describe, it, expect } from 'vitest';
import {
  allocateQuota,
  QuotaError,
  QUOTA_ERROR_CODES,
  type QuotaAllocation,
  type QuotaErrorCode,
  type QuotaInput,
} from '../../src/domain/quota.js';

/** domain.md §8: Kemendagri code, BPS 2024 population, 2025 poverty rate (%). */
const NTT: [string, number, number][] = [
  ['53.01', 380_212, 20],
  ['53.02', 481_281, 24],
  ['53.03', 275_439, 20],
  ['53.04', 235_709, 12],
  ['53.05', 225_020, 18],
  ['53.06', 292_523, 10],
  ['53.07', 340_327, 11],
  ['53.08', 281_371, 21],
  ['53.09', 174_088, 11],
  ['53.10', 334_464, 18],
  ['53.11', 259_261, 25],
  ['53.12', 155_013, 26],
  ['53.13', 143_345, 23],
  ['53.14', 152_950, 24],
  ['53.15', 276_284, 16],
  ['53.16', 168_355, 12],
  ['53.17', 92_354, 29],
  ['53.18', 328_771, 25],
  ['53.19', 296_174, 23],
  ['53.20', 94_797, 27],
  ['53.21', 193_510, 13],
  ['53.71', 474_801, 7],
];
/** Poor population = population × poor% / 100 (fractional, e.g. 76042.4). */
const NTT_POOR = NTT.map(([code, population, poor]) => ({ code, value: (population * poor) / 100 }));

function quotas(result: QuotaAllocation[]): Record<string, number> {
  return Object.fromEntries(result.map((r) => [r.code, r.quota]));
}

function sumQuotas(result: QuotaAllocation[]): number {
  return result.reduce((a, r) => a + r.quota, 0);
}

function errorOf(input: QuotaInput): QuotaError {
  try {
    allocateQuota(input);
  } catch (e) {
    if (e instanceof QuotaError) return e;
    throw e;
  }
  throw new Error('expected a QuotaError');
}

function expectError(input: QuotaInput, code: QuotaErrorCode, ...fragments: string[]): QuotaError {
  const e = errorOf(input);
  expect(e.code).toBe(code);
  expect(e.message).toBe(e.text.en);
  expect(e.text.id.length).toBeGreaterThan(20);
  for (const f of fragments) {
    expect(e.text.id).toContain(f);
    expect(e.text.en).toContain(f);
  }
  return e;
}

const ind = (pairs: Record<string, number>) => Object.entries(pairs).map(([code, value]) => ({ code, value }));

describe('allocateQuota: NTT 2025 (100,000 across 22 regencies by poor population)', () => {
  const result = allocateQuota({ total: 100_000, indicator: NTT_POOR });

  it('sums exactly to 100,000 and keeps the input order', () => {
    expect(result).toHaveLength(22);
    expect(sumQuotas(result)).toBe(100_000);
    expect(result.map((r) => r.code)).toEqual(NTT.map(([c]) => c));
    expect(result.every((r) => r.method === 'proportional' && r.reason === null)).toBe(true);
  });

  it('gives every regency the floor or the ceiling of its exact share', () => {
    for (const r of result) {
      expect(r.exact).toBeCloseTo(r.share, 6); // no minimum, no override: the two agree
      expect([Math.floor(r.share), Math.ceil(r.share)]).toContain(r.quota);
    }
    expect(result.reduce((a, r) => a + r.share, 0)).toBeCloseTo(100_000, 6);
  });

  it('gives the 11 leftover units to the 11 largest remainders', () => {
    const rounded = result.filter((r) => r.quota > Math.floor(r.share));
    const kept = result.filter((r) => r.quota === Math.floor(r.share));
    expect(rounded).toHaveLength(11);
    const lowestUp = Math.min(...rounded.map((r) => r.share - Math.floor(r.share)));
    const highestDown = Math.max(...kept.map((r) => r.share - Math.floor(r.share)));
    expect(lowestUp).toBeGreaterThan(highestDown);
  });

  it('matches hand-checked values (exact shares computed with fractions)', () => {
    const q = quotas(result);
    // Timor Tengah Selatan 11314.91 -> 11315; Sumba Barat Daya 8051.46 -> 8051;
    // Flores Timur 2865.505 -> 2866; Ende 5788.15 -> 5788.
    expect(q['53.02']).toBe(11_315);
    expect(q['53.18']).toBe(8_051);
    expect(q['53.06']).toBe(2_866);
    expect(q['53.08']).toBe(5_788);
    expect(result.find((r) => r.code === '53.02')?.share).toBeCloseTo(11_314.9106, 3);
  });

  it('gives the same result whatever the input order', () => {
    const reversed = allocateQuota({ total: 100_000, indicator: [...NTT_POOR].reverse() });
    expect(quotas(reversed)).toEqual(quotas(result));
  });

  it('with a minimum of 3,000 raises the 7 smallest regencies and still sums to 100,000', () => {
    const withMin = allocateQuota({ total: 100_000, indicator: NTT_POOR, minimum: 3_000 });
    expect(sumQuotas(withMin)).toBe(100_000);
    const raised = withMin.filter((r) => r.method === 'minimum').map((r) => r.code);
    expect(raised).toEqual(['53.04', '53.06', '53.09', '53.16', '53.17', '53.20', '53.21']);
    for (const r of withMin) {
      expect(r.quota).toBeGreaterThanOrEqual(3_000);
      // Raising the small ones takes from the others: their exact part drops below their plain share.
      if (r.method === 'proportional') expect(r.exact).toBeLessThan(r.share);
    }
  });
});

describe('allocateQuota: largest remainder versus naive rounding', () => {
  it('34/33/33 of 10: naive rounding gives 3+3+3 = 9, Hamilton gives 4+3+3', () => {
    const r = allocateQuota({ total: 10, indicator: ind({ A: 33.4, B: 33.3, C: 33.3 }) });
    expect(r.map((x) => Math.round(x.share))).toEqual([3, 3, 3]);
    expect(quotas(r)).toEqual({ A: 4, B: 3, C: 3 });
  });

  it('four equal regencies sharing 6: naive rounding gives 2 each = 8, Hamilton gives 2+2+1+1', () => {
    const r = allocateQuota({ total: 6, indicator: ind({ D: 1, C: 1, B: 1, A: 1 }) });
    expect(r.map((x) => Math.round(x.share))).toEqual([2, 2, 2, 2]);
    // Equal remainders and equal values: the code decides (A and B first).
    expect(quotas(r)).toEqual({ A: 2, B: 2, C: 1, D: 1 });
  });

  it('a small remainder loses to larger ones even when it is the largest regency', () => {
    // exact 7.1, 1.45, 1.45 of 10 -> floors 7,1,1 = 9; one unit left goes to a .45 (not to the .1)
    const r = allocateQuota({ total: 10, indicator: ind({ big: 71, b: 14.5, a: 14.5 }) });
    expect(quotas(r)).toEqual({ big: 7, a: 2, b: 1 });
  });
});

describe('allocateQuota: ties', () => {
  it('equal remainders: the larger indicator value wins', () => {
    // exact 0.5 and 1.5: both remainders are 1/2; the one unit left goes to B.
    expect(quotas(allocateQuota({ total: 2, indicator: ind({ A: 1, B: 3 }) }))).toEqual({ A: 0, B: 2 });
  });

  it('equal remainders and values: the smaller code wins, whatever the input order', () => {
    expect(quotas(allocateQuota({ total: 1, indicator: ind({ '53.02': 5, '53.01': 5 }) }))).toEqual({ '53.01': 1, '53.02': 0 });
    expect(quotas(allocateQuota({ total: 1, indicator: ind({ '53.01': 5, '53.02': 5 }) }))).toEqual({ '53.01': 1, '53.02': 0 });
  });

  it('decides ties exactly, not by floating-point noise', () => {
    // In floating point 2×0.1/0.4 = 0.5 but 2×0.3/0.4 = 1.4999999999999998, so a float
    // implementation would give A the unit. Read as decimals both remainders are 1/2
    // and the larger value (B) wins.
    expect((2 * 0.3) / 0.4).toBeLessThan(1.5);
    expect(quotas(allocateQuota({ total: 2, indicator: ind({ A: 0.1, B: 0.3 }) }))).toEqual({ A: 0, B: 2 });
  });

  it('handles very large and very small indicator values exactly', () => {
    expect(quotas(allocateQuota({ total: 3, indicator: ind({ A: 1e21, B: 2e21 }) }))).toEqual({ A: 1, B: 2 });
    expect(quotas(allocateQuota({ total: 3, indicator: ind({ A: 1e-7, B: 2e-7 }) }))).toEqual({ A: 1, B: 2 });
  });
});

describe('allocateQuota: minimum per regency', () => {
  it('raises regencies below the minimum and shares the rest among the others, until stable', () => {
    // Round 1: A (10) < 20 is raised. Round 2: 80 over B,C = 18.67 for B < 20, raised too.
    // Round 3: C takes the remaining 60.
    const r = allocateQuota({ total: 100, indicator: ind({ A: 10, B: 21, C: 69 }), minimum: 20 });
    expect(quotas(r)).toEqual({ A: 20, B: 20, C: 60 });
    expect(r.map((x) => x.method)).toEqual(['minimum', 'minimum', 'proportional']);
    expect(r.map((x) => x.share)).toEqual([10, 21, 69]);
    expect(r.map((x) => x.exact)).toEqual([20, 20, 60]);
  });

  it('leaves regencies at or above the minimum proportional', () => {
    const r = allocateQuota({ total: 100, indicator: ind({ A: 20, B: 80 }), minimum: 20 });
    expect(quotas(r)).toEqual({ A: 20, B: 80 });
    expect(r.every((x) => x.method === 'proportional')).toBe(true);
  });

  it('gives zero-indicator regencies the minimum', () => {
    const r = allocateQuota({ total: 10, indicator: ind({ A: 0, B: 5 }), minimum: 2 });
    expect(quotas(r)).toEqual({ A: 2, B: 8 });
    expect(r[0]?.method).toBe('minimum');
  });

  it('allows minimum × regencies exactly equal to the total', () => {
    const r = allocateQuota({ total: 30, indicator: ind({ A: 1, B: 1, C: 98 }), minimum: 10 });
    expect(quotas(r)).toEqual({ A: 10, B: 10, C: 10 });
  });

  it('re-rounds the proportional part with Hamilton after raising', () => {
    // A (0.68) is raised to 5; 16 left over B, C, D = 5.33 each: floors 5+5+5, and the
    // one unit left goes to B (equal remainders and values: smallest code).
    const r = allocateQuota({ total: 21, indicator: ind({ A: 1, B: 10, C: 10, D: 10 }), minimum: 5 });
    expect(quotas(r)).toEqual({ A: 5, B: 6, C: 5, D: 5 });
    expect(r.find((x) => x.code === 'B')?.exact).toBeCloseTo(16 / 3, 10);
  });
});

describe('allocateQuota: overrides', () => {
  it('fixes overridden regencies and shares the rest proportionally among the others', () => {
    const r = allocateQuota({
      total: 100,
      indicator: ind({ A: 50, B: 30, C: 20 }),
      overrides: [{ code: 'A', quota: 10, reason: 'SK Gubernur 12/2025: kabupaten mendanai sendiri' }],
    });
    expect(quotas(r)).toEqual({ A: 10, B: 54, C: 36 });
    expect(r[0]).toEqual({ code: 'A', quota: 10, share: 50, exact: 10, method: 'override', reason: 'SK Gubernur 12/2025: kabupaten mendanai sendiri' });
    expect(sumQuotas(r)).toBe(100);
  });

  it('does not apply the minimum to overridden regencies (an override of 0 stays 0)', () => {
    const r = allocateQuota({
      total: 100,
      indicator: ind({ A: 50, B: 45, C: 4 }),
      minimum: 10,
      overrides: [{ code: 'A', quota: 0, reason: 'ditunda' }],
    });
    expect(quotas(r)).toEqual({ A: 0, B: 90, C: 10 });
    expect(r.map((x) => x.method)).toEqual(['override', 'proportional', 'minimum']);
  });

  it('accepts overrides for every regency when they add up to the total', () => {
    const r = allocateQuota({
      total: 5,
      indicator: ind({ A: 1, B: 1 }),
      overrides: [
        { code: 'A', quota: 2, reason: 'x' },
        { code: 'B', quota: 3, reason: 'y' },
      ],
    });
    expect(quotas(r)).toEqual({ A: 2, B: 3 });
  });

  it('accepts overrides using the whole total; the others get 0', () => {
    const r = allocateQuota({ total: 5, indicator: ind({ A: 1, B: 1 }), overrides: [{ code: 'A', quota: 5, reason: 'x' }] });
    expect(quotas(r)).toEqual({ A: 5, B: 0 });
    expect(r[1]?.method).toBe('proportional');
  });
});

describe('allocateQuota: edge cases that are not errors', () => {
  it('a total of 0 gives everyone 0, even with an all-zero indicator', () => {
    expect(quotas(allocateQuota({ total: 0, indicator: ind({ A: 3, B: 0 }) }))).toEqual({ A: 0, B: 0 });
    expect(quotas(allocateQuota({ total: 0, indicator: ind({ A: 0, B: 0 }) }))).toEqual({ A: 0, B: 0 });
  });

  it('no regencies and a total of 0 gives an empty list', () => {
    expect(allocateQuota({ total: 0, indicator: [] })).toEqual([]);
  });

  it('a single regency gets everything', () => {
    expect(quotas(allocateQuota({ total: 7, indicator: ind({ A: 0.5 }) }))).toEqual({ A: 7 });
  });

  it('a zero-indicator regency gets 0 without a minimum', () => {
    expect(quotas(allocateQuota({ total: 7, indicator: ind({ A: 0, B: 2 }) }))).toEqual({ A: 0, B: 7 });
  });
});

describe('allocateQuota: invariants on 500 generated cases', () => {
  // Deterministic pseudo-random numbers (LCG) so a failure can be replayed.
  let seed = 20250721;
  const rand = (n: number): number => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return Math.floor((seed / 2 ** 32) * n); // high bits: the low bits of an LCG cycle quickly
  };

  it('sums to the total, respects minimum and overrides, rounds each part to floor or ceiling', () => {
    for (let k = 0; k < 500; k++) {
      const n = 1 + rand(25);
      const indicator = Array.from({ length: n }, (_, i) => ({ code: `53.${String(i + 1).padStart(2, '0')}`, value: rand(4) === 0 ? 0 : rand(100_000) / 10 }));
      if (indicator.every((x) => x.value === 0)) indicator[0] = { code: '53.01', value: 1 };
      const total = rand(200_000);
      const overrides = indicator.slice(1).filter(() => rand(8) === 0).map((x) => ({ code: x.code, quota: rand(50), reason: 'generated' }));
      const left = total - overrides.reduce((a, o) => a + o.quota, 0);
      const free = n - overrides.length;
      const minimum = rand(3) === 0 || left < 0 ? 0 : Math.floor(rand(left + 1) / free / 2);
      const input = { total, indicator, minimum, overrides };
      if (left < 0) {
        expect(errorOf(input).code).toBe('quota_overrides_exceed_total');
        continue;
      }
      if (indicator.filter((x) => !overrides.some((o) => o.code === x.code)).every((x) => x.value === 0) && left > 0) {
        expect(errorOf(input).code).toBe('quota_indicator_all_zero');
        continue;
      }
      const r = allocateQuota(input);
      expect(sumQuotas(r)).toBe(input.total);
      for (const row of r) {
        const o = overrides.find((x) => x.code === row.code);
        if (o) expect(row).toMatchObject({ quota: o.quota, method: 'override' });
        else expect(row.quota).toBeGreaterThanOrEqual(minimum);
        if (row.method === 'proportional') expect(row.quota - row.exact).toBeGreaterThan(-1 - 1e-6);
        if (row.method === 'proportional') expect(row.quota - row.exact).toBeLessThan(1 + 1e-6);
        if (row.method === 'minimum') expect(row.quota).toBe(minimum);
      }
    }
  });
});

describe('allocateQuota: errors', () => {
  const base = { indicator: ind({ '53.01': 10, '53.02': 20 }) };

  it.each([[-1], [1.5], [Number.NaN], [Number.POSITIVE_INFINITY], [2 ** 53]])('total %s is invalid', (t) => {
    expectError({ ...base, total: t }, 'quota_total_invalid', String(t));
  });

  it.each([[-1], [0.5], [Number.NaN]])('minimum %s is invalid', (m) => {
    expectError({ ...base, total: 10, minimum: m }, 'quota_minimum_invalid', String(m));
  });

  it('no regencies with a positive total', () => {
    expectError({ total: 10, indicator: [] }, 'quota_no_regencies');
  });

  it.each([[-1], [Number.NaN], [Number.POSITIVE_INFINITY]])('indicator value %s is invalid', (v) => {
    expectError({ total: 10, indicator: [{ code: '53.01', value: 1 }, { code: '53.02', value: v }] }, 'quota_indicator_invalid', '53.02', String(v));
  });

  it('duplicate regency in the indicator', () => {
    expectError({ total: 10, indicator: ind({ '53.01': 1 }).concat({ code: '53.01', value: 2 }) }, 'quota_indicator_duplicate', '53.01');
  });

  it('all-zero indicator', () => {
    expectError({ total: 10, indicator: ind({ '53.01': 0, '53.02': 0 }) }, 'quota_indicator_all_zero');
  });

  it('all-zero indicator among the regencies left after overrides', () => {
    expectError(
      { total: 10, indicator: ind({ '53.01': 5, '53.02': 0 }), overrides: [{ code: '53.01', quota: 4, reason: 'x' }] },
      'quota_indicator_all_zero',
    );
  });

  it('minimum × regencies above the total', () => {
    const e = expectError({ ...base, total: 99_999, minimum: 50_000 }, 'quota_minimum_too_high');
    expect(e.text.id).toContain('50.000 × 2 kabupaten/kota = 100.000');
    expect(e.text.en).toContain('50,000 × 2 regencies/cities = 100,000');
    expect(e.text.en).toContain('(99,999)');
  });

  it('minimum × remaining regencies above what the overrides leave', () => {
    const e = expectError(
      { total: 10, indicator: ind({ A: 1, B: 1, C: 1 }), minimum: 3, overrides: [{ code: 'A', quota: 5, reason: 'x' }] },
      'quota_minimum_too_high',
    );
    expect(e.text.en).toContain('after the overrides');
  });

  it('overrides above the total', () => {
    expectError(
      {
        ...base,
        total: 10,
        overrides: [
          { code: '53.01', quota: 6, reason: 'x' },
          { code: '53.02', quota: 5, reason: 'y' },
        ],
      },
      'quota_overrides_exceed_total',
      '11',
      '10',
    );
  });

  it('overrides for every regency that leave part of the total unallocated', () => {
    expectError({ total: 10, indicator: ind({ A: 1 }), overrides: [{ code: 'A', quota: 4, reason: 'x' }] }, 'quota_overrides_leave_remainder', '6');
  });

  it('duplicate override', () => {
    expectError(
      {
        ...base,
        total: 10,
        overrides: [
          { code: '53.01', quota: 1, reason: 'x' },
          { code: '53.01', quota: 2, reason: 'y' },
        ],
      },
      'quota_override_duplicate',
      '53.01',
    );
  });

  it('override for a regency not in the indicator', () => {
    expectError({ ...base, total: 10, overrides: [{ code: '53.99', quota: 1, reason: 'x' }] }, 'quota_override_unknown', '53.99');
  });

  it.each([[-1], [2.5], [Number.NaN]])('override quota %s is invalid', (q) => {
    expectError({ ...base, total: 10, overrides: [{ code: '53.01', quota: q, reason: 'x' }] }, 'quota_override_invalid', '53.01', String(q));
  });

  it('override without a reason', () => {
    expectError({ ...base, total: 10, overrides: [{ code: '53.01', quota: 1, reason: '  ' }] }, 'quota_override_no_reason', '53.01');
  });

  it('QuotaError is an Error named QuotaError; the code list has no duplicates', () => {
    expect(new Set(QUOTA_ERROR_CODES).size).toBe(QUOTA_ERROR_CODES.length);
    expect(errorOf({ total: -1, indicator: [] })).toBeInstanceOf(Error);
    expect(errorOf({ total: -1, indicator: [] }).name).toBe('QuotaError');
  });
});
