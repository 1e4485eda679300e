import { describe, it, expect } from 'vitest';
import { dueDate, monthsBetween } from '../../src/domain/billing.js';
import {
  coveredPeriods,
  DEMO_LAPSE_RULE,
  lapseDate,
  lapseHistory,
  reinstatementDate,
  type LapseRule,
  type Payment,
} from '../../src/domain/lapse.js';

const RULE = DEMO_LAPSE_RULE;
const H2_2025 = monthsBetween('2025-07', '2025-12');
const JUL_2025_TO_JUN_2026 = monthsBetween('2025-07', '2026-06');

function paidOn(date: string, ...months: string[]): Payment[] {
  return months.map((month) => ({ month, paidOn: date }));
}

describe('lapseDate', () => {
  it('three unpaid months lapse the membership from the 1st of the next month', () => {
    expect(lapseDate([], H2_2025, RULE, '2025-09-16')).toBe('2025-10-01');
    expect(lapseDate(new Set<string>(), H2_2025, RULE, '2025-09-30')).toBe('2025-10-01');
  });

  it('the third month is not overdue on its due date, only the day after', () => {
    expect(lapseDate([], H2_2025, RULE, '2025-09-15')).toBeNull();
    expect(lapseDate([], H2_2025, RULE, '2025-09-16')).toBe('2025-10-01');
  });

  it('two unpaid months do not lapse', () => {
    expect(lapseDate(['2025-07'], H2_2025, RULE, '2025-09-20')).toBeNull();
    expect(lapseDate(['2025-09'], H2_2025, RULE, '2025-09-20')).toBeNull();
  });

  it('a paid month breaks the run; a later run still lapses', () => {
    const paid = ['2025-08'];
    expect(lapseDate(paid, H2_2025, RULE, '2025-10-16')).toBeNull(); // Jul | Aug paid | Sep, Oct
    expect(lapseDate(paid, H2_2025, RULE, '2025-11-16')).toBe('2025-12-01'); // Sep, Oct, Nov
    expect(lapseDate([...paid, '2025-11'], H2_2025, RULE, '2025-12-16')).toBeNull(); // Sep, Oct | Nov paid | Dec
  });

  it('the earliest run still unpaid decides, even when later months are paid', () => {
    expect(lapseDate([], H2_2025, RULE, '2025-12-20')).toBe('2025-10-01');
    expect(lapseDate(['2025-10', '2025-11', '2025-12'], H2_2025, RULE, '2025-12-20')).toBe('2025-10-01');
  });

  it('the date may be after today: the lapse takes effect on the 1st', () => {
    const today = '2025-09-20';
    const date = lapseDate([], H2_2025, RULE, today);
    expect(date).toBe('2025-10-01');
    expect(date && date > today).toBe(true);
  });

  it('a month that is not billed breaks the run (calendar-consecutive months only)', () => {
    const billed = ['2025-07', '2025-08', '2025-10', '2025-11'];
    expect(lapseDate([], billed, RULE, '2025-11-20')).toBeNull();
  });

  it('payments for months that are not billed are irrelevant', () => {
    expect(lapseDate(['2025-06', '2026-01'], H2_2025, RULE, '2025-09-16')).toBe('2025-10-01');
  });

  it('billed months may come unsorted and repeated', () => {
    expect(lapseDate([], ['2025-09', '2025-07', '2025-08', '2025-08'], RULE, '2025-09-16')).toBe('2025-10-01');
  });

  it('months due before the rule is in force are not judged by it', () => {
    const rule: LapseRule = { unpaidMonths: 3, validFrom: '2025-08-20' };
    expect(lapseDate([], H2_2025, rule, '2025-10-16')).toBeNull(); // Jul, Aug due before the rule
    expect(lapseDate([], H2_2025, rule, '2025-11-16')).toBe('2025-12-01'); // Sep, Oct, Nov
  });

  it('the number of months is data', () => {
    expect(lapseDate([], H2_2025, { unpaidMonths: 1, validFrom: '2015-07-01' }, '2025-07-16')).toBe('2025-08-01');
    expect(lapseDate([], H2_2025, { unpaidMonths: 6, validFrom: '2015-07-01' }, '2025-12-16')).toBe('2026-01-01');
    expect(lapseDate([], H2_2025, { unpaidMonths: 7, validFrom: '2015-07-01' }, '2026-12-31')).toBeNull();
  });

  it('nothing billed, no lapse', () => {
    expect(lapseDate([], [], RULE, '2026-01-01')).toBeNull();
  });

  it.each<[LapseRule, string, string[]]>([
    [{ unpaidMonths: 0, validFrom: '2015-07-01' }, '2025-09-16', H2_2025],
    [{ unpaidMonths: 2.5, validFrom: '2015-07-01' }, '2025-09-16', H2_2025],
    [{ unpaidMonths: 3, validFrom: '2015-7-1' }, '2025-09-16', H2_2025],
    [RULE, '16-09-2025', H2_2025],
    [RULE, '2025-09-16', ['2025-7']],
  ])('malformed input throws (%#)', (rule, today, billed) => {
    expect(() => lapseDate([], billed, rule, today)).toThrow(RangeError);
  });
});

describe('lapseHistory and reinstatementDate', () => {
  it('an unpaid run with no payment: lapsed, not reinstated', () => {
    expect(lapseHistory([], H2_2025, RULE, '2025-09-16')).toEqual([
      { lapsedFrom: '2025-10-01', reinstatedFrom: null, unpaidMonths: ['2025-07', '2025-08', '2025-09'] },
    ]);
    expect(reinstatementDate([], H2_2025, RULE, '2025-09-16')).toBeNull();
  });

  it('paying the arrears before the 1st prevents the lapse', () => {
    const payments = paidOn('2025-09-30', '2025-07', '2025-08', '2025-09');
    expect(lapseHistory(payments, H2_2025, RULE, '2025-10-20')).toEqual([]);
  });

  it('paying all arrears reinstates from the day after the payment', () => {
    // On 10 October the October contribution is not due yet, so Jul–Sep are all the arrears.
    const payments = paidOn('2025-10-10', '2025-07', '2025-08', '2025-09');
    expect(lapseHistory(payments, H2_2025, RULE, '2025-10-20')).toEqual([
      { lapsedFrom: '2025-10-01', reinstatedFrom: '2025-10-11', unpaidMonths: ['2025-07', '2025-08', '2025-09'] },
    ]);
    expect(reinstatementDate(payments, H2_2025, RULE, '2025-10-20')).toBe('2025-10-11');
  });

  it('paying only the run is not enough once another month has fallen due', () => {
    const payments = paidOn('2025-10-20', '2025-07', '2025-08', '2025-09');
    expect(reinstatementDate(payments, H2_2025, RULE, '2025-10-24')).toBeNull();
    const all = [...payments, ...paidOn('2025-10-25', '2025-10')];
    expect(reinstatementDate(all, H2_2025, RULE, '2025-10-30')).toBe('2025-10-26');
  });

  it('arrears paid in instalments reinstate on the last one', () => {
    const payments = [...paidOn('2025-10-05', '2025-07'), ...paidOn('2025-10-08', '2025-08'), ...paidOn('2025-10-12', '2025-09')];
    expect(reinstatementDate(payments, H2_2025, RULE, '2025-10-31')).toBe('2025-10-13');
  });

  it('payment on the lapse day itself: one day uncovered', () => {
    const payments = paidOn('2025-10-01', '2025-07', '2025-08', '2025-09');
    expect(lapseHistory(payments, H2_2025, RULE, '2025-10-20')).toEqual([
      { lapsedFrom: '2025-10-01', reinstatedFrom: '2025-10-02', unpaidMonths: ['2025-07', '2025-08', '2025-09'] },
    ]);
  });

  it('ignores payments after today (replaying the past)', () => {
    const payments = paidOn('2025-10-10', '2025-07', '2025-08', '2025-09');
    expect(reinstatementDate(payments, H2_2025, RULE, '2025-10-09')).toBeNull();
    expect(lapseHistory(payments, H2_2025, RULE, '2025-10-09')).toHaveLength(1);
  });

  it('a month paid twice counts from its first payment', () => {
    const payments = [...paidOn('2025-10-10', '2025-07', '2025-08', '2025-09'), ...paidOn('2025-10-15', '2025-07')];
    expect(reinstatementDate(payments, H2_2025, RULE, '2025-10-31')).toBe('2025-10-11');
  });

  it('runs completing while already lapsed belong to the same lapse', () => {
    expect(lapseHistory([], H2_2025, RULE, '2025-12-20')).toHaveLength(1);
  });

  it('a second lapse after reinstatement is a new episode; reinstatementDate is about the latest', () => {
    const payments = [
      ...paidOn('2025-10-10', '2025-07', '2025-08', '2025-09', '2025-10'),
      // Nov, Dec, Jan unpaid
    ];
    expect(lapseHistory(payments, JUL_2025_TO_JUN_2026, RULE, '2026-01-20')).toEqual([
      { lapsedFrom: '2025-10-01', reinstatedFrom: '2025-10-11', unpaidMonths: ['2025-07', '2025-08', '2025-09'] },
      { lapsedFrom: '2026-02-01', reinstatedFrom: null, unpaidMonths: ['2025-11', '2025-12', '2026-01'] },
    ]);
    expect(reinstatementDate(payments, JUL_2025_TO_JUN_2026, RULE, '2026-01-20')).toBeNull();
    const later = [...payments, ...paidOn('2026-03-03', '2025-11', '2025-12', '2026-01', '2026-02')];
    expect(reinstatementDate(later, JUL_2025_TO_JUN_2026, RULE, '2026-03-31')).toBe('2026-03-04');
  });

  it('never lapsed: empty history, no reinstatement date', () => {
    const payments = H2_2025.map((month) => ({ month, paidOn: dueDate(month) }));
    expect(lapseHistory(payments, H2_2025, RULE, '2026-01-31')).toEqual([]);
    expect(reinstatementDate(payments, H2_2025, RULE, '2026-01-31')).toBeNull();
  });

  it('a malformed payment throws', () => {
    expect(() => lapseHistory([{ month: '2025-07', paidOn: '2025-07-32' }], H2_2025, RULE, '2025-10-01')).toThrow(RangeError);
  });

  it('agrees with lapseDate whenever months are paid on time or never (300 generated cases)', () => {
    let seed = 20250721;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return Math.floor((seed / 2 ** 32) * n);
    };
    for (let k = 0; k < 300; k++) {
      const paid = JUL_2025_TO_JUN_2026.filter(() => rand(3) > 0);
      const payments = paid.map((month) => ({ month, paidOn: `${month}-${String(1 + rand(15)).padStart(2, '0')}` }));
      const today = `2026-0${1 + rand(7)}-${String(1 + rand(28)).padStart(2, '0')}`;
      const history = lapseHistory(payments, JUL_2025_TO_JUN_2026, RULE, today);
      const paidByToday = payments.filter((p) => p.paidOn <= today).map((p) => p.month);
      expect(history[0]?.lapsedFrom ?? null).toBe(lapseDate(paidByToday, JUL_2025_TO_JUN_2026, RULE, today));
      expect(history.every((e) => e.reinstatedFrom === null)).toBe(true);
    }
  });
});

describe('coveredPeriods', () => {
  it('cuts the lapsed stretches out of the membership', () => {
    const history = [
      { lapsedFrom: '2025-10-01', reinstatedFrom: '2025-10-11', unpaidMonths: [] },
      { lapsedFrom: '2026-02-01', reinstatedFrom: null, unpaidMonths: [] },
    ];
    expect(coveredPeriods({ from: '2025-07-21', to: null }, history)).toEqual([
      { from: '2025-07-21', to: '2025-09-30' },
      { from: '2025-10-11', to: '2026-01-31' },
    ]);
  });

  it('a reinstated last lapse leaves the rest open or up to the membership end', () => {
    const history = [{ lapsedFrom: '2025-10-01', reinstatedFrom: '2025-10-11', unpaidMonths: [] }];
    expect(coveredPeriods({ from: '2025-07-21', to: null }, history)).toEqual([
      { from: '2025-07-21', to: '2025-09-30' },
      { from: '2025-10-11', to: null },
    ]);
    expect(coveredPeriods({ from: '2025-07-21', to: '2025-12-31' }, history)).toEqual([
      { from: '2025-07-21', to: '2025-09-30' },
      { from: '2025-10-11', to: '2025-12-31' },
    ]);
  });

  it('lapses after the membership ended change nothing', () => {
    const history = [{ lapsedFrom: '2026-02-01', reinstatedFrom: null, unpaidMonths: [] }];
    expect(coveredPeriods({ from: '2025-07-21', to: '2025-12-31' }, history)).toEqual([{ from: '2025-07-21', to: '2025-12-31' }]);
  });

  it('no lapses: the membership itself', () => {
    expect(coveredPeriods({ from: '2025-07-21', to: null }, [])).toEqual([{ from: '2025-07-21', to: null }]);
  });

  it('feeds straight from lapseHistory', () => {
    const payments = paidOn('2025-10-10', '2025-07', '2025-08', '2025-09');
    const history = lapseHistory(payments, H2_2025, RULE, '2025-10-20');
    expect(coveredPeriods({ from: '2025-07-01', to: '2025-12-31' }, history)).toEqual([
      { from: '2025-07-01', to: '2025-09-30' },
      { from: '2025-10-11', to: '2025-12-31' },
    ]);
  });
});
