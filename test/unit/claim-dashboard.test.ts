import { describe, expect, it } from 'vitest';
import { addDays } from '../../src/domain/billing.js';
import {
  daysBuckets, paymentTimes, percent, tallyClaims, workingDayCalendar, type ClaimGroupRow, type PaymentDaysRow,
} from '../../src/domain/claim-dashboard.js';
import { workingDaysBetween } from '../../src/domain/working-days.js';

const HOLIDAYS_2026 = ['2026-01-01', '2026-01-16', '2026-02-17', '2026-03-19', '2026-03-20', '2026-03-21', '2026-04-03', '2026-04-05'];

describe('working-day calendar', () => {
  it('counts Monday to Friday without holidays; Friday to Monday is one', () => {
    const cal = workingDayCalendar('2026-02-01', '2026-03-31', HOLIDAYS_2026);
    expect(cal.between('2026-02-13', '2026-02-16')).toBe(1); // Fri → Mon
    expect(cal.between('2026-02-12', '2026-02-18')).toBe(3); // across Imlek (Tue 17 Feb)
    expect(cal.between('2026-03-18', '2026-03-23')).toBe(1); // Nyepi and Idul Fitri, then a weekend
    expect(cal.between('2026-02-18', '2026-02-18')).toBe(0);
    expect(cal.between('2026-02-18', '2026-02-12')).toBe(-3);
    expect(cal.index[0]).toBe(0);
    expect(cal.days).toHaveLength(59);
    expect(() => cal.between('2026-01-31', '2026-02-02')).toThrow(RangeError);
    expect(() => workingDayCalendar('2026-03-01', '2026-02-01', [])).toThrow(RangeError);
  });

  it('agrees with working-days.ts for every pair of days over four months', () => {
    const holidays = new Set(HOLIDAYS_2026);
    const cal = workingDayCalendar('2026-01-01', '2026-04-30', HOLIDAYS_2026);
    for (let i = 0; i < cal.days.length; i += 3) {
      for (let j = 0; j < cal.days.length; j += 5) {
        const a = cal.days[i]!;
        const b = cal.days[j]!;
        expect(cal.between(a, b), `${a} → ${b}`).toBe(workingDaysBetween(a, b, holidays) || 0); // (-0 from a reversed empty span)
      }
    }
  });

  it('a year of days is cheap to index (the dashboard builds one per request)', () => {
    const cal = workingDayCalendar('2019-12-02', addDays('2019-12-02', 366 * 7), HOLIDAYS_2026);
    expect(cal.days.length).toBe(366 * 7 + 1);
    expect(cal.index[cal.index.length - 1]).toBeGreaterThan(1800);
  });
});

describe('time to payment', () => {
  it('average, median, 90th percentile and longest from a histogram', () => {
    expect(paymentTimes([{ days: 3, count: 1 }, { days: 6, count: 1 }, { days: 2, count: 1 }], 2)).toEqual({ paid: 3, withinSla: 2, averageDays: 3.7, medianDays: 3, p90Days: 6, maxDays: 6 });
    expect(paymentTimes([{ days: 1, count: 9 }, { days: 30, count: 1 }], 9)).toMatchObject({ medianDays: 1, p90Days: 1, maxDays: 30, averageDays: 3.9 });
    expect(paymentTimes([], 0)).toEqual({ paid: 0, withinSla: 0, averageDays: null, medianDays: null, p90Days: null, maxDays: null });
  });

  it('buckets around the SLA stay contiguous whatever the SLA', () => {
    const hist = [{ days: 0, count: 1 }, { days: 3, count: 2 }, { days: 4, count: 1 }, { days: 12, count: 1 }, { days: 40, count: 1 }];
    const three = daysBuckets(hist, 3);
    expect(three.map((b) => [b.from, b.to, b.count, b.withinSla])).toEqual([[0, 1, 1, true], [2, 3, 2, true], [4, 5, 1, false], [6, 10, 0, false], [11, 20, 1, false], [21, null, 1, false]]);
    expect(three[1]!.label).toEqual({ id: '2–3 hari kerja', en: '2–3 working days' });
    expect(three[5]!.label.id).toBe('21 hari kerja atau lebih');
    for (const sla of [1, 2, 5, 9, 12, 25]) {
      const b = daysBuckets(hist, sla);
      expect(b.reduce((a, x) => a + x.count, 0), `SLA ${sla}`).toBe(6);
      for (let i = 1; i < b.length; i++) expect(b[i]!.from).toBe(b[i - 1]!.to! + 1);
      expect(b[b.length - 1]!.to).toBeNull();
      expect(b.filter((x) => x.withinSla).at(-1)?.to).toBe(sla);
    }
    expect(daysBuckets(hist, 1)[0]).toMatchObject({ from: 0, to: 1, label: { id: '0–1 hari kerja' } });
  });
});

describe('tallies', () => {
  const g = (regencyCode: string, type: ClaimGroupRow['type'], status: ClaimGroupRow['status'], count: number, entitled: number, approved = 0, extra: Partial<ClaimGroupRow> = {}): ClaimGroupRow =>
    ({ regencyCode, type, status, count, entitled, approved, overdue: 0, onTime: 0, paidWithinSla: 0, ...extra });

  it('folds the groups: open, overdue, decided, paid; amounts of standing claims only', () => {
    const groups = [
      g('53.01', 'jkm_death', 'confirmed', 2, 84_000_000, 84_000_000, { paidWithinSla: 1 }),
      g('53.01', 'jkm_death', 'rejected', 1, 0),
      g('53.01', 'jkm_death', 'submitted', 2, 84_000_000, 0, { overdue: 1, onTime: 1 }),
      g('53.08', 'jkk_death', 'paid', 1, 70_000_000, 68_000_000),
      g('53.08', 'funeral', 'withdrawn', 1, 10_000_000),
      g('53.08', 'jkk_medical', 'draft', 1, 2_000_000),
    ];
    const days: PaymentDaysRow[] = [{ regencyCode: '53.01', type: 'jkm_death', days: 2, count: 1 }, { regencyCode: '53.01', type: 'jkm_death', days: 5, count: 1 }, { regencyCode: '53.08', type: 'jkk_death', days: 9, count: 1 }];
    const t = tallyClaims(groups, days, ['53.01', '53.02', '53.08']);
    expect(t.total).toMatchObject({
      claims: 8, open: 3, overdue: 1, onTime: 1, rejected: 1, withdrawn: 1, approved: 3, paid: 3, confirmed: 2,
      entitledAmount: 240_000_000, approvedAmount: 152_000_000, paidAmount: 152_000_000, confirmedAmount: 84_000_000,
    });
    expect(t.total.timeToPayment).toMatchObject({ paid: 3, withinSla: 1, medianDays: 5, maxDays: 9 });
    expect(t.byRegency.map((r) => [r.regencyCode, r.claims])).toEqual([['53.01', 5], ['53.02', 0], ['53.08', 3]]);
    expect(t.byRegency[0]!.timeToPayment).toMatchObject({ paid: 2, medianDays: 2, averageDays: 3.5 });
    expect(t.byType.find((x) => x.type === 'jkk_death')).toMatchObject({ claims: 1, paidAmount: 68_000_000, entitledAmount: 70_000_000 });
    expect(t.byType).toHaveLength(7);
    expect(t.byStatus.find((s) => s.status === 'submitted')).toEqual({ status: 'submitted', count: 2, entitledAmount: 84_000_000, approvedAmount: 0 });
    expect(t.byStatus.map((s) => s.status)).toEqual(['draft', 'documents_complete', 'submitted', 'approved', 'rejected', 'paid', 'confirmed', 'withdrawn']);
    expect(t.paymentDays).toEqual([{ days: 2, count: 1 }, { days: 5, count: 1 }, { days: 9, count: 1 }]);
  });

  it('nothing at all: zeros, no averages', () => {
    const t = tallyClaims([], [], ['53.01']);
    expect(t.total.claims).toBe(0);
    expect(t.total.timeToPayment.medianDays).toBeNull();
    expect(t.byRegency).toHaveLength(1);
    expect(percent(0, 0)).toBeNull();
    expect(percent(2, 3)).toBe(67);
  });
});
