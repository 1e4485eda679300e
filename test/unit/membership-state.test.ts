import { describe, expect, it } from 'vitest';
import { coveredOn, type MembershipTimeline } from '../../src/domain/coverage.js';
import { endedReasonLabel, ENDED_REASONS, isEndedReason, PLACE_HOLDING_STATES, STATE_LABEL } from '../../src/domain/membership-state.js';

const ended = (over: Partial<MembershipTimeline> = {}): MembershipTimeline => ({
  programmeCode: 'NTT-2025',
  funderName: 'Pemprov NTT',
  state: 'ended',
  periods: [{ from: '2025-07-21', to: '2025-09-30' }],
  coverageStart: '2025-07-01',
  coverageEnd: '2025-12-31',
  endedReason: endedReasonLabel('death'),
  endedOn: '2025-11-05',
  ...over,
});

function reason(t: MembershipTimeline[], date: string) {
  const a = coveredOn(t, date);
  if (a.covered) throw new Error(`covered on ${date}`);
  return a.reason;
}

describe('membership states in words', () => {
  it('a lapse reads "non-aktif (menunggak)" everywhere', () => {
    expect(STATE_LABEL.lapsed).toEqual({ id: 'non-aktif (menunggak)', en: 'lapsed (contributions unpaid)' });
  });

  it('the reasons an operator may give; programme_end is the system\'s', () => {
    expect(ENDED_REASONS).toEqual(['death', 'moved_away', 'wage_earner', 'age_limit', 'duplicate', 'withdrawn']);
    expect(isEndedReason('death')).toBe(true);
    expect(isEndedReason('programme_end')).toBe(false);
    expect(endedReasonLabel('programme_end')).toEqual({ id: 'program berakhir', en: 'programme ended' });
    expect(endedReasonLabel('something_old')).toEqual({ id: 'something_old', en: 'something_old' });
    expect(endedReasonLabel(null)).toBeNull();
  });

  it('a lapsed member still holds the place; waiting and ended do not', () => {
    expect(PLACE_HOLDING_STATES).toContain('lapsed');
    expect(PLACE_HOLDING_STATES).not.toContain('waiting');
    expect(PLACE_HOLDING_STATES).not.toContain('ended');
  });
});

describe('coveredOn for an ended membership', () => {
  it('names the reason in the reader\'s language', () => {
    const t = [ended({ periods: [{ from: '2025-07-21', to: '2025-11-05' }] })];
    expect(reason(t, '2025-11-06').id).toContain('(meninggal dunia)');
    expect(reason(t, '2025-11-06').en).toContain('(died)');
  });

  it('ended while lapsed: the days between were a lapse, then the end', () => {
    const t = [ended()];
    expect(reason(t, '2025-10-10').id).toContain('non-aktif sejak 1 Oktober 2025 (menunggak), lalu berhenti pada 5 November 2025 (meninggal dunia)');
    expect(reason(t, '2025-10-10').en).toContain('lapsed (contributions unpaid) from 1 October 2025 and then ended on 5 November 2025 (died)');
    expect(reason(t, '2025-11-20').en).toContain('the last covered day was 30 September 2025 (died)');
  });

  it('still accepts the reason as plain words (older callers)', () => {
    const t = [ended({ endedReason: 'pindah ke luar NTT', endedOn: null, periods: [{ from: '2025-07-21', to: '2025-10-15' }] })];
    expect(reason(t, '2025-10-20').id).toContain('(pindah ke luar NTT)');
  });
});
