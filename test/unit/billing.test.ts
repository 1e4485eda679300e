import { describe, it, expect } from 'vitest';
import {
  addDays,
  addMonths,
  billableMonths,
  billTotal,
  daysBetween,
  dueDate,
  firstDay,
  formatDate,
  formatMonth,
  isDate,
  isMonth,
  lastDay,
  monthOf,
  monthsBetween,
} from '../../src/domain/billing.js';

const NTT_2025 = { coverageStart: '2025-07-01', coverageEnd: '2025-12-31' };
const H2_2025 = ['2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12'];

describe('calendar helpers', () => {
  it('monthOf, firstDay, lastDay', () => {
    expect(monthOf('2025-07-21')).toBe('2025-07');
    expect(firstDay('2025-07')).toBe('2025-07-01');
    expect(lastDay('2025-07')).toBe('2025-07-31');
    expect(lastDay('2025-09')).toBe('2025-09-30');
    expect(lastDay('2025-02')).toBe('2025-02-28');
    expect(lastDay('2024-02')).toBe('2024-02-29');
    expect(lastDay('2100-02')).toBe('2100-02-28');
    expect(lastDay('2000-02')).toBe('2000-02-29');
  });

  it('dueDate is the 15th of the contribution month itself', () => {
    expect(dueDate('2025-07')).toBe('2025-07-15');
    expect(dueDate('2026-02')).toBe('2026-02-15');
    expect(dueDate('2025-12')).toBe('2025-12-15');
  });

  it('monthsBetween includes both ends and crosses years', () => {
    expect(monthsBetween('2025-07', '2025-12')).toEqual(H2_2025);
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2025-07', '2025-07')).toEqual(['2025-07']);
    expect(monthsBetween('2025-08', '2025-07')).toEqual([]);
    expect(monthsBetween('2026-01', '2026-12')).toHaveLength(12);
  });

  it('addMonths and addDays', () => {
    expect(addMonths('2025-12', 1)).toBe('2026-01');
    expect(addMonths('2026-01', -1)).toBe('2025-12');
    expect(addMonths('2025-07', 18)).toBe('2027-01');
    expect(addDays('2025-09-30', 1)).toBe('2025-10-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2025-07-21', 0)).toBe('2025-07-21');
    expect(addDays('2025-01-01', 365)).toBe('2026-01-01');
  });

  it('daysBetween', () => {
    expect(daysBetween('2025-01-01', '2026-01-01')).toBe(365);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2025-10-01', '2025-09-30')).toBe(-1);
  });

  it('addDays agrees with daysBetween over four centuries', () => {
    let date = '1900-01-01';
    for (let i = 0; i < 400; i++) {
      const next = addDays(date, 366);
      expect(daysBetween(date, next)).toBe(366);
      expect(isDate(next)).toBe(true);
      date = next;
    }
  });

  it('isDate and isMonth', () => {
    expect(isDate('2025-02-29')).toBe(false);
    expect(isDate('2024-02-29')).toBe(true);
    expect(isDate('2025-13-01')).toBe(false);
    expect(isDate('2025-7-1')).toBe(false);
    expect(isDate(20250701)).toBe(false);
    expect(isMonth('2025-07')).toBe(true);
    expect(isMonth('2025-00')).toBe(false);
    expect(isMonth('2025-07-01')).toBe(false);
  });

  it('formats dates and months for messages', () => {
    expect(formatDate('2025-10-01', 'id')).toBe('1 Oktober 2025');
    expect(formatDate('2025-10-01', 'en')).toBe('1 October 2025');
    expect(formatMonth('2026-05', 'id')).toBe('Mei 2026');
    expect(formatMonth('2026-05', 'en')).toBe('May 2026');
  });

  it.each([
    () => monthOf('2025-02-30'),
    () => firstDay('2025-7'),
    () => lastDay('2025-13'),
    () => dueDate('July'),
    () => monthsBetween('2025-07', '2025'),
    () => addDays('2025-07-01', 0.5),
    () => addMonths('2025-07', Number.NaN),
  ])('malformed input throws RangeError (%#)', (f) => {
    expect(f).toThrow(RangeError);
  });
});

describe('billableMonths', () => {
  it('a start mid-month bills that month whole', () => {
    expect(billableMonths([{ from: '2025-07-21', to: null }], NTT_2025)).toEqual(H2_2025);
    expect(billableMonths([{ from: '2025-09-30', to: null }], NTT_2025)).toEqual(['2025-09', '2025-10', '2025-11', '2025-12']);
  });

  it('an end mid-month bills that month', () => {
    expect(billableMonths([{ from: '2025-07-01', to: '2025-09-01' }], NTT_2025)).toEqual(['2025-07', '2025-08', '2025-09']);
    expect(billableMonths([{ from: '2025-07-01', to: '2025-08-31' }], NTT_2025)).toEqual(['2025-07', '2025-08']);
  });

  it('clips to the programme window', () => {
    // Membership longer than the programme: only the window is billed.
    expect(billableMonths([{ from: '2025-01-01', to: '2026-06-30' }], NTT_2025)).toEqual(H2_2025);
    expect(billableMonths([{ from: '2025-01-01', to: null }], NTT_2025)).toEqual(H2_2025);
    // Entirely outside the window: nothing.
    expect(billableMonths([{ from: '2026-01-01', to: null }], NTT_2025)).toEqual([]);
    expect(billableMonths([{ from: '2025-01-01', to: '2025-06-30' }], NTT_2025)).toEqual([]);
  });

  it('a window starting or ending mid-month bills only months with a covered day in it', () => {
    const window = { coverageStart: '2025-07-21', coverageEnd: '2025-10-10' };
    expect(billableMonths([{ from: '2025-07-01', to: null }], window)).toEqual(['2025-07', '2025-08', '2025-09', '2025-10']);
    // Covered only before the window opens within July: July is not billed.
    expect(billableMonths([{ from: '2025-07-01', to: '2025-07-20' }, { from: '2025-09-01', to: null }], window)).toEqual(['2025-09', '2025-10']);
    // Covered only after the window closes within October: October is not billed.
    expect(billableMonths([{ from: '2025-10-11', to: null }], window)).toEqual([]);
  });

  it('a lapse gap of whole months is not billed; a gap inside a month still bills it', () => {
    const periods = [
      { from: '2025-07-21', to: '2025-09-30' },
      { from: '2025-11-06', to: null },
    ];
    expect(billableMonths(periods, NTT_2025)).toEqual(['2025-07', '2025-08', '2025-09', '2025-11', '2025-12']);
  });

  it('overlapping periods never bill a month twice; periods may come in any order', () => {
    const periods = [
      { from: '2025-10-01', to: null },
      { from: '2025-07-01', to: '2025-10-31' },
    ];
    expect(billableMonths(periods, NTT_2025)).toEqual(H2_2025);
  });

  it('no periods, nothing billed', () => {
    expect(billableMonths([], NTT_2025)).toEqual([]);
  });

  it('a period ending before it starts is a data error', () => {
    expect(() => billableMonths([{ from: '2025-09-01', to: '2025-08-01' }], NTT_2025)).toThrow(RangeError);
    expect(() => billableMonths([{ from: '2025-09-31', to: null }], NTT_2025)).toThrow(RangeError);
  });
});

describe('billTotal', () => {
  it('the 2025 NTT bill: 100,000 × 16,800 × 6 = 10,080,000,000', () => {
    expect(billTotal(100_000, 16_800, 6)).toBe(10_080_000_000);
  });

  it('months default to 1', () => {
    expect(billTotal(100_000, 16_800)).toBe(1_680_000_000);
    expect(billTotal(9_731, 16_800)).toBe(163_480_800);
  });

  it('zero anywhere is zero', () => {
    expect(billTotal(0, 16_800, 6)).toBe(0);
    expect(billTotal(100_000, 0, 6)).toBe(0);
    expect(billTotal(100_000, 16_800, 0)).toBe(0);
  });

  it('accepts the largest exact product and refuses one beyond it', () => {
    expect(billTotal(Number.MAX_SAFE_INTEGER, 1, 1)).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => billTotal(Number.MAX_SAFE_INTEGER, 2, 1)).toThrow(RangeError);
    expect(() => billTotal(2 ** 26, 2 ** 26, 2)).toThrow(/too large/);
  });

  it.each([
    [-1, 16_800, 1],
    [1.5, 16_800, 1],
    [1, 16_800.5, 1],
    [1, 16_800, 0.5],
    [1, Number.NaN, 1],
    [1, 16_800, -6],
  ])('refuses %s × %s × %s', (p, t, m) => {
    expect(() => billTotal(p, t, m)).toThrow(RangeError);
  });
});
