import { describe, expect, it } from 'vitest';
import { dueDate, monthsBetween } from '../../src/domain/billing.js';
import { lapseHistory, type Payment } from '../../src/domain/lapse.js';
import {
  arrearsDays,
  billPaidOn,
  lapseWindows,
  membershipEpisodes,
  reinstatableRanges,
  ruleOn,
  type DatedLapseRule,
  type MonthBill,
} from '../../src/domain/lapse-run.js';

const RULE: DatedLapseRule = { unpaidMonths: 3, reinstatement: 'pay_arrears', validFrom: '2015-07-01' };
const H2_2025 = monthsBetween('2025-07', '2025-12');

/** Bills for the months, paid on the given days (absent: unpaid). */
function bills(months: readonly string[], paid: Record<string, string> = {}): MonthBill[] {
  return months.map((month) => ({ month, dueDate: dueDate(month), paidOn: paid[month] ?? null }));
}

describe('billPaidOn', () => {
  it('is the day the payments first cover the amount', () => {
    expect(billPaidOn(84_000, [{ paidOn: '2026-02-12', amount: 84_000 }], '2026-03-01')).toBe('2026-02-12');
    expect(billPaidOn(84_000, [{ paidOn: '2026-02-20', amount: 33_600 }, { paidOn: '2026-02-12', amount: 50_400 }], '2026-03-01')).toBe('2026-02-20');
  });

  it('a partial payment pays for nobody', () => {
    expect(billPaidOn(84_000, [{ paidOn: '2026-02-12', amount: 83_999 }], '2026-03-01')).toBeNull();
  });

  it('payments after today do not count yet (replaying the past)', () => {
    expect(billPaidOn(84_000, [{ paidOn: '2026-02-12', amount: 84_000 }], '2026-02-11')).toBeNull();
  });

  it('rejects a bill without an amount', () => {
    expect(() => billPaidOn(0, [], '2026-03-01')).toThrow(RangeError);
  });
});

describe('ruleOn and reinstatableRanges', () => {
  const rules: DatedLapseRule[] = [
    { unpaidMonths: 2, reinstatement: 'new_registration', validFrom: '2027-01-01' },
    RULE,
  ];
  it('the latest rule started on or before the date', () => {
    expect(ruleOn(rules, '2015-06-30')).toBeNull();
    expect(ruleOn(rules, '2026-12-31')).toBe(RULE);
    expect(ruleOn(rules, '2027-01-01')?.unpaidMonths).toBe(2);
  });
  it('arrears cure only the lapses that start while a pay_arrears rule is in force', () => {
    expect(reinstatableRanges(rules)).toEqual([{ from: '2015-07-01', to: '2027-01-01' }]);
    expect(reinstatableRanges([RULE])).toEqual([{ from: '2015-07-01', to: null }]);
  });
});

describe('lapseWindows', () => {
  it('three billed months overdue and unpaid lapse from the 1st of the next month, once that day has come', () => {
    expect(lapseWindows(bills(H2_2025), [RULE], '2025-09-30')).toEqual([]);
    expect(lapseWindows(bills(H2_2025), [RULE], '2025-10-01')).toEqual([{ lapsedFrom: '2025-10-01', months: ['2025-07', '2025-08', '2025-09'], unpaidMonths: 3 }]);
  });

  it('paying one of the months before the 1st prevents that lapse; paying after it does not', () => {
    expect(lapseWindows(bills(H2_2025, { '2025-08': '2025-09-30' }), [RULE], '2025-10-20')).toEqual([]);
    expect(lapseWindows(bills(H2_2025, { '2025-08': '2025-10-01' }), [RULE], '2025-10-20')).toHaveLength(1);
  });

  it('a month without a bill breaks the run', () => {
    expect(lapseWindows(bills(['2025-07', '2025-08', '2025-10', '2025-11']), [RULE], '2025-12-20')).toEqual([]);
  });

  it('every later run is listed too (a membership may have started later)', () => {
    expect(lapseWindows(bills(H2_2025), [RULE], '2026-01-01').map((w) => w.lapsedFrom)).toEqual(['2025-10-01', '2025-11-01', '2025-12-01', '2026-01-01']);
  });

  it('a run is judged by the rule in force when its last month falls due; months before the first rule never count', () => {
    const rules: DatedLapseRule[] = [{ ...RULE, validFrom: '2025-08-01' }, { unpaidMonths: 2, reinstatement: 'pay_arrears', validFrom: '2025-11-01' }];
    // Jul is due before any rule: Aug–Oct is the first run of three.
    expect(lapseWindows(bills(H2_2025), rules, '2025-11-01').map((w) => w.months)).toEqual([['2025-08', '2025-09', '2025-10']]);
    // November's run is judged by the 2-month rule.
    expect(lapseWindows(bills(H2_2025), rules, '2025-12-01').at(-1)).toEqual({ lapsedFrom: '2025-12-01', months: ['2025-10', '2025-11'], unpaidMonths: 2 });
  });

  it('no rule, no lapse; malformed input throws', () => {
    expect(lapseWindows(bills(H2_2025), [], '2026-01-01')).toEqual([]);
    expect(() => lapseWindows([{ month: '2025-7', dueDate: '2025-07-15', paidOn: null }], [RULE], '2026-01-01')).toThrow(RangeError);
    expect(() => lapseWindows([...bills(['2025-07']), ...bills(['2025-07'])], [RULE], '2026-01-01')).toThrow(RangeError);
  });
});

describe('arrearsDays', () => {
  it('each day a bill became paid, with what was still overdue then', () => {
    const b = bills(H2_2025, { '2025-07': '2025-10-10', '2025-08': '2025-10-10', '2025-09': '2025-10-20', '2025-10': '2025-10-20' });
    expect(arrearsDays(b, '2025-10-31')).toEqual([
      { day: '2025-10-10', unpaid: ['2025-09'] },
      { day: '2025-10-20', unpaid: [] },
    ]);
    expect(arrearsDays(b, '2025-10-15')).toEqual([{ day: '2025-10-10', unpaid: ['2025-09'] }]);
  });
});

describe('membershipEpisodes', () => {
  it('lapses, and reinstates from the day after the arrears are paid in full', () => {
    const b = bills(H2_2025, { '2025-07': '2025-10-10', '2025-08': '2025-10-10', '2025-09': '2025-10-10' });
    expect(membershipEpisodes(H2_2025, b, [RULE], '2025-10-31', '2025-07-21')).toEqual([{ lapsedFrom: '2025-10-01', reinstatedFrom: '2025-10-11' }]);
  });

  it('a membership not billed for every month of the run does not lapse by it', () => {
    // Started in August (a replacement): Aug–Oct is its first run of three.
    const months = monthsBetween('2025-08', '2025-12');
    expect(membershipEpisodes(months, bills(H2_2025), [RULE], '2025-10-15', '2025-08-05')).toEqual([]);
    expect(membershipEpisodes(months, bills(H2_2025), [RULE], '2025-11-01', '2025-08-05')).toEqual([{ lapsedFrom: '2025-11-01', reinstatedFrom: null }]);
  });

  it('under a new_registration rule paying the arrears does not bring the membership back', () => {
    const rule: DatedLapseRule = { ...RULE, reinstatement: 'new_registration' };
    const b = bills(H2_2025, { '2025-07': '2025-10-10', '2025-08': '2025-10-10', '2025-09': '2025-10-10' });
    expect(membershipEpisodes(H2_2025, b, [rule], '2025-10-31', '2025-07-01')).toEqual([{ lapsedFrom: '2025-10-01', reinstatedFrom: null }]);
  });

  it('arrears paid after the cover would have ended buy nothing back', () => {
    const b = bills(H2_2025, { '2025-10': '2025-10-10', '2025-11': '2025-10-10', '2025-12': '2025-10-10', '2025-07': '2026-01-10', '2025-08': '2026-01-10', '2025-09': '2026-01-10' });
    expect(membershipEpisodes(H2_2025, b, [RULE], '2026-02-01', '2025-07-01', '2025-12-31')).toEqual([{ lapsedFrom: '2025-10-01', reinstatedFrom: null }]);
  });

  it('agrees with lapseHistory for a membership billed every month (400 generated cases)', () => {
    let seed = 4_2025;
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return Math.floor((seed / 2 ** 32) * n);
    };
    const months = monthsBetween('2025-07', '2026-06');
    for (let k = 0; k < 400; k++) {
      const paid: Record<string, string> = {};
      const payments: Payment[] = [];
      for (const m of months) {
        if (rand(4) === 0) continue;
        // Paid on time, or up to five months late.
        const late = rand(3) === 0 ? rand(6) : 0;
        const day = `${(late ? monthsBetween(m, '2027-12')[late]! : m)}-${String(1 + rand(28)).padStart(2, '0')}`;
        paid[m] = day;
        payments.push({ month: m, paidOn: day });
      }
      const today = `2026-${String(1 + rand(12)).padStart(2, '0')}-${String(1 + rand(28)).padStart(2, '0')}`;
      const visible = Object.fromEntries(Object.entries(paid).filter(([, d]) => d <= today));
      const expected = lapseHistory(payments, months, { unpaidMonths: 3, validFrom: RULE.validFrom }, today)
        .filter((e) => e.lapsedFrom <= today)
        .map((e) => ({ lapsedFrom: e.lapsedFrom, reinstatedFrom: e.reinstatedFrom }));
      expect(membershipEpisodes(months, bills(months, visible), [RULE], today, '2025-07-01'), `case ${k}`).toEqual(expected);
    }
  });
});
