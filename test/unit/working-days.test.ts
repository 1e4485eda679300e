import { describe, it, expect } from 'vitest';
import { addWorkingDays, isWorkingDay, weekday, workingDaysBetween } from '../../src/domain/working-days.js';

const NONE = new Set<string>();
// 2025: Wed 31 Dec is not a holiday; Thu 1 Jan 2026 (Tahun Baru) is; 25–26 Dec 2025 (Natal, cuti bersama).
const HOLIDAYS = new Set(['2025-12-25', '2025-12-26', '2026-01-01', '2025-08-17']);

describe('working days', () => {
  it('weekdays', () => {
    expect(weekday('2025-11-21')).toBe(5); // Friday
    expect(isWorkingDay('2025-11-22', NONE)).toBe(false);
    expect(isWorkingDay('2025-12-25', HOLIDAYS)).toBe(false);
    expect(isWorkingDay('2025-12-24', HOLIDAYS)).toBe(true);
  });

  it('3 working days across a weekend: complete Friday → due Wednesday', () => {
    expect(addWorkingDays('2025-11-21', 3, NONE)).toBe('2025-11-26');
    expect(addWorkingDays('2025-11-19', 3, NONE)).toBe('2025-11-24'); // Wed → Mon
    expect(addWorkingDays('2025-11-22', 3, NONE)).toBe('2025-11-26'); // Sat → Wed
    expect(addWorkingDays('2025-11-21', 0, NONE)).toBe('2025-11-21');
  });

  it('3 working days across a weekend and holidays: complete Wed 24 Dec 2025 → due Wed 31 Dec', () => {
    // 25, 26 holidays; 27, 28 weekend; 29 Mon (1), 30 Tue (2), 31 Wed (3)
    expect(addWorkingDays('2025-12-24', 3, HOLIDAYS)).toBe('2025-12-31');
    expect(addWorkingDays('2025-12-30', 3, HOLIDAYS)).toBe('2026-01-05'); // 31, (1 Jan), 2, (3–4), 5
    expect(addWorkingDays('2025-12-24', 3, NONE)).toBe('2025-12-29');
  });

  it('a holiday on a Sunday changes nothing', () => {
    expect(addWorkingDays('2025-08-15', 1, HOLIDAYS)).toBe('2025-08-18');
  });

  it('between: after the first day, up to and including the last', () => {
    expect(workingDaysBetween('2025-11-21', '2025-11-21', NONE)).toBe(0);
    expect(workingDaysBetween('2025-11-21', '2025-11-24', NONE)).toBe(1);
    expect(workingDaysBetween('2025-12-24', '2025-12-31', HOLIDAYS)).toBe(3);
    expect(workingDaysBetween('2025-12-24', '2025-12-31', NONE)).toBe(5);
    expect(workingDaysBetween('2025-12-31', '2025-12-24', HOLIDAYS)).toBe(-3);
  });

  it('between agrees with adding, over many starts and spans', () => {
    const starts = ['2025-12-19', '2025-12-22', '2025-12-24', '2025-12-27', '2025-12-31', '2026-01-03'];
    for (const s of starts) {
      for (let n = 0; n <= 25; n++) {
        expect(workingDaysBetween(s, addWorkingDays(s, n, HOLIDAYS), HOLIDAYS)).toBe(n);
      }
    }
  });
});
